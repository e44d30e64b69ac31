"""The languages table: every language rule comes from one row, and every row is complete."""

import datetime

from healthprint.languages import CJK_LANGUAGES, LANGUAGES, language_css
from healthprint.text import punctuation_slips

DAY = datetime.date(2026, 11, 25)


def test_every_language_is_named_in_itself_and_in_every_other():
    for code, language in LANGUAGES.items():
        assert set(language.names) == set(LANGUAGES), code
        assert all(name.strip() for name in language.names.values()), code


def test_dates_are_written_as_each_language_writes_them():
    assert {code: language.format_date(DAY) for code, language in LANGUAGES.items()} == {
        "zh-Hans": "2026年11月25日", "zh-Hant": "2026年11月25日", "ja": "2026年11月25日",
        "en": "25 November 2026"}


def test_ascii_punctuation_in_cjk_text_is_answered_with_the_languages_own_mark():
    assert punctuation_slips("安全,第一", "zh-Hans") == ["ASCII ',' next to CJK text; use '，'"]
    assert punctuation_slips("安全,第一", "ja") == ["ASCII ',' next to CJK text; use '、'"]
    assert all(LANGUAGES[code].marks for code in CJK_LANGUAGES)


def test_line_heights_come_from_the_table_for_every_language():
    """Each language gets CJK or Latin typography from its row; a new row needs no CSS edit."""
    css = language_css()
    cjk_rule, latin_rule = css.splitlines()
    for code, language in LANGUAGES.items():
        assert f":lang({code})" in (cjk_rule if language.cjk else latin_rule), code
    assert "--cjk-leading" in cjk_rule and "--latin-leading" in latin_rule


def test_the_sentence_naming_the_languages_is_written_by_the_table():
    """Not a hand-edited label: the names and the way a list is joined come from each row."""
    assert LANGUAGES["en"].languages_sentence(["zh-Hans", "en"]) == "Available in Chinese (Simplified) and English."
    assert LANGUAGES["zh-Hans"].languages_sentence(["zh-Hans", "en"]) == "本材料提供简体中文和英文版本。"
    assert LANGUAGES["zh-Hant"].languages_sentence(["zh-Hant", "ja", "en"]) == "本材料提供繁體中文、日文和英文版本。"
    assert LANGUAGES["ja"].languages_sentence(["ja"]) == "この資料は日本語で提供しています。"


def test_every_language_has_the_words_of_the_dates_line():
    for code, language in LANGUAGES.items():
        assert set(language.words) == {"published", "version", "review"}, code


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
