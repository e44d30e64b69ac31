"""Every reader draws the same page: PDFium, Poppler, MuPDF and Ghostscript, every page of every output,
screen and print. Ghostscript is what print shops' RIPs are built like; MuPDF and Ghostscript follow
the standard where PDFium and Poppler forgive (CIDs looked up through the font's charset)."""

import io
from pathlib import Path

import pikepdf
import pytest

import readers
from healthprint import fonts
from healthprint.cff import with_identity_cids
from healthprint.pipeline import build_pdf, plan


def _write(folder: Path, label: str, pdf: bytes) -> Path:
    path = folder / (label.replace(" ", "_") + ".pdf")
    path.write_bytes(pdf)
    return path


@pytest.mark.parametrize("variant", ["screen", "print"])
def test_four_readers_draw_every_page_alike(built, printed, variant, tmp_path):
    """Each page drawn by Poppler, MuPDF and Ghostscript has the ink of PDFium's, cell by cell."""
    outputs = built if variant == "screen" else printed
    problems = []
    for label, (_, pdf) in outputs.items():
        problems += readers.disagreements(_write(tmp_path, label, pdf))
    assert not problems, "\n".join(problems)


def test_the_comparison_sees_one_wrong_character(tmp_path):
    """Two pages that differ in one 12 pt character (骨 for 滑) are told apart."""
    from healthprint.fonts import font_faces_css
    from healthprint.layout import lay_out

    pages = []
    for character in ("骨", "滑"):
        html = (f'<html lang="zh-Hans"><body><p lang="zh-Hans" style="font-size: 12pt">健康无捷径{character}'
                f'细胞治疗</p></body></html>')
        css = "@page { size: 60mm 20mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK' }"
        font_css, files = font_faces_css("健康无捷径骨滑细胞治疗", tmp_path)
        path = tmp_path / f"{character}.pdf"
        path.write_bytes(lay_out(html, font_css + css, files, "one character").write_pdf())
        pages.append(readers.draw(path)["PDFium"][0])
    cells, largest = readers.differences(*pages)
    assert cells > 0, largest


def test_subsets_without_identity_cids_are_caught(campaign, tmp_path, monkeypatch):
    """The comparison fails on the subsets main had (charset keeps the full font's CIDs): MuPDF and
    Ghostscript draw other glyphs than PDFium on every page."""
    monkeypatch.setattr(fonts, "with_identity_cids", lambda font: font)
    job = plan([campaign], formats={"handout"}, sizes={"a5"}, orders={"zh-Hans+en"})[0]
    problems = readers.disagreements(_write(tmp_path, job.label, build_pdf(job, tmp_path / "cache").pdf))
    for reader in ("MuPDF", "Ghostscript"):
        assert sum(f": {reader} differs" in line for line in problems) == 4, problems


def test_embedded_fonts_map_each_glyph_to_the_cid_of_the_same_number(built):
    """In every embedded font, glyph n is CID n: the codes WeasyPrint writes are valid CIDs."""
    from fontTools.ttLib import TTFont

    for label, (_, pdf) in built.items():
        for font in _font_programs(pdf):
            order = TTFont(io.BytesIO(font)).getGlyphOrder()
            assert all(name == f"cid{gid:05d}" for gid, name in enumerate(order) if gid), label


def test_identity_cids_leave_other_fonts_alone():
    """A font without a CFF table comes back unchanged."""
    font = b"\x00\x01\x00\x00\x00\x00" + bytes(6)
    assert with_identity_cids(font) == font


def _font_programs(pdf: bytes) -> list[bytes]:
    document = pikepdf.open(io.BytesIO(pdf))
    programs = []
    for page in document.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            programs += [descriptor[key].read_bytes() for key in ("/FontFile2", "/FontFile3") if key in descriptor]
    return programs
