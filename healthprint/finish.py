"""Step 6 of the pipeline: finish the PDF WeasyPrint wrote, in one pass with pikepdf.

- Fonts: each embedded OpenType font becomes its bare CFF table (FontFile3 /CIDFontType0C). The
  other tables (cmap, hmtx, name, …) are unused by readers, since the PDF carries widths and the
  Unicode map itself: ≈ 3 KB less per document.
- Font names: the subset tag (`ABCDEF+`) is taken from the font program's content. WeasyPrint derives
  it from the font's name, so every file had the same tag for different subsets, and merged or
  imposed files could swap glyphs.
- A trailer /ID derived from the content (screen PDFs had none), so the same input gives the same bytes.
- Printer's marks (print variant, on request): the MediaBox grows 7 mm past the 3 mm bleed, and crop
  marks (and fold marks on the tri-fold) are drawn in that slug, outside the BleedBox, in the
  Registration colour (/All separation: every plate).
"""

import hashlib
import io
from dataclasses import dataclass

import pikepdf

from .cff import cff_table
from .render import BLEED_MM

MM = 72 / 25.4
SLUG_MM = 7         # room for marks beyond the bleed (at least 5 mm)
MARK_LENGTH_MM = 5
MARK_WIDTH_PT = 0.25


@dataclass(frozen=True)
class Marks:
    """Printer's marks to draw outside each page's BleedBox: crop marks at the corners, and fold marks
    at these distances (mm) from the left trim edge, one tuple per page."""

    folds: tuple[tuple[float, ...], ...] = ()


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


def _registration(document: pikepdf.Pdf) -> pikepdf.Array:
    """The Registration colour space: a separation named /All prints on every plate."""
    tint = document.make_indirect(pikepdf.Dictionary(
        FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1))
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S"


def _marks_content(trim: list[float], folds: tuple[float, ...]) -> bytes:
    """Crop marks at the four corners and fold marks top and bottom, all outside the bleed."""
    left, bottom, right, top = trim
    near, far = BLEED_MM * MM, (BLEED_MM + MARK_LENGTH_MM) * MM  # from the bleed's edge outwards
    lines = []
    for x, outward in ((left, -1), (right, 1)):
        for y, upward in ((bottom, -1), (top, 1)):
            lines.append(_line(x + outward * near, y, x + outward * far, y))  # along the horizontal trim edge
            lines.append(_line(x, y + upward * near, x, y + upward * far))    # along the vertical one
    dashed = [_line(left + fold * MM, top + near, left + fold * MM, top + far) for fold in folds]
    dashed += [_line(left + fold * MM, bottom - near, left + fold * MM, bottom - far) for fold in folds]
    return ("q /Registration CS 1 SCN {w} w 0 J [] 0 d\n{crop}\n[2 1.5] 0 d\n{folds}\nQ".format(
        w=MARK_WIDTH_PT, crop="\n".join(lines), folds="\n".join(dashed))).encode()


def _draw_marks(document: pikepdf.Pdf, marks: Marks) -> None:
    registration = _registration(document)
    slug = SLUG_MM * MM
    for number, page in enumerate(document.pages):
        trim = [float(value) for value in page.obj.TrimBox]
        bleed = [float(value) for value in page.obj.BleedBox]
        page.obj.MediaBox = [bleed[0] - slug, bleed[1] - slug, bleed[2] + slug, bleed[3] + slug]
        resources = page.obj.Resources
        if "/ColorSpace" not in resources:
            resources.ColorSpace = pikepdf.Dictionary()
        resources.ColorSpace.Registration = registration
        folds = marks.folds[number] if number < len(marks.folds) else ()
        # WeasyPrint's content is wrapped in q … Q, so the marks start from the default graphics state.
        page.contents_add(pikepdf.Stream(document, b"q"), prepend=True)
        page.contents_add(pikepdf.Stream(document, b"Q\n" + _marks_content(trim, folds)))


def finish(pdf: bytes, marks: Marks | None = None) -> bytes:
    """`pdf` with bare CFF fonts named by content, a content-derived /ID, and `marks` if given."""
    document = pikepdf.open(io.BytesIO(pdf))
    _finish_fonts(document)
    if marks is not None:
        _draw_marks(document, marks)
    output = io.BytesIO()
    document.save(output, deterministic_id=True, compress_streams=True)
    return output.getvalue()
