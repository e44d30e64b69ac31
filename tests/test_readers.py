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
    from healthprint.engine import lay_out, write_pdf

    pages = []
    for character in ("骨", "滑"):
        html = (f'<html lang="zh-Hans"><body><p lang="zh-Hans" style="font-size: 12pt">健康无捷径{character}'
                f'细胞治疗</p></body></html>')
        css = "@page { size: 60mm 20mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK' }"
        font_css, files = font_faces_css("健康无捷径骨滑细胞治疗", tmp_path)
        path = tmp_path / f"{character}.pdf"
        path.write_bytes(write_pdf(lay_out(html, font_css + css, files, "one character"), "screen", "one character"))
        pages.append(readers.draw(path)["PDFium"][0])
    cells, largest = readers.differences(*pages)
    assert cells > 0, largest


def test_subsets_without_identity_cids_are_caught(campaign, tmp_path, monkeypatch):
    """The comparison fails on every page of a PDF made with the subsets main had (their charset kept
    the full font's CIDs): the readers then draw different wrong glyphs."""
    monkeypatch.setattr(fonts, "with_identity_cids", lambda font: font)
    job = plan([campaign], formats={"handout"}, sizes={"a5"}, orders={"zh-Hans+en"})[0]
    problems = readers.disagreements(_write(tmp_path, job.label, build_pdf(job, tmp_path / "cache").pdf))
    pages = {int(line.split(" page ")[1].split(":")[0]) for line in problems}
    assert pages == set(range(1, job.size.pages + 1)), problems


def test_embedded_fonts_map_each_glyph_to_the_cid_of_the_same_number(built, printed):
    """Every embedded font is a bare CID-keyed CFF (/CIDFontType0C) in which glyph n is CID n: the
    codes WeasyPrint writes are valid CIDs."""
    from fontTools.cffLib import CFFFontSet

    for label, (_, pdf) in [*built.items(), *printed.items()]:
        for subtype, data in _font_programs(pdf):
            assert subtype == "/CIDFontType0C", label
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            assert hasattr(cff[0], "ROS"), label  # CID-keyed
            assert all(name == f"cid{gid:05d}" for gid, name in enumerate(cff[0].charset) if gid), label


def test_identity_cids_leave_other_fonts_alone():
    """A font without a CFF table comes back unchanged."""
    font = b"\x00\x01\x00\x00\x00\x00" + bytes(6)
    assert with_identity_cids(font) == font


def _font_programs(pdf: bytes) -> list[tuple[str, bytes]]:
    """(subtype, data) of every embedded font program."""
    document = pikepdf.open(io.BytesIO(pdf))
    programs = [font.DescendantFonts[0].FontDescriptor.FontFile3
                for page in document.pages for font in page.Resources.Font.values()]
    return [(str(program.Subtype), program.read_bytes()) for program in programs]
