"""Draw docs/images/icons.png: every pictogram in templates/icons/ on one contact sheet, named.

Run from the repository root:  python docs/icon_sheet.py   (needs the test extras: pypdfium2)
"""

import html
import io
from pathlib import Path

import pypdfium2 as pdfium
from weasyprint import HTML

from healthprint.fonts import FONTS

ICONS = Path("templates/icons")
TARGET = Path("docs/images/icons.png")
INK = "#1f2d3d"  # dark ink: stands in for the colour the tool writes over `currentColor`
PER_ROW = 6
DPI = 120

CSS = """
@font-face { font-family: "Sheet Sans"; src: url("%(font)s"); }
@page { size: %(width)smm %(height)smm; margin: 6mm; }
body { margin: 0; font: 7pt/1.2 "Sheet Sans"; color: %(ink)s; }
.cell { float: left; width: 30mm; height: 30mm; text-align: center; }
.cell svg { display: block; width: 20mm; height: 20mm; margin: 2mm auto 1.5mm; }
"""


def main() -> None:
    icons = sorted(ICONS.glob("*.svg"))
    rows = -(-len(icons) // PER_ROW)
    # The font is the project's own (the labels are ASCII), named so no system font can stand in for it.
    css = CSS % {"font": FONTS[0].path.as_uri(), "width": PER_ROW * 30 + 12, "height": rows * 30 + 12, "ink": INK}
    cells = "".join(f'<div class="cell">{path.read_text().replace("currentColor", INK)}'
                    f'<div>{html.escape(path.stem)}</div></div>' for path in icons)
    pdf = HTML(string=f"<style>{css}</style>{cells}").write_pdf()
    image = pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72).to_pil()
    # A few greys are all a dark ink on white needs: a 16-colour palette keeps the PNG small.
    image.convert("L").quantize(16).save(TARGET, optimize=True)
    print(f"{TARGET}: {len(icons)} icons, {TARGET.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
