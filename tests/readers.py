"""Draw PDF pages with four independent readers and compare what they draw.

PDFium (pypdfium2), Poppler (pdftoppm), MuPDF (mutool) and Ghostscript (gs) each have their own font
and PDF code: a page is right only if all four draw the same thing. Pages are compared cell by cell
(2 mm squares), allowing a pixel or two of shift and the readers' different CMYK-to-grey conversion,
so anti-aliasing and placement don't count but a wrong glyph does.
A missing reader is an error, never a skip.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

DPI = 150
CELL = 12  # pixels a side: 2 mm, half a 12 pt character
SHIFT = 2  # pixels either way that a run of text may sit apart in two readers
# The largest mean difference in a cell (0 … 1) counted as equal. Measured: at most 0.17 between the
# four readers on every page of every output (screen and print); at least 0.32 on each page drawn
# with the wrong glyphs of issue 7; 0.19–0.25 for one 12 pt character swapped for another of other
# shape (骨 for 滑 or 胃, e for c), but only 0.10 for look-alikes (日 for 曰).
TOLERANCE = 0.18


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed: the reader tests need Ghostscript, MuPDF and Poppler "
                           f"(Debian packages ghostscript, mupdf-tools, poppler-utils; see .ci/run)")
    return path


def _pdfium(pdf: Path, folder: Path) -> list[Image.Image]:
    return [page.render(scale=DPI / 72).to_pil().convert("L") for page in pdfium.PdfDocument(pdf)]


def _poppler(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run([_tool("pdftoppm"), "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "p")],
                   check=True, capture_output=True)
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))


def _mupdf(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run([_tool("mutool"), "draw", "-q", "-r", str(DPI), "-c", "gray", "-o", str(folder / "m-%d.png"),
                    str(pdf)], check=True, capture_output=True)
    return sorted(folder.glob("m-*.png"), key=lambda p: int(p.stem.split("-")[1]))


def _ghostscript(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run([_tool("gs"), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", f"-r{DPI}",
                    "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-sOutputFile={folder / 'g-%d.png'}", str(pdf)],
                   check=True, capture_output=True)
    return sorted(folder.glob("g-*.png"), key=lambda p: int(p.stem.split("-")[1]))


READERS = {"PDFium": _pdfium, "Poppler": _poppler, "MuPDF": _mupdf, "Ghostscript": _ghostscript}


def draw(pdf: Path) -> dict[str, list[Image.Image]]:
    """Every page of `pdf` as drawn by each reader, in grey."""
    pages = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, reader in READERS.items():
            subfolder = Path(folder) / name
            subfolder.mkdir()
            pages[name] = [page if isinstance(page, Image.Image) else Image.open(page).convert("L")
                           for page in reader(pdf, subfolder)]
    return pages


def _tones_matched(image: Image.Image, reference: Image.Image) -> Image.Image:
    """`image` with its grey levels mapped onto those of `reference` (histogram matching).

    Readers turn CMYK into grey differently (with the output intent's ICC profile or with a plain
    formula): a flat red band comes out a few levels lighter or darker. Matching the tones of the
    whole page undoes that while keeping every shape, so a glyph still has to be the same glyph.
    """
    def cumulative(histogram: list[int]) -> list[float]:
        total, running, result = sum(histogram), 0, []
        for count in histogram:
            running += count
            result.append(running / total)
        return result

    mine, theirs = cumulative(image.histogram()), cumulative(reference.histogram())
    table, level = [], 0
    for fraction in mine:
        while level < 255 and theirs[level] < fraction - 1e-9:
            level += 1
        table.append(level)
    return image.point(table)


def differences(reference: Image.Image, other: Image.Image) -> tuple[int, float]:
    """Cells where the pages differ by more than TOLERANCE, and the largest difference (0 … 1).

    Each cell is compared at the best of the small shifts of up to SHIFT pixels either way, so a line
    of text placed a pixel or two apart (Poppler rounds glyph origins to whole pixels) doesn't count,
    nor does anti-aliasing (a few levels at edges): what is left is the mean difference in a cell.
    """
    size = (min(reference.width, other.width), min(reference.height, other.height))
    first = reference.crop((0, 0, *size))
    second = _tones_matched(other, reference).crop((0, 0, *size))
    cells = None
    for dx in range(-SHIFT, SHIFT + 1):
        for dy in range(-SHIFT, SHIFT + 1):
            shifted = ImageChops.difference(first, ImageChops.offset(second, dx, dy))
            mean = shifted.resize((size[0] // CELL, size[1] // CELL), Image.Resampling.BOX)
            cells = mean if cells is None else ImageChops.darker(cells, mean)
    histogram = cells.histogram()
    limit = int(TOLERANCE * 255)
    largest = max((value for value, count in enumerate(histogram) if count), default=0)
    return sum(histogram[limit + 1:]), largest / 255


def disagreements(pdf: Path) -> list[str]:
    """One line per page where a reader draws something other than PDFium does."""
    pages = draw(pdf)
    problems = []
    for name, drawn in pages.items():
        if len(drawn) != len(pages["PDFium"]):
            problems.append(f"{pdf.name}: {name} draws {len(drawn)} pages, PDFium {len(pages['PDFium'])}")
            continue
        for number, (reference, page) in enumerate(zip(pages["PDFium"], drawn), 1):
            if abs(reference.width - page.width) > 2 or abs(reference.height - page.height) > 2:
                problems.append(f"{pdf.name} page {number}: {name} page is {page.size}, PDFium {reference.size}")
                continue
            cells, largest = differences(reference, page)
            if cells:
                problems.append(f"{pdf.name} page {number}: {name} differs from PDFium in {cells} cells "
                                f"(largest difference {largest:.2f})")
    return problems
