"""Step 5b of the pipeline: checks on the rendered HTML and the laid-out pages, before anything is written.

Each check raises LayoutError with one line per failure, naming the output, the page and the part.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Iterator

import weasyprint
from tinycss2.color4 import parse_color
from weasyprint.formatting_structure.boxes import LineBox, TextBox

from .errors import LayoutError
from .text import CJK_CHARACTER

PX_TO_MM = 25.4 / 96  # WeasyPrint lays out in CSS px


def _boxes(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _content_bottom(box) -> float:
    bottom = box.content_box_y()
    for child in getattr(box, "children", ()):
        bottom = max(bottom, child.position_y + child.margin_height(), _content_bottom(child))
    return bottom


def _line_bottoms(box) -> Iterator[float]:
    for descendant in _boxes(box):
        if isinstance(descendant, LineBox):
            yield descendant.position_y + descendant.height


def _parts(box) -> Iterator:
    """The outermost boxes inside `box` whose element names a part of the layout (`data-part`)."""
    for child in getattr(box, "children", ()):
        element = getattr(child, "element", None)
        if element is not None and element.get("data-part") and child.element is not box.element:
            yield child
        else:
            yield from _parts(child)


@dataclass
class _Overflow:
    page: int
    slot: str
    part: str = ""
    mm: float = 0.0
    lines: int = 0

    def describe(self, label: str) -> str:
        where = self.part if self.slot == "page" else f"{self.slot} panel, {self.part}".rstrip(", ")
        noun = "line" if self.lines == 1 else "lines"
        return f"{label}: page {self.page}, {where or self.slot}: {self.mm:.0f} mm over ({self.lines} {noun})"


def check_slots(document: weasyprint.Document, label: str) -> None:
    """Fixed-size slots (`data-slot`: a handout or poster page, a leaflet panel) must hold their content.

    Overflow shows up two ways in WeasyPrint's boxes: content below the slot's bottom edge, or the
    slot split across pages with its rest on the next page. Both count; the message names the part
    (`data-part`) that crosses the edge, how far in mm and how many lines of text are beyond it.
    """
    overflows: dict[int, _Overflow] = {}  # by slot element
    for number, page in enumerate(document.pages, 1):
        on_this_page = set()
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            # Line and anonymous boxes inside a slot share its element: only the outermost box counts.
            if element is None or element.get("data-slot") is None or id(element) in on_this_page:
                continue
            on_this_page.add(id(element))
            first = id(element) not in overflows
            if first:
                overflows[id(element)] = _Overflow(number, element.get("data-slot"))
            edge = box.content_box_y() + box.height if first else box.content_box_y()
            overflow = overflows[id(element)]
            overflow.mm += max(0.0, _content_bottom(box) - edge) * PX_TO_MM
            overflow.lines += sum(bottom > edge + 0.5 for bottom in _line_bottoms(box))
            if not overflow.part:
                crossing = [p for p in _parts(box) if _content_bottom(p) > edge + 0.5 or not first]
                overflow.part = crossing[0].element.get("data-part") if crossing else ""
    problems = [o.describe(label) for o in overflows.values() if o.mm > 0.5]
    if problems:
        raise LayoutError(problems)


def check_pages(document: weasyprint.Document, expected: int, label: str) -> None:
    """Each format has a fixed page count: more pages means the content overflowed."""
    if len(document.pages) != expected:
        raise LayoutError([f"{label}: {len(document.pages)} pages, expected {expected}: "
                           f"the text is too long for this format"])


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
        elif langs[-1] == "en" and CJK_CHARACTER.search(data):
            self.problems.append(f"Chinese or Japanese text in <{tags[-1]} lang=\"en\">: {snippet!r}")


def check_langs(html: str, label: str) -> None:
    """Every piece of text carries a BCP 47 `lang`, and English elements hold no CJK text."""
    audit = _LangAudit()
    audit.feed(html)
    if audit.problems:
        raise LayoutError([f"{label}: {problem}" for problem in audit.problems])


# ---- Health preflight: type size, contrast, required content -------------------------------------

BODY_MIN_PT = 12       # handouts and leaflets (CDC, PIF TICK)
FOOTNOTE_MIN_PT = 8
CAP_HEIGHT_EM = 0.733  # Noto Sans CJK's OS/2 cap height: letter height of Latin capitals
PT_TO_MM = 25.4 / 72


def _srgb(colour) -> tuple[float, float, float]:
    if colour.space == "device-cmyk":
        c, m, y, k = colour.coordinates
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return tuple(colour.to("srgb").coordinates)


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground, background) -> float:
    """WCAG 2 contrast ratio of two colours (tinycss2 colours, sRGB or device-cmyk)."""
    high, low = sorted((_luminance(_srgb(foreground)), _luminance(_srgb(background))), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Findings:
    errors: list[str]
    warnings: list[str]


PRESS_SMALL_PT = 14  # below this, text in a screen or on 3–4 plates blurs on press (registration)
TRIM_TOUCH_MM = 1    # a fill this close to the trim shows a sliver of paper when the cut wanders


def _plates_problem(colour) -> str:
    """What is wrong with a CMYK text colour for small type on press, or '' (RGB: not for press)."""
    if colour.space != "device-cmyk":
        return ""
    inks = dict(zip("CMYK", colour.coordinates))
    used = {plate: ink for plate, ink in inks.items() if ink > 0}
    if len(used) > 2:
        return "on " + "/".join(f"{plate}{ink * 100:.0f}" for plate, ink in used.items())
    if set(used) == {"K"} and used["K"] < 1:
        return f"in a {used['K'] * 100:.0f} % black screen"
    return ""


def _fills_short_of_bleed(page, number: int, label: str) -> list[str]:
    """Filled boxes that reach the trim must run on to the edge of the bleed, or the cut leaves a white
    edge. The page's own background is painted into the bleed, so fills of its colour don't count."""
    page_box = page._page_box
    paper = page_box.style["background_color"]
    width, height = page_box.margin_width(), page_box.margin_height()
    near = TRIM_TOUCH_MM / PX_TO_MM
    bleed = {side: page_box.style[f"bleed_{side}"].value for side in ("top", "right", "bottom", "left")}
    problems = []
    for box in _boxes(page_box):
        colour = box.style["background_color"]
        if colour.alpha == 0 or colour == paper or box.element_tag in ("html", "body") or box is page_box:
            continue
        left, top = box.border_box_x(), box.border_box_y()
        edges = {"left": (-left, bleed["left"]), "top": (-top, bleed["top"]),
                 "right": (left + box.border_width() - width, bleed["right"]),
                 "bottom": (top + box.border_height() - height, bleed["bottom"])}
        for side, (beyond, needed) in edges.items():  # how far the fill passes the trim, and must
            if -near < beyond < needed - 0.01:
                problems.append(f"{label}: page {number}, {_describe_element(box)}: the fill reaches the "
                                f"{side} trim but only {round(beyond * PX_TO_MM, 1) + 0.0:.1f} mm beyond it; "
                                f"run it {needed * PX_TO_MM:.0f} mm into the bleed")
    return problems


def _describe_element(box) -> str:
    classes = "".join(f".{c}" for c in (box.element.get("class") or "").split())
    return f"<{box.element.tag}{classes}>"


def _describe(box) -> str:
    return f"{_describe_element(box)} {box.text.strip()[:24]!r}"


def _text_boxes(box, background, roles: frozenset) -> Iterator[tuple]:
    """Every text box with the background behind it and the roles (`data-role`) of its ancestors."""
    colour = box.style["background_color"]
    if colour.alpha > 0:
        background = colour
    element = getattr(box, "element", None)
    if element is not None and element.get("data-role"):
        roles = roles | {element.get("data-role")}
    if isinstance(box, TextBox):
        if box.text.strip():
            yield box, background, roles
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, background, roles)


def preflight(document: weasyprint.Document, format_name: str, size, required: dict[str, str],
              label: str) -> Findings:
    """Health-material rules on the laid-out pages.

    Errors: body text under 12 pt on handouts and leaflets, footnotes (`data-role="footnote"`) under
    8 pt, text/background contrast under 4.5:1 (3:1 for large text), required content missing; for
    press (CMYK), text under 14 pt in a K screen or on more than two plates, and fills that touch the
    trim but stop short of the bleed.
    Warnings (errors with --strict): poster letters too small for the size table's viewing distances:
    ≈ 25 mm of letter height per 3 m for the headline (`data-role="headline"`), ≥ 32 pt at 1.5 m,
    scaled, for the rest.
    """
    errors, warnings, seen, text = [], [], set(), []
    for number, page in enumerate(document.pages, 1):
        for box, background, roles in _text_boxes(page._page_box, parse_color("white"), frozenset()):
            text.append(box.text)
            key = (number, id(box.element))
            if key in seen:  # one finding per element, not per line
                continue
            where = f"{label}: page {number}, {_describe(box)}"
            points = round(box.style["font_size"] * 0.75, 2)  # 14 pt is 18.67 px: 13.999… pt unrounded
            bold = box.style["font_weight"] >= 700
            ratio = contrast_ratio(box.style["color"], background)
            needed = 3.0 if points >= 18 or (bold and points >= 14) else 4.5
            found = []
            if ratio < needed:
                found.append((errors, f"contrast {ratio:.1f}:1, needs ≥ {needed:.1f}:1"))
            if points < PRESS_SMALL_PT and (plates := _plates_problem(box.style["color"])):
                found.append((errors, f"text {points:.1f} pt {plates}: under {PRESS_SMALL_PT} pt use solid black "
                                      f"or at most two plates"))
            if "footnote" in roles:
                if points < FOOTNOTE_MIN_PT:
                    found.append((errors, f"footnote {points:.1f} pt, needs ≥ {FOOTNOTE_MIN_PT} pt"))
            elif format_name != "poster":
                if points < BODY_MIN_PT:
                    found.append((errors, f"text {points:.1f} pt, needs ≥ {BODY_MIN_PT} pt"))
            elif "headline" in roles:
                letters = points * CAP_HEIGHT_EM * PT_TO_MM
                wanted = size.headline_distance * 25 / 3
                if letters < wanted - 0.05:
                    found.append((warnings, f"letters {letters:.1f} mm high, needs ≥ {wanted:.1f} mm "
                                            f"to read from {size.headline_distance:g} m"))
            else:
                wanted = 32 * size.body_distance / 1.5
                if points < wanted - 0.05:
                    found.append((warnings, f"text {points:.1f} pt, needs ≥ {wanted:.0f} pt "
                                            f"to read from {size.body_distance:g} m"))
            for target, message in found:
                target.append(f"{where}: {message}")
            if found:
                seen.add(key)
        errors += _fills_short_of_bleed(page, number, label)
    flat = re.sub(r"\s+", "", "".join(text))
    for name, value in required.items():
        if re.sub(r"\s+", "", value) not in flat:
            errors.append(f"{label}: required content missing: {name} ({value[:40]!r})")
    return Findings(errors, warnings)
