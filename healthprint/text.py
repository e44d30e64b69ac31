"""Step 3 of the pipeline: typographic clean-up of reviewed text before it reaches a template.

- whitespace from YAML line folding is collapsed (and, in a language set solid, removed between two CJK
  characters);
- no space between Han/kana and Latin letters or digits: `8月29日` as readers copy and search it. The
  ¼-em gap W3C clreq/jlreq ask for is made by layout at render time (`typeset`): a space character
  would end up in copy-paste, search and screen readers;
- punctuation the language does not use (ASCII next to Han text, full-width in Korean) is reported, not
  silently fixed: it is a translation slip.

What each language needs comes from its row of the languages table (`spaced`, `marks`, …), never from
its code.
"""

import dataclasses
import re
from typing import Any, Callable

from markupsafe import Markup, escape

from .languages import LANGUAGES

HAN_KANA = r"\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_ANY = HAN_KANA + r"\u3000-\u303f\uff00-\uffef"
LATIN = r"A-Za-z0-9\u00c0-\u024f"
HANGUL = r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"

CJK_CHARACTER = re.compile(f"[{HAN_KANA}{HANGUL}]")  # Han, kana or Hangul: text that needs a CJK `lang`
MAX_LATIN_WORDS = 3  # "DMSO", "Nature 573" or a name may stand alone in a CJK text; a sentence may not
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
_URL = re.compile(r"\S+://\S+|www\.\S+")
_SPACE_RUN = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{CJK_ANY}])\s+(?=[{CJK_ANY}])")
_HAN_THEN_LATIN = re.compile(rf"([{HAN_KANA}])\s*([{LATIN}])")
_LATIN_THEN_HAN = re.compile(rf"([{LATIN}])\s*([{HAN_KANA}])")


def tidy(text: str, lang: str) -> str:
    """The text as it should be typeset in `lang`."""
    if LANGUAGES[lang].spaced:
        return _SPACE_RUN.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    text = _SPACE_RUN.sub(" ", text)
    text = _HAN_THEN_LATIN.sub(r"\1\2", text)
    text = _LATIN_THEN_HAN.sub(r"\1\2", text)
    return text.replace("——", "\u2e3a")  # two U+2014 are 1.68 em in Noto; U+2E3A is one 2-em dash


# A Latin word, number or phrase inside CJK text ("DMSO", "Nature 573", "1.0", "30%"): one run, one gap.
_LATIN_RUN = re.compile(rf"[{LATIN}](?:[{LATIN} .,:/'’+\-–]*[{LATIN}%])?")
_HAN = re.compile(f"[{HAN_KANA}]")
_UNIT = re.compile(f"{_LATIN_RUN.pattern}|{_HAN.pattern}")  # what a kept end counts: a character or a run
# Full-width punctuation whose glyph is half ink, half blank: two in a row leave a double blank.
_OPENING = "（「『《“‘〔【"
_CLOSING = "，。、；：）」』》”’〕】"
FULL_WIDTH_MARKS = _OPENING + _CLOSING + "？！"  # the marks a language's `regional_marks` are among
# A character that gives a text box a script with the font's language systems (Han, kana, Hangul,
# Latin): HarfBuzz applies a language's `locl` forms in that box, not in one of marks and digits alone.
_LETTER = re.compile(f"[{HAN_KANA}{HANGUL}A-Za-z\u00c0-\u024f]")
SHORT_WORD = 3  # "a", "on", "the": too short to end a line alone after a kept-together last word
# A short phrase in quotes or brackets (“安全”, 《自然》): a word split inside its marks reads badly.
_SHORT_QUOTED = re.compile(r"[“‘「『《〔【（][^”’」』》〕】）]{1,6}[”’」』》〕】）]")
# A word of a spaced language with Han, kana or Hangul in it (`줄기세포`, `DMSO에`): Pango would break it
# between any two of its characters; CSS `word-break: keep-all` is not in WeasyPrint 70.
_CJK_WORD = re.compile(f"\\S*[{HAN_KANA}{HANGUL}]\\S*")
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


def _kept_end(text: str, solid: bool, display: bool) -> int | None:
    """Where the end that must not be broken begins. Text set solid: the last two Han/kana characters or
    Latin runs (with the punctuation among and after them), so that no paragraph ends in a line of one
    character; five in a display text. Spaced text: only a display text, its last two words (three
    when the second last is as short as `on`, and one more when the word before them is a lone `a`).
    None: nothing to keep together."""
    if solid:
        units = [m.start() for m in _UNIT.finditer(text)]
        count = 5 if display else 2
        return units[-min(count, len(units))] if len(units) > 1 else None
    if not display:
        return None
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    if len(starts) < 3:
        return starts[0] if len(starts) == 2 else None  # two words: kept whole
    second_last = text[starts[-2]:starts[-1]].strip()
    # A Han, kana or Hangul character is an em wide, two Latin letters: `수` is as short as `on`.
    first = -3 if len(second_last) + len(CJK_CHARACTER.findall(second_last)) <= SHORT_WORD \
        and len(starts) > 3 else -2
    if len(starts) > -first and len(text[starts[first - 1]:starts[first]].strip()) == 1:
        first -= 1  # "a guarantee of safety": the line before would end in a lone "a"
    return starts[first]


def _atoms(text: str, solid: bool) -> list[tuple[int, int]]:
    """Start and end of the pieces no span may cut: each Latin run of text set solid, every other character."""
    atoms, index = [], 0
    while index < len(text):
        run = _LATIN_RUN.match(text, index) if solid else None
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

    (Pango never breaks a line after an opening mark, nor before a closing mark, small kana, `ー` or an
    iteration mark: Unicode line breaking, measured in tests/test_cjk_lines.py.)"""
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


def _never_alone(text: str, marks: str, halts: list[tuple[int, int]], keeps: list[tuple[int, int]],
                 gaps: list[tuple[int, int]]) -> tuple[list, list, set[tuple[int, int]]]:
    """The halt and keep spans changed so that none of `marks` (the language's `regional_marks`) is in a
    text box of marks and digits only, where it would get the font's Japanese form: WeasyPrint shapes
    each text box on its own, and HarfBuzz applies `locl` only in a box with a letter (`”` then `。`
    ends a halt span, `。` alone is the next box). Such a mark

    - goes with the Han/kana character after it where a keep span starts there: the keep span starts
      at the mark (the line can no longer break after the mark; it could not before it anyway);
    - else goes into the halt span before it, which holds a Han or kana character: `halt` halves it too,
      and the span, returned among the third value's, gives the half back as a right margin (`full-end`).
      A centred mark (Traditional Chinese `。`) then sits a quarter em nearer the mark before it.

    A mark with no letter within reach (between a digit and a mark) keeps the Japanese form."""
    full_ends = set()
    for index, mark in enumerate(text):
        if mark not in marks or any(start <= index < end for start, end in halts):
            continue
        not_keeps = {edge for span in halts + gaps for edge in span}
        edges = not_keeps | {edge for span in keeps for edge in span} | {0, len(text)}
        box_start, box_end = max(e for e in edges if e <= index), min(e for e in edges if e > index)
        if _LETTER.search(text, box_start, box_end):
            continue  # shaped with a letter: the language's own form
        keep_after = next((keep for keep in keeps if keep[0] == box_end), None)
        halt_before = next((halt for halt in halts if halt[1] == box_start == index and _LETTER.search(text, *halt)),
                           None)
        if keep_after and _LETTER.match(text, box_end) and box_end not in not_keeps:
            keeps[keeps.index(keep_after)] = (box_start, keep_after[1])
        elif halt_before:
            halts[halts.index(halt_before)] = extended = (halt_before[0], index + 1)
            full_ends.add(extended)
        keeps = _merged([_widened(keep, halts) for keep in keeps])  # a keep ending at the mark takes it in
    return halts, keeps, full_ends


def _gapped_sides(text: str, start: int, end: int) -> list[str]:
    """The sides of a Latin run that touch Han/kana in text set solid, named as `latin-gap` classes."""
    if not _LATIN_RUN.fullmatch(text, start, end):
        return []
    return [name for name, neighbour in (("gap-start", text[start - 1:start]), ("gap-end", text[end:end + 1]))
            if neighbour and _HAN.match(neighbour)]


def typeset(text: str, lang: str, keep_end: bool = False) -> Markup:
    """`text` as escaped HTML with the spacing and line breaking its language needs (its row of the
    languages table), made by layout, never by characters (copy-paste, search and screen readers get
    the text as written). Text set solid (Chinese, Japanese):

    - each Latin run touching Han/kana in `<span class="latin-gap">`, with a ¼-em margin on the side(s)
      touching Han (`gap-start`, `gap-end`);
    - the first of two adjacent full-width punctuation marks (and an opening mark starting the text) in
      `<span class="halt">` with the Han character beside it, set half-width by the font's `halt` feature;
    - in `<span class="keep">` (no line break inside): each opening mark with the characters around it,
      so no line starts with one; the last two characters, so no paragraph ends in a line of one;
    - no mark with a regional form of the language alone between two spans (`_never_alone`).

    Spaced text (English, Korean): each word with Han, kana or Hangul in a keep span, so that a line
    breaks only between words. Any text with `keep_end`: the end of the text kept together, so a title
    or slogan never ends with a line of one or two characters or one word.
    """
    language = LANGUAGES[lang]
    solid = not language.spaced
    atoms = _atoms(text, solid)
    sides = {atom: _gapped_sides(text, *atom) for atom in atoms} if solid else {}
    halts = _halt_ranges(text) if solid else []
    keeps = _glued_ranges(text, atoms) if solid else [m.span() for m in _CJK_WORD.finditer(text) if len(m[0]) > 1]
    if (cut := _kept_end(text, solid, keep_end)) is not None:
        keeps.append((cut, len(text)))
    keeps = _merged([_widened(keep, halts) for keep in keeps])
    full_ends: set[tuple[int, int]] = set()
    if solid and language.regional_marks:
        gaps = [atom for atom, gapped in sides.items() if gapped]
        halts, keeps, full_ends = _never_alone(text, language.regional_marks, halts, keeps, gaps)
    # Each keep span holds the halt spans it overlaps: where both begin at one atom, it opens first.
    opening: dict[int, str] = {}
    closing: dict[int, str] = {}
    classes = [(keep, "keep") for keep in keeps] + [(halt, "halt full-end" if halt in full_ends else "halt")
                                                     for halt in halts]
    for (start, end), names in classes:
        opening[start] = opening.get(start, "") + f'<span class="{names}">'
        closing[end] = closing.get(end, "") + "</span>"
    pieces = []
    for start, end in atoms:
        piece = escape(text[start:end])
        if gapped := sides.get((start, end)):
            piece = Markup('<span class="latin-gap {}">{}</span>').format(" ".join(gapped), piece)
        pieces += [Markup(opening.get(start, "")), piece, Markup(closing.get(end, ""))]
    return Markup("").join(pieces)


def punctuation_slips(text: str, lang: str) -> list[str]:
    """Messages for punctuation a language does not use next to Han, kana or Hangul, with the mark it
    uses instead (`ASCII ',' next to CJK text; use '，'`, Japanese `'、'`; Korean: `full-width '。' …;
    use '.'`), and curly quotes where the language quotes with corner brackets (Traditional Chinese,
    Japanese: `「」`). An ASCII full stop before Han ends an abbreviation (`Dr.王`), not a sentence."""
    language = LANGUAGES[lang]
    slips = []
    if language.marks:
        after = re.escape("".join(language.marks))
        before = re.escape("".join(mark for mark in language.marks if mark != "."))
        cjk = CJK_CHARACTER.pattern
        for found in re.finditer(f"(?<={cjk})[{after}]|[{before}](?={cjk})", text):
            mark = found.group()
            slips.append(f"{'ASCII' if mark.isascii() else 'full-width'} '{mark}' next to CJK text; "
                         f"use '{language.marks[mark]}'")
    opening, closing = language.quotes
    if opening != "“" and re.search("[“”]", text):
        slips.append(f"quotation marks '“”' in {language.names['en']} text; use '{opening}{closing}'")
    return slips


def untranslated(text: str) -> bool:
    """Whether a text of a CJK language's file is Latin-script prose without one Han, kana or Hangul
    character: most likely not translated. (Han or kana alone pass in a Korean file: hanja are rare
    there but legal.)"""
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
