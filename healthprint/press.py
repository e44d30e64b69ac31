"""The print variant (`--print`): what the print shop gets, gathered in one place.

- Colours in CMYK for press (`device-cmyk`), with the bundled CMYK profile as the output intent: body
  ink prints as pure black (0/0/0/100), text in grey solid black and coloured text on its two strongest
  plates (small type in a black screen or on three or four plates blurs on press).
- A 3 mm bleed on every side: the page background, and the fills that reach the trim, run into it.
- PDF/X-4, reproducible: its XMP DocumentID is derived from the output's name (engine.py).
- Printer's marks (on request): the MediaBox grows 7 mm past the bleed, and crop marks (and fold marks
  on the tri-fold) are drawn in that slug, outside the BleedBox, in the Registration colour (/All
  separation: every plate).
"""

import re
from dataclasses import dataclass

import pikepdf

from .engine import Layout, write_pdf
from .finish import finish
from .resources import packaged_path
from .schema import Colours

# Ghostscript's SWOP profile, beside the templates (its licence: templates/print/README).
CMYK_PROFILE = packaged_path("print/default_cmyk.icc")
BLEED_MM = 3
_HEX = re.compile(r"#([0-9A-Fa-f]{6})\b")


def _cmyk(colour: str) -> tuple[float, float, float, float]:
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    black = 1 - max(red, green, blue)
    if black >= 1:
        return 0, 0, 0, 1
    cyan, magenta, yellow = ((1 - value - black) / (1 - black) for value in (red, green, blue))
    return cyan, magenta, yellow, black


def _css_cmyk(inks: tuple[float, ...]) -> str:
    return "device-cmyk({})".format(" ".join(f"{ink:.3f}".rstrip("0").rstrip(".") for ink in inks))


def device_cmyk(colour: str, ink: str) -> str:
    """#RRGGBB as device-cmyk(): body ink prints as pure black (0/0/0/100), greys on the K plate alone."""
    return _css_cmyk((0, 0, 0, 1) if colour.lower() == ink.lower() else _cmyk(colour))


def text_cmyk(colour: str) -> str:
    """#RRGGBB as a device-cmyk() that small text survives on press: a grey becomes solid black (a
    screened K blurs), a colour keeps its two strongest plates (three or four plates never register
    exactly); white stays white."""
    inks = _cmyk(colour)
    if not any(inks):
        return _css_cmyk(inks)
    if not any(inks[:3]):
        return _css_cmyk((0, 0, 0, 1))
    strongest = sorted(range(4), key=lambda plate: -inks[plate])[:2]
    return _css_cmyk(tuple(ink if plate in strongest else 0 for plate, ink in enumerate(inks)))


_TEXT_COLOUR = re.compile(r"(?<![\w-])color:\s*(#[0-9A-Fa-f]{6}|var\(--([\w-]+)\))")
_COLOUR_VARIABLE = re.compile(r"--([\w-]+):\s*(#[0-9A-Fa-f]{6})")  # the campaign's and the house colours


def print_stylesheet(css: str, colours: Colours) -> str:
    """The print variant of `css`: CMYK colours for press, text colours that small type survives, the
    3 mm bleed (`--bleed` lets fills run into it) and the CMYK output intent. Lay it out with the
    profile among the files WeasyPrint may read: `CMYK_PROFILE`."""
    defined = dict(_COLOUR_VARIABLE.findall(css))

    def text_colour(match: re.Match) -> str:
        value = match.group(1) if match.group(2) is None else defined[match.group(2)]
        return f"color: {text_cmyk(value)}"

    css = _TEXT_COLOUR.sub(text_colour, css)
    return (
        f'@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); components: c, m, y, k; }}\n'
        + _HEX.sub(lambda match: device_cmyk(match.group(0), colours.ink), css)
        + f":root {{ --bleed: {BLEED_MM}mm; }}\n"
        # The page background (paper) is painted into the bleed, so it runs off the trimmed edge.
        + f"@page {{ bleed: {BLEED_MM}mm; background: {device_cmyk(colours.paper, colours.ink)}; }}\n"
    )


# ---- Printer's marks ----------------------------------------------------------------------------

MM = 72 / 25.4      # PDF points per mm
SLUG_MM = 7         # room for marks beyond the bleed (at least 5 mm)
MARK_LENGTH_MM = 5
MARK_WIDTH_PT = 0.25


@dataclass(frozen=True)
class Marks:
    """Printer's marks to draw outside each page's BleedBox: crop marks at the corners, and fold marks
    at these distances (mm) from the left trim edge, one tuple per page."""

    folds: tuple[tuple[float, ...], ...] = ()


def write_print(layout: Layout, label: str, marks: Marks | None = None) -> bytes:
    """The finished PDF/X-4 of `layout` (laid out with `print_stylesheet`), with `marks` if given."""
    pdf = write_pdf(layout, "print", label)
    return finish(pdf, None if marks is None else lambda document: _draw_marks(document, marks))


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
