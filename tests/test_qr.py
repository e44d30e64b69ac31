"""QR codes: what qr_svg writes, that a phone's decoder (zxing-cpp) reads the URL back from the drawn
page, screen and print, and the preflight's findings on their size, quiet zone and colours."""

import io
import re
from xml.etree import ElementTree

import pikepdf
import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp

from healthprint.check import QR_MIN_MM, qr_findings
from healthprint.engine import lay_out, write_pdf
from healthprint.fonts import font_faces_css
from healthprint.press import CMYK_PROFILE, device_cmyk
from healthprint.qr import qr_modules, qr_svg

SHORT = "https://example.org/"
LONG = ("https://clinic.example.org/campaigns/stem-cell-safety/online-version?lang=zh-Hans&utm_source=leaflet"
        "&utm_medium=print&ref=2025-08-29#when-to-call")
INK, PAPER = "#1a1a1a", "#ffffff"
SVG = "{http://www.w3.org/2000/svg}"
MM = 96 / 25.4  # CSS px per mm
STYLE = ("@page { size: 80mm 80mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK'; "
         "font-size: 12pt } body { margin: 0 } svg { display: block; width: 25mm }")
PRINT = f'@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); components: c, m, y, k; }}'


def _layout(body: str, tmp_path, css: str = ""):
    html = f'<html lang="en"><head><title>QR</title></head><body>{body}</body></html>'
    font_css, files = font_faces_css(html, tmp_path)
    return lay_out(html, font_css + STYLE + css, files + [CMYK_PROFILE], "test")


def _decoded(pdf: bytes) -> list[zxingcpp.Barcode]:
    """The QR codes zxing-cpp finds on the first page drawn by PDFium at 300 dpi."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    return [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def _runs(svg: str) -> list[tuple[int, int, int]]:
    """(x, y, length) of each run of dark modules in the path qr_svg writes."""
    path = ElementTree.fromstring(svg).find(f"{SVG}path")
    return [(int(x), int(y), int(length)) for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1H\1z", path.get("d"))]


# ---- What qr_svg writes -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SHORT, LONG])
def test_the_svg_is_one_light_square_and_one_dark_path_sized_by_css(url):
    svg = qr_svg(url, INK, PAPER)
    root = ElementTree.fromstring(svg)
    size = qr_modules(url)
    assert svg.startswith("<svg ") and svg == qr_svg(url, INK, PAPER)  # no XML declaration; deterministic
    assert root.tag == f"{SVG}svg" and root.attrib == {"viewBox": f"0 0 {size} {size}", "data-qr": str(size),
                                                       "aria-hidden": "true"}  # no width, no height
    assert [(child.tag, child.attrib) for child in root] == [
        (f"{SVG}rect", {"width": str(size), "height": str(size), "fill": PAPER}),
        (f"{SVG}path", {"fill": INK, "d": root[1].get("d")})]
    assert "href" not in svg and "url(" not in svg  # refers to nothing outside itself


@pytest.mark.parametrize("url", [SHORT, LONG])
def test_the_quiet_zone_is_four_modules_inside_the_viewbox(url):
    """The path draws segno's matrix (level M) module for module, moved 4 modules in from the viewBox's
    top left corner; its finder patterns reach 4 modules from the other edges."""
    size = qr_modules(url)
    drawn = [bytearray(size) for _ in range(size)]
    for x, y, length in _runs(qr_svg(url, INK, PAPER)):
        drawn[y][x:x + length] = b"\x01" * length
    matrix = segno.make_qr(url, error="M", boost_error=False).matrix
    assert drawn == [bytearray(size)] * 4 + [bytearray(4) + row + bytearray(4) for row in matrix] + [bytearray(size)] * 4


def test_the_size_depends_on_the_url_alone_at_level_m():
    """A longer URL needs more modules; a short one is version 1 (21 modules) + the quiet zone."""
    assert qr_modules("https://a.org") == 21 + 8
    assert qr_modules(LONG) > qr_modules(SHORT)


@pytest.mark.parametrize("colour", ["red", "#fff", "#1a1a1a\" onload=\"x", "device-cmyk(0 0 0 2)",
                                    "device-cmyk(0, 0, 0, 1)", "currentColor"])
def test_only_hex_and_device_cmyk_colours_are_written_in(colour):
    with pytest.raises(ValueError, match="QR code colour"):
        qr_svg(SHORT, colour, PAPER)
    with pytest.raises(ValueError, match="QR code colour"):
        qr_svg(SHORT, INK, colour)


@pytest.mark.parametrize("url", ["", "https://example.org/健康", "https://example.org/a b", "https://e.org/\n"])
def test_a_url_must_be_ascii_without_spaces(url):
    with pytest.raises(ValueError, match="QR code URL"):
        qr_svg(url, INK, PAPER)


# ---- Read back from the drawn page --------------------------------------------------------------


@pytest.mark.parametrize("url", [SHORT, LONG])
def test_the_url_is_read_back_from_the_screen_pdf(url, tmp_path):
    """zxing-cpp decodes the drawn page to the URL, character for character, at level M: not raised
    (segno would raise a short URL's level to Q or H, had we let it)."""
    assert segno.make_qr(SHORT, error="M").error != "M"  # what boost_error=False prevents
    layout = _layout(f'{qr_svg(url, INK, PAPER)}<p lang="en">{url[:30]}</p>', tmp_path)
    [code] = _decoded(write_pdf(layout, "screen", "test"))
    assert (code.text, code.ec_level) == (url, "M")


def test_the_url_is_read_back_from_the_print_pdf_drawn_in_cmyk(tmp_path):
    """The print variant: dark modules in solid black (K only, device_cmyk of the ink) on device-cmyk
    paper, in a PDF/X-4 with the CMYK profile."""
    dark, light = device_cmyk(INK, INK), device_cmyk(PAPER, INK)
    assert (dark, light) == ("device-cmyk(0 0 0 1)", "device-cmyk(0 0 0 0)")
    layout = _layout(qr_svg(LONG, dark, light), tmp_path, PRINT)
    pdf = write_pdf(layout, "print", "test")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        content = document.pages[0].Contents.read_bytes()
    assert re.search(rb"/DeviceCMYK cs\s+0 0 0 0 scn.*/DeviceCMYK cs\s+0 0 0 1 scn", content, re.S)
    [code] = _decoded(pdf)
    assert code.text == LONG


def test_the_engine_knows_where_the_code_is_drawn(tmp_path):
    """Page.graphics: the SVG's element and its content box, in CSS px from the page's corner."""
    layout = _layout(f'<p lang="en" style="margin: 0">Visit us</p><div style="padding-left: 10mm">{qr_svg(SHORT, INK, PAPER)}</div>',
                     tmp_path)
    [graphic] = layout.pages[0].graphics
    [text] = layout.pages[0].texts
    assert graphic.element.get("data-qr") == str(qr_modules(SHORT))
    assert (graphic.x, graphic.width, graphic.height) == pytest.approx((15 * MM, 25 * MM, 25 * MM))
    assert graphic.y == pytest.approx(text.line.y + text.line.height)


# ---- Preflight ----------------------------------------------------------------------------------


def _findings(body: str, tmp_path, min_mm: float = QR_MIN_MM, css: str = "") -> list[str]:
    return qr_findings(_layout(body, tmp_path, css), min_mm, "test")


def test_a_good_code_passes(tmp_path):
    """25 mm, ink on white, the URL close under it, on a coloured panel (around the code: no intruder)."""
    body = (f'<div style="background: #e8f0f8; padding: 3mm">{qr_svg(LONG, INK, PAPER)}'
            f'<p lang="en" style="margin: 1mm 0 0">clinic.example.org</p></div>')
    layout = _layout(body, tmp_path)
    assert [graphic.element.get("data-qr") for graphic in layout.pages[0].graphics] == [str(qr_modules(LONG))]
    assert qr_findings(layout, QR_MIN_MM, "test") == []


@pytest.mark.parametrize("css, min_mm, message", [
    ("svg { width: 17mm }", QR_MIN_MM, "test: page 1, QR code 17.0 mm wide, needs ≥ 20 mm"),
    ("", 40, "test: page 1, QR code 25.0 mm wide, needs ≥ 40 mm"),  # a poster's minimum
    ("svg { width: 30mm; height: 18mm }", QR_MIN_MM, "test: page 1, QR code 18.0 mm wide, needs ≥ 20 mm"),
], ids=["handout", "poster", "box not square"])
def test_a_code_too_small_is_an_error(css, min_mm, message, tmp_path):
    """Measured on the square the code is drawn in: a box of another shape holds it centred, as large
    as its shorter side."""
    assert _findings(qr_svg(SHORT, INK, PAPER), tmp_path, min_mm, css) == [message]


@pytest.mark.parametrize("into, zone", [(2, "the QR code's quiet zone"), (8, "the QR code")])
def test_text_over_the_code_is_an_error(into, zone, tmp_path):
    """The quiet zone of a 25 mm code of 33 modules is 3.0 mm wide: 2 mm into it stays in the zone."""
    assert qr_modules(SHORT) == 33
    body = (f'{qr_svg(SHORT, INK, PAPER)}'
            f'<p lang="en" style="margin: -{into}mm 0 0; line-height: 1">Visit us</p>')
    assert _findings(body, tmp_path) == [f"test: page 1, text 'Visit us' overlaps {zone}"]


def test_a_filled_box_or_another_graphic_over_the_code_is_an_error(tmp_path):
    icon = '<svg class="icon" viewBox="0 0 1 1" style="width: 6mm; margin-top: -4mm"><path d="M0 0h1v1H0z"/></svg>'
    body = (f'{qr_svg(SHORT, INK, PAPER)}<div class="band" style="background: #e8f0f8; height: 4mm; '
            f'margin-top: -2mm"></div>{icon}')
    assert _findings(body, tmp_path) == [
        "test: page 1, filled box <div.band> overlaps the QR code's quiet zone",
        "test: page 1, graphic <svg.icon> overlaps the QR code's quiet zone"]


@pytest.mark.parametrize("dark, light, message", [
    ("#888888", PAPER, "test: page 1, QR code contrast 3.5:1, needs ≥ 7:1"),
    (device_cmyk("#767676", INK), device_cmyk(PAPER, INK), "test: page 1, QR code contrast 4.5:1, needs ≥ 7:1"),
    (PAPER, INK, "test: page 1, QR code: light modules on a dark background; many readers need dark on light"),
], ids=["grey", "grey in cmyk", "inverted"])
def test_low_contrast_or_an_inverted_code_is_an_error(dark, light, message, tmp_path):
    css = PRINT if dark.startswith("device-cmyk") else ""
    assert _findings(qr_svg(SHORT, dark, light), tmp_path, css=css) == [message]


@pytest.mark.parametrize("old, new", [(f'fill="{INK}"', 'fill="black"'), ('data-qr="33"', 'data-qr="x"')])
def test_a_code_not_made_by_qr_svg_is_named(old, new, tmp_path):
    svg = qr_svg(SHORT, INK, PAPER).replace(old, new)
    assert _findings(svg, tmp_path) == ["test: page 1, QR code: not as qr_svg makes it (its data-qr or its colours)"]
