"""Reference images of the pages, as WeasyPrint's own draw tests keep them: every page of every default
output (screen variant, every language order), drawn by PDFium at 36 dpi in 16 grey levels, one small
PNG each in tests/reference/. The test draws the pages again and compares them cell by cell; after an
intended change of the output, `python tests/regenerate_references.py` draws them anew.

A page is compared in cells of 12 pixels (8.5 mm), with no shift allowed: the mean difference of the
two images in a cell (0 … 1) must stay within TOLERANCE, 0.07. Measured on every page of every output:
- the same PDFs drawn by PDFium 6462 (pypdfium2 4.30, the oldest the test extra allows) against these
  references (PDFium 8149, pypdfium2 5.15): at most 0.055 (the anti-aliased edges of fills);
- a whole page moved by one pixel (0.7 mm): at least 0.11; the title's left margin 0.5 mm wider: at
  least 0.13 on every output; all text 0.3 mm to the right (`body` margin): at least 0.125 on each of
  the 8 outputs that still fit;
- the title moved by 0.3 mm right or down: over the tolerance in 19 of the 20 cases; paragraphs moved
  by 0.2 mm: in 5 of 8 outputs. That is about the limit of 36 dpi.
So another PDFium passes, and a move of half a millimetre anywhere fails.
"""

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw

FOLDER = Path(__file__).resolve().parent / "reference"
DPI = 36
LEVELS = 16       # grey levels kept: 4-bit PNGs, half the size of 8-bit ones
CELL = 12         # pixels a side
TOLERANCE = 0.07  # the largest mean difference in a cell counted as equal
REGENERATE = "python tests/regenerate_references.py"


def file_name(job, page: int) -> str:
    """The reference image of page `page` (from 1) of `job`: `<output file name>-p<page>.png`."""
    return f"{Path(job.filename).stem}-p{page}.png"


def draw(pdf: bytes) -> list[Image.Image]:
    """Every page of `pdf` as PDFium draws it at DPI, in LEVELS grey levels."""
    step = 255 / (LEVELS - 1)
    quantise = [round(round(value / step) * step) for value in range(256)]
    return [page.render(scale=DPI / 72).to_pil().convert("L").point(quantise) for page in pdfium.PdfDocument(pdf)]


def save(image: Image.Image, path: Path) -> None:
    """`image` (LEVELS grey levels) as a 4-bit greyscale PNG."""
    step = 255 / (LEVELS - 1)
    indexed = image.point([round(value / step) for value in range(256)]).convert("P")
    indexed.putpalette([round(index * step) for index in range(LEVELS) for _ in range(3)])
    indexed.save(path, optimize=True, bits=4)


def load(path: Path) -> Image.Image:
    return Image.open(path).convert("L")


@dataclass
class Comparison:
    """Where a page differs from its reference: the cells (column, row) over TOLERANCE, the largest
    mean difference of a cell, and both images padded to whole cells."""

    cells: list[tuple[int, int]]
    largest: float
    reference: Image.Image
    page: Image.Image

    def diff_image(self) -> Image.Image:
        """Reference | now | difference (darker: more), side by side, the differing cells framed in red;
        twice the size of the pages, to be read."""
        width, height = self.reference.size
        difference = ImageChops.invert(ImageChops.difference(self.reference, self.page).point(lambda v: min(255, 4 * v)))
        image = Image.new("RGB", (3 * width + 2 * CELL, height), "#808080")
        draw = ImageDraw.Draw(image)
        for panel, picture in enumerate((self.reference, self.page, difference)):
            left = panel * (width + CELL)
            image.paste(picture.convert("RGB"), (left, 0))
            for column, row in self.cells:
                x, y = left + column * CELL, row * CELL
                draw.rectangle((x, y, x + CELL - 1, y + CELL - 1), outline="#ff0000")
        return image.resize((2 * image.width, 2 * image.height), Image.Resampling.NEAREST)


def compare(reference: Image.Image, page: Image.Image) -> Comparison:
    """Cell by cell, without any shift: a page whose text moved must not pass. Pages of different sizes
    are padded with white to the larger one (the extra part then differs)."""
    width = -(-max(reference.width, page.width) // CELL) * CELL
    height = -(-max(reference.height, page.height) // CELL) * CELL
    padded = []
    for image in (reference, page):
        canvas = Image.new("L", (width, height), 255)
        canvas.paste(image, (0, 0))
        padded.append(canvas)
    means = ImageChops.difference(*padded).resize((width // CELL, height // CELL), Image.Resampling.BOX)
    values = means.tobytes()
    limit = TOLERANCE * 255
    cells = [(index % means.width, index // means.width) for index, value in enumerate(values) if value > limit]
    return Comparison(cells, max(values) / 255, *padded)


def check(name: str, page: Image.Image, diff_folder: Path) -> str | None:
    """None if `page` looks like the reference image `name`; otherwise one line saying how it differs and,
    where there is a reference, where the diff image was written."""
    path = FOLDER / name
    if not path.exists():
        return f"{name}: no reference image (a new output or page?)"
    reference = load(path)
    comparison = compare(reference, page)
    if not comparison.cells and reference.size == page.size:
        return None
    diff = diff_folder / f"{path.stem}-diff.png"
    comparison.diff_image().save(diff)
    size = "" if reference.size == page.size else f", page {page.width}×{page.height} px, reference {reference.width}×{reference.height} px"
    return (f"{name}: {len(comparison.cells)} cells differ (largest {comparison.largest:.2f}, tolerance {TOLERANCE})"
            f"{size}; reference | now | difference: {diff}")
