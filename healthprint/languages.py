"""The languages the tool typesets, one row each. Whatever depends on the language (dates, CJK
typesetting, punctuation advice, line heights, glyph forms) asks this table; a code that is not in it
is a content error."""

import datetime
from dataclasses import dataclass, field

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
    quotes: str = "“”"    # opening and closing quotation marks (Traditional Chinese and Japanese: 「」)
    glyph_forms: str = ""  # OpenType language system of the glyph forms it needs from Noto Sans CJK (`locl`)
    # What the tool writes itself in this language: the labels of the dates line, and the sentence that
    # says in which languages the material exists (`{languages}`), with how a list of names is joined.
    words: dict[str, str] = field(default_factory=dict)  # "published", "version", "review"
    available_in: str = "{languages}"
    list_separator: str = ", "
    last_separator: str = " and "
    regions: dict[str, str] = field(default_factory=dict)  # names of emergency regions, by region id

    def region_name(self, region: str) -> str | None:
        return self.regions.get(region)

    def format_date(self, day: datetime.date) -> str:
        month_name = self.months[day.month - 1] if self.months else ""
        return self.date.format(year=day.year, month=day.month, day=day.day, month_name=month_name)

    def languages_sentence(self, codes: list[str]) -> str:
        """"Available in Chinese (Simplified) and English.", in this language."""
        names = [LANGUAGES[code].names[self.code] for code in codes]
        listed = names[0] if len(names) == 1 else \
            self.list_separator.join(names[:-1]) + self.last_separator + names[-1]
        return self.available_in.format(languages=listed)


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    # `names[x]`: this language's name as language x writes it (Chinese names the written language: 英文).
    Language("zh-Hans", "Hans", {"zh-Hans": "简体中文", "zh-Hant": "簡體中文", "ja": "中国語（簡体字）",
                                 "en": "Chinese (Simplified)"},
             cjk=True, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, glyph_forms="ZHS",
             words={"published": "发布日期", "version": "版本", "review": "下次审核"},
             available_in="本材料提供{languages}版本。", list_separator="、", last_separator="和"),
    Language("zh-Hant", "Hant", {"zh-Hans": "繁体中文", "zh-Hant": "繁體中文", "ja": "中国語（繁体字）",
                                 "en": "Chinese (Traditional)"},
             cjk=True, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, quotes="「」", glyph_forms="ZHT",
             words={"published": "發布日期", "version": "版本", "review": "下次審核"},
             available_in="本材料提供{languages}版本。", list_separator="、", last_separator="和"),
    Language("ja", "Jpan", {"zh-Hans": "日文", "zh-Hant": "日文", "ja": "日本語", "en": "Japanese"},
             cjk=True, date="{year}年{month}月{day}日",
             marks={**CHINESE_MARKS, ",": "、"}, quotes="「」", glyph_forms="JAN",
             words={"published": "発行日", "version": "版", "review": "次回見直し"},
             available_in="この資料は{languages}で提供しています。", list_separator="、", last_separator="と"),
    Language("en", "Latn", {"zh-Hans": "英文", "zh-Hant": "英文", "ja": "英語", "en": "English"},
             cjk=False, date="{day} {month_name} {year}", months=ENGLISH_MONTHS,
             words={"published": "Published", "version": "Version", "review": "Next review"},
             available_in="Available in {languages}."),
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
