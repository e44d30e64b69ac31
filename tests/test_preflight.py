"""Preflight: glyphs, languages, type size, contrast, required content, and --strict — each shown failing."""

import dataclasses
import re

import pytest

from healthprint.check import Palette, check_langs, preflight
from healthprint.errors import Counted, LayoutError
from healthprint.fonts import font_faces_css
from healthprint.formats import FORMATS
from healthprint.engine import Colour, lay_out
from healthprint.text import typeset
from healthprint.yaml_reader import YamlFile


def test_missing_glyph_names_file_line_key_and_font(scenario, run_cli):
    """A character the font lacks stops the build before layout, in the issue's format (no column)."""
    content = scenario({"zh-Hans.yaml": ('"追求健康，不赌奇迹。"', '"追求健康，不赌奇迹。😀"')})
    code, _, err = run_cli("--content", str(content), "--list")
    assert code == 2
    assert err.splitlines() == [
        f"{content}/campaign/zh-Hans.yaml:42: slogans[2]: U+1F600 '😀' has no glyph in NotoSansCJKjp-Regular",
        "Aborted with 1 content error."]


def test_chinese_text_in_the_english_file_is_an_error(scenario, run_cli):
    """Han characters in en.yaml would be tagged `en` and drawn with Japanese glyph forms."""
    content = scenario({"en.yaml": ('"Go for health. Don’t bet on miracles."', '"Go for health. 别赌 miracles."')})
    code, _, err = run_cli("--content", str(content), "--list")
    assert (code, err.splitlines()[0]) == (
        2, f"{content}/campaign/en.yaml:42:5: slogans[2]: Chinese, Japanese or Korean text '别' in the en file; "
           "Han, kana and Hangul belong in the file of their language")


def test_text_without_lang_and_cjk_in_english_elements_are_caught_in_the_html():
    """The HTML audit names untagged text and CJK text inside lang="en"."""
    html = ('<html lang="en"><body><div lang="en"><svg><path d="M0"/></svg></div><p>untagged</p>'
            '<p lang="en">中文</p><p lang="zh-Hans">中文</p></body></html>')
    with pytest.raises(LayoutError) as caught:
        check_langs(html, "x")
    assert caught.value.lines == ["x: text without a lang attribute in <p>: 'untagged'",
                                  "x: Chinese, Japanese or Korean text in <p lang=\"en\">: '中文'"]


def _document(body: str, tmp_path, css: str = ""):
    html = f'<html lang="en"><body>{body}</body></html>'
    style = ("@page { size: 100mm 60mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK'; "
             "font-size: 12pt; color: #1a1a1a }" + css)
    font_css, files = font_faces_css(html, tmp_path)
    return lay_out(html, font_css + style, files, "test")


def test_small_body_text_and_small_footnotes_are_errors(tmp_path):
    """Handout body under 12 pt and footnotes under 8 pt, with measured and required sizes."""
    document = _document('<p lang="en" style="font-size: 11pt">Body text</p>'
                         '<div data-role="footnote"><p lang="en" style="font-size: 7pt">Footnote</p></div>'
                         '<div data-role="footnote"><p lang="en" style="font-size: 8pt">Fine print</p></div>', tmp_path)
    findings = preflight(document, FORMATS["handout"]["a4"], {}, "test")
    assert findings.errors == ["test: page 1, <p> 'Body text': text 11.0 pt, needs ≥ 12 pt",
                               "test: page 1, <p> 'Footnote': footnote 7.0 pt, needs ≥ 8 pt"]
    assert findings.warnings == []


def test_low_contrast_is_an_error_with_the_measured_ratio(tmp_path):
    """Light grey on white fails 4.5:1; large bold text needs only 3:1."""
    document = _document('<p lang="en" style="color: #999999">Pale</p>'
                         '<p lang="en" style="color: #888888; font-size: 19pt">Large</p>', tmp_path)
    findings = preflight(document, FORMATS["leaflet"]["a4"], {}, "test")
    assert findings.errors == ["test: page 1, <p> 'Pale': contrast 2.8:1, needs ≥ 4.5:1"]


def test_a_pale_accent_is_one_error_at_its_line_with_a_colour_that_passes(scenario, run_cli, tmp_path):
    """A campaign accent too light for the white slogan text on it and for the marks and headings in it:
    one line at `colours.accent` in campaign.yaml (not one per text), with how many texts fail and a
    darker colour of its hue that reaches 4.5:1 in both pairs, screen and print; outputs where the same
    texts fail share the line."""
    content = scenario({"campaign.yaml": ('accent: "#C0262D"', 'accent: "#F5A623"')})
    args = ("--content", str(content), "--out", str(tmp_path), "--format", "handout", "--size", "a4", "-j", "1")
    code, _, err = run_cli(*args)
    assert (code, err.splitlines()) == (2, [
        f"{content}/campaign/campaign.yaml:8:3: colours.accent: '#F5A623': white text on it has contrast 2.0:1, "
        "needs ≥ 4.5:1, and text in it on white 2.0:1, needs ≥ 3.0:1; try #9D6A16 or darker (30 places in "
        "2 outputs)",
        "Aborted with 1 layout error."])
    args += ("--order", "zh-Hans+en")
    code, _, err = run_cli(*args, "--print")
    assert (code, err.splitlines()) == (2, [
        f"{content}/campaign/campaign.yaml:8:3: colours.accent: '#F5A623': white text on it has contrast 2.0:1, "
        "needs ≥ 4.5:1, and text in it on white 1.9:1, needs ≥ 3.0:1; try #7A5312 or darker (15 places in "
        "stem-cell-safety handout-a4 zh-Hans+en print)",
        "Aborted with 1 layout error."])
    campaign = content / "campaign" / "campaign.yaml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("#F5A623", "#7A5312"), encoding="utf-8")
    assert [run_cli(*args, *variant)[0] for variant in ((), ("--print",))] == [0, 0]


def test_low_contrast_of_colours_no_setting_gives_stays_one_line_per_text(tmp_path):
    """With the campaign's colours at hand, text in a setting's colour is told at the setting; text in
    another colour (a template's own grey) keeps its line, naming page and element."""
    palette = Palette({"accent": "#F5A623", "paper": "#FFFFFF"},
                      YamlFile("campaign.yaml", None, {("colours", "accent"): (8, 3)}),
                      lambda value, as_text: Colour("srgb", tuple(int(value[i:i + 2], 16) / 255 for i in (1, 3, 5))))
    document = _document('<p lang="en" style="color: #F5A623">One</p><p lang="en" style="color: #999999">Pale</p>'
                         '<p lang="en" style="color: #F5A623; font-size: 19pt">Two</p>', tmp_path)
    findings = preflight(document, FORMATS["leaflet"]["a4"], {}, "test", palette)
    assert findings.errors == ["test: page 1, <p> 'Pale': contrast 2.8:1, needs ≥ 4.5:1"]
    assert findings.counted == [Counted("campaign.yaml:8:3: colours.accent: '#F5A623': text in it on white has "
                                        "contrast 2.0:1, needs ≥ 4.5:1; try #9D6A16 or darker", 2, "test")]


def test_required_content_is_checked_on_the_pages(tmp_path):
    """A required item that is not printed is an error naming it."""
    document = _document('<p lang="en">Published 25 November 2026</p>', tmp_path)
    findings = preflight(document, FORMATS["handout"]["a4"],
                         {"publication date (en)": "25 November 2026", "review date (en)": "25 November 2027"},
                         "test")
    assert findings.errors == ["test: required content missing: review date (en) ('25 November 2027')"]


def test_poster_type_too_small_for_the_distance_is_a_warning(tmp_path):
    """Posters: letter height against viewing distance is a warning, with the distance it fails."""
    size = dataclasses.replace(FORMATS["poster"]["a3"], headline_distance=3, body_distance=1.5)
    document = _document('<div data-role="headline"><h1 lang="en" style="font-size: 70pt">Head</h1></div>'
                         '<p lang="en" style="font-size: 21pt">Body</p>', tmp_path,
                         css="@page { size: 297mm 420mm }")
    findings = preflight(document, size, {}, "test")
    assert findings.errors == []
    assert findings.warnings == ["test: page 1, <h1> 'Head': letters 18.1 mm high, needs ≥ 25.0 mm to read from 3 m",
                                 "test: page 1, <p> 'Body': text 21.0 pt, needs ≥ 32 pt to read from 1.5 m"]


def test_strict_turns_warnings_into_errors(monkeypatch, run_cli, tmp_path):
    """Without --strict a warning is printed and the PDF written; with it the build fails, exit 2."""
    monkeypatch.setitem(FORMATS["poster"].sizes, "a3", dataclasses.replace(FORMATS["poster"]["a3"], headline_distance=4))
    args = ("--format", "poster", "--size", "a3", "--order", "en+zh-Hans", "-j", "1", "--out", str(tmp_path))
    code, _, err = run_cli(*args)
    assert code == 0
    # The headline is the first language's title; the second's reads from the body's distance.
    assert err == ("warning: stem-cell-safety poster-a3 en+zh-Hans: page 1, <span.title.primary> 'Stem-cell treatment: "
                   "saf': letters 18.1 mm high, needs ≥ 33.3 mm to read from 4 m\n")
    code, out, err = run_cli(*args, "--strict", "--force")
    assert code == 2
    assert "FAILED (warnings, --strict)" in out
    assert err.splitlines()[-1] == "Aborted with 1 layout error."


def test_a_display_text_ending_in_a_short_line_is_a_warning(tmp_path):
    """A title whose last line is one word, or a Chinese heading ending in two characters, is named with
    its last line; the same title in a wider box, ending in a full line, is not."""
    document = _document(
        '<h1 lang="en" data-display style="width: 90mm; font-size: 18pt">Stem-cell treatment: safety first</h1>'
        '<h2 lang="zh-Hans" data-display style="width: 60mm; font-size: 18pt">干细胞治疗：安全第一第</h2>'
        '<h1 lang="en" data-display style="width: 100mm; font-size: 18pt">Stem-cell treatment: safety first</h1>',
        tmp_path, css="@page { size: 120mm 150mm }")
    findings = preflight(document, FORMATS["poster"]["a3"], {}, "test")
    assert [w for w in findings.warnings if "last line" in w] == [
        "test: page 1, <h1> 'Stem-cell treatment: saf': last line 'first' is too short; shorten the text or "
        "break it elsewhere",
        "test: page 1, <h2> '干细胞治疗：安全第一第': last line '一第' is too short; shorten the text or break it elsewhere",
    ]


def test_a_cjk_paragraph_ending_in_one_character_is_a_warning(tmp_path):
    """Any Chinese paragraph, not only a display text, whose last line is one character and its
    punctuation (`查。`) is named; the same text typeset, its last two characters kept together, is not."""
    text = "诊所和供应商被停业，死因待查。"  # 14 em: `。` may not start a line, so `查` goes with it
    document = _document(f'<p lang="zh-Hans" style="width: 14em">{text}</p>'
                         f'<p lang="zh-Hans" style="width: 14em">{typeset(text, "zh-Hans")}</p>', tmp_path,
                         css=".keep { white-space: nowrap }")
    findings = preflight(document, FORMATS["handout"]["a4"], {}, "test")
    assert findings.errors == []
    assert findings.warnings == ["test: page 1, <p> '诊所和供应商被停业，死因待查。': last line '查。' is too short; "
                                 "shorten the text or break it elsewhere"]
