"""Assertions on the built PDFs themselves: pages, fonts, text, reproducibility. (Regional glyph forms:
test_subsetting.py.)"""

import io
import re
from itertools import permutations

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest

from healthprint.check import check_langs
from healthprint.formats import FORMATS
from healthprint.pipeline import build_pdf, plan

MM_PER_PT = 25.4 / 72
# Paper standards, to check the size table against (a size of another name is checked against the table only).
ANSI = {"letter": (215.9, 279.4), "legal": (215.9, 355.6), "tabloid": (279.4, 431.8)}


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", "", text)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_default_build_has_every_output_the_campaign_asks_for_in_every_order(built, campaign):
    """Each format-size listed under `outputs` in campaign.yaml, in every order of its languages: nothing
    more, nothing left out."""
    languages = campaign.campaign.languages
    wanted = {f"{output.format}-{size} {'+'.join(order)}"
              for output in campaign.campaign.outputs for size in output.sizes for order in permutations(languages)}
    assert {label.split(" ", 1)[1] for label in built} == wanted
    assert len(built) == len(wanted) > 0


def test_page_count_and_exact_page_size(built):
    """Each output has its format's fixed page count and paper size (the size table), to a hundredth of
    a millimetre."""
    for label, (job, pdf) in built.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == job.size.pages, label
        for page in reader.pages:
            box = page.mediabox
            assert float(box.width) * MM_PER_PT == pytest.approx(job.size.width, abs=0.01), label
            assert float(box.height) * MM_PER_PT == pytest.approx(job.size.height, abs=0.01), label


def _paper(name: str) -> tuple[float, float] | None:
    """Short and long side (mm) of a standard paper size: ISO 216 A series (A0 = 1 m², sides 1:√2, each
    next size the previous one halved and rounded down) or ANSI; None for another name."""
    if re.fullmatch(r"a\d", name):
        short, long = 841, 1189
        for _ in range(int(name[1])):
            short, long = long // 2, short
        return short, long
    return ANSI.get(name)


def test_the_size_table_has_the_standard_paper_sizes():
    """Every size named like a standard paper (a4, a1, letter) has its dimensions, portrait or landscape."""
    checked = 0
    for format_name, sizes in FORMATS.items():
        for name, size in sizes.items():
            if (paper := _paper(name)) is not None:
                assert tuple(sorted((size.width, size.height))) == paper, (format_name, name)
                checked += 1
    assert checked > 0


def test_only_project_fonts_are_embedded_as_subsets(built):
    """Every font is an embedded subset (ABCDEF+ prefix) of Noto Sans CJK, and the Bold is the real Bold."""
    for label, (_, pdf) in built.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        programs = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                assert re.fullmatch(r"/[A-Z]{6}\+Healthprint-Noto-Sans-CJK(-Bold)?", str(font["/BaseFont"])), label
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                data = next(descriptor[key].get_object().get_data()
                            for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
                programs.add(re.search(rb"NotoSansCJKjp-(Regular|Bold)", data).group().decode())
        assert programs == {"NotoSansCJKjp-Regular", "NotoSansCJKjp-Bold"}, label


def test_core_points_and_slogans_are_extractable_in_both_languages(built, campaign):
    """The ≠ points appear everywhere; slogans as many as each format prints; both languages."""
    for label, (job, pdf) in built.items():
        text = _text(pdf)
        for lang in campaign.campaign.languages:
            texts = campaign.texts[lang]
            for point in texts.points.items:
                assert _plain(f"{point.left}≠{point.right}") in text, (label, lang, point.left)
            for slogan in texts.slogans[: job.size.slogans]:
                assert _plain(slogan) in text, (label, lang, slogan)


def test_leaflet_carries_every_slogan_and_checklist_question(built, campaign):
    """The leaflet is the complete format: all slogans, all questions, in both languages."""
    for label, (_, pdf) in built.items():
        if "leaflet" not in label:
            continue
        text = _text(pdf)
        for texts in campaign.texts.values():
            for item in [*texts.slogans, *texts.checklist.items]:
                assert _plain(item) in text, (label, item)


def test_languages_come_in_the_chosen_order(built, campaign):
    """The primary language's title comes before the secondary's on the first page."""
    for label, (job, pdf) in built.items():
        if "leaflet" in label:
            continue  # the cover is the third panel: text order follows panels, tested in the layout
        first = _text(pdf)
        primary, secondary = (campaign.texts[lang].title for lang in job.langs)
        assert first.index(_plain(primary)) < first.index(_plain(secondary)), label


def test_every_text_has_a_lang(rendered, campaign):
    """The HTML of every output passes the lang audit, and uses only the campaign's language tags."""
    for label, (_, html) in rendered.items():
        check_langs(html, label)
        assert set(re.findall(r'lang="([^"]+)"', html)) == {*campaign.campaign.languages, "zxx"}, label


def test_same_content_gives_identical_bytes(campaign, built, tmp_path):
    """Rebuilding with a fresh font cache gives byte-identical PDFs."""
    job = plan([campaign], formats={"handout"}, sizes={"a4"}, orders={"zh-Hans+en"})[0]
    assert build_pdf(job, tmp_path).pdf == built[job.label][1]


def test_poster_headline_cap_height_reads_from_the_poster_distance(built):
    """Read from 3 m, capitals 25 mm tall (the A2 poster): the capital S of every English-first
    poster's headline is at least 25 mm tall per 3 m of the size's headline distance."""
    posters = [(label, job, pdf) for label, (job, pdf) in built.items()
               if job.format == "poster" and job.langs[0] == "en"]
    assert posters
    for label, job, pdf in posters:
        textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
        index = textpage.get_text_range().index("S")
        left, bottom, right, top = textpage.get_charbox(index)
        assert (top - bottom) * MM_PER_PT >= 25 * job.size.headline_distance / 3, label


def test_subset_tags_are_derived_from_the_font_program(built, printed):
    """The `ABCDEF+` tag names the subset's content: equal tags only for equal font programs, so merged
    or imposed files can't swap glyphs (WeasyPrint tags by font name: the same tag in every file)."""
    programs: dict[str, set[bytes]] = {}
    for label, (_, pdf) in [*built.items(), *printed.items()]:
        document = pikepdf.open(io.BytesIO(pdf))
        for page in document.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                name = str(font.BaseFont)
                assert name == str(font.DescendantFonts[0].BaseFont) == str(descriptor.FontName), label
                programs.setdefault(name, set()).add(descriptor.FontFile3.read_bytes())
    assert all(len(data) == 1 for data in programs.values()), {name: len(data) for name, data in programs.items()}
    assert len({name.split("+")[1] for name in programs}) == 2 and len(programs) > 4


def test_every_pdf_has_a_trailer_id(built, printed):
    """A file identifier in the trailer (PDF/X and PDF/UA want one): two strings of at least 16 bytes."""
    for label, (_, pdf) in [*built.items(), *printed.items()]:
        identifier = pikepdf.open(io.BytesIO(pdf)).trailer.ID
        assert len(identifier) == 2 and all(len(bytes(part)) >= 16 for part in identifier), label


def _calm_drawing(pdf: bytes, page: int, colour: str, left_mm: float = 0, right_mm: float = 10_000):
    """Width and height (mm) and top (mm from the page top) of what is drawn in `colour` between
    `left_mm` and `right_mm` from the left edge; None if nothing is."""
    scale = 2
    image = pdfium.PdfDocument(pdf)[page].render(scale=scale).to_pil().convert("RGB")
    px_per_mm = scale * 72 / 25.4
    area = image.crop((round(left_mm * px_per_mm), 0, min(image.width, round(right_mm * px_per_mm)), image.height))
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    found = [(x, y) for y in range(0, area.height, 2) for x in range(0, area.width, 2)
             if max(abs(a - b) for a, b in zip(area.getpixel((x, y)), rgb)) < 30]
    if not found:
        return None
    xs, ys = [x for x, _ in found], [y for _, y in found]
    return (max(xs) - min(xs)) / px_per_mm, (max(ys) - min(ys)) / px_per_mm, min(ys) / px_per_mm


def _pictogram_on_its_own(job) -> bool:
    """Whether a handout's size puts the pictogram, large, in a section of its own (the A5 cover) instead
    of beside the main message in the masthead."""
    return any("pictogram" in page for page in job.size.page_plan)


def test_the_main_message_is_drawn_as_a_pictogram_on_every_format(built, campaign):
    """The pictogram (a patient asking before a drip), in the calm colour: large on the leaflet cover
    between the message and the slogan band (nothing else there is in that colour), under the masthead
    of a handout that gives it a section of its own (A5), beside the main message of the others (A4),
    and in the poster's left gutter beside the question that decides."""
    calm = campaign.campaign.colours.calm
    for label, (job, pdf) in built.items():
        if job.format == "leaflet":
            width, height, top = _calm_drawing(pdf, 0, calm, left_mm=197)
            assert width >= 28 and height >= 28 and 110 < top < 150, (label, width, height, top)
        elif job.format == "handout":
            width, height, _ = _calm_drawing(pdf, 0, calm)
            wanted = (18, 18) if _pictogram_on_its_own(job) else (14, 14)
            assert width >= wanted[0] and height >= wanted[1], (label, width, height)
        else:
            gutter = job.size.margin + 3 * job.size.body * 25.4 / 72  # the pictogram is 3 em wide
            width, height, _ = _calm_drawing(pdf, 0, calm, right_mm=gutter)
            pictogram = 3 * job.size.body * 25.4 / 72
            assert width >= 0.7 * pictogram and height >= 0.7 * pictogram, (label, width, height)


def _lowest_text_mm(pdf: bytes, page: int) -> float:
    """How far above the page's bottom edge the lowest character sits, in mm."""
    text = pdfium.PdfDocument(pdf)[page].get_textpage()
    return min(text.get_charbox(i)[1] for i in range(text.count_chars())) * 25.4 / 72


def test_posters_and_the_a5_cover_leave_no_empty_band_at_the_foot(built):
    """The poster's parts share its height (the source sits on the bottom margin) and a handout cover
    with the large pictogram (A5) fills its page: no band of 40-56 mm left empty at the bottom."""
    for label, (job, pdf) in built.items():
        if job.format == "poster":
            assert _lowest_text_mm(pdf, 0) < job.size.margin + 5, label
        elif job.format == "handout" and _pictogram_on_its_own(job):
            assert _lowest_text_mm(pdf, 0) < job.size.margin + 25, label


def test_posters_carry_the_actions_and_what_happened(built, campaign):
    """Besides the headline and the ≠ lines, the poster says what happened and what is not known, the
    question that decides and when to stop the drip and call, in both languages, with the numbers."""
    for label, (job, pdf) in built.items():
        if job.format != "poster":
            continue
        text = _text(pdf)
        for lang in campaign.campaign.languages:
            texts = campaign.texts[lang]
            for wanted in (texts.incident.summary, texts.key_question, texts.urgent.text):
                assert _plain(wanted) in text, (label, lang, wanted)
        assert all(call.number in text for call in campaign.campaign.emergency), label