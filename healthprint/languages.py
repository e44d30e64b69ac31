"""The languages the tool typesets, one row each. Whatever depends on the language (dates, spacing and
line breaking, punctuation advice, line heights, glyph forms, the names of regions) asks this table; a
code that is not in it is a content error."""

import datetime
from dataclasses import dataclass, field

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
# ASCII punctuation next to Han text is a slip; the mark to use instead, in Chinese.
CHINESE_MARKS = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# Korean is punctuated with the ASCII marks: a full-width Chinese or Japanese mark in it is the slip.
KOREAN_MARKS = {"。": ".", "，": ",", "、": ","}


@dataclass(frozen=True)
class Language:
    code: str             # BCP 47: content file names and `lang` attributes
    script: str           # ISO 15924
    names: dict[str, str]  # what the language is called, by the code of the language it is named in
    # Written in Han, kana or Hangul: it needs a CJK `lang` (glyph forms) and the CJK line height, and a
    # text of its file without one such character was most likely not translated.
    cjk: bool
    # Words separated by spaces, lines broken only between words (English, Korean). Otherwise Han and
    # kana are set solid, a line may break between any two characters: no spaces, ¼-em gaps to Latin
    # runs, `halt`, no one-character last line (Chinese, Japanese; W3C clreq, jlreq).
    spaced: bool
    date: str             # a date, from {year} {month} {day} {month_name}
    months: tuple[str, ...] = ()  # month names, if `date` uses them
    # Marks this language does not use, found next to Han, kana or Hangul, and the one to use instead:
    # ASCII for full-width in Chinese and Japanese, full-width for ASCII in Korean.
    marks: dict[str, str] = field(default_factory=dict)
    quotes: str = "“”"    # opening and closing quotation marks (Traditional Chinese and Japanese: 「」)
    glyph_forms: str = ""  # OpenType language system of the glyph forms it needs from Noto Sans CJK (`locl`)
    # Pango (1.50) hands HarfBuzz an element's `lang` only for the scripts it counts as the language's;
    # for Korean, not Han: hanja would get no language, so the font's default (Japanese) forms. True:
    # the language system is named to the shaper instead (CSS `font-language-override`).
    forms_by_override: bool = False
    # Full-width marks whose glyph in this language is its own (`locl`), not the font's default (Japanese)
    # one. HarfBuzz applies `locl` only in a text box with a letter in it (Han, kana, Hangul, Latin):
    # a box of marks alone would get the Japanese form, so `typeset` never leaves one of these alone.
    regional_marks: str = ""
    # What the tool writes itself in this language: the labels of the dates line, and the sentence that
    # says in which languages the material exists (`{languages}`), with how a list of names is joined.
    words: dict[str, str] = field(default_factory=dict)  # "published", "version", "review"; "phone": an unlabelled number of an organisation
    available_in: str = "{languages}"
    list_separator: str = ", "
    last_separator: str = " and "
    # Names of the regions a campaign lists emergency numbers for, by region id (campaign.yaml
    # `emergency`), as a leaflet in this language writes them. A campaign's `urgent.regions` overrides them.
    regions: dict[str, str] = field(default_factory=dict)

    def format_date(self, day: datetime.date) -> str:
        month_name = self.months[day.month - 1] if self.months else ""
        return self.date.format(year=day.year, month=day.month, day=day.day, month_name=month_name)

    def languages_sentence(self, codes: list[str]) -> str:
        """"Available in Chinese (Simplified) and English.", in this language."""
        names = [LANGUAGES[code].names[self.code] for code in codes]
        listed = names[0] if len(names) == 1 else \
            self.list_separator.join(names[:-1]) + self.last_separator + names[-1]
        return self.available_in.format(languages=listed)

    def region_name(self, region_id: str) -> str | None:
        """The region's name in this language, or None for a region the table does not know."""
        return self.regions.get(region_id)


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    # `names[x]`: this language's name as language x writes it (Chinese names the written language: 英文).
    Language("zh-Hans", "Hans", {"zh-Hans": "简体中文", "zh-Hant": "簡體中文", "ja": "中国語（簡体字）",
                                 "ko": "중국어(간체)", "en": "Chinese (Simplified)"},
             cjk=True, spaced=False, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, glyph_forms="ZHS",
             regional_marks="：；？！“”‘’",  # set to the left, not centred; quotes full-width
             words={"published": "发布日期", "version": "版本", "review": "下次审核", "phone": "电话"},
             available_in="本材料提供{languages}版本。", list_separator="、", last_separator="和",
             regions={"japan": "日本", "china": "中国内地", "hong-kong": "香港", "macau": "澳门",
                      "taiwan": "台湾", "korea": "韩国", "singapore": "新加坡", "malaysia": "马来西亚",
                      "usa": "美国", "canada": "加拿大", "us-canada": "美国、加拿大", "uk": "英国", "eu": "欧盟",
                      "australia": "澳大利亚", "new-zealand": "新西兰", "philippines": "菲律宾",
                      "vietnam": "越南", "thailand": "泰国"}),
    Language("zh-Hant", "Hant", {"zh-Hans": "繁体中文", "zh-Hant": "繁體中文", "ja": "中国語（繁体字）",
                                 "ko": "중국어(번체)", "en": "Chinese (Traditional)"},
             cjk=True, spaced=False, date="{year}年{month}月{day}日", marks=CHINESE_MARKS, quotes="「」",
             glyph_forms="ZHT", regional_marks="。，、“”‘’",  # full stop and commas centred; quotes full-width
             words={"published": "發布日期", "version": "版本", "review": "下次審核", "phone": "電話"},
             available_in="本材料提供{languages}版本。", list_separator="、", last_separator="和",
             regions={"japan": "日本", "china": "中國內地", "hong-kong": "香港", "macau": "澳門",
                      "taiwan": "臺灣", "korea": "韓國", "singapore": "新加坡", "malaysia": "馬來西亞",
                      "usa": "美國", "canada": "加拿大", "us-canada": "美國、加拿大", "uk": "英國", "eu": "歐盟",
                      "australia": "澳洲", "new-zealand": "紐西蘭", "philippines": "菲律賓",
                      "vietnam": "越南", "thailand": "泰國"}),
    Language("ja", "Jpan", {"zh-Hans": "日文", "zh-Hant": "日文", "ja": "日本語", "ko": "일본어", "en": "Japanese"},
             cjk=True, spaced=False, date="{year}年{month}月{day}日",
             marks={**CHINESE_MARKS, ",": "、"}, quotes="「」", glyph_forms="JAN",
             words={"published": "発行日", "version": "版", "review": "次回見直し", "phone": "電話"},
             available_in="この資料は{languages}で提供しています。", list_separator="、", last_separator="と",
             regions={"japan": "日本", "china": "中国本土", "hong-kong": "香港", "macau": "マカオ",
                      "taiwan": "台湾", "korea": "韓国", "singapore": "シンガポール", "malaysia": "マレーシア",
                      "usa": "アメリカ", "canada": "カナダ", "us-canada": "アメリカ・カナダ", "uk": "イギリス",
                      "eu": "EU", "australia": "オーストラリア", "new-zealand": "ニュージーランド",
                      "philippines": "フィリピン", "vietnam": "ベトナム", "thailand": "タイ"}),
    # Every Korean language name ends in a vowel (…어, …체), so the particle after the list is always 로.
    Language("ko", "Kore", {"zh-Hans": "韩文", "zh-Hant": "韓文", "ja": "韓国語", "ko": "한국어", "en": "Korean"},
             cjk=True, spaced=True, date="{year}년 {month}월 {day}일", marks=KOREAN_MARKS, glyph_forms="KOR",
             forms_by_override=True,
             words={"published": "발행일", "version": "버전", "review": "다음 검토", "phone": "전화"},
             available_in="이 자료는 {languages}로 제공됩니다.", last_separator=" 및 ",
             regions={"japan": "일본", "china": "중국 본토", "hong-kong": "홍콩", "macau": "마카오",
                      "taiwan": "대만", "korea": "한국", "singapore": "싱가포르", "malaysia": "말레이시아",
                      "usa": "미국", "canada": "캐나다", "us-canada": "미국·캐나다", "uk": "영국", "eu": "유럽연합",
                      "australia": "호주", "new-zealand": "뉴질랜드", "philippines": "필리핀",
                      "vietnam": "베트남", "thailand": "태국"}),
    Language("en", "Latn", {"zh-Hans": "英文", "zh-Hant": "英文", "ja": "英語", "ko": "영어", "en": "English"},
             cjk=False, spaced=True, date="{day} {month_name} {year}", months=ENGLISH_MONTHS,
             words={"published": "Published", "version": "Version", "review": "Next review", "phone": "Phone"},
             available_in="Available in {languages}.",
             regions={"japan": "Japan", "china": "Mainland China", "hong-kong": "Hong Kong", "macau": "Macao",
                      "taiwan": "Taiwan", "korea": "South Korea", "singapore": "Singapore", "malaysia": "Malaysia",
                      "usa": "USA", "canada": "Canada", "us-canada": "USA/Canada", "uk": "UK", "eu": "EU",
                      "australia": "Australia", "new-zealand": "New Zealand", "philippines": "Philippines",
                      "vietnam": "Vietnam", "thailand": "Thailand"}),
)}
CJK_LANGUAGES = frozenset(code for code, language in LANGUAGES.items() if language.cjk)


def language_css() -> str:
    """Per-language typography as CSS, from the table: CJK ragged-right at the CJK line height, other
    scripts at the Latin one, with manual hyphenation only (line heights come from the size row); the
    glyph forms of a language Pango would not pass on (`forms_by_override`), named to the shaper.

    Korean breaks lines between words only (CSS `word-break: keep-all`), which WeasyPrint 70 rejects
    as an invalid value: `typeset` keeps each Korean word on one line instead."""
    def selector(codes) -> str:
        return ", ".join(f":lang({code})" for code in sorted(codes))

    latin = set(LANGUAGES) - CJK_LANGUAGES
    named = {code for code, language in LANGUAGES.items() if language.forms_by_override}
    # The override is inherited: an English span in a Korean heading goes back to its own `lang`.
    return (f"{selector(CJK_LANGUAGES)} {{ line-height: var(--cjk-leading); text-align: start; }}\n"
            f"{selector(latin)} {{ line-height: var(--latin-leading); text-align: start; hyphens: manual; }}\n"
            f"{selector(set(LANGUAGES) - named)} {{ font-language-override: normal; }}\n"
            + "".join(f':lang({code}) {{ font-language-override: "{LANGUAGES[code].glyph_forms}"; }}\n'
                      for code in sorted(named)))
