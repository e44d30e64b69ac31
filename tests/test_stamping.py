"""A batch lays out what its organisations share once: each organisation's block is laid out alone and
stamped on the page of the batch's first organisation (pipeline._stamped, engine.stamp). A stamped PDF
is, byte for byte, the PDF a whole layout gives; a block of another size is laid out whole."""

import dataclasses
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from healthprint import pipeline
from healthprint.campaign import load_campaign
from healthprint.organisations import read_organisations

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name:zh-Hans,name:en,phone,address:zh-Hans,address:en,website\n"


def _row(number: int, address_en: str = "") -> str:
    """A clinic of one shape: the same number of characters in every field, whatever `number` (1–9)."""
    return (f'clinic-{number},第{number}社区诊所,Clinic {number},010 6000 000{number},北京市{number}路,'
            f'"{address_en or f"{number} Park Road, Beijing"}",https://clinic-{number}.example.org\n')


def _organisations(tmp_path: Path, rows: list[str]):
    path = tmp_path / "clinics.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return read_organisations(path)


@pytest.fixture
def fresh(monkeypatch):
    """No first layouts kept from other tests."""
    monkeypatch.setattr(pipeline, "_FIRST_LAYOUTS", OrderedDict())


@pytest.mark.parametrize("format_name,size,variant", [("handout", "a4", "screen"), ("leaflet", "a4", "screen"),
                                                      ("poster", "a3", "print")])
def test_a_stamped_pdf_is_the_very_pdf_a_whole_layout_gives(tmp_path, fresh, format_name, size, variant):
    """Screen (tagged: the block's structure elements and marked content in place) and print (the
    colour profile written again for each PDF, once per stamped document)."""
    campaign = load_campaign(ROOT / "content" / "stem-cell-safety")
    organisations = _organisations(tmp_path, [_row(1), _row(2), _row(3)])
    jobs = pipeline.plan([campaign], {format_name}, {size}, {"zh-Hans+en"}, variant=variant,
                         organisations=organisations)
    assert [job.organisation.id for job in jobs] == ["clinic-1", "clinic-2", "clinic-3"]
    for job in jobs[1:]:
        assert pipeline._stamped(job, tmp_path, True) is not None, job.label
        stamped = pipeline.build_pdf(job, tmp_path).pdf
        whole_job = dataclasses.replace(job, batch_first=None)
        assert pipeline._stamped(whole_job, tmp_path, True) is None
        assert stamped == pipeline.build_pdf(whole_job, tmp_path).pdf, job.label
        text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(stamped))
        assert job.organisation.name["en"] in text and "Clinic 1" not in text, job.label


def test_a_block_of_another_size_is_laid_out_whole(tmp_path, fresh):
    """A longer address takes another line: the block is higher, so the page around it is laid out
    again (the small print below it moves down), and the PDF still carries that address."""
    campaign = load_campaign(ROOT / "content" / "stem-cell-safety")
    longer = "Building 2, Courtyard 8, " * 3 + "2 Park Road, Beijing"
    organisations = _organisations(tmp_path, [_row(1), _row(2, longer)])
    first, second = pipeline.plan([campaign], {"handout"}, {"a4"}, {"zh-Hans+en"}, organisations=organisations)
    assert pipeline._stamped(second, tmp_path, True) is None
    text = "".join(page.get_textpage().get_text_range()
                   for page in pdfium.PdfDocument(pipeline.build_pdf(second, tmp_path).pdf))
    assert "Courtyard 8" in text.replace("\r\n", " ")


def test_what_the_organisations_share_is_laid_out_once_a_process(tmp_path, fresh, monkeypatch):
    """Whole layouts: the first organisation's own, and its page kept for stamping; then none."""
    campaign = load_campaign(ROOT / "content" / "stem-cell-safety")
    organisations = _organisations(tmp_path, [_row(number) for number in range(1, 7)])
    jobs = pipeline.plan([campaign], {"handout"}, {"a4"}, {"zh-Hans+en"}, organisations=organisations)
    whole, real = [], pipeline._lay_out
    monkeypatch.setattr(pipeline, "_lay_out", lambda job, *args: whole.append(job.organisation.id) or real(job, *args))
    for job in jobs:
        pipeline.build_pdf(job, tmp_path)
    assert whole == ["clinic-1", "clinic-1"]
