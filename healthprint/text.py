"""Step 3 of the pipeline: typographic clean-up of reviewed text before it reaches a template.

- whitespace from YAML line folding is collapsed (and removed between two CJK characters);
- no space between Han/kana and Latin letters or digits: `8月29日` as readers copy and search it. The
  ¼-em gap W3C clreq/jlreq ask for is made by layout at render time (`typeset`): a space character
  would end up in copy-paste, search and screen readers;
- ASCII punctuation touching Han text is reported, not silently fixed: it is a translation slip.
"""

import dataclasses
import re
from typing import Any, Callable

from markupsafe import Markup, escape

from .languages import CJK_LANGUAGES, LANGUAGES

HAN_KANA = r"\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_ANY = HAN_KANA + r"\u3000-\u303f\uff00-\uffef"
LATIN = r"A-Za-z0-9\u00c0-\u024f"
# Korean is not a language of the tool, but Hangul is CJK text all the same: it must not be tagged `en`.
HANGUL = r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"

CJK_CHARACTER = re.compile(f"[{HAN_KANA}{HANGUL}]")  # Han, kana or Hangul: text that needs a CJK `lang`
MAX_LATIN_WORDS = 3  # "DMSO", "Nature 573" or a name may stand alone in a CJK text; a sentence may not
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
_URL = re.compile(r"\S+://\S+|www\.\S+")
_SPACE_RUN = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{CJK_ANY}])\s+(?=[{CJK_ANY}])")
_HAN_THEN_LATIN = re.compile(rf"([{HAN_KANA}])\s*([{LATIN}])")
_LATIN_THEN_HAN = re.compile(rf"([{LATIN}])\s*([{HAN_KANA}])")
_ASCII_PUNCT_BY_HAN = re.compile(rf"(?<=[{HAN_KANA}])[,.;:?!()]|[,;:?!()](?=[{HAN_KANA}])")



def tidy(text: str, lang: str) -> str:
    """The text as it should be typeset in `lang`."""
    if lang in CJK_LANGUAGES:
        text = _CJK_GAP.sub("", text)
        text = _SPACE_RUN.sub(" ", text)
        text = _HAN_THEN_LATIN.sub(r"\1\2", text)
        text = _LATIN_THEN_HAN.sub(r"\1\2", text)
        return text.replace("——", "\u2e3a")  # two U+2014 are 1.68 em in Noto; U+2E3A is one 2-em dash
    return _SPACE_RUN.sub(" ", text)


# A Latin word, number or phrase inside CJK text ("DMSO", "Nature 573", "1.0", "30%"): one run, one gap.
_LATIN_RUN = re.compile(rf"[{LATIN}](?:[{LATIN} .,:/'’+\-–]*[{LATIN}%])?")
_HAN = re.compile(f"[{HAN_KANA}]")
_UNIT = re.compile(f"{_LATIN_RUN.pattern}|{_HAN.pattern}")  # what a kept end counts: a character or a run
# Full-width punctuation whose glyph is half ink, half blank: two in a row leave a double blank.
_OPENING = "（「『《“‘〔【"
_CLOSING = "，。、；：）」』》”’〕】"
SHORT_WORD = 3  # "a", "on", "the": too short to end a line alone after a kept-together last word
# A short phrase in quotes or brackets (“安全”, 《自然》): a word split inside its marks reads badly.
_SHORT_QUOTED = re.compile(r"[“‘「『《〔【（][^”’」』》〕】）]{1,6}[”’」』》〕】）]")
# The classes of the spans `typeset` makes: part of the text of the element around them, not elements
# a person wrote (checks name the element around them).
TYPESET_SPANS = frozenset({"latin-gap", "halt", "keep"})


def _halved(text: str, index: int) -> bool:
    """Whether the character at `index` is a punctuation mark that gives up its blank half (OpenType
    `halt`): a closing mark before another mark, an opening mark after another opening mark or at the
    start of the text."""
    mark, after = text[index], text[index + 1:index + 2]
    if mark in _CLOSING:
        return bool(after) and after in _OPENING + _CLOSING
    return mark in _OPENING and (index == 0 or text[index - 1] in _OPENING)


def _kept_end(text: str, cjk: bool, display: bool) -> int | None:
    """Where the end that must not be broken begins. CJK text: the last two Han/kana characters or
    Latin runs (with the punctuation among and after them), so that no paragraph ends in a line of one
    character; five in a display text. Latin display text: the last two words (three when the second
    last is as short as `on`, and one more when the word before them is a lone `a`). None: nothing to
    keep together."""
    if cjk:
        units = [m.start() for m in _UNIT.finditer(text)]
        count = 5 if display else 2
        return units[-min(count, len(units))] if len(units) > 1 else None
    if not display:
        return None
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    if len(starts) < 3:
        return starts[0] if len(starts) == 2 else None  # two words: kept whole
    second_last = text[starts[-2]:starts[-1]].strip()
    first = -3 if len(second_last) <= SHORT_WORD and len(starts) > 3 else -2
    if len(starts) > -first and len(text[starts[first - 1]:starts[first]].strip()) == 1:
        first -= 1  # "a guarantee of safety": the line before would end in a lone "a"
    return starts[first]


def _atoms(text: str, cjk: bool) -> list[tuple[int, int]]:
    """Start and end of the pieces no span may cut: each Latin run of CJK text, every other character."""
    atoms, index = [], 0
    while index < len(text):
        run = _LATIN_RUN.match(text, index) if cjk else None
        end = run.end() if run and (index == 0 or not _LATIN_RUN.match(text[index - 1])) else index + 1
        atoms.append((index, end))
        index = end
    return atoms


def _halt_ranges(text: str) -> list[tuple[int, int]]:
    """Start and end of each `halt` span: a run of marks set half-width with the Han or kana character
    next to it (the one before, else the one after). WeasyPrint shapes every span's text on its own: a
    mark alone is Common script, so HarfBuzz would not apply the Chinese forms (`locl`: a full-width
    `”`, a left-set `：`) and `halt` would leave the proportional `”` it gets instead as it is."""
    ranges: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        if not _halved(text, index):
            index += 1
            continue
        start = end = index
        while end < len(text) and _halved(text, end):
            end += 1
        index = end
        if start and _HAN.match(text[start - 1]):
            start -= 1
        elif end < len(text) and _HAN.match(text[end]):
            end += 1
        if ranges and start < ranges[-1][1]:  # `“好”。`: one character between two runs of marks
            start = ranges.pop()[0]
        ranges.append((start, end))
    return ranges


def _glued_ranges(text: str, atoms: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Start and end of the no-break spans that keep a blank from starting a line, where it would show
    as an indent (clreq); kept with the character before it, the line breaks a character earlier:

    - each opening mark that could start a line, from the Han/kana character or Latin run before it to
      the one after it (the mark's blank half);
    - each Latin word after a Han/kana character, with that character (the word's ¼-em gap). A run of
      several words is left alone: kept whole, it could be wider than its box;
    - a phrase of up to six characters in quotes or brackets, whole.

    (Pango never breaks a line after an opening mark or before a closing mark: Unicode line breaking.)"""
    units = [(start, end) for start, end in atoms if _UNIT.fullmatch(text, start, end)]
    ranges = []
    for index, mark in enumerate(text):
        if mark in _OPENING and index and text[index - 1] not in _OPENING:
            before = [start for start, end in units if end <= index]
            after = [end for start, end in units if start > index]
            ranges.append((before[-1] if before else 0, after[0] if after else len(text)))
    for start, end in units:
        if start and _HAN.match(text[start - 1]) and _LATIN_RUN.fullmatch(text, start, end) \
                and " " not in text[start:end]:
            ranges.append((start - 1, end))
    ranges += [match.span() for match in _SHORT_QUOTED.finditer(text)]
    return ranges


def _widened(span: tuple[int, int], inner: list[tuple[int, int]]) -> tuple[int, int]:
    """`span` grown to hold every one of the (disjoint) `inner` spans it overlaps: HTML spans nest."""
    start, end = span
    for inner_start, inner_end in inner:
        if inner_start < end and start < inner_end:
            start, end = min(start, inner_start), max(end, inner_end)
    return start, end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined into one."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start < joined[-1][1]:
            previous_start, previous_end = joined.pop()
            start, end = previous_start, max(end, previous_end)
        joined.append((start, end))
    return joined


def _piece(text: str, start: int, end: int, cjk: bool) -> Markup:
    """One atom as HTML: a Latin run touching Han/kana in a `latin-gap` span naming the gapped sides."""
    piece = escape(text[start:end])
    if not (cjk and _LATIN_RUN.fullmatch(text, start, end)):
        return piece
    sides = [name for name, neighbour in (("gap-start", text[start - 1:start]), ("gap-end", text[end:end + 1]))
             if neighbour and _HAN.match(neighbour)]
    return Markup('<span class="latin-gap {}">{}</span>').format(" ".join(sides), piece) if sides else piece


def typeset(text: str, lang: str, keep_end: bool = False) -> Markup:
    """`text` as escaped HTML with the spacing and line breaking CJK typesetting needs, made by layout,
    never by characters (copy-paste, search and screen readers get the text as written):

    - each Latin run touching Han/kana in `<span class="latin-gap">`, with a ¼-em margin on the side(s)
      touching Han (`gap-start`, `gap-end`);
    - the first of two adjacent full-width punctuation marks (and an opening mark starting the text) in
      `<span class="halt">` with the Han character beside it, set half-width by the font's `halt` feature;
    - in `<span class="keep">` (no line break inside): each opening mark with the characters around it,
      so no line starts with one; the last two characters of CJK text, so no paragraph ends in a line
      of one; with `keep_end`, the end of the text, so a title or slogan never ends with a line of one
      or two characters or one word.
    """
    cjk = lang in CJK_LANGUAGES
    atoms = _atoms(text, cjk)
    halts = _halt_ranges(text) if cjk else []
    keeps = _glued_ranges(text, atoms) if cjk else []
    if (cut := _kept_end(text, cjk, keep_end)) is not None:
        keeps.append((cut, len(text)))
    keeps = _merged([_widened(keep, halts) for keep in keeps])
    # Each keep span holds the halt spans it overlaps: where both begin at one atom, it opens first.
    opening: dict[int, str] = {}
    closing: dict[int, str] = {}
    for spans, tag in ((keeps, '<span class="keep">'), (halts, '<span class="halt">')):
        for start, end in spans:
            opening[start] = opening.get(start, "") + tag
            closing[end] = closing.get(end, "") + "</span>"
    pieces = []
    for start, end in atoms:
        pieces += [Markup(opening.get(start, "")), _piece(text, start, end, cjk), Markup(closing.get(end, ""))]
    return Markup("").join(pieces)


def punctuation_slips(text: str, lang: str) -> list[str]:
    """Messages for punctuation a CJK language does not use, with the mark it uses instead: ASCII marks
    next to Han or kana (`ASCII ',' next to CJK text; use '，'`, Japanese `'、'`), and curly quotes where
    the language quotes with corner brackets (Traditional Chinese, Japanese: `「」`)."""
    language = LANGUAGES[lang]
    slips = [f"ASCII '{m.group()}' next to CJK text; use '{language.marks[m.group()]}'"
             for m in _ASCII_PUNCT_BY_HAN.finditer(text)]
    opening, closing = language.quotes
    if opening != "“" and re.search("[“”]", text):
        slips.append(f"quotation marks '“”' in {language.names['en']} text; use '{opening}{closing}'")
    return slips


def untranslated(text: str) -> bool:
    """Whether a text of a CJK file is Latin-script prose without one CJK character: most likely not translated."""
    return not CJK_CHARACTER.search(text) and len(_LATIN_WORD.findall(_URL.sub("", text))) > MAX_LATIN_WORDS


def map_texts(model: Any, change: Callable[[str], str]) -> Any:
    """A copy of a frozen model tree with `change` applied to every piece of text in it."""
    if isinstance(model, str):
        return change(model)
    if isinstance(model, list):
        return [map_texts(item, change) for item in model]
    if isinstance(model, dict):
        return {key: map_texts(value, change) for key, value in model.items()}
    if dataclasses.is_dataclass(model):
        return dataclasses.replace(model, **{f.name: map_texts(getattr(model, f.name), change)
                                             for f in dataclasses.fields(model)})
    return model
