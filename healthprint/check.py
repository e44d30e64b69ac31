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


def _describe(box) -> str:
    element = box.element
    classes = "".join(f".{c}" for c in (element.get("class") or "").split())
    return f"<{element.tag}{classes}> {box.text.strip()[:24]!r}"


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
    8 pt, text/background contrast under 4.5:1 (3:1 for large text), required content missing.
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
            points = box.style["font_size"] * 0.75
            bold = box.style["font_weight"] >= 700
            ratio = contrast_ratio(box.style["color"], background)
            needed = 3.0 if points >= 18 or (bold and points >= 14) else 4.5
            found = []
            if ratio < needed:
                found.append((errors, f"contrast {ratio:.1f}:1, needs ≥ {needed:.1f}:1"))
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
    flat = re.sub(r"\s+", "", "".join(text))
    for name, value in required.items():
        if re.sub(r"\s+", "", value) not in flat:
            errors.append(f"{label}: required content missing: {name} ({value[:40]!r})")
    return Findings(errors, warnings)
