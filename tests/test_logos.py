"""Organisation logos (healthprint/logos.py): SVGs sanitised by an allow-list, every refusal one line;
PNG and JPEG read defensively; resolution for print; RGB and CMYK files, the same bytes every time."""

import hashlib
import io
import os
import re
import struct
import time
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageFile

import healthprint.engine  # noqa: F401  WeasyPrint, imported, makes Pillow accept truncated files
from healthprint.logos import Logo, read_logo, resolution_findings
from healthprint.press import CMYK_PROFILE, device_cmyk

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "content" / "organisations"
SVG_NS = "http://www.w3.org/2000/svg"
HEAD = f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">\n'
DTD_REFUSED = "refused: <!DOCTYPE> (a DTD: SVG needs none, and its entities could expand or load anything)"


def read(tmp_path: Path, name: str, data: bytes | str) -> tuple[Logo | None, list[str]]:
    """Write `data` as tmp_path/logos/`name`, read it; the problems as the lines the build prints."""
    path = tmp_path / "logos" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    logo, problems = read_logo(path, tmp_path)
    return logo, [str(problem) for problem in problems]


def svg_problems(tmp_path: Path, body: str) -> list[str]:
    """The problems of an SVG whose body (from line 2, column 1) is `body`, without the file's path."""
    logo, problems = read(tmp_path, "clinic.svg", HEAD + body + "\n</svg>\n")
    assert logo is None and problems
    return [problem.removeprefix(str(tmp_path / "logos" / "clinic.svg")) for problem in problems]


def image_bytes(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


# ---- SVG: what is refused --------------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("<script>alert(1)</script>", ":2:1: refused: <script>"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>',
     ":2:1: refused: <foreignObject>"),
    ('<image href="logo.png" width="5" height="5"/>', ":2:1: refused: <image>"),
    ("<style>rect { fill: red }</style>", ":2:1: refused: <style>"),
    ('<text x="1" y="5">Clinic</text>', ":2:1: refused: <text>"),
    ('<linearGradient id="g"/>', ":2:1: refused: <linearGradient>"),
    ('<g><mask id="m"/></g>', ":2:4: refused: <mask>"),
    ('<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>',
     ":2:1: refused: <sodipodi:namedview>"),
    ('<use href="http://example.org/logo.svg#mark"/>',
     ":2:1: refused: external reference 'http://example.org/logo.svg#mark' in href"),
    ('<use xlink:href="file:///etc/passwd"/>', ":2:1: refused: external reference 'file:///etc/passwd' in href"),
    ('<rect width="5" height="5" fill="url(http://example.org/p)"/>',
     ":2:1: refused: external reference 'url(http://example.org/p)' in fill"),
    ('<rect width="5" height="5" clip-path="URL(data:image/svg+xml,x)"/>',
     ":2:1: refused: external reference 'URL(data:image/svg+xml,x)' in clip-path"),
    ('<rect width="5" height="5" style="fill: url(https://example.org/p)"/>',
     ":2:1: refused: external reference 'url(https://example.org/p)' in fill"),
    ('<rect width="5" height="5" onclick="alert(1)"/>', ":2:1: refused: event attribute 'onclick' on <rect>"),
    ('<g onLoad="alert(1)"/>', ":2:1: refused: event attribute 'onLoad' on <g>"),
    ('<rect width="5" height="5" style="font-family: Arial"/>',
     ":2:1: refused: style property 'font-family' on <rect>"),
    ('<rect width="5" height="5" filter="blur"/>', ":2:1: refused: attribute 'filter' on <rect>"),
    ('<rect width="5" height="5" xml:space="preserve"/>', ":2:1: refused: attribute 'xml:space' on <rect>"),
    ('<path d="M0 0 L5 5" id="a\\b"/>', ":2:1: refused: character '\\' in id on <path>"),
    ('<rect width="5" height="5" fill="#ff000080"/>',
     ":2:1: refused: colour '#ff000080' in fill; use #rrggbb, rgb() or a colour name"),
    ("<g>Clinic</g>", ":2:4: refused: text 'Clinic' (draw the letters as paths)"),
    ('<?xml-stylesheet href="http://example.org/a.css"?>', ":2:1: refused: <?xml-stylesheet?>"),
    ('<g id="a"><use href="#a"/></g>', ":2:11: refused: <use> of '#a', which holds a <use> itself"),
    ('<use href="#nowhere"/>', ":2:1: refused: <use> of '#nowhere', which is not in the logo"),
    ("<rect></svg>", ":2:9: not well-formed XML (mismatched tag)"),
])
def test_what_an_svg_may_not_hold_is_refused_in_one_line(tmp_path, body, message):
    assert svg_problems(tmp_path, body) == [message]


@pytest.mark.parametrize("prologue", [
    '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE svg SYSTEM "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    '<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
])
def test_a_dtd_is_refused_before_any_entity_is_read(tmp_path, prologue):
    logo, problems = read(tmp_path, "clinic.svg", f'<?xml version="1.0"?>\n{prologue}\n{HEAD}&b;&secret;</svg>')
    assert logo is None
    assert problems == [f"{tmp_path / 'logos' / 'clinic.svg'}: {DTD_REFUSED}"]


def test_what_a_refused_element_holds_is_not_reported_again(tmp_path):
    body = '<script>alert(1)<rect onclick="x"/></script>\n<script>again</script>'
    assert svg_problems(tmp_path, body) == [":2:1: refused: <script>"]


def test_a_flood_of_refusals_stops_at_ten(tmp_path):
    body = "\n".join(f'<rect width="1" height="1" data-{number}="x"/>' for number in range(50))
    assert len(svg_problems(tmp_path, body)) == 10


def test_copies_of_copies_are_refused_before_they_multiply(tmp_path):
    # Ten uses of ten uses of … a rect: WeasyPrint would draw 10⁵ shapes for a few hundred bytes.
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    levels += [f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 6)]
    problems = svg_problems(tmp_path, "<defs>" + "".join(levels) + '</defs><use href="#l5"/>')
    assert problems[0].endswith("refused: <use> of '#l1', which holds a <use> itself")


def test_many_copies_of_a_large_shape_group_are_refused(tmp_path):
    group = '<g id="many">' + '<rect width="1" height="1"/>' * 1000 + "</g>"
    problems = svg_problems(tmp_path, "<defs>" + group + "</defs>" + '<use href="#many"/>' * 20)
    assert problems == [": refused: more than 20000 shapes (each <use> counting those it copies)"]


def test_elements_nested_deeper_than_32_are_refused(tmp_path):
    assert svg_problems(tmp_path, "<g>" * 40 + "</g>" * 40) == [":2:94: refused: elements nested more than 32 deep"]


@pytest.mark.parametrize("text", [
    "<html><body><svg/></body></html>",
    '<?xml version="1.0"?>\n<!DOCTYPE html>\n<html/>',
    "<not xml at all",
    '<?xml version="1.0"?><svg:svg xmlns:svg="urn:not-svg"/>',
])
def test_xml_that_is_not_an_svg_is_not_an_image(tmp_path, text):
    path = tmp_path / "logos" / "clinic.svg"
    assert read(tmp_path, "clinic.svg", text)[1] == [f"{path}: not an SVG, PNG or JPEG image"]


def test_an_svg_needs_a_size_of_its_own(tmp_path):
    logo, problems = read(tmp_path, "clinic.svg", f'<svg xmlns="{SVG_NS}" width="50%"><rect/></svg>')
    assert problems == [f"{tmp_path / 'logos' / 'clinic.svg'}: needs a viewBox with a width and height above 0 "
                        "(or width and height in px to make one)"]
    logo, problems = read(tmp_path, "clinic.svg", f'<svg xmlns="{SVG_NS}" width="300px" height="100"/>')
    assert problems == [] and logo.svg_for("screen") == f'<svg xmlns="{SVG_NS}" viewBox="0 0 300 100"/>'
    assert logo.aspect_ratio == 3


# ---- SVG: what is kept -----------------------------------------------------------------------------

def _shapes(svg: str) -> list[tuple[str, dict[str, str]]]:
    """Every element but the root, title and desc: its tag and attributes."""
    elements = ((element.tag.removeprefix(f"{{{SVG_NS}}}"), element.attrib)
                for element in ElementTree.fromstring(svg).iter())
    return [(tag, attributes) for tag, attributes in elements if tag not in ("svg", "title", "desc")]


def test_a_clean_svg_passes_and_keeps_its_drawing():
    path = EXAMPLES / "logos" / "harbour-clinic.svg"
    logo, problems = read_logo(path, EXAMPLES)
    assert problems == [] and logo.data == path.read_bytes()
    assert (logo.kind, logo.name, logo.aspect_ratio) == ("svg", "harbour-clinic.svg", 1.0)
    assert logo.ppi(30) == float("inf")
    svg = logo.svg_for("screen")
    assert svg.startswith(f'<svg xmlns="{SVG_NS}" viewBox="0 0 120 120">')
    assert _shapes(svg) == _shapes(path.read_text(encoding="utf-8"))  # the same shapes, in the same order
    assert "<title" not in svg and "width" not in ElementTree.fromstring(svg).attrib
    assert resolution_findings(logo, 10, "poster") == ([], [])


def test_an_exported_svg_keeps_its_drawing_in_plain_attributes(tmp_path):
    body = ('<title>Clinic</title><desc>Our <b>mark</b></desc><!-- made by hand -->\n'
            '<defs><clipPath id="c"><circle cx="5" cy="5" r="4"/></clipPath></defs>\n'
            '<g clip-path="url(\'#c\')" style="fill: Teal; stroke:#F00 ; stroke-width: 0.5">'
            '<path d="M0,0 L10,10" fill-rule="evenodd"/><use xlink:href="#c"/></g>')
    logo, problems = read(tmp_path, "clinic.svg", HEAD + body + "</svg>")
    assert problems == []
    c = f"logo-{hashlib.sha256(logo.data).hexdigest()[:8]}-c"
    assert logo.svg_for("screen") == (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10"><defs><clipPath id="{c}"><circle cx="5" cy="5" r="4"/>'
        f'</clipPath></defs><g clip-path="url(#{c})" fill="#008080" stroke="#ff0000" stroke-width="0.5">'
        f'<path d="M0,0 L10,10" fill-rule="evenodd"/><use href="#{c}"/></g></svg>')


def test_two_logos_never_share_an_id(tmp_path):
    # WeasyPrint looks `#a` up in the whole page: with the same id, the second logo drew the first one's shape.
    body = '<defs><rect id="a" width="10" height="10" fill="{}"/></defs><use href="#a"/></svg>'
    red, _ = read(tmp_path, "red.svg", HEAD + body.format("red"))
    blue, _ = read(tmp_path, "blue.svg", HEAD + body.format("blue"))
    ids = [re.findall(r'id="([^"]+)"', logo.svg_for("screen")) for logo in (red, blue)]
    assert ids[0] != ids[1] and all(found[0].startswith("logo-") for found in ids)
    assert all(f'href="#{found[0]}"' in logo.svg_for("screen") for logo, found in zip((red, blue), ids))


def test_print_rewrites_every_colour_and_nothing_else(tmp_path):
    body = ('<g id="abcdef" fill="#F00" stroke="rgb(0, 0, 255)"><rect width="5" height="5" fill="navy"/>'
            '<circle r="2" style="fill:#0f0;stroke:none"/></g><use href="#abcdef" fill="none"/>')
    logo, problems = read(tmp_path, "clinic.svg", HEAD + body + "</svg>")
    printed = logo.svg_for("print", lambda colour: device_cmyk(colour, "#000080"))
    group = f"logo-{hashlib.sha256(logo.data).hexdigest()[:8]}-abcdef"  # an id that looks like a colour
    assert printed == (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10"><g id="{group}" fill="device-cmyk(0 1 1 0)" '
        'stroke="device-cmyk(1 1 0 0)"><rect width="5" height="5" fill="device-cmyk(0 0 0 1)"/>'
        f'<circle r="2" fill="device-cmyk(1 0 1 0)" stroke="none"/></g><use href="#{group}" fill="none"/></svg>')
    assert logo.svg_for("screen") == (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10"><g id="{group}" fill="#ff0000" stroke="#0000ff"><rect width="5" '
        f'height="5" fill="#000080"/><circle r="2" fill="#00ff00" stroke="none"/></g><use href="#{group}" '
        'fill="none"/></svg>')
    with pytest.raises(ValueError):
        logo.svg_for("print")


# ---- PNG and JPEG ----------------------------------------------------------------------------------

def _red_square() -> Image.Image:
    """A red square on a transparent 400 × 200 px canvas."""
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (150, 50, 250, 150))
    return image


def test_a_png_and_a_jpeg_are_read_with_their_pixel_size(tmp_path):
    png, problems = read(tmp_path, "clinic.logo", image_bytes(_red_square(), "PNG"))  # by content, not suffix
    assert problems == [] and (png.kind, png.width, png.height, png.aspect_ratio) == ("png", 400, 200, 2)
    jpeg, problems = read(tmp_path, "clinic.png", image_bytes(Image.new("RGB", (300, 300), "navy"), "JPEG"))
    assert problems == [] and (jpeg.kind, jpeg.name, jpeg.width) == ("jpeg", "clinic.png", 300)


def test_the_example_png_prints_at_300_ppi_up_to_101_mm():
    logo, problems = read_logo(EXAMPLES / "logos" / "lotus-clinic.png", EXAMPLES)
    assert problems == [] and (logo.width, logo.height) == (1200, 400)
    assert resolution_findings(logo, 101.6, "poster") == ([], [])
    assert (EXAMPLES / "logos" / "lotus-clinic.png").stat().st_size <= 60_000


@pytest.mark.parametrize("make", [
    lambda: image_bytes(Image.new("RGB", (10, 10)), "GIF"),
    lambda: image_bytes(Image.new("RGB", (10, 10)), "WEBP") if "WEBP" in Image.SAVE else b"RIFF\0\0\0\0WEBP",
    lambda: b"%PDF-1.7\n",
    lambda: b"",
])
def test_other_files_are_not_images(tmp_path, make):
    path = tmp_path / "logos" / "clinic.png"
    assert read(tmp_path, "clinic.png", make())[1] == [f"{path}: not an SVG, PNG or JPEG image"]


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused_though_weasyprint_allows_them(tmp_path, kind):
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint sets when imported
    whole = image_bytes(Image.effect_noise((200, 100), 50).convert("RGB"), kind)
    logo, problems = read(tmp_path, "clinic.img", whole[:len(whole) * 2 // 3])
    assert logo is None and len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'logos' / 'clinic.img'}: a damaged {kind} file (")
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # put back


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` grey pixels and holds none."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(10_000, 5_000), (20_000, 20_000)])
def test_a_decompression_bomb_is_refused_from_its_header(tmp_path, width, height):
    started = time.monotonic()
    logo, problems = read(tmp_path, "bomb.png", _png_header(width, height))
    assert time.monotonic() - started < 0.5
    size = f"{width} × {height} px is " if width * height < Image.MAX_IMAGE_PIXELS * 2 else ""
    assert problems == [f"{tmp_path / 'logos' / 'bomb.png'}: {size}more than 40 megapixels; a logo needs far fewer"]


def test_a_cmyk_jpeg_is_refused(tmp_path):
    logo, problems = read(tmp_path, "clinic.jpg", image_bytes(Image.new("CMYK", (10, 10)), "JPEG"))
    assert problems == [f"{tmp_path / 'logos' / 'clinic.jpg'}: JPEG in colour mode CMYK; save the logo as an 8-bit "
                        "RGB or greyscale image (the print variant makes its CMYK itself)"]


# ---- Reading the file ------------------------------------------------------------------------------

def test_a_link_to_a_logo_outside_the_folder_is_refused(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(image_bytes(_red_square(), "PNG"))
    folder = tmp_path / "organisations"
    folder.mkdir()
    (folder / "clinic.png").symlink_to(outside)
    logo, problems = read_logo(folder / "clinic.png", folder)
    assert logo is None and [str(problem) for problem in problems] == [
        f"{folder / 'clinic.png'}: is a link to a file outside the folder of the organisations file; keep logos "
        "beside it"]


@pytest.mark.parametrize("make, kind", [(os.mkfifo, "a FIFO (named pipe)"), (os.mkdir, "a folder")])
def test_a_fifo_or_a_folder_is_refused_without_waiting(tmp_path, make, kind):
    make(tmp_path / "clinic.png")
    logo, problems = read_logo(tmp_path / "clinic.png", tmp_path)
    assert [str(problem) for problem in problems] == [f"{tmp_path / 'clinic.png'}: is {kind}, not a regular file"]


def test_a_file_over_2_mb_is_refused(tmp_path):
    logo, problems = read(tmp_path, "clinic.png", b"\x89PNG\r\n\x1a\n" + bytes(2_000_000))
    assert problems == [f"{tmp_path / 'logos' / 'clinic.png'}: larger than 2 MB; a logo is a few hundred kB at most"]


# ---- Resolution for print --------------------------------------------------------------------------

@pytest.mark.parametrize("pixels, errors, warnings", [
    (355, [], []),  # 30 mm at 300 ppi is 354.3 px
    (354, [], ["299 ppi"]),
    (251, [], ["212 ppi"]),
    (178, [], ["150 ppi"]),
    (177, ["149 ppi"], []),
])
def test_print_resolution_thresholds(pixels, errors, warnings):
    logo = Logo("clinic.png", "png", pixels, 100)
    expected = ("poster-a3_en+zh-Hans: logo clinic.png is {} at 30 mm wide; print needs ≥ 300 ppi (an image at "
                "least 355 px wide)")
    assert resolution_findings(logo, 30, "poster-a3_en+zh-Hans") == (
        [expected.format(ppi) for ppi in errors], [expected.format(ppi) for ppi in warnings])


def test_ppi_at_a_placed_width():
    assert Logo("clinic.png", "png", 1200, 400).ppi(101.6) == pytest.approx(300)
    assert resolution_findings(Logo("clinic.png", "png", 1200, 400), 101.6, "x") == ([], [])
    assert resolution_findings(Logo("clinic.png", "png", 1200, 400), 101.7, "x")[1] == [
        "x: logo clinic.png is 299 ppi at 101.7 mm wide; print needs ≥ 300 ppi (an image at least 1202 px wide)"]


# ---- Files for the PDFs ----------------------------------------------------------------------------

def _chunks(png: bytes) -> list[bytes]:
    kinds, at = [], 8
    while at < len(png):
        length = struct.unpack(">I", png[at:at + 4])[0]
        kinds.append(png[at + 4:at + 8])
        at += length + 12
    return kinds


def _jpeg_markers(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's header, up to the start of the scan."""
    markers, at = [], 2
    while jpeg[at + 1] != 0xDA:
        markers.append(jpeg[at + 1])
        at += 2 + struct.unpack(">H", jpeg[at + 2:at + 4])[0]
    return markers


def test_the_print_file_is_a_cmyk_jpeg_in_the_presses_colours(tmp_path):
    source = _red_square()
    source.info["icc_profile"] = b"not ours"  # metadata that must not travel on
    logo, _ = read(tmp_path, "clinic.png", image_bytes(source, "PNG", dpi=(72, 72)))
    path = logo.print_file(tmp_path, CMYK_PROFILE)
    with Image.open(path) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "CMYK", (400, 200))
        cyan, magenta, yellow, black = image.getpixel((200, 100))
        assert magenta > 200 and yellow > 200 and cyan < 30 and black < 30  # red: magenta and yellow
        assert image.getpixel((10, 10)) == pytest.approx((0, 0, 0, 0), abs=3)  # transparent: paper
        assert all(h == v == 1 for _, h, v, _ in image.layer)  # no chroma subsampling
        reference = Image.open(io.BytesIO(image_bytes(image, "JPEG", quality=92)))
        assert all(ours <= theirs for ours, theirs in zip(image.quantization[0], reference.quantization[0]))
    assert set(_jpeg_markers(path.read_bytes())) <= {0xC0, 0xC4, 0xDB, 0xEE}  # no APP1 (EXIF), APP2 (ICC), COM


def test_the_files_are_the_same_every_time_and_named_by_their_bytes(tmp_path):
    data = image_bytes(_red_square(), "PNG")
    first, _ = read(tmp_path, "first.png", data)
    second, _ = read(tmp_path, "second.png", data)
    for make in (lambda logo, folder: logo.print_file(folder, CMYK_PROFILE),
                 lambda logo, folder: logo.screen_file(folder)):
        one, two = make(first, tmp_path / "a"), make(second, tmp_path / "b")
        assert one.name == two.name and one.read_bytes() == two.read_bytes()
        assert one.name.startswith("logo-") and one.parent == tmp_path / "a"


def test_the_screen_file_is_an_rgb_png_without_metadata(tmp_path):
    logo, _ = read(tmp_path, "clinic.png", image_bytes(_red_square(), "PNG", dpi=(300, 300), icc_profile=b"x" * 200))
    path = logo.screen_file(tmp_path)
    assert _chunks(path.read_bytes()) == [b"IHDR", b"IDAT", b"IEND"]
    with Image.open(path) as image:
        assert (image.format, image.mode, image.getpixel((200, 100))) == ("PNG", "RGBA", (255, 0, 0, 255))
    jpeg, _ = read(tmp_path, "photo.jpg", image_bytes(Image.new("L", (20, 10), 128), "JPEG"))
    with Image.open(jpeg.screen_file(tmp_path)) as image:
        assert (image.mode, image.size) == ("RGB", (20, 10))


def test_an_svg_has_no_files(tmp_path):
    logo, _ = read_logo(EXAMPLES / "logos" / "harbour-clinic.svg", EXAMPLES)
    with pytest.raises(ValueError):
        logo.screen_file(tmp_path)
