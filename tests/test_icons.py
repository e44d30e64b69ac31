"""The bundled pictograms (templates/icons/): the required ones are there, each in the one form the tool can
recolour safely, each draws something inside its margin, and the README lists exactly them."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from weasyprint import HTML

ICONS = Path(__file__).resolve().parent.parent / "templates" / "icons"
FILES = sorted(ICONS.glob("*.svg"))
REQUIRED = {
    "allergy", "clot", "drip", "pill", "capsule", "bacteria", "virus", "syringe", "vaccine", "thermometer",
    "phone", "hospital", "ambulance", "doctor", "question", "checklist", "calendar", "warning", "child",
    "older-person", "pregnancy", "hand-washing", "mask", "food", "water", "soap", "cough", "heart", "stop",
    "clock", "ask-first",
}
SVG = "{http://www.w3.org/2000/svg}"
ELEMENTS = {"g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon"}
ATTRIBUTES = {"d", "cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "x1", "y1", "x2", "y2", "points",
              "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "fill-rule", "opacity"}
COLOURS = {"none", "currentColor"}  # the tool replaces `currentColor`: any other colour would escape it


def _parse(path: Path) -> ET.Element:
    # Comments and processing instructions (an XML declaration) kept as nodes, so they are seen.
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
    return ET.fromstring(path.read_text(encoding="utf-8"), parser=parser)


def test_the_set_is_complete():
    names = {path.stem for path in FILES}
    assert len(names) >= 24
    assert not REQUIRED - names, f"missing: {sorted(REQUIRED - names)}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_icon_is_a_plain_recolourable_svg(path):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), "name: lower-case words joined by hyphens"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>"), "nothing before or after the root"
    root = _parse(path)
    assert root.tag == SVG + "svg"
    assert root.attrib == {"viewBox": "0 0 48 48"}, "the viewBox alone: the page sets the size"
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else "comment or processing instruction"
        assert not (element.text or "").strip() and not (element.tail or "").strip(), f"text in {tag}"
        if element is root:
            continue
        assert tag.removeprefix(SVG) in ELEMENTS and tag.startswith(SVG), f"element {tag}"
        assert set(element.attrib) <= ATTRIBUTES, f"attributes {set(element.attrib) - ATTRIBUTES} on {tag}"
        for name in ("fill", "stroke"):
            assert element.get(name, "none") in COLOURS, f"{name}={element.get(name)!r} on {tag}"


# Rendering: each icon on a grid of cells, drawn at 2 px per unit (96 px) with empty cell around it a viewBox wide
# on every side, nothing clipped: ink outside the viewBox lands in the icon's cell, where the test sees it.
UNIT, PAD = 2, 96
CELL = 48 * UNIT + 2 * PAD
PER_ROW = 6


def _sheet(files: list[Path]) -> str:
    rows = -(-len(files) // PER_ROW)
    cells = "".join(
        f'<div style="position: absolute; left: {i % PER_ROW * CELL + PAD}px; top: {i // PER_ROW * CELL + PAD}px">'
        f'{path.read_text(encoding="utf-8").replace("currentColor", "#000")}</div>' for i, path in enumerate(files))
    return (f"<style>@page {{ size: {PER_ROW * CELL}px {rows * CELL}px; margin: 0 }} "
            f"svg {{ display: block; width: {48 * UNIT}px; height: {48 * UNIT}px; overflow: visible }}</style>{cells}")


def test_every_icon_draws_inside_its_margin():
    page = pdfium.PdfDocument(HTML(string=_sheet(FILES)).write_pdf())[0]
    image = page.render(scale=96 / 72).to_pil().convert("L")  # 1 CSS px = 1 pixel
    # Ink may be drawn from 2 to 46 units; half a unit more is left to the antialiased edge of the ink.
    low, high = PAD + int(1.5 * UNIT), PAD + int(46.5 * UNIT)
    blank, outside = [], []
    for i, path in enumerate(FILES):
        left, top = i % PER_ROW * CELL, i // PER_ROW * CELL
        cell = image.crop((left, top, left + CELL, top + CELL))
        if sum(cell.histogram()[:128]) < 50:  # dark pixels
            blank.append(path.stem)
        cell.paste(255, (low, low, high, high))  # white where ink may be: what is left dark is out of place
        if cell.getextrema()[0] < 250:
            outside.append(path.stem)
    assert not blank, f"draw nothing: {blank}"
    assert not outside, f"draw into the margin or outside the viewBox: {outside}"


def test_readme_lists_exactly_the_icons():
    readme = (ICONS / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("|")][2:]  # the table, under its header
    listed = [row.split("|")[1].strip() for row in rows]
    assert sorted(listed) == sorted(path.stem for path in FILES)
