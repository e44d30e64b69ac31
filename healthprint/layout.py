"""Step 5 of the pipeline: lay the HTML out with WeasyPrint and check the result before it is written.

WeasyPrint may only read the font subsets we made: content can never make it open another local
file or a URL. Its warnings (an ignored CSS rule, a glyph no font has) fail the build.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import weasyprint
from weasyprint.formatting_structure.boxes import LineBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import embed
from .errors import LayoutError

embed.install()

# WeasyPrint says this for every font when the system lacks libharfbuzz-subset; embed.py does that
# subsetting with HarfBuzz anyway, so it is noise, not a problem with the output.
_EXPECTED = ("Using fontTools instead of HarfBuzz-Subset",)


class _OnlyTheseFiles(URLFetcher):
    """A URL fetcher that serves the listed files and refuses everything else, fatally."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        self.allowed = {path.resolve().as_uri() for path in allowed}

    def fetch(self, url, headers=None):
        if url.split("?")[0] not in self.allowed:
            raise ValueError(f"refused to read {url}: templates and content may not load files or URLs")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_EXPECTED):
            self.messages.append(message)


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint warns about while the block runs."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def lay_out(html: str, css: str, font_files: list[Path], label: str) -> weasyprint.Document:
    """Lay out `html`; raise LayoutError naming `label` if WeasyPrint warned about anything."""
    fetcher = _OnlyTheseFiles(font_files)
    fonts = FontConfiguration()
    with weasyprint_warnings() as warnings:
        stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts)
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[stylesheet], font_config=fonts)
    if warnings:
        raise LayoutError([f"{label}: {message}" for message in warnings])
    return document


PX_TO_MM = 25.4 / 96


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
