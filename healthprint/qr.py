"""QR codes as inline SVG, for a template to put beside the URL it encodes (the clinic's website, the
campaign's online version).

`qr_svg` guarantees, for the same URL and colours, the same bytes:

- Error correction level M, never raised. M restores about 15 % of the symbol (a fold, a scuff, a
  smudge of ink), which L (7 %) does not; Q and H need more modules for the same URL, so smaller
  modules at the same printed size. segno's `boost_error` would raise the level when the version
  allows it; here the level is a fact of the code, not of the URL's length, so the symbol's version
  (its size in modules, `qr_modules`) depends on the URL alone and every code holds what the tests
  and the preflight assume.
- Vector only: one light `<rect>` under one `<path>` of the dark modules (one filled path, so no
  hairline seams between modules where a renderer anti-aliases each shape on its own).
- The 4-module quiet zone the standard requires is inside the SVG's `viewBox` (in module units): text
  or a filled box beside the code can't eat into it unless it overlaps the SVG's box, which the
  preflight (check.qr_findings) reports.
- No width or height: CSS sizes it (the square viewBox keeps it square). No XML declaration, nothing
  it refers to outside itself, no URL in it.
- The root `<svg>` carries `data-qr="<modules, quiet zone included>"`, which the preflight finds it
  by, and `aria-hidden="true"`: the template prints the URL as text under it, so the code is an
  artifact in tagged PDF, as the icons are.
"""

import re

import segno

QUIET_ZONE = 4  # modules of light margin on each side (ISO/IEC 18004)
ERROR_CORRECTION = "M"

_NUMBER = r"(\d*\.?\d+)"
_HEX = re.compile(r"#([0-9A-Fa-f]{6})")
_CMYK = re.compile(rf"device-cmyk\({_NUMBER} {_NUMBER} {_NUMBER} {_NUMBER}\)")


def colour_components(colour: str) -> tuple[str, tuple[float, ...]]:
    """The colour space and components (0–1) of `#rrggbb` ("srgb") or of a `device-cmyk(c m y k)` as
    press.device_cmyk writes it ("device-cmyk"). ValueError for anything else: these are written into
    SVG attributes, so nothing but these forms may get there."""
    if match := _HEX.fullmatch(colour):
        return "srgb", tuple(int(match.group(1)[i:i + 2], 16) / 255 for i in (0, 2, 4))
    if (match := _CMYK.fullmatch(colour)) and all(float(ink) <= 1 for ink in match.groups()):
        return "device-cmyk", tuple(float(ink) for ink in match.groups())
    raise ValueError(f"QR code colour {colour!r}: give #rrggbb or device-cmyk(c m y k) with inks from 0 to 1")


def _symbol(url: str) -> segno.QRCode:
    if not url or not url.isascii() or not url.isprintable() or " " in url:
        raise ValueError(f"QR code URL {url[:40]!r}: give an ASCII URL without spaces "
                         f"(non-ASCII characters percent-encoded)")
    return segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)


def qr_modules(url: str) -> int:
    """How many modules wide the code of `url` is, its quiet zone included: 29 for a URL of up to 14
    characters (any with a lower-case letter), 33 up to 26, 37 up to 42, 41 up to 62…."""
    return _symbol(url).symbol_size(border=QUIET_ZONE)[0]


def qr_svg(url: str, dark: str, light: str) -> str:
    """The QR code of `url` as inline SVG: dark modules in `dark` on `light`, each `#rrggbb` or, for the
    print variant, `device-cmyk(…)` from press.device_cmyk (written in as given: WeasyPrint can't
    resolve `currentColor` to CMYK). A plain string: a template puts it in with `Markup`."""
    for colour in (dark, light):
        colour_components(colour)  # ValueError for anything but the two forms
    symbol = _symbol(url)
    size = symbol.symbol_size(border=QUIET_ZONE)[0]
    runs = []  # one subpath per horizontal run of dark modules
    for y, row in enumerate(symbol.matrix, QUIET_ZONE):
        for match in re.finditer(rb"\x01+", bytes(row)):
            x = match.start() + QUIET_ZONE
            runs.append(f"M{x} {y}h{match.end() - match.start()}v1H{x}z")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" data-qr="{size}" '
            f'aria-hidden="true"><rect width="{size}" height="{size}" fill="{light}"/>'
            f'<path fill="{dark}" d="{"".join(runs)}"/></svg>')
