"""Each of engine.py's patches to WeasyPrint is still needed: with it the PDF is right, without it (the
patch taken out of `PATCHES`) the problem it is there for comes back. And the patches are in place
only while WeasyPrint lays out or writes."""

import ctypes.util
import io
import re
import subprocess

import pikepdf
import pytest
from fontTools import subset as fonttools_subset

from healthprint import engine
from healthprint.engine import PATCHES, lay_out, write_pdf
from healthprint.errors import LayoutError
from healthprint.fonts import font_faces_css
from healthprint.press import CMYK_PROFILE

STYLE = ("@page { size: 100mm 60mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK'; "
         "font-size: 12pt }")
PRINT = f'@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); components: c, m, y, k; }}'
DATES = '<meta name="dcterms.created" content="2026-11-25"><meta name="dcterms.modified" content="2026-11-25">'

with_and_without = pytest.mark.parametrize("patched", [True, False], ids=["patched", "unpatched"])


def _patch(name: str, patched: bool, monkeypatch) -> None:
    """Take the patch `name` out for this test unless `patched`."""
    if not patched:
        monkeypatch.delitem(PATCHES, name)


def _pdf(body: str, tmp_path, variant: str = "screen") -> bytes:
    html = f'<html lang="en"><head><title>Test</title>{DATES}</head><body>{body}</body></html>'
    font_css, files = font_faces_css(html, tmp_path)
    css = font_css + STYLE + (PRINT if variant == "print" else "")
    return write_pdf(lay_out(html, css, files + [CMYK_PROFILE], "test"), variant, "test")


def _tagged_text(pdf: bytes, tmp_path) -> str:
    """The text of the structure tree, as a screen reader gets it (Poppler's `pdfinfo -struct-text`)."""
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    return "".join(line.strip()[1:-1] for line in out.splitlines() if line.strip().startswith('"'))


@with_and_without
def test_fonts_are_trimmed_with_harfbuzz(patched, monkeypatch, tmp_path):
    """WeasyPrint trims each embedded font to the glyphs used. Without the system's libharfbuzz-subset
    (as on these machines) it does so with fontTools: 0.25–0.74 s instead of 3 ms for the fonts of an
    A4 handout, and a warning, which fails the build. (With that library it would use HarfBuzz too.)"""
    _patch("fonts", patched, monkeypatch)
    used = []
    trim = fonttools_subset.Subsetter.subset
    monkeypatch.setattr(fonttools_subset.Subsetter, "subset", lambda self, font: used.append(font) or trim(self, font))
    fonttools_expected = not patched and ctypes.util.find_library("harfbuzz-subset") is None
    if fonttools_expected:
        with pytest.raises(LayoutError, match="Using fontTools instead of HarfBuzz-Subset"):
            _pdf('<p lang="en">Fonts</p>', tmp_path)
    else:
        _pdf('<p lang="en">Fonts</p>', tmp_path)
    assert bool(used) == fonttools_expected


@with_and_without
def test_every_element_carries_its_language(patched, monkeypatch, tmp_path):
    """Each paragraph's structure element has the /Lang of its HTML element, not only the document."""
    _patch("lang", patched, monkeypatch)
    pdf = pikepdf.open(io.BytesIO(_pdf('<p lang="zh-Hans">中文</p><p lang="en">English</p>', tmp_path)))
    paragraphs = [element for element in _struct_elements(pdf.Root.StructTreeRoot) if element.S == "/P"]
    assert [str(element.get("/Lang", "")) for element in paragraphs] == (["zh-Hans", "en"] if patched else ["", ""])


def _struct_elements(node):
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _struct_elements(kid)


@with_and_without
def test_the_space_where_a_line_wraps_is_in_the_tagged_text(patched, monkeypatch, tmp_path):
    """A screen reader reads "Don't bet", not "Don'tbet", across a line wrap."""
    _patch("wrap spaces", patched, monkeypatch)
    pdf = _pdf('<p lang="en" style="width: 15mm">Don’t bet on miracles</p>', tmp_path)
    assert ("Don’t bet on miracles" in _tagged_text(pdf, tmp_path)) == patched


@with_and_without
def test_a_space_between_two_inline_elements_is_in_the_tagged_text(patched, monkeypatch, tmp_path):
    """The space between two spans is a text box of its own, which WeasyPrint does not draw."""
    _patch("blank texts", patched, monkeypatch)
    pdf = _pdf('<p lang="en"><b>Cells</b> <i>zero</i></p>', tmp_path)
    assert ("Cells zero" in _tagged_text(pdf, tmp_path)) == patched


@with_and_without
def test_a_decorative_element_is_an_artifact(patched, monkeypatch, tmp_path):
    """`aria-hidden="true"`: painted as an artifact and not in the structure tree, so not read aloud."""
    _patch("artifacts", patched, monkeypatch)
    pdf = _pdf('<p lang="en">Stem cells <span aria-hidden="true">≠</span> miracles</p>', tmp_path)
    assert ("≠" in _tagged_text(pdf, tmp_path)) != patched
    content = b"".join(page.Contents.read_bytes() for page in pikepdf.open(io.BytesIO(pdf)).pages)
    assert bool(re.search(rb"/Artifact\s+BMC", content)) == patched


@with_and_without
def test_the_pdf_x_document_id_follows_the_output_name(patched, monkeypatch, tmp_path):
    """PDF/X's XMP DocumentID is random in WeasyPrint: two writes of the same output differ."""
    _patch("document id", patched, monkeypatch)
    ids = []
    for _ in range(2):
        with pikepdf.open(io.BytesIO(_pdf('<p lang="en">Print</p>', tmp_path, "print"))) as pdf:
            ids.append(re.search(rb"xmp\.did:([-0-9a-f]+)", pdf.Root.Metadata.read_bytes()).group(1))
    assert (ids[0] == ids[1]) == patched


def test_patches_are_in_place_only_while_weasyprint_works(tmp_path):
    """Importing healthprint changes nothing in WeasyPrint; laying out and writing leave it as it was."""
    replacements = [replacement for patch in PATCHES.values() for replacement in patch]

    def patched() -> list[str]:
        return [name for owner, name, new in replacements if owner.__dict__[name] is new]

    assert patched() == []
    _pdf('<p lang="en">Text</p>', tmp_path)
    assert patched() == [] and engine._active == {}


@with_and_without
def test_a_line_that_fits_but_for_its_last_space_is_not_cut_after_its_first_word(patched, monkeypatch, tmp_path):
    """Before a no-break span, a text that fits its line once its last space hangs: with the patch
    the line holds the whole text and breaks before the span; without it, only "Before"."""
    _patch("hanging space", patched, monkeypatch)
    html = ('<html lang="en"><body><p lang="en" style="width: 169.8mm; font-size: 15pt; line-height: 1.4">'
            'Before any cell treatment, ask for proof it works and is safe. Don’t bet '
            '<span style="white-space: nowrap">on a “miracle.”</span></p></body></html>')
    font_css, files = font_faces_css(html, tmp_path)
    layout = lay_out(html, font_css + "html { font-family: 'Healthprint Noto Sans CJK' }", files, "test")
    first_line = [text.text for text in layout.pages[0].texts if text.line == layout.pages[0].texts[0].line]
    assert ("".join(first_line).strip().endswith("Don’t bet")) == patched
