"""The screen variant is a tagged PDF/UA-1: title, document language, a language on every element,
reading order following the content. Read back with pikepdf, independently of WeasyPrint."""

import io

import pikepdf
import pytest


def _elements(node, found=None):
    """Structure elements depth first, in document (reading) order."""
    found = [] if found is None else found
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            found.append(kid)
            _elements(kid, found)
    return found


def _lang(element) -> str | None:
    while element is not None and "/Lang" not in element:
        element = element.get("/P")
        if element is not None and element.get("/Type") != "/StructElem":
            return None
    return None if element is None else str(element.Lang)


@pytest.fixture(scope="module")
def tagged(built):
    return {label: pikepdf.open(io.BytesIO(pdf)) for label, (_, pdf) in built.items()}


def test_pdf_ua_identification_title_and_document_language(tagged, built):
    """Every screen PDF says it is PDF/UA-1, shows its title, and has the primary language as /Lang."""
    for label, pdf in tagged.items():
        job = built[label][0]
        assert str(pdf.Root.Lang) == job.langs[0], label
        assert bool(pdf.Root.MarkInfo.Marked) is True, label
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True, label
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1", label
        title = str(pdf.docinfo.Title)
        assert title.startswith(job.content.texts[job.langs[0]].title), label


def test_every_text_element_has_a_language(tagged):
    """Each structure element holding text (a Span with marked content) resolves to zh-Hans or en."""
    for label, pdf in tagged.items():
        spans = [e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Span"]
        assert spans, label
        langs = {_lang(span) for span in spans}
        assert langs <= {"zh-Hans", "en", "zxx"} and {"zh-Hans", "en"} <= langs, (label, langs)
        assert None not in langs


def test_both_languages_are_tagged_on_paragraphs(tagged):
    """Paragraphs carry their own /Lang: Chinese and English paragraphs alternate as pairs (posters have
    four of each: the message, the urgent-help line, the credit and the slogan)."""
    for label, pdf in tagged.items():
        paragraph_langs = [str(e.Lang) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/P" and "/Lang" in e]
        assert paragraph_langs.count("zh-Hans") >= 4 and paragraph_langs.count("en") >= 4, label


def test_icons_have_alternative_text(tagged):
    """Every figure (the inline SVG icons) carries /Alt, as PDF/UA requires."""
    for label, pdf in tagged.items():
        for figure in (e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"):
            assert str(figure.Alt).strip(), label


def test_reading_order_follows_the_content(tagged):
    """Handouts: title, then the ≠ points, then the questions. Leaflet: cover title before the flap's questions."""
    for label, pdf in tagged.items():
        order = [str(e.S) for e in _elements(pdf.Root.StructTreeRoot)]
        if "poster" in label:
            assert order.index("/H1") < order.index("/P"), label
            continue
        assert order.index("/H1") < order.index("/L"), label
