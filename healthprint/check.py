"""Step 5b of the pipeline: checks on the rendered HTML and the laid-out pages, before anything is written.

The pages are read as engine.py describes them (texts, fills, blocks and their lines, paint order, in
CSS px); nothing here knows WeasyPrint. Each check reports one line per failure, naming the output,
the page or panel and the YAML key or part.
"""

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

from .engine import Block, Colour, Element, Fill, Graphic, Layout, Page, Text
from .errors import Counted, LayoutError, Problem, quote
from .formats import Size
from .languages import LANGUAGES
from .organisations import Organisation
from .qr import QUIET_ZONE, colour_components
from .yaml_reader import YamlFile, parse_key
from .text import CJK_CHARACTER, TYPESET_SPANS, tidy
from .campaign import CampaignContent

PX_TO_MM = 25.4 / 96  # the engine lays out in CSS px (1/96 in)
PX_TO_PT = 72 / 96
PT_TO_MM = 25.4 / 72

ROUNDING_PX = 0.5     # how far a text may pass its slot's edge or run under a box: the layout's rounding
CUT_STEP_CHARACTERS = 5  # "cut about N characters" rounds up to a multiple of this
QUOTED_CHARACTERS = 24   # of a text a message quotes
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Place:
    """What the HTML says about an element: the YAML key of its text, its part and its slot."""

    key: str                # `en:points.items[2].text`, "" for text the template adds
    part: str               # data-part around it
    slot: Element | None    # the element of its slot (data-slot), None outside any


def _places(body: Element) -> tuple[dict[Element, _Place], list[tuple[Element, int]]]:
    """Every element inside <body> with its place, and the elements that hold text with the number of
    characters (without spaces) they hold. SVG (a namespaced tag) is drawn, not laid out as text: its
    <title> is alt text."""
    places: dict[Element, _Place] = {}
    holders: list[tuple[Element, int]] = []

    def visit(element: Element, place: _Place) -> None:
        slot = element if element.get("data-slot") is not None else place.slot
        place = _Place(element.get("data-key", place.key), element.get("data-part", place.part), slot)
        places[element] = place
        # Text boxes are made for an element's own text and the text after each of its children.
        if count := len(_SPACE.sub("", element.own_text)):
            holders.append((element, count))
        for child in element.children:
            if not child.tag.startswith("{"):
                visit(child, place)

    visit(body, _Place("", "", None))
    return places, holders


def _slot_name(slot: Element | None, page: int) -> str:
    """`page 2` for a page slot or text outside any slot; `inside panel 2`, `flap panel` for a panel."""
    name = slot.get("data-slot") if slot is not None else "page"
    if name == "page":
        return f"page {page}"
    kind, _, number = name.partition("-")
    return f"{kind} panel {number}".rstrip()


@dataclass(frozen=True)
class Misfit:
    """Text of one slot that does not fit, for one reason: what to tell, and what a draft outlines."""

    message: str
    outlines: list[tuple[int, float, float, float, float]]  # (page index, x, y, width, height) in CSS px


@dataclass
class _Failure:
    """The failing text of one slot for one reason, collected while the pages are walked."""

    reason: str     # "over" (past the slot's edge, or on a later page), "wide", "covered", "dropped"
    slot: str
    place: _Place   # of the first failing text that has a key (of the first one, if none has)
    text: str
    cover: str = ""
    over: dict[int, float] = field(default_factory=dict)  # px past the edge, by page
    lines: set[int] = field(default_factory=set)
    characters: int = 0
    outlines: dict[tuple[int, int], tuple[float, ...]] = field(default_factory=dict)  # (page, line): x0 y0 x1 y1

    def add(self, place: _Place, text: str, page: int, line: object, rect: tuple[float, ...] | None,
            over: float, characters: int) -> None:
        """One failing text on `line` (for text left out: its element, outlined by its slot's `rect`)."""
        if place.key and not self.place.key:
            self.place, self.text = place, text
        self.over[page] = max(self.over.get(page, 0.0), over)
        self.lines.add(id(line))
        self.characters += characters
        if rect is None:
            return
        old = self.outlines.get((page, id(line)), rect)
        self.outlines[page, id(line)] = (min(rect[0], old[0]), min(rect[1], old[1]),
                                         max(rect[2], old[2]), max(rect[3], old[3]))

    def misfit(self, sources: dict[str, YamlFile], output: str, label: str, longest: str,
               languages: dict[str, "_LanguageLines"]) -> Misfit:
        """The message and outlines. `longest`: the key of the slot's longest text, named as a place to
        cut when it is not the failing text (one text grown too long pushes the others out).
        `languages`: the lines of each language in the slot, to say how much to cut in each."""
        mm = max(1, round(sum(self.over.values()) * PX_TO_MM))
        lines = f"{len(self.lines)} line" + ("" if len(self.lines) == 1 else "s")
        amount = {
            "over": f"{mm} mm over ({lines})",
            "covered": f"{mm} mm over ({lines}, hidden under the {self.cover})",
            "wide": f"{mm} mm too wide ({lines})",
            "dropped": "left out by the layout (not printed)",
        }[self.reason]
        told = f"{amount} — cut about {_rounded(self.characters)} characters"
        if self.reason in ("over", "covered") and len(languages) > 1:
            # A line of Chinese holds about half the characters of a line of English: what to cut in one
            # language or the other, from the lines that do not fit.
            over = sum(self.over.values())
            told = f"{amount} — cut about " + " or ".join(
                f"{_rounded(lines.characters_to_cut(over))} characters of {lang} text"
                for lang, lines in sorted(languages.items()))
        if self.reason != "wide" and longest and longest != self.place.key:
            place = _locate(sources, longest)
            told += (f" (the longest text {'on this page' if self.slot.startswith('page') else 'in this panel'}: "
                     f"{place.file}:{place.line}:{place.column}{' ' + place.key if place.key else ''})")
        if self.place.key:
            message = str(_locate(sources, self.place.key, f"{output}, {self.slot}: {told}"))
        else:  # text the template adds (a mark, a separator): name the part around it
            where = ", ".join(filter(None, (self.slot, self.place.part)))
            message = f"{label}: {where}, {self.text[:QUOTED_CHARACTERS]!r}: {told}"
        return Misfit(message, [(page, x0, y0, x1 - x0, y1 - y0)
                                for (page, _), (x0, y0, x1, y1) in self.outlines.items()])


def _rounded(characters: int | float) -> int:
    """Up to a multiple of CUT_STEP_CHARACTERS: an estimate, not a count."""
    return int(-(-characters // CUT_STEP_CHARACTERS) * CUT_STEP_CHARACTERS)


@dataclass
class _LanguageLines:
    """The lines of one language's texts in a slot: how many characters a line holds, how tall it is."""

    characters: int = 0
    lines: dict[int, float] = field(default_factory=dict)  # line → its height, px

    def characters_to_cut(self, over: float) -> float:
        """About how many characters of this language make `over` px of lines."""
        height = sum(self.lines.values()) / len(self.lines)
        return math.ceil(over / height) * self.characters / len(self.lines)


def _locate(sources: dict[str, YamlFile], data_key: str, message: str = "") -> Problem:
    """Where a `data-key` (`en:points.items[2].text`) stands in the campaign's YAML files."""
    file, key = data_key.split(":", 1)
    return sources[file].problem(parse_key(key), message)


def check_fit(layout: Layout, sources: dict[str, YamlFile], output: str, label: str) -> list[Misfit]:
    """Every text of the HTML laid out, inside its slot and not painted over.

    A slot (`data-slot`: a handout or poster page, a leaflet panel) has a fixed size; text outside any
    slot must stay on the page. Text fails when it is below (or above) its slot's content box or on a
    later page than the slot began, wider than the box (a word that cannot break), under a box with a
    background that is painted after it (the leaflet's absolutely placed slogan band), or missing from
    the laid-out boxes altogether (WeasyPrint can drop the rest of a float that does not fit). The
    characters of each element's text in the HTML are compared with those of its text boxes.

    One message per slot and reason (per text for a word too wide) names the YAML file, line, column
    and key (`data-key`) of the first failing text, `output` and the slot, how far it is over and about
    how many characters to cut: those of the failing lines; and the slot's longest text when that is
    another, since a text that grew pushes the ones after it out.
    """
    places, holders = _places(next(child for child in layout.root.children if child.tag == "body"))
    nowhere = _Place("", "", None)
    failures: dict[tuple, _Failure] = {}
    first_page: dict[object, int] = {}                   # slot → index of the page its first box is on
    slot_boxes: dict[object, tuple[int, tuple[float, ...]]] = {}  # slot → page and content box, first page
    laid: dict[Element, int] = {}                       # element → characters laid out (without spaces)
    keyed: dict[object, dict[str, int]] = {}             # slot → characters of each key's text in it
    languages: dict[object, dict[str, _LanguageLines]] = {}  # slot → lines of each language's texts in it

    def failure(reason: str, slot: object, place: _Place, text: str, cover: str = "") -> _Failure:
        group = (slot, reason, place.key or text) if reason == "wide" else (slot, reason)
        if group not in failures:
            name = _slot_name(place.slot, first_page.get(slot, 0) + 1)
            failures[group] = _Failure(reason, name, place, text, cover)
        return failures[group]

    for index, page in enumerate(layout.pages):
        # Where each text is in the order the page is painted, and the boxes with a background there.
        order = {item: at for at, item in enumerate(page.painted) if isinstance(item, Text)}
        fills = [(at, item) for at, item in enumerate(page.painted) if isinstance(item, Fill)]
        for box in page.texts:
            text = box.text.strip()
            if not box.pseudo:  # generated content is not in the HTML
                laid[box.element] = laid.get(box.element, 0) + len(_SPACE.sub("", text))
            place = places.get(box.element, nowhere)
            area = box.slot or page.area
            slot = area.element if box.slot else ("page", index)
            left, top, right, bottom = _content_edges(area)
            first_page.setdefault(slot, index)
            if place.key:
                in_slot = keyed.setdefault(slot, {})
                in_slot[place.key] = in_slot.get(place.key, 0) + len(text)
                lang = place.key.split(":", 1)[0]
                if lang in LANGUAGES:  # not `campaign:` (language-neutral text)
                    lines = languages.setdefault(slot, {}).setdefault(lang, _LanguageLines())
                    lines.characters += len(_SPACE.sub("", text))
                    lines.lines[id(box.line or box)] = (box.line or box).height
            slot_boxes.setdefault(slot, (index, (left, top, right, bottom)))
            line = box.line or box
            rect = (box.x, max(box.y, line.y), box.x + box.width, min(box.y + box.height, line.y + line.height))
            x0, y0, x1, y1 = rect
            if first_page[slot] < index:
                failure("over", slot, place, text).add(place, text, index, line, rect, y1 - top, len(text))
            elif y1 > bottom + ROUNDING_PX or y0 < top - ROUNDING_PX:
                failure("over", slot, place, text).add(place, text, index, line, rect,
                                                       max(y1 - bottom, top - y0), len(text))
            elif x1 > right + ROUNDING_PX or x0 < left - ROUNDING_PX:
                over = max(x1 - right, left - x0)
                failure("wide", slot, place, text).add(place, text, index, line, rect, over,
                                                       math.ceil(len(text) * over / (x1 - x0)))
            else:
                at = order.get(box, len(page.painted))
                cover = next((fill for after, fill in fills if after > at and _overlap(fill, rect)), None)
                if cover is not None:
                    name = places.get(cover.element, nowhere).part or cover.element.tag + (
                        f"::{cover.pseudo}" if cover.pseudo else "")
                    failure("covered", slot, place, text, name).add(place, text, index, line, rect,
                                                                     y1 - cover.y, len(text))
    for element, count in holders:
        missing = count - laid.get(element, 0)
        if missing > 0:
            place = places[element]
            slot = place.slot if place.slot is not None else ("page", 0)
            text = _SPACE.sub(" ", element.own_text.strip()) or element.tag
            page, rect = slot_boxes.get(slot, (0, None))  # None: the slot itself was left out
            failure("dropped", slot, place, text).add(place, text, page, element, rect, 0, missing)
    longest = {slot: max(texts, key=texts.get) for slot, texts in keyed.items()}
    return [failure.misfit(sources, output, label, longest.get(group[0], ""), languages.get(group[0], {}))
            for group, failure in failures.items()]


def _content_edges(slot: Block) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of the area a slot's text must stay in: its content box. A slot
    split across pages has no bottom padding or border on its first page (box-decoration-break:
    slice), so its content box reaches the page's edge there; its text must still end where the
    padding would begin (a leaflet panel's safe area)."""
    return slot.x, slot.y, slot.x + slot.width, slot.y + slot.height - slot.cut_bottom


def _overlap(box: Fill | Text | Graphic, rect: tuple[float, ...]) -> bool:
    """Whether `box` (a fill's border box) overlaps `rect` (x0, y0, x1, y1) by more than rounding."""
    x0, y0, x1, y1 = box.x, box.y, box.x + box.width, box.y + box.height
    return min(x1, rect[2]) - max(x0, rect[0]) > ROUNDING_PX and min(y1, rect[3]) - max(y0, rect[1]) > ROUNDING_PX


SECTION_GAP_MM = 6  # a moved section's top margin and bottom padding, which its text does not show


def movable_section(layout: Layout, page: int) -> str | None:
    """The first section of page `page + 1` (`data-section`, a name of the page plan) if it would fit in
    the room its text leaves at the foot of page `page` (with SECTION_GAP_MM to spare), and is not the
    only section there: a page of a handout whose content is shorter than planned (no `incident`, say)
    takes it, instead of a band of empty paper."""
    if page + 1 >= len(layout.pages):
        return None
    this, following = layout.pages[page], layout.pages[page + 1]
    if not this.texts or not following.texts or this.texts[0].slot is None or following.texts[0].slot is None:
        return None
    _, _, _, bottom = _content_edges(this.texts[0].slot)
    room = bottom - max(text.y + text.height for text in this.texts)
    sections: dict[str, float] = {}  # section → lowest text, on the following page
    for text in following.texts:
        name = next((element.attributes["data-section"] for element in text.ancestors
                     if "data-section" in element.attributes), None)
        if name is not None:
            sections[name] = max(sections.get(name, 0), text.y + text.height)
    if len(sections) < 2:
        return None
    first, lowest = next(iter(sections.items()))
    _, top, _, _ = _content_edges(following.texts[0].slot)
    return first if lowest - top + SECTION_GAP_MM / PX_TO_MM <= room else None


def check_pages(layout: Layout, expected: int, label: str) -> list[str]:
    """Each format has a fixed page count: more pages means the content overflowed."""
    if len(layout.pages) != expected:
        return [f"{label}: {len(layout.pages)} pages, expected {expected}: the text is too long for this format"]
    return []


_VOID = {"meta", "link", "br", "img", "path", "rect", "circle", "line", "polyline", "polygon"}


class _LangAudit(HTMLParser):
    """Text that no element inside <body> tags with a `lang`, and Han/kana inside an `en` element."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag, attrs):
        pass  # <path/> and friends open nothing that text could be in

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        tags = [tag for tag, _ in self.stack]
        if not data.strip() or "body" not in tags:
            return
        langs = [lang for _, lang in self.stack[tags.index("body"):] if lang]
        snippet = data.strip()[:30]
        if not langs:
            self.problems.append(f"text without a lang attribute in <{tags[-1]}>: {snippet!r}")
        elif langs[-1] in LANGUAGES and not LANGUAGES[langs[-1]].cjk and CJK_CHARACTER.search(data):
            self.problems.append(f"Chinese, Japanese or Korean text in <{tags[-1]} lang=\"en\">: {snippet!r}")


def check_langs(html: str, label: str) -> None:
    """Every piece of text carries a BCP 47 `lang`, and elements in a non-CJK language hold no CJK text."""
    audit = _LangAudit()
    audit.feed(html)
    if audit.problems:
        raise LayoutError([f"{label}: {problem}" for problem in audit.problems])


# ---- Health preflight: type size, contrast, required content -------------------------------------

BODY_MIN_PT = 12       # handouts and leaflets (CDC, PIF TICK)
FOOTNOTE_MIN_PT = 8
CAP_HEIGHT_EM = 0.733  # Noto Sans CJK's OS/2 cap height: letter height of Latin capitals
# WCAG 2.x (1.4.3): contrast of text with its background; large text is 18 pt, or 14 pt bold.
CONTRAST_MIN = 4.5
LARGE_TEXT_CONTRAST_MIN = 3.0
LARGE_TEXT_PT = 18
LARGE_BOLD_TEXT_PT = 14
BOLD_WEIGHT = 700
# Posters: about 25 mm of letter height per 3 m of viewing distance for the headline; 32 pt for the
# rest of the text at 1.5 m, in proportion to the size's distances.
HEADLINE_LETTER_MM = 25
HEADLINE_DISTANCE_M = 3
POSTER_TEXT_PT = 32
POSTER_TEXT_DISTANCE_M = 1.5
# The poster warnings forgive rounding: a letter height or type size this little under the one wanted passes.
LETTER_TOLERANCE_MM = 0.05
TEXT_TOLERANCE_PT = 0.05
WHITE = Colour("srgb", (1.0, 1.0, 1.0))  # the paper, where no box paints a background


def _srgb(colour: Colour) -> tuple[float, ...]:
    if colour.space == "device-cmyk":
        c, m, y, k = colour.values
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return colour.values


def _luminance(rgb: tuple[float, ...]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: Colour, background: Colour) -> float:
    """WCAG 2 contrast ratio of two colours (sRGB or device-cmyk)."""
    high, low = sorted((_luminance(_srgb(foreground)), _luminance(_srgb(background))), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Findings:
    errors: list[str]
    warnings: list[str]
    counted: list[Counted] = field(default_factory=list)  # errors told once for every output they are true of


PRESS_SMALL_PT = 14  # below this, text in a screen or on 3–4 plates blurs on press (registration)
TRIM_TOUCH_MM = 1    # a fill this close to the trim shows a sliver of paper when the cut wanders
BLEED_TOLERANCE_PX = 0.01  # a fill that reaches the bleed's edge to within this reaches it


def _plates_problem(colour: Colour) -> str:
    """What is wrong with a CMYK text colour for small type on press, or '' (RGB: not for press)."""
    if colour.space != "device-cmyk":
        return ""
    inks = dict(zip("CMYK", colour.values))
    used = {plate: ink for plate, ink in inks.items() if ink > 0}
    if len(used) > 2:
        return "on " + "/".join(f"{plate}{ink * 100:.0f}" for plate, ink in used.items())
    if set(used) == {"K"} and used["K"] < 1:
        return f"in a {used['K'] * 100:.0f} % black screen"
    return ""


def _short_of_bleed(fill: Fill, page: Page, number: int, label: str) -> list[str]:
    """A filled box that reaches the trim must run on to the edge of the bleed, or the cut leaves a
    white edge. The page's own background is painted into the bleed (and so are the root's and the
    body's, which become the page's), so fills of its colour don't count."""
    if ((fill.colour.space, fill.colour.values) == (page.paper.space, page.paper.values)
            or fill.element is not None and fill.element.tag in ("html", "body") and not fill.pseudo):
        return []
    near = TRIM_TOUCH_MM / PX_TO_MM
    edges = {"left": (-fill.x, page.bleed["left"]), "top": (-fill.y, page.bleed["top"]),
             "right": (fill.x + fill.width - page.width, page.bleed["right"]),
             "bottom": (fill.y + fill.height - page.height, page.bleed["bottom"])}
    problems = []
    for side, (beyond, needed) in edges.items():  # how far the fill passes the trim, and must
        if -near < beyond < needed - BLEED_TOLERANCE_PX:
            problems.append(f"{label}: page {number}, {_describe_element(fill.element)}: the fill reaches the "
                            f"{side} trim but only {round(beyond * PX_TO_MM, 1) + 0.0:.1f} mm beyond it; "
                            f"run it {needed * PX_TO_MM:.0f} mm into the bleed")
    return problems


SHORT_LINE = 0.2  # a last line under a fifth of the longest looks like a leftover, not an ending
SHORT_CJK_CHARACTERS = 2  # a display text's last line of this many CJK characters (and a mark) is a leftover
# One Han/kana (or Hangul) character and nothing but punctuation or spaces around it: `查。`.
_ONE_CJK_CHARACTER = re.compile(rf"\W*{CJK_CHARACTER.pattern}\W*")


def _short_last_line(block: Block, number: int, label: str) -> str:
    """The warning for a text whose last line is a leftover, or '': any CJK paragraph ending in a line
    of one character (and its punctuation); display texts (`data-display`: titles, headings, main
    messages, slogans) ending in one Latin word, two CJK characters or less, or a line under a fifth
    of the longest. A block that goes on on the next page does not end on this one."""
    if block.element is None or len(block.lines) < 2 or block.continues:
        return ""
    last = block.lines[-1].text.strip()
    cjk = len(CJK_CHARACTER.findall(last))
    display = block.element.get("data-display") is not None
    if _ONE_CJK_CHARACTER.fullmatch(last) or display and (
            (cjk and cjk <= SHORT_CJK_CHARACTERS and len(last) <= SHORT_CJK_CHARACTERS + 1)
            or (not cjk and len(last.split()) == 1)
            or block.lines[-1].text_width < SHORT_LINE * max(line.text_width for line in block.lines)):
        return (f"{label}: page {number}, {_describe_element(block.element)} "
                f"{block.element.text[:QUOTED_CHARACTERS]!r}: last line {last!r} is too short; shorten the "
                f"text or break it elsewhere")
    return ""


def _describe_element(element: Element) -> str:
    classes = "".join(f".{c}" for c in (element.get("class") or "").split())
    return f"<{element.tag.rpartition('}')[2]}{classes}>"  # an SVG element without its namespace


def _owner(text: Text) -> Element:
    """The element a person wrote `text` for: a typesetting span is part of it, not one of its own."""
    return next(element for element in text.ancestors
                if not TYPESET_SPANS & set((element.get("class") or "").split()))


def _points(text: Text) -> float:
    return round(text.font_size * PX_TO_PT, 2)  # 14 pt is 18.67 px: 13.999… pt unrounded


def _low_contrast(text: Text) -> tuple[float, float] | None:
    """(the contrast of a text with its background, the contrast it needs) if it has too little."""
    points = _points(text)
    large = points >= LARGE_TEXT_PT or (text.font_weight >= BOLD_WEIGHT and points >= LARGE_BOLD_TEXT_PT)
    needed = LARGE_TEXT_CONTRAST_MIN if large else CONTRAST_MIN
    ratio = contrast_ratio(text.colour, text.background or WHITE)
    return (ratio, needed) if ratio < needed else None


@dataclass(frozen=True)
class Palette:
    """The campaign's colour settings (`colours` in campaign.yaml), so that texts failing contrast
    because of one of them are told as one line about that setting (a pale accent under every slogan
    would otherwise be one line per text), with a colour that passes."""

    settings: dict[str, str]              # name (`accent`) → #RRGGBB
    source: YamlFile                      # campaign.yaml: where each setting is
    drawn: Callable[[str, bool], Colour]  # a #RRGGBB as this variant draws it: as text (True), or a fill


FIX_STEPS = 50  # a suggested colour moves towards black or white in steps of 2 %


def _setting(palette: Palette, colour: Colour, as_text: bool) -> str | None:
    """The name of the setting drawn as `colour`, if one is."""
    return next((name for name, value in palette.settings.items()
                 if _same_colour(palette.drawn(value, as_text), colour)), None)


def _same_colour(one: Colour, other: Colour) -> bool:
    return one.space == other.space and all(abs(a - b) < 1 / 512 for a, b in zip(one.values, other.values))


def _cause(palette: Palette, text: Text) -> tuple[str, bool, Colour] | None:
    """The setting a text's low contrast comes from: (its name, whether it is the text's colour rather
    than the background's, the other colour). The background's, unless another colour of it would not
    pass (white paper can't be whiter), then the text's; None when neither is a setting that would."""
    background = text.background or WHITE
    for name, as_text, other in ((_setting(palette, background, False), False, text.colour),
                                 (_setting(palette, text.colour, True), True, background)):
        if name is not None and _passing_colour(palette, palette.settings[name], [(as_text, other)]):
            return name, as_text, other
    return None


def _passing_colour(palette: Palette, value: str, pairs: list[tuple[bool, Colour]]) -> tuple[str, str] | None:
    """The first colour of `value`'s hue, darker (lighter, when the first pair is with a darker colour)
    by steps of 1/FIX_STEPS, that has CONTRAST_MIN in every pair (as text or not, with the other colour)
    as the variant draws it — the rule of body text, so that it passes in every output at every size —
    and which way it went; None if none does."""
    rgb = [int(value[i:i + 2], 16) for i in (1, 3, 5)]
    as_text, other = pairs[0]
    darker = _luminance(_srgb(other)) > _luminance(_srgb(palette.drawn(value, as_text)))
    for step in range(1, FIX_STEPS + 1):
        share = step / FIX_STEPS
        # Scaling red, green and blue together keeps the hue; so does mixing in white.
        candidate = "#" + "".join(f"{round(c * (1 - share) if darker else c + (255 - c) * share):02X}" for c in rgb)
        if all(contrast_ratio(palette.drawn(candidate, as_text), other) >= CONTRAST_MIN for as_text, other in pairs):
            return candidate, "darker" if darker else "lighter"
    return None


def _colour_name(colour: Colour) -> str:
    """How a message names a colour: white, black, #RRGGBB or its plates."""
    if colour.values in ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0)):
        return "white"
    if colour.values in ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0)):
        return "black"
    if colour.space == "device-cmyk":
        return "/".join(f"{plate}{ink * 100:.0f}" for plate, ink in zip("CMYK", colour.values))
    return "#" + "".join(f"{round(value * 255):02X}" for value in colour.values)


@dataclass
class _Shortfall:
    """Texts that fail contrast because of one setting: each pair of colours it fails in, how many."""

    pairs: dict[tuple[bool, tuple[float, ...]], tuple[Colour, float, float]] = field(default_factory=dict)
    places: int = 0

    def add(self, as_text: bool, other: Colour, ratio: float, needed: float) -> None:
        """One more text: its colour is the setting (`as_text`) or its background is, on or under `other`."""
        known = self.pairs.get((as_text, other.values), (other, ratio, 0.0))
        self.pairs[as_text, other.values] = (other, ratio, max(known[2], needed))
        self.places += 1

    def told(self, palette: Palette, name: str, label: str) -> Counted:
        """One line for all of them, at the setting's place in campaign.yaml, with a colour that passes
        (the same in every output whose texts fail in the same pairs, so told once for all of them)."""
        value = palette.settings[name]
        parts = []
        for (as_text, _), (other, ratio, needed) in sorted(self.pairs.items(), key=lambda item: -item[1][2]):
            pair = f"text in it on {_colour_name(other)}" if as_text else f"{_colour_name(other)} text on it"
            parts.append(f"{pair} {'has contrast ' if not parts else ''}{ratio:.1f}:1, needs ≥ {needed:.1f}:1")
        message = f"{quote(value)}: {', and '.join(parts)}"
        pairs = [(as_text, other) for (as_text, _), (other, _, _) in self.pairs.items()]
        if fix := _passing_colour(palette, value, pairs):
            message += f"; try {fix[0]} or {fix[1]}"
        return Counted(str(palette.source.problem(("colours", name), message)), self.places, label)


def _text_findings(text: Text, size: Size) -> list[tuple[bool, str]]:
    """(whether it is an error rather than a warning, what is wrong) for one text's size and plates."""
    points = _points(text)
    roles = {element.get("data-role") for element in text.ancestors}
    found = []
    if points < PRESS_SMALL_PT and (plates := _plates_problem(text.colour)):
        found.append((True, f"text {points:.1f} pt {plates}: under {PRESS_SMALL_PT} pt use solid black "
                            f"or at most two plates"))
    if "footnote" in roles:
        if points < FOOTNOTE_MIN_PT:
            found.append((True, f"footnote {points:.1f} pt, needs ≥ {FOOTNOTE_MIN_PT} pt"))
    elif not size.read_at_distance:
        if points < BODY_MIN_PT:
            found.append((True, f"text {points:.1f} pt, needs ≥ {BODY_MIN_PT} pt"))
    elif "headline" in roles:
        letters = points * CAP_HEIGHT_EM * PT_TO_MM
        wanted = size.headline_distance * HEADLINE_LETTER_MM / HEADLINE_DISTANCE_M
        if letters < wanted - LETTER_TOLERANCE_MM:
            found.append((False, f"letters {letters:.1f} mm high, needs ≥ {wanted:.1f} mm "
                                 f"to read from {size.headline_distance:g} m"))
    else:
        wanted = size.body_distance * POSTER_TEXT_PT / POSTER_TEXT_DISTANCE_M
        if points < wanted - TEXT_TOLERANCE_PT:
            found.append((False, f"text {points:.1f} pt, needs ≥ {wanted:.0f} pt "
                                 f"to read from {size.body_distance:g} m"))
    return found


def required_content(content: CampaignContent, langs: tuple[str, ...],
                     organisation: Organisation | None = None) -> dict[str, str]:
    """What every output must print, as the text it must contain: dates, version, sources, help; and
    the organisation's name, phone numbers and web address in its edition."""
    campaign, texts = content.campaign, content.texts
    required = {}
    for lang in langs:
        required[f"publication date ({lang})"] = LANGUAGES[lang].format_date(campaign.published)
        required[f"review date ({lang})"] = LANGUAGES[lang].format_date(campaign.review_by)
        required[f"disclaimer ({lang})"] = tidy(texts[lang].disclaimer, lang)
    required["version"] = campaign.version
    required["source"] = campaign.reference
    for call in campaign.emergency:
        required[f"urgent-help number ({call.region})"] = call.number
    if organisation is not None:
        for lang in langs:
            required[f"organisation name ({lang})"] = tidy(organisation.text(organisation.name, lang), lang)
        for phone in organisation.text(organisation.phones, langs[0]) or ():
            required[f"organisation phone {phone.number}"] = phone.number
        if organisation.website or campaign.url:
            required["organisation web address"] = organisation.website or campaign.url
    return required


def preflight(layout: Layout, size: Size, required: dict[str, str], label: str,
              palette: Palette | None = None) -> Findings:
    """Health-material rules on the laid-out pages.

    Errors: body text under 12 pt where read in the hand (sizes without viewing distances), footnotes (`data-role="footnote"`) under
    8 pt, text/background contrast under 4.5:1 (3:1 for large text), required content missing
    (`required_content`); for press (CMYK), text under 14 pt in a K screen or on more than two plates,
    and fills that touch the trim but stop short of the bleed.
    Warnings (errors with --strict): poster letters too small for the size table's viewing distances:
    ≈ 25 mm of letter height per 3 m for the headline (`data-role="headline"`), ≥ 32 pt at 1.5 m,
    scaled, for the rest; texts ending in a leftover line (`_short_last_line`): poor typography, but
    nothing missing or unreadable.
    Texts whose low contrast comes from a colour of the `palette` are one error about that colour, at
    its line in campaign.yaml, with how many texts fail and a colour that would pass.
    """
    errors, warnings, seen, printed = [], [], set(), []
    shortfalls: dict[str, _Shortfall] = {}  # by the name of the colour setting the low contrast comes from
    for number, page in enumerate(layout.pages, 1):
        for text in page.texts:
            printed.append(text.text)
            owner = _owner(text)
            if (number, owner) in seen:  # one finding per element, not per line
                continue
            found = _text_findings(text, size)
            if low := _low_contrast(text):
                cause = _cause(palette, text) if palette else None
                if cause is None:
                    found.insert(0, (True, f"contrast {low[0]:.1f}:1, needs ≥ {low[1]:.1f}:1"))
                else:
                    shortfalls.setdefault(cause[0], _Shortfall()).add(*cause[1:], *low)
                    seen.add((number, owner))
            where = f"{label}: page {number}, {_describe_element(owner)} {owner.text.strip()[:QUOTED_CHARACTERS]!r}"
            for error, message in found:
                (errors if error else warnings).append(f"{where}: {message}")
            if found:
                seen.add((number, owner))
        for fill in page.fills:
            errors += _short_of_bleed(fill, page, number, label)
        warnings += filter(None, (_short_last_line(block, number, label) for block in page.blocks))
    counted = [shortfall.told(palette, name, label) for name, shortfall in shortfalls.items()]
    flat = _SPACE.sub("", "".join(printed))
    for name, value in required.items():
        if _SPACE.sub("", value) not in flat:
            errors.append(f"{label}: required content missing: {name} ({value[:40]!r})")
    errors += qr_findings(layout, size.qr if size.read_at_distance else QR_MIN_MM, label)
    return Findings(errors, warnings, counted)


# ---- QR codes ------------------------------------------------------------------------------------

QR_MIN_MM = 20           # handouts and leaflets, read in the hand; posters pass a larger one, by distance
QR_CONTRAST_MIN = 7.0    # dark modules on their light background


def _qr_colour(svg: Element, tag: str) -> Colour | None:
    """The `fill` of the first `<rect>` (the light background) or `<path>` (the dark modules) of a code
    made by qr.qr_svg; None if it has none in a form qr_svg writes."""
    child = next((child for child in svg.children if child.tag == f"{{http://www.w3.org/2000/svg}}{tag}"), None)
    try:
        return Colour(*colour_components(child.get("fill", ""))) if child is not None else None
    except ValueError:
        return None


def _intruder(item: Text | Fill | Graphic) -> str:
    """How a message names a text, filled box or graphic that overlaps a QR code."""
    if isinstance(item, Text):
        return f"text {item.text.strip()[:QUOTED_CHARACTERS]!r}"
    if item.element is None:
        return "a filled box"
    name = _describe_element(item.element) + (f"::{item.pseudo}" if getattr(item, "pseudo", "") else "")
    return f"{'filled box' if isinstance(item, Fill) else 'graphic'} {name}"


def qr_findings(layout: Layout, min_mm: float, label: str) -> list[str]:
    """Errors for each QR code (a replaced box whose element carries `data-qr`, as qr.qr_svg makes it).

    - Its drawn size: the square the SVG's viewBox is fitted into (CSS may give the box another shape;
      the code is centred in it), quiet zone included, at least `min_mm` wide (QR_MIN_MM in the hand),
      to 0.1 mm.
    - Its quiet zone: the 4 light modules round the code are inside that square, so no text, no filled
      box and no other graphic may overlap the square (by more than the layout's rounding). Boxes
      around the code (its ancestors: the panel it sits on) are its surroundings, not intruders. One
      reaching past the quiet zone is said to overlap the code itself.
    - Its colours: dark modules darker than the light background (an inverted code is lost on many
      phones' readers) with a contrast of at least 7:1 (the WCAG formula, as for text).
    """
    errors = []
    for number, page in enumerate(layout.pages, 1):
        for graphic in page.graphics:
            modules = graphic.element.get("data-qr")
            if modules is None:
                continue
            where = f"{label}: page {number}"
            dark, light = _qr_colour(graphic.element, "path"), _qr_colour(graphic.element, "rect")
            if not modules.isdigit() or int(modules) <= 2 * QUIET_ZONE or dark is None or light is None:
                errors.append(f"{where}, QR code: not as qr_svg makes it (its data-qr or its colours)")
                continue
            side = min(graphic.width, graphic.height)
            x0, y0 = graphic.x + (graphic.width - side) / 2, graphic.y + (graphic.height - side) / 2
            if round(side * PX_TO_MM, 1) < min_mm:
                errors.append(f"{where}, QR code {side * PX_TO_MM:.1f} mm wide, needs ≥ {min_mm:g} mm")
            margin = QUIET_ZONE * side / int(modules)
            code = (x0 + margin, y0 + margin, x0 + side - margin, y0 + side - margin)
            around = _ancestors(graphic.element)
            for item in (*page.texts, *page.fills, *page.graphics):
                if (item is not graphic and not (isinstance(item, Fill) and item.element in around)
                        and _overlap(item, (x0, y0, x0 + side, y0 + side))):
                    zone = "the QR code" if _overlap(item, code) else "the QR code's quiet zone"
                    errors.append(f"{where}, {_intruder(item)} overlaps {zone}")
            if _luminance(_srgb(dark)) > _luminance(_srgb(light)):
                errors.append(f"{where}, QR code: light modules on a dark background; many readers need "
                              f"dark on light")
            elif (ratio := contrast_ratio(dark, light)) < QR_CONTRAST_MIN:
                errors.append(f"{where}, QR code contrast {ratio:.1f}:1, needs ≥ {QR_CONTRAST_MIN:g}:1")
    return errors


def _ancestors(element: Element) -> list[Element]:
    """`element` and the elements around it."""
    found = []
    while element is not None:
        found.append(element)
        element = element.parent
    return found
