"""The print variant: PDF/X-4 with a CMYK output intent, 3 mm bleed, boxes, CMYK colours, crop marks.
Read back with pikepdf and rendered with pypdfium2, independently of WeasyPrint."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from healthprint.check import preflight
from healthprint.fonts import font_faces_css
from healthprint.formats import FORMATS
from healthprint.engine import lay_out
from healthprint.pipeline import build_pdf, plan
from healthprint.press import CMYK_PROFILE, text_cmyk

MM = 72 / 25.4
ROOT = Path(__file__).resolve().parent.parent


def _content(pdf: pikepdf.Pdf) -> bytes:
    """Every content stream: pages and the form XObjects they draw."""
    data = b""
    for page in pdf.pages:
        contents = page.obj.Contents
        data += b"".join(c.read_bytes() for c in (contents if isinstance(contents, pikepdf.Array) else [contents]))
        data += b"".join(x.read_bytes() for x in page.obj.Resources.get("/XObject", {}).values())
    return data


def _boxes(page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[f"/{name}"]] for name in ("TrimBox", "BleedBox", "MediaBox")}


def test_every_format_has_trim_bleed_and_slug(printed):
    """TrimBox is the paper size; BleedBox reaches 3 mm beyond it on every side; with marks, the
    MediaBox reaches 7 mm beyond the BleedBox (at least 5 mm of room for the marks)."""
    for label, (job, pdf) in printed.items():
        for page in pikepdf.open(io.BytesIO(pdf)).pages:
            boxes = _boxes(page)
            trim = boxes["TrimBox"]
            assert trim == pytest.approx([0, 0, job.size.width * MM, job.size.height * MM], abs=0.01), label
            assert boxes["BleedBox"] == pytest.approx(_grown(trim, 3), abs=0.01), label
            assert boxes["MediaBox"] == pytest.approx(_grown(trim, 10), abs=0.01), label


def _grown(box: list[float], mm: float) -> list[float]:
    return [box[0] - mm * MM, box[1] - mm * MM, box[2] + mm * MM, box[3] + mm * MM]


def test_without_marks_the_page_ends_at_the_bleed(campaign, tmp_path):
    """No marks asked for: the MediaBox is the BleedBox, and no Registration colour is used."""
    job = plan([campaign], formats={"poster"}, sizes={"a3"}, orders={"en+zh-Hans"}, variant="print")[0]
    document = pikepdf.open(io.BytesIO(build_pdf(job, tmp_path).pdf))
    boxes = _boxes(document.pages[0])
    assert boxes["MediaBox"] == pytest.approx(boxes["BleedBox"], abs=0.01)
    assert b"/Registration" not in _content(document)


SCALE = 4  # pixels per point when a test looks at a page: 288 dpi, a 0.25 pt mark is a pixel wide


def _render(pdf: bytes):
    """Every page as an RGB image, and a function from PDF points (x, y up from the trim's corner) to pixels."""
    document, boxes = pdfium.PdfDocument(pdf), pikepdf.open(io.BytesIO(pdf))
    pages = []
    for number, page in enumerate(document):
        media = _boxes(boxes.pages[number])["MediaBox"]
        image = page.render(scale=SCALE).to_pil().convert("RGB")
        pages.append((image, lambda x, y, media=media: (round((x - media[0]) * SCALE), round((media[3] - y) * SCALE))))
    return pages


def _darkest(image, pixel, reach=3) -> int:
    """The darkest grey level within `reach` pixels of `pixel`."""
    x, y = pixel
    return image.convert("L").crop((x - reach, y - reach, x + reach + 1, y + reach + 1)).getextrema()[0]


def test_crop_marks_sit_in_the_slug_outside_the_bleed(printed):
    """At each corner a mark starts 3 mm from the trim (the bleed's edge) and runs to 8 mm; inside the
    bleed, by the corner, there is only paper."""
    for label, (job, pdf) in printed.items():
        for image, to_pixel in _render(pdf):
            width, height = job.size.width * MM, job.size.height * MM
            for x, outward_x in ((0, -1), (width, 1)):
                for y, outward_y in ((0, -1), (height, 1)):
                    for mm in (3.5, 5.5, 7.5):  # along the trim lines, out in the slug
                        assert _darkest(image, to_pixel(x + outward_x * mm * MM, y)) < 100, (label, x, y, mm)
                        assert _darkest(image, to_pixel(x, y + outward_y * mm * MM)) < 100, (label, x, y, mm)
                    corner = to_pixel(x + outward_x * 1.5 * MM, y + outward_y * 1.5 * MM)
                    assert _darkest(image, corner, reach=int(1.2 * MM * SCALE)) > 200, (label, x, y)


def test_tri_fold_has_fold_marks_at_its_folds(printed):
    """The leaflet's folds are marked above and below the sheet: 97 and 197 mm on the outside, 100 and
    200 mm on the inside (the same folds seen from the back); nowhere else."""
    for label, (job, pdf) in printed.items():
        pages = _render(pdf)
        height = job.size.height * MM
        for number, (image, to_pixel) in enumerate(pages):
            folds = job.size.folds[number] if job.size.folds else ()
            for mm in (m for m in (97, 100, 150, 197, 200) if m < job.size.width - 10):  # clear of the corners
                for y in (height + 5.5 * MM, -5.5 * MM):
                    marked = _darkest(image, to_pixel(mm * MM, y), reach=2) < 100
                    assert marked == (mm in folds), (label, number + 1, mm)
        if job.format == "leaflet":
            assert job.size.folds == ((97, 197), (100, 200))


def test_marks_are_in_the_registration_colour(printed):
    """Marks print on every plate: a Separation named /All over DeviceCMYK."""
    for label, (_, pdf) in printed.items():
        document = pikepdf.open(io.BytesIO(pdf))
        for page in document.pages:
            space = page.obj.Resources.ColorSpace.Registration
            assert [str(space[0]), str(space[1]), str(space[2])] == ["/Separation", "/All", "/DeviceCMYK"], label
        assert b"/Registration CS 1 SCN" in _content(document), label


def test_fills_touching_the_trim_run_into_the_bleed(printed):
    """The leaflet's slogan bands that reach a side of the sheet are red 1.5 mm beyond the trim too:
    the cover's on the right of the outside, the first and third panels' on the inside."""
    for label, (job, pdf) in printed.items():
        if job.format != "leaflet":
            continue
        (outside, outside_at), (inside, inside_at) = _render(pdf)
        width, band = job.size.width * MM, (job.size.height - 190) * MM  # 20 mm above the bottom: in the bands
        for image, pixel in ((outside, outside_at(width + 1.5 * MM, band)), (inside, inside_at(-1.5 * MM, band)),
                             (inside, inside_at(width + 1.5 * MM, band))):
            red, green, blue = image.getpixel(pixel)
            assert red > 150 and green < 120 and blue < 120, (label, pixel, (red, green, blue))


def test_preflight_finds_a_fill_that_stops_at_the_trim(tmp_path):
    """A coloured box that touches the trim but not the bleed's edge is an error naming page, element and side."""
    findings = _preflight_of('<div class="band" style="position: absolute; right: 0; top: 10mm; width: 20mm; '
                             'height: 10mm; background: #C0262D"></div><p lang="en">Text</p>', tmp_path)
    assert findings.errors == ["test: page 1, <div.band>: the fill reaches the right trim but only 0.0 mm "
                               "beyond it; run it 3 mm into the bleed"]


def test_preflight_finds_small_text_in_a_screen_or_on_three_plates(tmp_path):
    """Text under 14 pt must be solid black or on at most two plates: a 73 % black screen and a blue on
    three plates are errors; 100 % K and a two-plate blue pass."""
    findings = _preflight_of(
        '<p lang="en" style="color: device-cmyk(0 0 0 0.73)">Grey</p>'
        '<p lang="en" style="color: device-cmyk(0.86 0.09 0 0.61)">Blue</p>'
        '<p lang="en" style="color: device-cmyk(0 0 0 1)">Black</p>'
        '<p lang="en" style="color: device-cmyk(0.86 0 0 0.61)">Two plates</p>', tmp_path)
    assert findings.errors == [
        "test: page 1, <p> 'Grey': text 12.0 pt in a 73 % black screen: under 14 pt use solid black or at most "
        "two plates",
        "test: page 1, <p> 'Blue': text 12.0 pt on C86/M9/K61: under 14 pt use solid black or at most two plates",
    ]


def _preflight_of(body: str, cache):
    html = f'<html lang="en"><body>{body}</body></html>'
    css = ("@page { size: 60mm 40mm; margin: 0; bleed: 3mm } body { margin: 5mm } "
           "html { font-family: 'Healthprint Noto Sans CJK'; font-size: 12pt }")
    font_css, files = font_faces_css(html, cache)
    document = lay_out(html, font_css + css, files, "test")
    return preflight(document, FORMATS["handout"]["a4"], {}, "test")


def _text_colours(page) -> set[tuple[float, tuple[float, ...]]]:
    """(size in pt, CMYK fill colour) of every text shown on `page`, from its content stream."""
    state, stack, found = {"scale": 1.0, "fill": (0.0, 0.0, 0.0, 1.0), "size": 0.0}, [], set()
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "q":
            stack.append(dict(state))
        elif name == "Q":
            state = stack.pop()
        elif name == "cm":
            state["scale"] *= abs(float(operands[0]) or float(operands[1]))
        elif name in ("scn", "k") and len(operands) == 4:
            state["fill"] = tuple(float(value) for value in operands)
        elif name == "Tf":
            state["size"] = float(operands[1])
        elif name in ("TJ", "Tj"):
            found.add((round(state["size"] * state["scale"], 2), state["fill"]))
    return found


def test_small_text_prints_solid_black_or_on_two_plates(printed):
    """In the print PDFs as written: every text under 14 pt is 0/0/0/100 or uses at most two plates."""
    for label, (_, pdf) in printed.items():
        for number, page in enumerate(pikepdf.open(io.BytesIO(pdf)).pages, 1):
            for size, fill in _text_colours(page):
                if size < 14:
                    black_screen = fill[:3] == (0, 0, 0) and 0 < fill[3] < 1
                    assert sum(ink > 0 for ink in fill) <= 2 and not black_screen, (label, number, size, fill)


def test_print_text_colours_survive_small_type():
    """In print, grey text is solid black, a colour keeps its two strongest plates, white stays white."""
    assert text_cmyk("#454545") == "device-cmyk(0 0 0 1)"
    assert text_cmyk("#ffffff") == "device-cmyk(0 0 0 0)"
    assert text_cmyk("#1F5F8B") == "device-cmyk(0.777 0 0 0.455)"


def test_pdf_x4_with_the_cmyk_output_intent(printed):
    """PDF/X-4 identification, and the output intent carries the bundled CMYK profile byte for byte."""
    profile = CMYK_PROFILE.read_bytes()
    for label, (_, pdf) in printed.items():
        document = pikepdf.open(io.BytesIO(pdf))
        assert document.pdf_version == "1.6", label
        intent = document.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile"
        assert int(intent.DestOutputProfile.N) == 4 and intent.DestOutputProfile.read_bytes() == profile
        with document.open_metadata() as xmp:
            assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4", label


def test_colours_are_cmyk_and_text_is_pure_black(printed, campaign):
    """No RGB colour operator anywhere (crop marks included); body text is 0/0/0/100."""
    for label, (_, pdf) in printed.items():
        content = _content(pikepdf.open(io.BytesIO(pdf)))
        assert not re.search(rb"(?<![\w/])(rg|RG)\b", content), label
        assert b"/DeviceCMYK cs" in content, label
        assert b"0 0 0 1 scn" in content, label


def test_metadata_is_set(printed, campaign):
    """Title, author, subject and dates from the content, for the print shop's preflight."""
    for label, (job, pdf) in printed.items():
        primary, secondary = (campaign.texts[lang] for lang in job.langs)
        document = pikepdf.open(io.BytesIO(pdf))
        info = document.docinfo
        assert str(info.Title) == f"{primary.title} / {secondary.title}", label
        assert str(info.Author) == primary.labels.issuer, label
        assert str(info.CreationDate) == str(info.ModDate) == "D:20261125000000Z", label


def test_print_pages_render_and_keep_the_layout(printed, built):
    """pypdfium2 draws the print pages; inside the trim they hold the same text as the screen PDFs."""
    for label, (job, pdf) in printed.items():
        screen = built[label.removesuffix(" print")][1]
        for printed_page, screen_page in zip(pdfium.PdfDocument(pdf), pdfium.PdfDocument(screen)):
            image = printed_page.render(scale=0.5).to_pil().convert("L")
            assert image.getextrema()[0] < 80, label  # something dark is drawn
            assert (printed_page.get_textpage().get_text_range()
                    == screen_page.get_textpage().get_text_range()), label


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path):
    """Reproducible: screen and print variants, built twice in fresh processes, give the same bytes."""
    outputs = []
    for run in ("1", "2"):
        out = tmp_path / run
        for extra in ([], ["--print", "--marks"]):
            subprocess.run([sys.executable, "build.py", "--format", "poster", "--size", "a3", "--order", "en+zh-Hans",
                            "--out", str(out), "-q", *extra], cwd=ROOT, check=True,
                           env={"HEALTHPRINT_CACHE": str(tmp_path / f"cache{run}"), "PATH": ""})
        outputs.append({p.name: p.read_bytes() for p in out.glob("*.pdf")})
    assert len(outputs[0]) == 2 and outputs[0] == outputs[1]
