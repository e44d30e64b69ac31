"""A campaign that is not about stem cells: sections left out, plain points, icons by name, one language,
and a layout that closes up. Each starts from the frozen valid campaign and changes what a different
topic would."""

import re
from pathlib import Path

import pypdfium2 as pdfium

from healthprint.campaign import load_campaign
from healthprint.formats import FORMATS
from healthprint.pipeline import build_pdf, plan
from healthprint.render import render_html
from healthprint.resources import icon_svg

VALID = Path(__file__).parent / "scenarios" / "valid"


def _without(content: Path, *sections: tuple[str, str]) -> Path:
    """`content` with the lines from each `start` up to its `end` removed in both language files; a
    start `anchor|start` is the first `start` after `anchor`."""
    for name in ("en.yaml", "zh-Hans.yaml"):
        path = content / "campaign" / name
        text = path.read_text(encoding="utf-8")
        for start, end in sections:
            anchor, _, start = start.rpartition("|")
            at = text.index(start, text.index(anchor) if anchor else 0)
            text = text[:at] + text[text.index(end, at):]
        path.write_text(text, encoding="utf-8")
    return content


def _outputs(content: Path, outputs: str) -> None:
    path = content / "campaign" / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("outputs:")[0] + "outputs:\n" + outputs, encoding="utf-8")


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.get_textpage().get_text_range()) for page in pdfium.PdfDocument(pdf)]


def _build(content: Path, tmp_path: Path, **choices) -> dict[str, tuple]:
    campaign = load_campaign(content / "campaign")
    return {job.label: (job, build_pdf(job, tmp_path / "cache").pdf) for job in plan([campaign], **choices)}


def test_a_campaign_without_incident_facts_or_slogans_builds_every_format(scenario, tmp_path):
    """What a campaign leaves out is not printed, not even as a heading or an empty box; every format
    and order builds with the pages and checks of a full campaign."""
    content = _without(scenario(), ("incident:", "points:"), ("facts:", "key_question:"), ("slogans:", "urgent:"))
    built = _build(content, tmp_path)
    assert len(built) == 10
    for label, (job, pdf) in built.items():
        text = "".join(_pages(pdf))
        assert len(_pages(pdf)) == job.size.pages, label
        for gone in ("Whathappened", "发生了什么", "Whyitcangowrong", "Thereisnoshortcuttohealth", "健康无捷径"):
            assert gone not in text, (label, gone)
        assert "Getthelp" in text or "Gethelpnow" in text, label
    html = render_html(*_models(content), "handout", FORMATS["handout"]["a4"], ("zh-Hans", "en"))
    assert 'data-part="incident"' not in html and 'data-part="facts"' not in html and 'class="slogans"' not in html


def _models(content: Path):
    loaded = load_campaign(content / "campaign")
    return loaded.campaign, loaded.texts


def test_a_page_with_room_takes_the_next_pages_first_section(scenario, tmp_path):
    """Without `incident` and with one fact, the facts fit on the front page of the A4 handout and move
    there; with the full campaign they stay on the back (the page plan is the size table's)."""
    short = _without(scenario(), ("incident:", "points:"), ("icon: allergy|    - title:", "key_question:"))
    _outputs(short, "  - format: handout\n    sizes: [a4]\n  - format: leaflet\n    sizes: [a4]\n")
    for label, (job, pdf) in _build(short, tmp_path, formats={"handout"}, orders={"en+zh-Hans"}).items():
        front, back = _pages(pdf)
        assert "Whyitcangowrong" in front and "AllergytoDMSO" in front and "Gethelpnow" in back, label
    full = load_campaign(VALID)
    job = next(job for job in plan([full], formats={"handout"}, sizes={"a4"}, orders={"en+zh-Hans"}))
    front, back = _pages(build_pdf(job, tmp_path / "cache").pdf)
    assert "Whyitcangowrong" in back and "Whyitcangowrong" not in front


def test_points_may_be_plain_statements_marked_by_their_number(scenario, tmp_path):
    """A point with `statement` instead of `left`/`right` is printed as it is, with its number as the
    mark: the ≠ motif only where the point is an inequality."""
    content = scenario({
        "en.yaml": ('    - left: "Japanese regulation"\n      right: "a guarantee of safety"\n',
                    '    - statement: "Regulation does not mean safety"\n'),
        "zh-Hans.yaml": ('    - left: "日本监管"\n      right: "绝对安全"\n', '    - statement: "有监管不等于安全"\n')})
    campaign, texts = _models(content)
    html = render_html(campaign, texts, "poster", FORMATS["poster"]["a3"], ("en", "zh-Hans"))
    lines = re.findall(r'<div class="neq-line gutter">(.*?)</h2>', html, re.S)
    assert len(lines) == 3
    assert all("≠</div>" in line for line in lines[:2]) and "neq-inline" in lines[0]
    assert '>3</div>' in lines[2] and "≠" not in lines[2]
    built = _build(content, tmp_path, formats={"poster", "handout"}, sizes={"a3", "a4"}, orders={"en+zh-Hans"})
    for label, (_, pdf) in built.items():
        text = "".join(_pages(pdf))
        assert "Regulationdoesnotmeansafety" in text and "有监管不等于安全" in text, label


def test_icons_are_chosen_by_name_not_by_position(scenario):
    """Each fact gets the icon it names, wherever it stands in the list; a fact without one gets none."""
    content = scenario({
        "en.yaml": ("      icon: allergy\n", "      icon: bacteria\n"),
        "zh-Hans.yaml": ("      icon: allergy\n", "      icon: bacteria\n")})
    for name in ("en.yaml", "zh-Hans.yaml"):  # the last fact has no icon
        path = content / "campaign" / name
        path.write_text(path.read_text(encoding="utf-8").replace("      icon: drip\n", ""), encoding="utf-8")
    campaign, texts = _models(content)
    html = render_html(campaign, texts, "handout", FORMATS["handout"]["a4"], ("en", "zh-Hans"))
    facts = re.findall(r'<div class="fact[^"]*" data-part="fact \d">(.*?)</h3>', html, re.S)
    colour = campaign.colours.accent
    assert icon_svg("bacteria").replace("currentColor", colour).split(">", 1)[1] in facts[0]
    assert icon_svg("clot").replace("currentColor", colour).split(">", 1)[1] in facts[1]
    assert "<svg" not in facts[2] and "fact-icon" not in facts[2]


def test_one_language_builds_every_format_with_no_empty_translation_slots(scenario, tmp_path):
    """`languages: [en]`: one order, `en`; no secondary text anywhere, nothing Chinese in the PDF."""
    content = scenario({"campaign.yaml": ("languages: [zh-Hans, en]", "languages: [en]")})
    (content / "campaign" / "zh-Hans.yaml").unlink()
    built = _build(content, tmp_path)
    assert sorted(label.split(" ", 1)[1] for label in built) == [
        "handout-a4 en", "handout-a5 en", "leaflet-a4 en", "poster-a2 en", "poster-a3 en"]
    for label, (job, pdf) in built.items():
        assert job.filename.endswith("_en.pdf")
        pages = _pages(pdf)
        assert len(pages) == job.size.pages
        assert not re.search(r"[\u4e00-\u9fff]", "".join(pages)), label
        html = render_html(*_models(content), job.format, job.size, job.langs)
        assert "secondary" not in re.sub(r"<style.*?</style>", "", html, flags=re.S), label
