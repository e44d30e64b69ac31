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
