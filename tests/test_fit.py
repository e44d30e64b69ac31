"""The fit check: every text laid out, inside its slot and the page, not painted over; and --draft.

Each scenario starts from the frozen valid campaign and makes one text too long.
"""

import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from healthprint.check import check_fit
from healthprint.fonts import font_faces_css
from healthprint.engine import lay_out

POINT_2 = ("Ads and reviews do not prove a treatment works. Stem-cell treatment for pain or aging is still "
           "being studied.")
ROOT = Path(__file__).resolve().parent.parent
DISCLAIMER = "If you feel unwell, see a doctor soon."


def _doubled_point(scenario):
    return scenario({"en.yaml": (f'text: "{POINT_2}"', f'text: "{POINT_2} {POINT_2}"')})


def test_text_hidden_under_the_leaflet_slogan_band_fails(scenario, run_cli, tmp_path):
    """A doubled core point pushes its panel's question under the absolutely placed slogan band: the
    message names the hidden text's file, line, column and key, the panel, and the panel's longest text."""
    content = _doubled_point(scenario)
    code, out, err = run_cli("--content", str(content), "--out", str(tmp_path / "out"), "--format", "leaflet",
                             "--order", "en+zh-Hans")
    c = content / "campaign"
    assert code == 2
    assert err == (f"{c}/en.yaml:36:7: checklist.items[2]: leaflet-a4 en+zh-Hans, inside panel 2: 13 mm over "
                   "(4 lines, hidden under the slogans) — cut about 70 characters of en text or 25 characters of zh-Hans text (the longest text in this panel: "
                   f"{c}/en.yaml:15:7 points.items[2].text)\n"
                   "Aborted with 1 layout error.\n")
    assert not (tmp_path / "out").exists()


def test_unbreakable_word_wider_than_the_poster_fails(scenario, run_cli, tmp_path):
    """A word that cannot break runs off the A3 poster's page: too wide, by how much, and what to cut."""
    content = scenario({"en.yaml": ('title: "Stem-cell treatment: safety first"',
                                    'title: "Pneumonoultramicroscopicsilicovolcanoconiosis"')})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "poster", "--size", "a3",
                           "--order", "en+zh-Hans")
    assert code == 2
    assert err == (f"{content}/campaign/en.yaml:1:1: title: poster-a3 en+zh-Hans, page 1: 330 mm too wide (1 line) "
                   "— cut about 25 characters\n"
                   "Aborted with 1 layout error.\n")


# A campaign's own stylesheet that floats the small-print columns (as the packaged one once did).
FLOATED_COLUMNS = (".small-columns { display: flow-root; } .small-column { float: left; width: 48%; } "
                   ".small-column + .small-column { float: right; padding-left: 0; }\n")


def test_text_the_layout_drops_is_named_not_only_missed(scenario, run_cli, tmp_path):
    """With floated small-print columns, a longer disclaimer makes WeasyPrint drop the rest of a column,
    the English dates line: the message names its key instead of only "required content missing"."""
    content = scenario({"en.yaml": (DISCLAIMER, f"{DISCLAIMER} Keep this leaflet and show it to your doctor "
                                                "if you plan any treatment.")})
    css = content / "campaign" / "templates" / "css" / "handout.css"
    css.parent.mkdir(parents=True)
    css.write_text((ROOT / "templates" / "css" / "handout.css").read_text(encoding="utf-8") + FLOATED_COLUMNS,
                   encoding="utf-8")
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "handout", "--size", "a4",
                           "--order", "en+zh-Hans")
    c = content / "campaign"
    assert code == 2
    assert err == (f"{c}/en.yaml:55:1: labels: handout-a4 en+zh-Hans, page 2: left out by the layout (not printed) "
                   f"— cut about 95 characters (the longest text on this page: {c}/en.yaml:54:1 disclaimer)\n"
                   "Aborted with 1 layout error.\n")


def _magenta_pixels(pdf, page: int) -> int:
    """Pixels of the draft outline colour below the draft mark's band at the top of the page."""
    image = pdfium.PdfDocument(pdf)[page].render(scale=2).to_pil().convert("RGB")
    band = 60  # px at 144 dpi: the "DRAFT — does not fit" mark is 18 pt from the top
    data = image.crop((0, band, image.width, image.height)).tobytes()
    return sum(1 for r, g, b in zip(data[0::3], data[1::3], data[2::3]) if r > 220 and g < 40 and 110 < b < 170)


def test_draft_writes_the_over_full_pdf_marked_and_outlined(scenario, run_cli, tmp_path):
    """--draft: exit 2 and the same message, the PDF only under its _DRAFT name, with the mark on the
    page, DRAFT in its title and the hidden line outlined. Once the text fits, the draft is removed."""
    content, out_dir = _doubled_point(scenario), tmp_path / "out"
    args = ("--content", str(content), "--out", str(out_dir), "--format", "leaflet", "--order", "en+zh-Hans")
    code, out, err = run_cli(*args, "--draft")
    draft = out_dir / "stem-cell-safety_leaflet-a4_en+zh-Hans_DRAFT.pdf"
    assert code == 2
    assert out == f"[1/1] stem-cell-safety leaflet-a4 en+zh-Hans        FAILED (see below), draft → {draft}\n"
    assert err.startswith(f"{content}/campaign/en.yaml:36:7: checklist.items[2]: leaflet-a4 en+zh-Hans, ")
    assert [p.name for p in out_dir.iterdir()] == [draft.name]
    assert [page.get_textpage().get_text_range().endswith("DRAFT — does not fit")
            for page in pdfium.PdfDocument(draft)] == [True, True]
    with pikepdf.open(draft) as pdf:
        assert str(pdf.docinfo.Title).startswith("DRAFT — does not fit: ")
        assert pdf.open_metadata()["dc:title"].startswith("DRAFT — does not fit: ")
    assert _magenta_pixels(draft, 1) > 200   # around the line under the band of inside panel 2
    assert _magenta_pixels(draft, 0) == 0    # the outside fits

    (content / "campaign" / "en.yaml").write_text(
        (content / "campaign" / "en.yaml").read_text(encoding="utf-8").replace(f"{POINT_2} {POINT_2}", POINT_2),
        encoding="utf-8")
    assert run_cli(*args, "--draft")[0] == 0
    good = out_dir / "stem-cell-safety_leaflet-a4_en+zh-Hans.pdf"
    assert sorted(p.name for p in out_dir.iterdir()) == [f".{good.name}.inputs", good.name]
    assert _magenta_pixels(good, 1) == 0


def test_text_without_a_key_is_named_by_its_part(tmp_path):
    """Text no YAML key names (a mark, a separator) is named by its `data-part`, page and start; a line
    under a later-painted background and one past the slot's bottom are two failures of the slot."""
    html = ('<html lang="en"><body><div data-slot="page" style="height: 8mm; position: relative">'
            '<p lang="en" data-part="notes">One two three four five six seven eight nine ten eleven twelve '
            'thirteen</p><div style="position: absolute; top: 2mm; width: 20mm; height: 3mm; background: #c0262d" '
            'data-part="band"></div></div><p lang="en">Outside any slot, on the page</p></body></html>')
    font_css, files = font_faces_css(html, tmp_path)
    document = lay_out(html, font_css + "@page { size: 100mm 60mm; margin: 5mm } html { font-family: "
                       "'Healthprint Noto Sans CJK'; font-size: 12pt }", files, "test")
    assert [misfit.message for misfit in check_fit(document, {}, "x", "test")] == [
        "test: page 1, notes, 'One two three four five ': 4 mm over (1 line, hidden under the band) "
        "— cut about 45 characters",
        "test: page 1, notes, 'ten eleven twelve thirte': 4 mm over (1 line) — cut about 30 characters"]


def test_a_poster_title_too_long_says_how_much_to_cut_in_each_language(scenario, run_cli, tmp_path):
    """A headline three times as long pushes the A3 poster's foot off the page: the message says how many
    characters to cut in each language, more of English (narrower letters) than of Chinese."""
    content = scenario({"en.yaml": ('title: "Stem-cell treatment: safety first"',
                                    'title: "Stem-cell treatment: safety first, safety always, safety before all"')})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "poster", "--size", "a3",
                           "--order", "en+zh-Hans")
    assert code == 2
    found = re.search(r"poster-a3 en\+zh-Hans, page 1: \d+ mm over \(\d+ lines?\) — cut about (\d+) characters of en "
                      r"text or (\d+) characters of zh-Hans text", err)
    assert found, err
    english, chinese = map(int, found.groups())
    assert english > chinese > 0
