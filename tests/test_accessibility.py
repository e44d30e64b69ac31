"""The screen variant is a tagged PDF/UA-1: title, document language, a language on every element,
graphics as figures with alternative text or as artifacts, reading order following the content. Read
back with pikepdf and Poppler, independently of WeasyPrint; what to expect is taken from the content
and from the HTML each output is made from."""

import io
import re
from html.parser import HTMLParser

import pikepdf
import pytest

from healthprint.fonts import font_faces_css
from healthprint.engine import lay_out, write_pdf
from healthprint.text import tidy
from structure import headings, spoken, struct_tree

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


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


class _Graphics(HTMLParser):
    """The graphics of an HTML page in document order, as WeasyPrint tags them (an <img> or an inline
    <svg> becomes a /Figure): [tag, decorative, alternative text]. Decorative: `aria-hidden="true"` on it
    or on an element around it (drawn as an artifact, left out of the tag tree). Alternative text: an
    <img>'s `alt`, an <svg>'s own <title>."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[list] = []
        self.open: list[tuple[str, bool]] = []  # (tag, hidden) of the elements we are in
        self.title: list | None = None  # the graphic whose <title> is being read
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = attrs.get("aria-hidden") == "true" or any(inside for _, inside in self.open)
        if tag in ("img", "svg"):
            self.found.append([tag, hidden, attrs.get("alt") or ""])
        elif tag == "title" and self.open and self.open[-1][0] == "svg" and not self.found[-1][2]:
            self.title = self.found[-1]
        if tag not in self.VOID:
            self.open.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag == "title":
            self.title = None
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.title is not None:
            self.title[2] += data


def _figures(pdf: pikepdf.Pdf) -> list[str]:
    """The /Alt of every /Figure of the tag tree, in reading order."""
    return [str(e.get("/Alt", "")) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]


def test_graphics_are_figures_with_alternative_text_or_artifacts(tagged, rendered, screen_files):
    """Every graphic of the HTML an output is made from (the icons, the pictogram) is either decorative,
    an artifact not read aloud, or a /Figure whose /Alt is its alternative text. A figure says something
    of its own (not the heading beside it), in both languages of the document. Each output has graphics:
    a test of none would pass on nothing."""
    for label, pdf in tagged.items():
        graphics = _Graphics(rendered[label][1]).found
        assert graphics, label
        informative = [alt.strip() for _, decorative, alt in graphics if not decorative]
        assert [alt.strip() for alt in _figures(pdf)] == informative, label
        said = {text.strip() for _, text in headings(screen_files[label])}
        said |= {part.strip() for heading in said for part in heading.split(" / ")}
        for alt in informative:
            assert alt and alt not in said, (label, alt)
            assert CJK.search(alt) and LATIN.search(alt), (label, alt)


def test_a_figure_keeps_its_alternative_text_and_a_decorative_graphic_is_left_out(tmp_path):
    """The templates' graphics are all decorative today, so the path a figure takes is shown on a page
    of its own: an informative <svg> with a <title> becomes the one /Figure, with that /Alt; the
    decorative one is left out of the tag tree."""
    svg = '<svg viewBox="0 0 10 10" width="10mm" height="10mm"{}>{}<circle cx="5" cy="5" r="4"/></svg>'
    html = ('<html lang="en"><body><p lang="en">Ask first</p>'
            + svg.format("", "<title>先问清楚 / Ask first</title>")
            + svg.format(' aria-hidden="true"', "") + "</body></html>")
    css = "@page { size: 60mm 40mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK' }"
    font_css, files = font_faces_css(html, tmp_path)
    pdf = pikepdf.open(io.BytesIO(write_pdf(lay_out(html, font_css + css, files, "figure"), "screen", "figure")))
    assert [[tag, decorative, alt] for tag, decorative, alt in _Graphics(html).found] == [
        ["svg", False, "先问清楚 / Ask first"], ["svg", True, ""]]
    assert _figures(pdf) == ["先问清楚 / Ask first"]


# What each format reads first to last, in each language (the title always first): the texts of the
# content that the tagged text must hold in this order.
READING_ORDER = {
    "handout": lambda t: [t.title, *_points(t), *t.checklist.items],
    "leaflet": lambda t: [t.title, *t.checklist.items, *_points(t)],  # cover, flap, back, then the inside
    "poster": lambda t: [t.title, *_points(t), t.key_question, t.urgent.text],
}


def _points(texts) -> list[str]:
    return [f"{point.left} ≠ {point.right}" for point in texts.points.items]


def test_reading_order_follows_the_content(built, screen_files):
    """In the tag tree (what a screen reader reads, in order), in each language, the title comes first;
    then handouts read the ≠ points, then the questions to ask; the leaflet the cover's title, the
    flap's questions, then the ≠ points of the inside; posters the ≠ lines, the question that decides,
    then when to stop the drip and call. Each list in its own order (point 1, 2, 3)."""
    for label, path in screen_files.items():
        job = built[label][0]
        assert job.format in READING_ORDER, f"{label}: say in READING_ORDER what this format reads in which order"
        tagged_text = spoken(struct_tree(path))
        for lang in job.langs:
            texts = [tidy(text, lang) for text in READING_ORDER[job.format](job.content.texts[lang])]
            missing = [text for text in texts if text not in tagged_text]
            assert not missing, (label, missing)
            positions = [tagged_text.index(text) for text in texts]
            read = [text for _, text in sorted(zip(positions, texts))]
            assert read == texts, (label, lang, read)
