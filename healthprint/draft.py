"""`--draft`: the PDF of text that does not fit, written anyway so a person can see what is wrong.

Each page gets a "DRAFT — does not fit" band at its top and a magenta outline around every line that
does not fit (or around the slot whose text was left out); the title says DRAFT too. The marks are
drawn over the finished page, so text hidden under another box is outlined on top of it, and are
tagged as artifacts: they are not part of the document's content.
"""

import io

import pikepdf

from .check import Misfit

MARK = "DRAFT — does not fit"
_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in), PDF user space is in points (1/72 in)
_MAGENTA = "0 1 0 0"  # CMYK: visible on screen, and allowed in a print (PDF/X) file


def _overlay(misfits: list[Misfit], page: int, trim: list[float], font: str) -> bytes:
    """PDF drawing operators for one page's marks, in the page's own coordinates."""
    left, bottom, right, top = trim
    ops = ["/Artifact BMC q"]
    rects = []
    for number, x, y, width, height in (o for misfit in misfits for o in misfit.outlines):
        if number != page:
            continue
        # Clamped to the page: a line that ran off the paper is outlined along the edge it crossed.
        x0 = min(max(left + x * _PX_TO_PT - 1, left + 1), right - 3)
        x1 = min(max(left + (x + width) * _PX_TO_PT + 1, x0 + 2), right - 1)
        y0 = min(max(top - (y + height) * _PX_TO_PT - 1, bottom + 1), top - 3)
        y1 = min(max(top - y * _PX_TO_PT + 1, y0 + 2), top - 1)
        rects.append(f"{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re")
    # A wide magenta line with a thin white one inside: visible on paper and on the coloured bands.
    ops += [f"{_MAGENTA} K 2.5 w", *rects, "S", "0 0 0 0 K 0.6 w", *rects, "S"]
    # The mark sits in the top margin (every format has at least 8 mm), clear of the text.
    size, height = 11, 16
    width = size * 0.6 * len(MARK) + 10  # Helvetica Bold averages about 0.6 em a character
    ops.append(f"{_MAGENTA} k {left + 6:.2f} {top - 2 - height:.2f} {width:.2f} {height} re f")
    text = MARK.encode("cp1252").decode("latin-1")  # WinAnsi: the em dash is the one byte 0x97
    ops.append(f"0 0 0 0 k BT /{font} {size} Tf {left + 11:.2f} {top - 2 - height + 4.5:.2f} Td ({text}) Tj ET")
    ops.append("Q EMC")
    return "\n".join(ops).encode("latin-1")


def mark_draft(pdf: bytes, misfits: list[Misfit]) -> bytes:
    """`pdf` with the draft mark on every page, the misfits outlined and "DRAFT" in its title."""
    document = pikepdf.open(io.BytesIO(pdf))
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name("/Helvetica-Bold"), Encoding=pikepdf.Name.WinAnsiEncoding)
    for index, page in enumerate(document.pages):
        name = page.add_resource(font, pikepdf.Name.Font, prefix="Draft")
        # WeasyPrint lays the page out from the top left of the trim box (the paper, without bleed).
        trim = [float(value) for value in page.obj.get("/TrimBox", page.mediabox)]
        # The page's own drawing may leave its graphics state changed: keep it to itself.
        page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(document, b"Q\n" + _overlay(misfits, index, trim, str(name)[1:])))
    title = f"{MARK}: {document.docinfo.get('/Title', '')}"
    document.docinfo["/Title"] = title
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        metadata["dc:title"] = title
    output = io.BytesIO()
    document.save(output, deterministic_id=True)
    return output.getvalue()
