"""Every example campaign in content/ (stem cells in Simplified Chinese, hand hygiene in Traditional
Chinese, antibiotics in Korean, each with English) passes what the stem-cell campaign passes: every
default output builds, with its page count and paper size, only the project's fonts, a `lang` on every
text, glyphs the four readers draw alike, an independent PDF/UA checker's approval and the titles in
what a screen reader hears; and a three-language campaign builds where a format holds three."""

import io
import re
import shutil
from pathlib import Path

import outloud
import pikepdf
import pypdfium2 as pdfium
import pytest

import readers
from healthprint.campaign import load_campaign
from healthprint.errors import ContentError
from healthprint.pipeline import build_pdf, plan
from healthprint.text import tidy
from structure import spoken, struct_tree

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(path for path in (ROOT / "content").iterdir() if (path / "campaign.yaml").exists())
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Every default output of every example but the stem-cell one (tested on its own): {label: (job, path)}."""
    folder, cache = tmp_path_factory.mktemp("examples"), tmp_path_factory.mktemp("cache")
    files = {}
    for campaign in (load_campaign(path) for path in EXAMPLES if path.name != "stem-cell-safety"):
        for job in plan([campaign]):
            files[job.label] = (job, folder / job.filename)
            files[job.label][1].write_bytes(build_pdf(job, cache).pdf)
    return files


def test_there_are_examples_beyond_stem_cells_in_traditional_chinese_and_korean(examples):
    languages = {lang for job, _ in examples.values() for lang in job.langs}
    assert {"zh-Hant", "ko", "en"} <= languages
    assert len({job.content.campaign.id for job, _ in examples.values()}) >= 2


def test_every_output_has_its_pages_paper_fonts_and_titles(examples):
    for label, (job, path) in examples.items():
        document = pdfium.PdfDocument(path)
        assert len(document) == job.size.pages, label
        for page in document:
            width, height = page.get_size()
            assert (round(width / MM, 1), round(height / MM, 1)) == (round(job.size.width, 1),
                                                                      round(job.size.height, 1)), label
        text = re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))
        for lang in job.langs:
            assert re.sub(r"\s+", "", tidy(job.content.texts[lang].title, lang)) in text, (label, lang)
        with pikepdf.open(path) as pdf:
            fonts = {str(font.get("/BaseFont")) for page in pdf.pages
                     for font in page.Resources.get("/Font", {}).values()}
        assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Healthprint-Noto-Sans-CJK(-Bold)?", font) for font in fonts), fonts


def test_the_four_readers_draw_every_page_alike(examples):
    problems = [line for _, path in examples.values() for line in readers.disagreements(path)]
    assert not problems, "\n".join(problems)


def test_an_independent_checker_approves_and_the_screen_reader_hears_each_language(examples):
    for label, (job, path) in examples.items():
        findings = [f"{finding.rule}: {finding.message}" for finding in outloud.check(str(path)).findings
                    if finding.severity in ("error", "warning")]
        assert not findings, (label, findings)
        heard = spoken(struct_tree(path))
        for lang in job.langs:
            assert tidy(job.content.texts[lang].main_message, lang) in heard, (label, lang)


def _three_languages(tmp_path: Path, outputs: str) -> Path:
    """The three-language test campaign (tests/scenarios/three-languages) with these `outputs`."""
    folder = tmp_path / "content" / "three"
    shutil.copytree(SCENARIOS / "three-languages", folder, dirs_exist_ok=True)
    campaign = folder / "campaign.yaml"
    campaign.write_text(campaign.read_text(encoding="utf-8").split("outputs:")[0] + "outputs:\n" + outputs,
                        encoding="utf-8")
    return folder


def test_three_languages_in_one_handout(tmp_path):
    """A handout in Traditional Chinese, Korean and English: each language once, in the order of each
    build, every text tagged with its language, each language's emergency region named."""
    folder = _three_languages(tmp_path, "  - format: handout\n    sizes: [a4]\n")
    campaign = load_campaign(folder)
    jobs = plan([campaign])
    assert [job.output for job in jobs] == ["handout-a4 zh-Hant+ko+en", "handout-a4 ko+en+zh-Hant",
                                            "handout-a4 en+zh-Hant+ko"]
    for job in jobs:
        pdf = build_pdf(job, tmp_path / "cache").pdf
        text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))
        at = [text.index(tidy(campaign.texts[lang].title, lang)) for lang in job.langs]
        assert at == sorted(at), job.label
        assert all(name in text for name in ("香港", "홍콩", "Hong Kong", "韓國", "한국", "South Korea")), job.label
        with pikepdf.open(io.BytesIO(pdf)) as document:
            languages = {str(node.get("/Lang")) for node in _struct_elements(document.Root.StructTreeRoot)
                         if "/Lang" in node}
        assert {"zh-Hant", "ko", "en"} <= languages, job.label


def _struct_elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _struct_elements(kid)


@pytest.mark.parametrize("output", ["poster-a3", "leaflet-a4", "handout-a5"])
def test_a_format_that_holds_two_languages_says_so(tmp_path, output):
    """Three languages in one order on a poster, a tri-fold or an A5 booklet: a content error naming the
    output, not text squeezed past the panel; with `orders` of two for that output it is planned in them
    (the tri-fold would then want three points)."""
    format_name, size = output.split("-")
    folder = _three_languages(tmp_path, f"  - format: {format_name}\n    sizes: [{size}]\n")
    with pytest.raises(ContentError) as raised:
        load_campaign(folder)
    assert str(raised.value).splitlines()[0] == (
        f"{folder}/campaign.yaml:3:1: languages: {output} holds at most 2 languages, not zh-Hant+ko+en: give "
        f"outputs[1] its own `orders` of 2 languages")
    if format_name == "leaflet":
        return
    _three_languages(tmp_path, f"  - format: {format_name}\n    sizes: [{size}]\n    orders: [ko+en]\n"
                               "  - format: handout\n    sizes: [a4]\n    orders: [en+ko+zh-Hant]\n")
    assert [job.output for job in plan([load_campaign(folder)])] == [f"{output} ko+en", "handout-a4 en+ko+zh-Hant"]
