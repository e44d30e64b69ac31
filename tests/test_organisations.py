"""Under an organisation's own name (--orgs): the organisations file read as spreadsheets export it, its
mistakes named FILE:ROW:COLUMN, one set of PDFs per organisation with its name, phones, address and a
QR code that decodes to its website, and a batch that resumes where it was interrupted."""

import io
import os
import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from healthprint import cli
from healthprint.campaign import load_campaign
from healthprint.errors import ContentError
from healthprint.organisations import language_problems, read_organisations
from healthprint.pipeline import build_pdf, plan
from healthprint.text import tidy

ROOT = Path(__file__).resolve().parent.parent
CLINICS = ROOT / "content" / "organisations" / "clinics.csv"
HEADER = "id,name:zh-Hans,name:en,phone,address:zh-Hans,address:en,website\n"
GOOD = 'north,北区诊所,North Clinic,010 1234 5678,北京市 1 号,"1 North Road, Beijing",https://north.example.org\n'


def _csv(tmp_path: Path, text: str, name: str = "clinics.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        read_organisations(path)
    return [str(problem) for problem in raised.value.problems]


def test_a_csv_as_spreadsheets_export_it_is_read(tmp_path):
    """UTF-8 with a byte-order mark, quoted fields with commas, a blank row at the end, per-language
    columns, labelled phones."""
    path = _csv(tmp_path, HEADER.replace("phone", "phone:zh-Hans,phone:en") + GOOD.replace(
        "010 1234 5678", "预约: 010 1234 5678; 010 1234 0000,Appointments: 010 1234 5678; 010 1234 0000") + ",,,,,,,\n",
        bom=True)
    (north,) = read_organisations(path)
    assert north.id == "north" and north.name == {"zh-Hans": "北区诊所", "en": "North Clinic"}
    assert north.address["en"] == "1 North Road, Beijing"
    assert [(phone.label, phone.number) for phone in north.phones["en"]] == [("Appointments", "010 1234 5678"),
                                                                           ("", "010 1234 0000")]
    assert north.where == f"{path}:2"


def test_every_mistake_is_named_by_file_row_and_column(tmp_path):
    """All problems at once, each `FILE:ROW:COLUMN: message` (the header is row 1)."""
    path = _csv(tmp_path, HEADER + GOOD
                + 'South Clinic,南区诊所,South Clinic,010 8888 / 1234,南,South,www.south\n'
                + 'north,北区,North,119,北,North,\n'
                + 'east,,,,,,\n')
    assert _problems(path) == [
        f"{path}:3:id: 'South Clinic' is not an id; expected lower-case letters, digits and single hyphens, "
        "like stem-cell-safety",
        f"{path}:3:phone: '010 8888 / 1234' is not a phone number; expected a phone number: digits, with a "
        "leading + and spaces, hyphens or brackets, like 119 or +852 2835 1234, labelled like 'Appointments: "
        "010 8888 1234'",
        f"{path}:3:website: 'www.south' is not a web address like https://example.org/page",
        f"{path}:4:id: 'north' is also the id of {path}:2",
        f"{path}:5:name: missing: every organisation needs a name",
    ]


def test_unknown_columns_and_languages_are_named_in_the_header_row(tmp_path):
    path = _csv(tmp_path, "id,name,fax,name:fr,website:en\nnorth,North,1,Nord,https://north.example.org\n")
    assert _problems(path) == [
        f"{path}:1:fax: unknown column; known columns: id, name, phone, address, website, hours, logo (per "
        "language: name:zh-Hans, address:en …)",
        f"{path}:1:name:fr: unknown language code 'fr'; available: en, ja, ko, zh-Hans, zh-Hant",
        f"{path}:1:website:en: website is the same in every language; per language: name, address, hours, phone",
    ]


def test_a_yaml_list_of_organisations_is_read_with_lines(tmp_path):
    path = tmp_path / "clinics.yaml"
    path.write_text('- id: north\n  name: {zh-Hans: 北区诊所, en: North Clinic}\n  phone: "010 1234 5678"\n'
                    '- id: south\n  name: South Clinic\n  website: south.example\n', encoding="utf-8")
    assert _problems(path) == [f"{path}:6:3: [2].website: 'south.example' is not a web address like "
                               "https://example.org/page"]


def test_a_logo_outside_the_folder_of_the_file_is_refused(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG")
    folder = tmp_path / "orgs"
    folder.mkdir()
    (folder / "logo.png").symlink_to(outside)
    path = _csv(folder, "id,name,logo\nnorth,North,logo.png\n")
    assert _problems(path) == [f"{path}:2:logo: is a link to a file outside the folder of the organisations "
                               "file; keep logos beside it"]


def _decode(pdf: bytes, page: int) -> list[str]:
    image = pdfium.PdfDocument(pdf)[page].render(scale=300 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The A4 handout, the tri-fold and the A3 poster of the stem-cell campaign for every clinic of the
    example file, Chinese first: {(organisation id, format): (job, pdf)}."""
    cache = tmp_path_factory.mktemp("cache")
    campaign = load_campaign(ROOT / "content" / "stem-cell-safety")
    jobs = plan([campaign], sizes={"a4", "a3"}, orders={"zh-Hans+en"}, organisations=read_organisations(CLINICS))
    return {(job.organisation.id, job.format): (job, build_pdf(job, cache).pdf) for job in jobs}


def test_each_clinic_gets_every_format_with_its_name_phones_and_address(editions):
    assert {organisation for organisation, _ in editions} == {"harbour-clinic", "lotus-clinic", "river-ngo"}
    for (organisation, format_name), (job, pdf) in editions.items():
        text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)).replace("\n", " ")
        flat = text.replace(" ", "").replace("\r", "")
        org = job.organisation
        for lang in job.langs:
            assert tidy(org.text(org.name, lang), lang).replace(" ", "") in flat, (organisation, format_name, lang)
            if format_name != "poster":  # a poster carries name, phones and web address
                assert tidy(org.text(org.address, lang), lang).replace(" ", "") in flat, (organisation, lang)
        for phone in org.phones[next(iter(org.phones))]:
            assert phone.number.replace(" ", "") in flat, (organisation, format_name, phone.number)
        assert job.filename.startswith(f"{organisation}/")


def test_the_qr_code_on_the_page_decodes_to_the_website_or_the_campaigns_address(editions):
    for (organisation, format_name), (job, pdf) in editions.items():
        page = {"handout": 1, "leaflet": 0, "poster": 0}[format_name]
        wanted = job.organisation.website or job.content.campaign.url
        assert _decode(pdf, page) == [wanted], (organisation, format_name)


def test_an_interrupted_batch_resumes_where_it_stopped(run_cli, tmp_path, monkeypatch):
    """Stopped during the third clinic's set, the first two sets are in place; the next run builds only
    what is left."""
    out = tmp_path / "out"
    args = ("--campaign", "stem-cell-safety", "--orgs", str(CLINICS), "--format", "poster", "--size", "a3",
            "--order", "zh-Hans+en", "--out", str(out), "-j", "1")
    real, calls = cli._timed_build, []

    def stop_at_the_third(job, cache_dir, draft):
        calls.append(job.label)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(job, cache_dir, draft)

    monkeypatch.setattr(cli, "_timed_build", stop_at_the_third)
    code, _, err = run_cli(*args)
    assert (code, err) == (130, "Interrupted.\n")
    assert sorted(str(path.relative_to(out)) for path in out.rglob("*.pdf")) == [
        "harbour-clinic/stem-cell-safety_poster-a3_zh-Hans+en.pdf", "lotus-clinic/stem-cell-safety_poster-a3_zh-Hans+en.pdf"]
    monkeypatch.setattr(cli, "_timed_build", real)
    code, printed, _ = run_cli(*args)
    assert code == 0
    lines = printed.splitlines()
    assert [" up to date " in line for line in lines[:3]] == [True, True, False]
    assert lines[3].startswith("Built 1 PDF in ") and lines[3].endswith("(2 up to date)")
    assert len(list(out.rglob("*.pdf"))) == 3


def test_a_clinic_name_too_long_for_the_handout_fails_naming_its_row(run_cli, tmp_path):
    folder = tmp_path / "orgs"
    folder.mkdir()
    path = _csv(folder, HEADER + GOOD.replace("North Clinic", "North " * 30 + "Clinic"))
    code, _, err = run_cli("--campaign", "stem-cell-safety", "--orgs", str(path), "--format", "handout",
                           "--size", "a4", "--order", "zh-Hans+en", "--out", str(tmp_path / "out"))
    assert code == 2
    assert "handout-a4 zh-Hans+en for north, page 2: " in err and f"text on this page: {path}:2:name:en)" in err, err



def _images(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every image XObject, in the pages and the forms they draw."""
    found, todo = [], [page.obj.Resources for page in pdf.pages]
    while todo:
        for item in todo.pop().get("/XObject", {}).values():
            if item.get("/Subtype") == "/Image":
                found.append(item)
            elif "/Resources" in item:
                todo.append(item.Resources)
    return found


def test_print_editions_with_logos_are_cmyk_only(tmp_path):
    """The print variant of the clinics with an SVG and a PNG logo: no RGB colour operator anywhere, the
    PNG logo embedded as a CMYK image (the screen edition keeps it RGB), the QR code still decodes."""
    campaign = load_campaign(ROOT / "content" / "stem-cell-safety")
    clinics = [org for org in read_organisations(CLINICS) if org.logo is not None]
    assert sorted(org.logo.kind for org in clinics) == ["png", "svg"]
    for variant in ("print", "screen"):
        for job in plan([campaign], formats={"handout"}, sizes={"a4"}, orders={"zh-Hans+en"}, variant=variant,
                        organisations=clinics):
            pdf = build_pdf(job, tmp_path / "cache").pdf
            with pikepdf.open(io.BytesIO(pdf)) as document:
                spaces = {str(image.get("/ColorSpace")) for image in _images(document)}
                content = b"".join(page.Contents.read_bytes() for page in document.pages)
            if variant == "print":
                assert not re.search(rb"(?<![\w/])(rg|RG)\b", content), job.label
                assert spaces <= {"/DeviceCMYK"}, (job.label, spaces)
            else:
                assert spaces <= {"/DeviceRGB"}, (job.label, spaces)
            if job.organisation.logo.kind == "png":
                assert spaces, job.label  # the PNG is an image of the page
            assert _decode(pdf, 1) == [job.organisation.website], job.label


def _build_and_note_the_worker(job, cache_dir, draft):
    """cli._timed_build, noting which process built the job (in the file PIDS names)."""
    with open(os.environ["HEALTHPRINT_TEST_PIDS"], "a", encoding="utf-8") as pids:
        pids.write(f"{os.getpid()}\n")
    return REAL_TIMED_BUILD(job, cache_dir, draft)


REAL_TIMED_BUILD = cli._timed_build


def test_a_long_batch_gets_fresh_workers_every_pdfs_per_pool(run_cli, tmp_path, monkeypatch):
    """Workers' memory grows a little with each PDF: a batch replaces its pool every PDFS_PER_POOL PDFs
    (here 2), so no worker builds more than that many."""
    pids = tmp_path / "pids"
    monkeypatch.setenv("HEALTHPRINT_TEST_PIDS", str(pids))
    monkeypatch.setattr(cli, "PDFS_PER_POOL", 2)
    monkeypatch.setattr(cli, "_timed_build", _build_and_note_the_worker)
    code, _, err = run_cli("--campaign", "stem-cell-safety", "--orgs", str(CLINICS), "--format", "poster",
                           "--size", "a3", "--out", str(tmp_path / "out"), "-j", "2")
    assert (code, err) == (0, "")
    workers = pids.read_text().split()
    assert len(workers) == 6  # 3 clinics × 2 orders
    assert max(workers.count(pid) for pid in set(workers)) <= 2 and len(set(workers)) >= 3


def test_a_file_of_thousands_of_organisations_is_read_and_a_larger_one_refused(tmp_path):
    """3000 clinics (≈ 330 kB, more than a content file may hold) are read; a file past the limit is
    refused in one line, before anything is parsed."""
    rows = "".join(GOOD.replace("north", f"clinic-{index}") for index in range(3000))
    assert len(read_organisations(_csv(tmp_path, HEADER + rows))) == 3000
    huge = _csv(tmp_path, HEADER + GOOD * 30_000, name="huge.csv")
    assert _problems(huge) == [f"{huge}: larger than 2500 kB; a file of 5000 organisations is about 1000 kB"]


def test_chinese_text_an_english_edition_would_print_is_named_by_its_column(tmp_path):
    """A name or a phone label given once, in Chinese, for a campaign printed in Chinese and English."""
    path = _csv(tmp_path, "id,name,phone\nnorth,北区诊所,预约: 010 1234 5678\n")
    assert [str(problem) for problem in language_problems(read_organisations(path), {"zh-Hans", "en"})] == [
        f"{path}:2:name: Chinese, Japanese or Korean text for en; give name:en too",
        f"{path}:2:phone: Chinese, Japanese or Korean text for en; give phone:en too"]
