"""What a screen reader gets from the screen PDFs (tagged PDF/UA-1): the tagged text with its word
spaces, one H1 and an outline of headings, no decorative marks or icons read aloud, page content in
tag-tree order, and an independent checker's verdict. Read back with Poppler, pikepdf and outloud,
independently of WeasyPrint."""

import re
from pathlib import Path

import outloud
import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml

from healthprint.text import tidy
from structure import elements, headings, spoken, struct_tree

CONTENT = Path(__file__).resolve().parent.parent / "content" / "stem-cell-safety"


def _printed(pdf: bytes) -> str:
    """All text on the pages (PDFium), without white space: to know which texts a format prints."""
    document = pdfium.PdfDocument(pdf)
    return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))


def _content_texts(lang: str) -> list[str]:
    """Every text of a language's content file, as printed (typographic clean-up applied)."""
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(tidy(value, lang))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(yaml.safe_load((CONTENT / f"{lang}.yaml").read_text(encoding="utf-8")))
    return found


def test_tagged_text_keeps_word_spaces_at_line_wraps(built, screen_files):
    """Every content text a PDF prints is, in the tagged text, exactly the text: a space where a line
    wraps between two words (not "Don'tbet"), between inline elements ("cells ≠ zero"), and no space
    added to Chinese lines."""
    for label, path in screen_files.items():
        job, pdf = built[label]
        tagged = spoken(struct_tree(path))
        printed = _printed(pdf)
        for lang in job.langs:
            texts = [text for text in _content_texts(lang) if re.sub(r"\s+", "", text) in printed]
            assert len(texts) >= 10, (label, lang)
            for text in texts:
                assert text in tagged, (label, text)
            for point in job.content.texts[lang].points.items:
                line = f"{tidy(point.left, lang)} ≠ {tidy(point.right, lang)}"
                assert line in tagged, (label, line)


def test_one_h1_then_an_outline_of_headings(built, screen_files):
    """One H1 (the title, in both languages) first; no heading level skipped; each core point is a
    heading, as are the facts where a format prints them."""
    for label, path in screen_files.items():
        job = built[label][0]
        outline = headings(path)
        levels = [level for level, _ in outline]
        assert levels.count(1) == 1 and levels[0] == 1, (label, outline)
        for lang in job.langs:
            assert tidy(job.content.texts[lang].title, lang) in outline[0][1], (label, lang)
        for previous, level in zip(levels, levels[1:]):
            assert level <= previous + 1, (label, outline)
        texts = job.content.texts[job.langs[0]]
        lines = [text for _, text in outline[1:]]
        for point in texts.points.items:
            assert any(tidy(point.left, job.langs[0]) in line for line in lines), (label, point.left)
        if "poster" not in label:
            for fact in texts.facts.items:
                assert any(tidy(fact.title, job.langs[0]) in line for line in lines), (label, fact.title)


def _to_unicode(font) -> dict[bytes, str]:
    """A font's ToUnicode map: two-byte code → text."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    return {bytes.fromhex(code): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", cmap)}


def _marked_content(page):
    """The page content in painting order, as (marked-content context, operator, text) for each tagged
    sequence's start (BDC), text-showing and painting operator: the context is an MCID, "Artifact", or
    None outside any marked content; text for the text-showing operators."""
    fonts = {name: _to_unicode(font) for name, font in page.Resources.get("/Font", {}).items()}
    stack, cmap = [], {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BMC":
            stack.append("Artifact" if operands[0] == "/Artifact" else None)
        elif op == "BDC":
            stack.append("Artifact" if operands[0] == "/Artifact" else operands[1].get("/MCID"))
            yield stack[-1], op, ""
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            cmap = fonts[str(operands[0])]
        elif op in ("Tj", "TJ"):
            strings = operands[0] if op == "TJ" else [operands[0]]
            data = b"".join(bytes(s) for s in strings if isinstance(s, pikepdf.String))
            text = "".join(cmap.get(data[i:i + 2], "\ufffd") for i in range(0, len(data), 2))
            yield (stack[-1] if stack else None), op, text
        elif op in ("f", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh"):
            yield (stack[-1] if stack else None), op, ""


def test_decorative_marks_are_artifacts(tagged_pdfs, screen_files):
    """The big ≠ marks (and the leaflet's ? marks) are painted as artifacts, and no structure element
    consists of a lone mark: a screen reader does not say them. Everything painted is either tagged
    content or an artifact."""
    for label, path in screen_files.items():
        lone_marks = [node["tag"] for node in elements(struct_tree(path))
                      if node["tag"] != "Span" and spoken(node).strip() in ("≠", "?")]
        assert not lone_marks, (label, lone_marks)
        painted = [item for page in tagged_pdfs[label].pages for item in _marked_content(page)]
        assert all(context is not None for context, _, _ in painted), label
        artifact_text = "".join(text for context, _, text in painted if context == "Artifact")
        assert "≠" in artifact_text, label
        if "leaflet" in label:
            assert "?" in artifact_text, label


@pytest.fixture(scope="module")
def tagged_pdfs(screen_files):
    return {label: pikepdf.open(path) for label, path in screen_files.items()}


def _struct_mcids(node, page=None, found=None):
    """(page object id, MCID) of every piece of marked content, in structure-tree (reading) order."""
    found = [] if found is None else found
    page = node.get("/Pg", page)
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, int):
            found.append((page.objgen, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            found.append((kid.get("/Pg", page).objgen, int(kid.MCID)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            _struct_mcids(kid, page, found)
    return found


def _in_order(sequence: list[int]) -> int:
    """How many items of `sequence` are in order: the length of its longest increasing subsequence."""
    tails = []
    for item in sequence:
        index = next((i for i, tail in enumerate(tails) if tail >= item), len(tails))
        tails[index:index + 1] = [item]
    return len(tails)


def test_pages_paint_content_in_tag_tree_order(tagged_pdfs):
    """On every page the marked content is painted in the order of the structure tree, so a tool that
    reads the page (or reflows it) and one that reads the tags say the same thing in the same order."""
    report = []
    for label, pdf in tagged_pdfs.items():
        tree_order = _struct_mcids(pdf.Root.StructTreeRoot)
        for number, page in enumerate(pdf.pages, start=1):
            painted = [context for context, op, _ in _marked_content(page) if op == "BDC" and context is not None]
            by_tree = [mcid for objgen, mcid in tree_order if objgen == page.obj.objgen]
            assert sorted(by_tree) == sorted(painted), (label, number)
            rank = {mcid: index for index, mcid in enumerate(painted)}
            in_order = _in_order([rank[mcid] for mcid in by_tree])
            if in_order < len(by_tree):
                report.append(f"{label} page {number}: {in_order} of {len(by_tree)} in order "
                              f"({100 * in_order / len(by_tree):.0f} %)")
    assert not report, "\n".join(report)


def test_independent_pdf_ua_checker_finds_no_errors(screen_files):
    """outloud (PDF/UA-1 and Matterhorn checkpoints, plus semantic checks: reading order, headings,
    alternative text, fonts and .notdef glyphs) reports no error, and no warning either, on any screen PDF."""
    findings = {}
    for label, path in screen_files.items():
        result = outloud.check(str(path))
        findings[label] = [f"{finding.severity} {finding.rule} p.{finding.page}: {finding.message}"
                           for finding in result.findings if finding.severity in ("error", "warning")]
    assert not any(findings.values()), "\n".join(f"{label}: {line}" for label, found in findings.items()
                                                 for line in found)
