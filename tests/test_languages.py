"""The languages table: every language rule comes from one row, and every row is complete."""

import datetime

import uharfbuzz as hb

import glyphs
from healthprint.fonts import FONTS
from healthprint.languages import CJK_LANGUAGES, LANGUAGES, language_css
from healthprint.text import FULL_WIDTH_MARKS, punctuation_slips, tidy

DAY = datetime.date(2026, 11, 25)
REGION_IDS = {"japan", "china", "hong-kong", "macau", "taiwan", "korea", "singapore", "malaysia", "usa", "canada",
              "us-canada", "uk", "eu", "australia", "new-zealand", "philippines", "vietnam", "thailand"}


def test_every_language_is_named_in_itself_and_in_every_other():
    for code, language in LANGUAGES.items():
        assert set(language.names) == set(LANGUAGES), code
        assert all(name.strip() for name in language.names.values()), code


def test_dates_are_written_as_each_language_writes_them():
    assert {code: language.format_date(DAY) for code, language in LANGUAGES.items()} == {
        "zh-Hans": "2026年11月25日", "zh-Hant": "2026年11月25日", "ja": "2026年11月25日",
        "ko": "2026년 11월 25일", "en": "25 November 2026"}


def test_ascii_punctuation_in_cjk_text_is_answered_with_the_languages_own_mark():
    assert punctuation_slips("安全,第一", "zh-Hans") == ["ASCII ',' next to CJK text; use '，'"]
    assert punctuation_slips("安全,第一", "ja") == ["ASCII ',' next to CJK text; use '、'"]
    assert all(LANGUAGES[code].marks for code in CJK_LANGUAGES)


def test_korean_is_punctuated_with_ascii_marks():
    """Korean uses `.` and `,`: a Chinese full stop or comma beside Hangul is the slip, ASCII is right."""
    assert punctuation_slips("안전이 먼저입니다. 기적에 걸지 마세요, 제발!", "ko") == []
    assert punctuation_slips("안전이 먼저입니다。기적에，", "ko") == [
        "full-width '。' next to CJK text; use '.'", "full-width '，' next to CJK text; use ','"]


def test_line_heights_come_from_the_table_for_every_language():
    """Each language gets CJK or Latin typography from its row; a new row needs no CSS edit."""
    css = language_css()
    cjk_rule, latin_rule = css.splitlines()[:2]
    for code, language in LANGUAGES.items():
        assert f":lang({code})" in (cjk_rule if language.cjk else latin_rule), code
    assert "--cjk-leading" in cjk_rule and "--latin-leading" in latin_rule


def test_the_sentence_naming_the_languages_is_written_by_the_table():
    """Not a hand-edited label: the names and the way a list is joined come from each row."""
    assert LANGUAGES["en"].languages_sentence(["zh-Hans", "en"]) == "Available in Chinese (Simplified) and English."
    assert LANGUAGES["zh-Hans"].languages_sentence(["zh-Hans", "en"]) == "本材料提供简体中文和英文版本。"
    assert LANGUAGES["zh-Hant"].languages_sentence(["zh-Hant", "ja", "en"]) == "本材料提供繁體中文、日文和英文版本。"
    assert LANGUAGES["ja"].languages_sentence(["ja"]) == "この資料は日本語で提供しています。"
    assert LANGUAGES["ko"].languages_sentence(["ko", "zh-Hans", "en"]) == \
        "이 자료는 한국어, 중국어(간체) 및 영어로 제공됩니다."
    assert LANGUAGES["zh-Hant"].languages_sentence(["zh-Hant", "ko"]) == "本材料提供繁體中文和韓文版本。"


def test_every_korean_language_name_takes_the_particle_of_the_korean_sentence():
    """`…로 제공됩니다` follows the last name of the list: right after a syllable without a final consonant
    (`영어로`), `으로` after one with (a Hangul syllable's final consonant is its code point's rest by 28)."""
    for code, language in LANGUAGES.items():
        last = [character for character in language.names["ko"] if "가" <= character <= "힣"][-1]
        assert (ord(last) - ord("가")) % 28 == 0, (code, language.names["ko"])


def test_every_language_has_the_words_of_the_dates_line():
    for code, language in LANGUAGES.items():
        assert set(language.words) == {"published", "version", "review", "phone"}, code


def test_the_built_small_print_says_which_languages_exist(built, campaign):
    """Every output, in each of its languages, prints the table's sentence for the campaign's languages."""
    import re

    import pypdfium2 as pdfium

    for label, (job, pdf) in built.items():
        text = re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)))
        for lang in job.langs:
            sentence = LANGUAGES[lang].languages_sentence(campaign.campaign.languages)
            assert re.sub(r"\s+", "", sentence) in text, (label, lang)


def test_traditional_chinese_and_japanese_quote_with_corner_brackets():
    """Each row knows its quotation marks: “” in Simplified Chinese text is right, in Traditional
    Chinese or Japanese text it is a slip, with the marks to use."""
    assert punctuation_slips("别赌“奇迹”", "zh-Hans") == []
    assert punctuation_slips("別賭「奇蹟」", "zh-Hant") == []
    assert punctuation_slips("別賭“奇蹟”", "zh-Hant") == [
        "quotation marks '“”' in Chinese (Traditional) text; use '「」'"]
    assert punctuation_slips("“奇跡”に賭けない", "ja") == ["quotation marks '“”' in Japanese text; use '「」'"]


def test_every_language_names_the_same_regions():
    """Each row names every region of the table, as a leaflet in that language writes it: the same ids
    everywhere, text the checks of a content file would pass."""
    for code, language in LANGUAGES.items():
        assert set(language.regions) == REGION_IDS, code
        for region, name in language.regions.items():
            assert name.strip() and tidy(name, code) == name and punctuation_slips(name, code) == [], (code, region)
    assert LANGUAGES["ko"].region_name("hong-kong") == "홍콩" and LANGUAGES["en"].region_name("atlantis") is None
    assert {code: language.region_name("china") for code, language in LANGUAGES.items()} == {
        "zh-Hans": "中国内地", "zh-Hant": "中國內地", "ja": "中国本土", "ko": "중국 본토", "en": "Mainland China"}


def _shaped(font: hb.Font, text: str, language: str, script: str | None = None, features=None) -> tuple:
    """HarfBuzz's glyph ids and advances for `text` in a BCP 47 `language` (and `script`, else guessed)."""
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    if script:
        buffer.script = script
    buffer.language = language
    hb.shape(font, buffer, features or {})
    return tuple((info.codepoint, position.x_advance) for info, position in zip(buffer.glyph_infos,
                                                                                 buffer.glyph_positions))


def test_glyph_forms_is_the_language_system_harfbuzz_picks_for_the_code():
    """The row's OpenType language system is the one HarfBuzz uses for the `lang` the row's code gives."""
    for code in CJK_LANGUAGES:
        assert hb.ot_tag_to_language(LANGUAGES[code].glyph_forms.ljust(4)) == code.lower(), code


def test_each_cjk_language_draws_its_own_glyph_forms(tmp_path):
    """骨 直 今 令 under each CJK language's `lang`, laid out with the languages' CSS and written to PDF
    with the font subsets: the glyphs drawn are those HarfBuzz picks for the OpenType language system of
    the row's `glyph_forms` (`locl`), and differ between the languages. Noto Sans CJK draws these four in
    Korean as in Japanese, so 食, whose four forms all differ, tells Korean apart. Without the Korean
    `font-language-override`, Pango hands HarfBuzz no language for Han in Korean text: Japanese forms."""
    codes = sorted(CJK_LANGUAGES)
    sample = "骨直今令食"
    body = "".join(f'<p lang="{code}">{sample}</p>' for code in codes)
    css = ":root { --cjk-leading: 1.7; --latin-leading: 1.4 }" + language_css()
    pdf, files = glyphs.draw_html(body, tmp_path, css)
    drawn = dict(zip(codes, glyphs.shown_glyphs(pdf)))
    plain = css.replace(f'"{LANGUAGES["ko"].glyph_forms}"', "normal")  # the override taken out
    without = dict(zip(codes, glyphs.shown_glyphs(glyphs.draw_html(body, tmp_path, plain)[0])))
    assert without["ko"] == without["ja"]
    subset = hb.Font(hb.Face(hb.Blob.from_file_path(str(files[0]))))
    for code in codes:
        language = hb.ot_tag_to_language(LANGUAGES[code].glyph_forms.ljust(4))
        assert drawn[code] == tuple(glyph for glyph, _ in _shaped(subset, sample, language)), code
    assert len(set(drawn.values())) == len(codes)
    assert len({glyph_ids[:4] for code, glyph_ids in drawn.items() if code != "ko"}) == len(codes) - 1
    assert drawn["ko"][:4] == drawn["ja"][:4]


def test_regional_marks_are_the_marks_locl_gives_another_full_width_form():
    """A row's `regional_marks` are the full-width marks whose glyph in its language (shaped beside Han:
    Han script) is not the one a text box of marks alone gets (Common script: no `locl`), measured in
    the font; `halt` halves each, so a `full-end` margin of half an em gives the half back."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(FONTS[0].path))))
    for code in CJK_LANGUAGES:
        regional = {mark for mark in FULL_WIDTH_MARKS
                    if _shaped(font, mark, code, "Hani") != _shaped(font, mark, code, "Zyyy")
                    and _shaped(font, mark, code, "Hani")[0][1] == 1000}
        assert regional == set(LANGUAGES[code].regional_marks), code
        assert all(_shaped(font, mark, code, "Hani", {"halt": True})[0][1] == 500 for mark in regional), code


def test_spaced_languages_join_sentences_and_date_words_with_a_space(campaign):
    """The templates ask `lang is spaced`: in Korean, as in English, the small print's sentences and the
    dates line's words are separated by spaces; in Chinese not. (The English texts stand in for Korean
    ones here: only what the tool writes itself is Korean.)"""
    import re

    from healthprint.formats import FORMATS
    from healthprint.render import render_html

    texts = {"ko": campaign.texts["en"], **campaign.texts}
    sentences = {lang: [texts[lang].sources.credit, texts[lang].disclaimer,
                        LANGUAGES[lang].languages_sentence(campaign.campaign.languages)] for lang in ("ko", "zh-Hans")}
    for format_name, size in (("handout", "a4"), ("poster", "a3")):
        html = render_html(campaign.campaign, texts, format_name, FORMATS[format_name][size], ("ko", "zh-Hans"))
        plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
        assert " ".join(sentences["ko"]) in plain and "".join(sentences["zh-Hans"]) in plain, format_name
        assert "발행일 2026년 11월 25일" in plain and "버전 1.0" in plain, format_name
        assert "发布日期2026年11月25日" in plain and "版本1.0" in plain, format_name
