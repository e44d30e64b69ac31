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

from healthprint.pipeline import build_pdf, plan
from healthprint.render import CMYK_PROFILE

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


def test_every_format_has_trim_and_bleed_boxes(printed):
    """TrimBox is the paper size; BleedBox and MediaBox reach 3 mm beyond it on every side."""
    for label, (job, pdf) in printed.items():
        document = pikepdf.open(io.BytesIO(pdf))
        for page in document.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            assert trim == pytest.approx([0, 0, job.size.width * MM, job.size.height * MM], abs=0.01), label
            assert bleed == pytest.approx([trim[0] - 3 * MM, trim[1] - 3 * MM, trim[2] + 3 * MM, trim[3] + 3 * MM],
                                          abs=0.01), label
            assert [float(v) for v in page.obj.MediaBox] == pytest.approx(bleed, abs=0.01), label


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
