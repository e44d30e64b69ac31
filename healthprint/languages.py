"""The languages the tool typesets, one row each. Whatever depends on the language (dates, CJK
typesetting, punctuation advice, line heights, glyph forms) asks this table; a code that is not in it
is a content error."""

import datetime
from dataclasses import dataclass

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
# ASCII punctuation next to Han text is a slip; the mark to use instead, in Chinese.
CHINESE_MARKS = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


@dataclass(frozen=True)
class Language:
    code: str             # BCP 47: content file names and `lang` attributes
    script: str           # ISO 15924
    names: dict[str, str]  # what the language is called, by the code of the language it is named in
    cjk: bool             # Han/kana text: no spaces, ¼-em gaps to Latin runs, `halt`, clreq/jlreq breaks
    date: str             # a date, from {year} {month} {day} {month_name}
    months: tuple[str, ...] = ()  # month names, if `date` uses them
    marks: dict[str, str] | None = None  # the full-width mark for each ASCII one (CJK languages)
    glyph_forms: str = ""  # OpenType language system of the glyph forms it needs from Noto Sans CJK (`locl`)

    def format_date(self, day: datetime.date) -> str:
        month_name = self.months[day.month - 1] if self.months else ""
        return self.date.format(year=day.year, month=day.month, day=day.day, month_name=month_name)


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    Language("zh-Hans", "Hans", {"zh-Hans": "简体中文", "zh-Hant": "簡體中文", "ja": "中国語（簡体字）",
                                 "en": "Chinese (Simplified)"},
             cjk=True, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, glyph_forms="ZHS"),
    Language("zh-Hant", "Hant", {"zh-Hans": "繁体中文", "zh-Hant": "繁體中文", "ja": "中国語（繁体字）",
                                 "en": "Chinese (Traditional)"},
             cjk=True, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, glyph_forms="ZHT"),
    Language("ja", "Jpan", {"zh-Hans": "日语", "zh-Hant": "日語", "ja": "日本語", "en": "Japanese"},
             cjk=True, date="{year}年{month}月{day}日",
             marks={**CHINESE_MARKS, ",": "、"}, glyph_forms="JAN"),
    Language("en", "Latn", {"zh-Hans": "英语", "zh-Hant": "英語", "ja": "英語", "en": "English"},
             cjk=False, date="{day} {month_name} {year}", months=ENGLISH_MONTHS),
)}
CJK_LANGUAGES = frozenset(code for code, language in LANGUAGES.items() if language.cjk)


def language_css() -> str:
    """Per-language typography as CSS, from the table: CJK ragged-right at the CJK line height, other
    scripts at the Latin one, with manual hyphenation only. (Line heights come from the size row.)"""
    def selector(codes) -> str:
        return ", ".join(f":lang({code})" for code in sorted(codes))

    latin = set(LANGUAGES) - CJK_LANGUAGES
    return (f"{selector(CJK_LANGUAGES)} {{ line-height: var(--cjk-leading); text-align: start; }}\n"
            f"{selector(latin)} {{ line-height: var(--latin-leading); text-align: start; hyphens: manual; }}\n")
