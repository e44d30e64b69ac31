"""What a PDF draws, glyph by glyph: the glyph ids of its text (pikepdf) and where the ink of a
character sits in its em box (PDFium). For tests of glyph forms: our font subsets keep glyph n = CID n,
so the two-byte codes of the page content are the glyph ids HarfBuzz chose in the subset font."""

import ctypes
import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from healthprint.engine import lay_out, write_pdf
from healthprint.fonts import font_faces_css

EM = 20  # pt: the font size of `draw_html`
STYLE = ("@page { size: 150mm 100mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK'; "
         f"font-size: {EM}pt }}")


def draw_html(body: str, tmp_path: Path, css: str = "") -> tuple[bytes, list[Path]]:
    """`body` laid out and written as a screen PDF with our font subsets; the PDF and the subset files
    (regular first)."""
    html = f'<html lang="en"><body>{body}</body></html>'
    font_css, files = font_faces_css(html + css, tmp_path)
    return write_pdf(lay_out(html, font_css + STYLE + css, files, "glyph test"), "screen", "glyph test"), files


def shown_glyphs(pdf: bytes) -> list[tuple[int, ...]]:
    """The glyph ids each text-showing operator (`Tj`, `TJ`) of the first page draws, in page order:
    one text box of the layout each."""
    runs = []
    document = pikepdf.Pdf.open(io.BytesIO(pdf))  # held: its pages are read from it
    for operands, operator in pikepdf.parse_content_stream(document.pages[0]):
        if str(operator) in ("Tj", "TJ"):
            items = operands[0] if str(operator) == "TJ" else [operands[0]]
            codes = b"".join(bytes(item) for item in items if isinstance(item, pikepdf.String))
            runs.append(tuple(int.from_bytes(codes[i:i + 2], "big") for i in range(0, len(codes), 2)))
    return runs


def ink_centres(pdf: bytes, character: str) -> list[float]:
    """For each `character` on the first page of a `draw_html` PDF, in reading order: the middle of its
    ink from the left edge of its em box, in em (PDFium's tight glyph box against the glyph's origin).
    0.5 is centred; a full stop set to the bottom left is at about 0.2."""
    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    centres = []
    for index in range(textpage.count_chars()):
        if textpage.get_text_range(index, 1) != character:
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        left, _, right, _ = textpage.get_charbox(index)
        centres.append(((left + right) / 2 - x.value) / EM)
    return centres
