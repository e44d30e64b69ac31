"""Step 6 of the pipeline: finish the PDF WeasyPrint wrote, in one pass with pikepdf.

- Fonts: each embedded OpenType font becomes its bare CFF table (FontFile3 /CIDFontType0C). The
  other tables (cmap, hmtx, name, …) are unused by readers, since the PDF carries widths and the
  Unicode map itself: ≈ 3 KB less per document.
- Font names: the subset tag (`ABCDEF+`) is taken from the font program's content. WeasyPrint derives
  it from the font's name, so every file had the same tag for different subsets, and merged or
  imposed files could swap glyphs.
- A trailer /ID derived from the content (screen PDFs had none), so the same input gives the same bytes.
- Whatever else the variant adds in the same pass (the print variant's marks: press.py).
"""

import hashlib
import io
from typing import Callable

import pikepdf

from .cff import cff_table


def _tag(program: bytes) -> str:
    """Six capital letters from the font program's content, as PDF subset tags are written."""
    digest = hashlib.sha256(program).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _finish_fonts(document: pikepdf.Pdf) -> None:
    for page in document.pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0]
            descriptor = descendant.FontDescriptor
            program = descriptor.FontFile3
            if program.get("/Subtype") == "/OpenType":
                program.write(cff_table(program.read_bytes()))  # compressed when the file is saved
                program.Subtype = pikepdf.Name.CIDFontType0C
            name = str(font.BaseFont)[1:].split("+", 1)[-1]
            font.BaseFont = descendant.BaseFont = descriptor.FontName = pikepdf.Name(
                f"/{_tag(program.read_bytes())}+{name}")


def finish(pdf: bytes, also: Callable[[pikepdf.Pdf], None] | None = None) -> bytes:
    """`pdf` with bare CFF fonts named by content and a content-derived /ID, changed by `also` too if given."""
    document = pikepdf.open(io.BytesIO(pdf))
    _finish_fonts(document)
    if also is not None:
        also(document)
    output = io.BytesIO()
    document.save(output, deterministic_id=True, compress_streams=True)
    return output.getvalue()
