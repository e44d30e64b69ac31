"""The one module that talks to WeasyPrint: lay HTML and CSS out, describe the laid-out pages in our
own small types, and write the PDF of a layout (screen: tagged PDF/UA-1; print: PDF/X-4).

Nothing else imports WeasyPrint or pydyf. The checks (check.py) read `Layout`: its pages' texts with
their place, size, type and colours, the boxes that paint a background, the line boxes of each block,
the order in which a page is painted, and where each replaced box (inline SVG) is drawn; lengths are
CSS px (1/96 in) from the page's top left corner, as WeasyPrint lays out.

WeasyPrint may only read the font subsets we made and the colour profile: content can never make it
open another local file or a URL. Its warnings while it lays out or writes (an ignored CSS rule, a
glyph no font has) fail the build; a character our fonts lack is caught earlier, by the glyph check
on the content.

WeasyPrint 70 needs help in a few places (it is pinned to 70.0 for this reason). Each patch replaces
one of its private functions, only while it lays out or writes (`_patched`, never on import), and is
named in `PATCHES`; tests/test_engine.py shows each one's problem coming back without it:

- "fonts": WeasyPrint trims each embedded font to the glyphs the pages use. Without the system library
  libharfbuzz-subset (most machines) it does that with fontTools, 0.25–0.74 s a document, and warns.
  Here the same HarfBuzz subsetting WeasyPrint would do with that library (glyph ids kept, layout
  tables dropped) runs through uharfbuzz: ≈ 3 ms a document. WeasyPrint's `full_fonts=True` (no trim;
  our fonts are subset before layout) is no way out: it embeds the subsets whole and maps to Unicode
  only the glyphs of their cmap, so the Chinese glyph forms and the `fi` ligature lose their text, and
  screen PDFs are 2.6–2.9 times as large.
- "lang": tagged PDF (PDF/UA) gets a /Lang only on the document; screen readers need the language of
  each element too, so every structure element made for an HTML element with a `lang` carries it.
- "wrap spaces" and "blank texts": WeasyPrint leaves out of the page content the space at the end of
  a wrapped line, and any text box made of spaces only (between two inline elements): a screen reader,
  which reads the tagged text, then says "Don'tbet". Those spaces are drawn (a space is invisible).
- "artifacts": an element marked `aria-hidden="true"` (the ≠ and ? marks, the icons) is drawn as an
  artifact and left out of the structure tree, so it is not read aloud.
- "document id": PDF/X's XMP metadata gets a random DocumentID (uuid4); a name-based id from the
  output's name is used instead, so the same content gives the same bytes.
- "hanging space": when a text ending in a space (before a no-break span) fits its line only once that
  space hangs past the end, as CSS says it does, WeasyPrint counts the space, finds the line too wide
  and keeps only the first word ("Before" / "any cell treatment, …"). Such a text is laid out as
  fitting, and the line breaks before the no-break span instead.
"""

import copy
import io
import logging
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Iterator, Union
from xml.etree import ElementTree

import pydyf
import uharfbuzz as hb
import weasyprint
from weasyprint.css import ColorProfile
from weasyprint.document import Page as WeasyPrintPage
from weasyprint.draw import text as weasyprint_draw_text
from weasyprint.formatting_structure.boxes import (BlockBox, FlexContainerBox, GridContainerBox, InlineBlockBox,
                                                   InlineBox, LineBox, MarginBox, ReplacedBox, TableCellBox,
                                                   TextBox)
from weasyprint.layout import inline as weasyprint_inline
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.pdf import stream as weasyprint_stream
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.stacking import StackingContext
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from .errors import LayoutError

# ---- What the checks see -----------------------------------------------------------------------


@dataclass(eq=False)
class Element:
    """An element of the HTML. Compared by identity: one object per element."""

    tag: str                     # `p`; SVG elements carry their namespace: `{http://www.w3.org/2000/svg}svg`
    attributes: dict[str, str]
    text: str                    # all the text inside it, children's included
    own_text: str                # its own text and the text after each of its children: what its text boxes hold
    parent: "Element | None" = field(default=None, repr=False)
    children: list["Element"] = field(default_factory=list, repr=False)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attributes.get(name, default)


@dataclass(frozen=True)
class Colour:
    """A computed colour: `values` are red, green and blue (0–1) in the "srgb" space, or cyan, magenta,
    yellow and black in "device-cmyk"."""

    space: str
    values: tuple[float, ...]
    alpha: float = 1.0


@dataclass(frozen=True, eq=False)
class Line:
    """A line box."""

    x: float
    y: float
    height: float
    text: str          # the text of every text box on it, spaces between inline elements included
    text_width: float  # how far its text reaches from the line's left edge


@dataclass(frozen=True, eq=False)
class Block:
    """A box that holds other boxes: a page's content area, a slot, a paragraph."""

    element: Element | None  # None for the page
    x: float                 # its content box
    y: float
    width: float
    height: float
    continues: bool = False  # it goes on on the next page (its bottom padding and border are cut off here)
    cut_bottom: float = 0.0  # the bottom padding (in px) and border it would have had, when it continues
    lines: tuple[Line, ...] = ()  # its line boxes, for a block of text


@dataclass(frozen=True, eq=False)
class Text:
    """A text box: a piece of one line's text, in one style."""

    text: str
    x: float
    y: float
    width: float
    height: float
    element: Element                    # whose text it is (for generated content: the element it is generated for)
    pseudo: str                         # "" or the pseudo-element of generated content: "before", "after", "marker"
    ancestors: tuple[Element, ...]      # the elements of the boxes around it, innermost first
    font_size: float                    # px
    font_weight: int
    colour: Colour
    background: Colour | None           # of the nearest box around it that paints one
    line: Line | None                   # the line box it is on
    slot: Block | None                  # the outermost box of the innermost element with `data-slot` around it


@dataclass(frozen=True, eq=False)
class Fill:
    """A box that paints a background."""

    element: Element | None
    pseudo: str
    x: float  # its border box
    y: float
    width: float
    height: float
    colour: Colour


@dataclass(frozen=True, eq=False)
class Graphic:
    """A replaced box: an inline `<svg>` (or an image), drawn into its content box."""

    element: Element
    x: float  # its content box
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Page:
    width: float                       # the paper (trim), px
    height: float
    bleed: dict[str, float]            # px beyond the trim, by side: top, right, bottom, left
    paper: Colour                      # the page's background
    area: Block                        # the page's content box (inside its margins)
    texts: tuple[Text, ...]            # every text box holding more than spaces, in document order
    fills: tuple[Fill, ...]            # every box painting a background colour, in document order
    blocks: tuple[Block, ...]          # every box holding line boxes, in document order
    painted: tuple[Union[Text, Fill], ...]  # texts and backgrounds in the order the page is painted
    graphics: tuple[Graphic, ...] = ()  # every replaced box, in document order


@dataclass(frozen=True)
class Layout:
    """A laid-out document: its pages, its HTML, and WeasyPrint's document to write."""

    pages: tuple[Page, ...]
    root: Element
    _document: weasyprint.Document = field(repr=False, compare=False)
    _css: str = field(default="", repr=False, compare=False)  # the CSS it was laid out with, and parsed
    _stylesheet: weasyprint.CSS | None = field(default=None, repr=False, compare=False)


# ---- Laying out ---------------------------------------------------------------------------------


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
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint(label: str) -> Iterator[None]:
    """While the block runs, WeasyPrint is patched (`PATCHES`) and what it warns about is collected:
    a LayoutError naming `label` at the end if it warned about anything."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        with _patched(label):
            yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise LayoutError([f"{label}: {message}" for message in handler.messages])


def lay_out(html: str, css: str, files: list[Path], label: str, like: Layout | None = None) -> Layout:
    """Lay out `html`, reading only `files` (fonts, colour profile); raise LayoutError naming `label`
    if WeasyPrint warned about anything. `like`: a layout made with the same `css`, whose parsed
    stylesheet and fonts are used again (the same font objects, so a stamped page embeds each once)."""
    fetcher = _OnlyTheseFiles(files)
    with _weasyprint(label):
        try:
            if like is None:
                fonts, colour_profiles = FontConfiguration(), {}  # filled by @font-face and @color-profile
                stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts,
                                            color_profiles=colour_profiles)
            else:
                fonts, colour_profiles = like._document.font_config, like._document.color_profiles
                stylesheet = like._stylesheet
            source = weasyprint.HTML(string=html, url_fetcher=fetcher)
            document = source.render(stylesheets=[stylesheet], font_config=fonts, color_profiles=colour_profiles)
        except FatalURLFetchingError as error:
            raise LayoutError([f"{label}: {error.__cause__}"]) from error
    elements = _elements(source.etree_element)
    return Layout(tuple(_page(page._page_box, elements) for page in document.pages),
                  elements[id(source.etree_element)], document, css, stylesheet)


def split_part(html: str, part: str) -> tuple[str, str, str] | None:
    """`html` cut around the one element marked `data-part="<part>"`: (before, the element, after), or
    None if there is not exactly one. Our templates' markup: no such element holds another of its tag."""
    starts = [m for m in re.finditer(r"<([a-z]+)\b[^>]*\bdata-part=\"" + re.escape(part) + r"\"", html)]
    if len(starts) != 1:
        return None
    start, tag = starts[0].start(), starts[0].group(1)
    depth = 0
    for mark in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if mark.group(1) else 1
        if depth == 0:
            end = start + mark.end()
            return html[:start], html[start:end], html[end:]
    return None


def stamp(layout: Layout, part: str, markup: str, css: str, files: list[Path], label: str) -> Layout | None:
    """`layout` with its element marked `data-part="<part>"` replaced by `markup` (another version of that
    element), which alone is laid out: a batch lays out the page it shares once and each organisation's
    block on its own. The block is laid out inside copies of the elements around it (same classes, same
    styles, same width) and moved to where the old one was. None when that would not give the page a
    full layout would: the new block is not exactly as wide and high as the old one, or the old one is
    split over pages or positioned out of the flow."""
    document = layout._document
    root = document._html.etree_element
    found = _element_path(root, part)
    if found is None or css != layout._css:
        return None
    ancestors, old_element = found
    places = [(number, path) for number, page in enumerate(document.pages)
              for path in [_box_path(page._page_box, old_element)] if path]
    if len(places) != 1:
        return None
    number, path = places[0]
    old_box = path[-1][0].children[path[-1][1]]
    # The new block inside the same chain of elements, in the same font configuration (so the fonts
    # of the page and of the block are the same objects, each embedded once).
    opening = "".join(f"<{node.tag}{_attributes(node)}>" for node in ancestors)
    closing = "".join(f"</{node.tag}>" for node in reversed(ancestors))
    alone = lay_out(f"<!DOCTYPE html>{opening}{markup}{closing}", css, files, label, like=layout)
    alone_document = alone._document
    new_element = _element_path(alone_document._html.etree_element, part)[1]
    new_paths = [_box_path(page._page_box, new_element) for page in alone_document.pages]
    new_paths = [path for path in new_paths if path]
    if len(new_paths) != 1:
        return None
    new_box = new_paths[0][-1][0].children[new_paths[0][-1][1]]
    if isinstance(new_box, AbsolutePlaceholder) or isinstance(old_box, AbsolutePlaceholder) or \
            abs(new_box.border_width() - old_box.border_width()) > 1e-6 or \
            abs(new_box.border_height() - old_box.border_height()) > 1e-6:
        return None
    new_box.translate(old_box.border_box_x() - new_box.border_box_x(), old_box.border_box_y() - new_box.border_box_y())
    # The page's boxes are shared by every stamped copy: copies along the path, the rest untouched.
    replacement = new_box
    for parent, index in reversed(path):
        children = list(parent.children)
        children[index] = replacement
        replacement = parent.copy()
        replacement.children = children
    page_boxes = [replacement if n == number else page._page_box for n, page in enumerate(document.pages)]
    # Our elements of the new page: the new block's in place of the old one's, for the time of one walk.
    holder = ancestors[-1]
    index = list(holder).index(old_element)
    new_element.tail = old_element.tail
    holder[index] = new_element
    try:
        elements = _elements(root)
    finally:
        holder[index] = old_element
    # Each stamped document its own copy of the colour profiles: once written, Pillow's profile object
    # has read its description and serialises 52 bytes longer (measured), so a second PDF would differ.
    profiles = {name: ColorProfile(io.BytesIO(profile.content), profile.src, profile.rendering_intent,
                                   profile.components) for name, profile in document.color_profiles.items()}
    stamped = weasyprint.Document([WeasyPrintPage(box) for box in page_boxes], document.metadata,
                                  document.url_fetcher, document.font_config, profiles, document.output_intent)
    return Layout(tuple(_page(box, elements) for box in page_boxes), elements[id(root)], stamped, css,
                  layout._stylesheet)


def _attributes(node: ElementTree.Element) -> str:
    return "".join(f' {name}="{escape(value, quote=True)}"' for name, value in node.attrib.items())


def _element_path(root: ElementTree.Element, part: str):
    """(the elements around the one marked `data-part="<part>"`, outermost first; that element), or None."""
    def search(node, ancestors):
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.get("data-part") == part:
                return ancestors + [node], child
            found = search(child, ancestors + [node])
            if found:
                return found
        return None
    return search(root, [])


def _box_path(box, element) -> list | None:
    """[(box, index of the child on the way), …] from `box` down to the box of `element`, or None."""
    for index, child in enumerate(getattr(box, "children", ())):
        if child.element is element and child.element_tag == element.tag:
            return [(box, index)]
        if child.element is not element:
            below = _box_path(child, element)
            if below:
                return [(box, index)] + below
    return None


def write_pdf(layout: Layout, variant: str, label: str) -> bytes:
    """The PDF of `layout`: "screen" (tagged PDF/UA-1) or "print" (PDF/X-4, its XMP DocumentID derived
    from `label`, which names the output in messages too); raise LayoutError if WeasyPrint warned."""
    with _weasyprint(label):
        return layout._document.write_pdf(pdf_variant={"screen": "pdf/ua-1", "print": "pdf/x-4"}[variant])


# ---- Reading the laid-out boxes -----------------------------------------------------------------


def _elements(root: ElementTree.Element) -> dict[int, Element]:
    """Our Element for every element of the HTML tree under `root`, by the id of WeasyPrint's."""
    found: dict[int, Element] = {}

    def visit(node: ElementTree.Element, parent: Element | None) -> Element:
        element = Element(node.tag, dict(node.attrib), "", (node.text or "") + "".join(c.tail or "" for c in node),
                          parent)
        found[id(node)] = element
        text = [node.text or ""]
        for child in node:
            if isinstance(child.tag, str):  # comments and processing instructions hold no text
                element.children.append(visit(child, element))
                text.append(element.children[-1].text)
            text.append(child.tail or "")
        element.text = "".join(text)
        return element

    visit(root, None)
    return found


def _colour(value) -> Colour:
    if value.space == "device-cmyk":
        return Colour(value.space, tuple(value.coordinates), value.alpha)
    return Colour("srgb", tuple(value.to("srgb").coordinates), value.alpha)


def _page(page_box, elements: dict[int, Element]) -> Page:
    """What the checks need of one page, read in one walk over its boxes (and one over its paint order)."""
    texts: dict[int, Text] = {}  # by the id of the text box
    fills: list[Fill] = []
    blocks: dict[int, Block] = {}  # by the id of the box
    lines: dict[int, Line] = {}    # by the id of the line box
    graphics: list[Graphic] = []

    def line_of(box) -> Line:
        if id(box) not in lines:
            words = [text for text in _boxes(box) if isinstance(text, TextBox)]
            right = max((text.position_x + text.width for text in words), default=box.position_x)
            lines[id(box)] = Line(box.position_x, box.position_y, box.height,
                                  "".join(text.text for text in words), right - box.position_x)
        return lines[id(box)]

    def block(box) -> Block:
        if id(box) not in blocks:
            continues = "bottom" in box.remove_decoration_sides
            padding = box.style["padding_bottom"]
            cut = (padding.value if padding.unit == "px" else 0) + box.style["border_bottom_width"] if continues else 0
            blocks[id(box)] = Block(elements.get(id(box.element)), box.content_box_x(), box.content_box_y(),
                                    box.width, box.height, continues, cut,
                                    tuple(line_of(child) for child in box.children if isinstance(child, LineBox)))
        return blocks[id(box)]

    def walk(box, ancestors: tuple[Element, ...], background, line, slot) -> None:
        box = box._box if isinstance(box, AbsolutePlaceholder) else box
        element = elements.get(id(box.element)) if box.element is not None else None
        if element is not None and (not ancestors or ancestors[0] is not element):
            ancestors = (element,) + ancestors
        colour = box.style["background_color"]
        if colour.alpha > 0:
            background = _colour(colour)
            if box is not page_box:
                fills.append(Fill(element, _pseudo(box), box.border_box_x(), box.border_box_y(), box.border_width(),
                                  box.border_height(), background))
        # Line and anonymous boxes inside a slot share its element: the outermost box is the slot.
        if element is not None and element.get("data-slot") is not None and (
                slot is None or slot.element is not element):
            slot = block(box)
        if isinstance(box, TextBox):
            if box.text.strip():
                texts[id(box)] = Text(box.text, box.position_x, box.position_y, box.width, box.height, element,
                                      _pseudo(box), ancestors, box.style["font_size"], box.style["font_weight"],
                                      _colour(box.style["color"]), background, line, slot)
            return
        if isinstance(box, ReplacedBox):
            graphics.append(Graphic(element, box.content_box_x(), box.content_box_y(), box.width, box.height))
            return
        if isinstance(box, LineBox):
            line = line_of(box)
        elif element is not None and any(isinstance(child, LineBox) for child in box.children):
            block(box)
        for child in getattr(box, "children", ()):
            walk(child, ancestors, background, line, slot)

    walk(page_box, (), None, None, None)
    area = block(page_box)
    # After the walk: building WeasyPrint's stacking contexts forgets which decorations of a box a page
    # break removed.
    painted = tuple(texts[id(item)] if isinstance(item, TextBox) else
                    Fill(elements.get(id(item.element)) if item.element is not None else None, _pseudo(item),
                         item.border_box_x(), item.border_box_y(), item.border_width(), item.border_height(),
                         _colour(item.style["background_color"]))
                    for item in _paint_order(page_box) if not isinstance(item, TextBox) or id(item) in texts)
    style = page_box.style
    return Page(page_box.margin_width(), page_box.margin_height(),
                {side: style[f"bleed_{side}"].value for side in ("top", "right", "bottom", "left")},
                _colour(style["background_color"]), area, tuple(texts.values()), tuple(fills),
                tuple(b for b in blocks.values() if b.lines and b is not area), painted, tuple(graphics))


def _pseudo(box) -> str:
    return (box.element_tag or "").partition("::")[2]


def _boxes(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


# Boxes that paint their own background when their stacking context is drawn (WeasyPrint's draw.py).
_OWN_BACKGROUND = (BlockBox, MarginBox, InlineBlockBox, TableCellBox, FlexContainerBox, GridContainerBox,
                   ReplacedBox)


def _paint_order(page_box) -> list:
    """The text boxes and the boxes with a background of a page, in the order WeasyPrint paints them.

    It follows WeasyPrint's own stacking contexts (CSS 2 appendix E), so a positioned band painted
    after the text beside it (the leaflet's slogan band) is known to cover that text. The boxes with a
    background are copies WeasyPrint makes for its stacking contexts; the text boxes are the page's own.
    """
    painted: list = []

    def background(box):
        if getattr(box, "background", None) is not None:
            painted.append(box)

    def inline(box):
        if isinstance(box, StackingContext):
            context(box)
        elif isinstance(box, TextBox):
            painted.append(box)
        else:
            background(box)
            if isinstance(box, (InlineBox, LineBox)):
                for child in box.children:
                    inline(child)

    def blocks(tree):
        for block, children in tree.items():
            if block.children and isinstance(block.children[-1], LineBox):
                for child in block.children:
                    inline(child)
            blocks(children)

    def context(stacking):
        box = stacking.box
        if isinstance(box, _OWN_BACKGROUND):
            background(box)
        for child in stacking.negative_z_contexts:
            context(child)
        for block in stacking.block_level_boxes:
            background(block)
        for child in stacking.float_contexts:
            context(child)
        if isinstance(box, InlineBox):
            inline(box)
        blocks({box: stacking.blocks_and_cells})
        for child in stacking.zero_z_contexts + stacking.positive_z_contexts:
            context(child)

    context(StackingContext.from_page(page_box))
    return painted


# ---- Patches (see the module's docstring) -------------------------------------------------------

# WeasyPrint's list, plus the vertical-writing metrics (vhea, vmtx, VORG): every text here is horizontal.
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ",
         b"vhea", b"vmtx", b"VORG")
# Subroutines shared by thousands of glyphs of the full font cost more than they save in a few hundred:
# desubroutinised, the embedded fonts of an A4 handout are ≈ 3 KB smaller.
_KEEP_IDS = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.NO_HINTING
             | hb.SubsetFlags.DESUBROUTINIZE)


def _subset_glyphs(font_data: bytes, glyph_ids: set[int], has_missing: bool) -> bytes:
    """`font_data` cut down to `glyph_ids`, which keep their numbers (the page content refers to them)."""
    plan = hb.SubsetInput()
    plan.glyph_set.update(glyph_ids)
    plan.flags = _KEEP_IDS | (hb.SubsetFlags.NOTDEF_OUTLINE if has_missing else 0)
    drop = plan.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROP:
        drop.add(int.from_bytes(tag, "big"))
    return hb.subset(hb.Face(font_data), plan).blob.data


def _subset(self, to_unicode, hinting):
    """Replacement for `weasyprint.pdf.fonts.Font.subset`, same contract: update `self.file_content`."""
    if to_unicode:
        self.file_content = _subset_glyphs(self.file_content, set(to_unicode), bool(self.missing))


_split_first_line = weasyprint_inline.split_first_line


def _split_first_line_hanging_space(text, style, context, max_width, *args, **kwargs):
    """Replacement for `weasyprint.layout.inline.split_first_line`, same contract: a text whose only
    overflow is its trailing space fits (the space hangs)."""
    result = _split_first_line(text, style, context, max_width, *args, **kwargs)
    if result[2] is not None and max_width is not None and text.endswith(" ") \
            and _split_first_line(text.rstrip(" "), style, context, max_width, *args, **kwargs)[2] is None:
        return _split_first_line(text, style, context, None, *args, **kwargs)
    return result


_split_text_box = weasyprint_inline.split_text_box


def _split_text_box_keeping_space(context, box, available_width, skip, *args, **kwargs):
    """Replacement for `weasyprint.layout.inline.split_text_box` that keeps the collapsible space ending a
    wrapped line in the text its layout draws. The box's text and width still leave the space out (CSS
    hangs it), so lines break and sit where they did; the space is drawn past the line's end."""
    line, resume_at, preserved_line_break = _split_text_box(context, box, available_width, skip, *args, **kwargs)
    if line is not None and resume_at is not None and line.style["white_space"] in ("normal", "nowrap", "pre-line"):
        rest = box.text.encode()[skip or 0:resume_at]
        kept = line.pango_layout.text.encode()
        if rest.startswith(kept) and rest[len(kept):].strip(b" ") == b"" and rest != kept:
            line.pango_layout.text += " "  # what the layout is set up with again when it is drawn
    return line, resume_at, preserved_line_break


_draw_first_line = weasyprint_draw_text.draw_first_line


def _draw_first_line_with_spaces(stream, textbox, *args):
    """Replacement for `weasyprint.draw.text.draw_first_line`, which draws nothing for a text box whose
    `text` is blank: spaces between two inline elements, or a space left alone at a line's end."""
    if textbox.text.strip() or not textbox.pango_layout.text:
        return _draw_first_line(stream, textbox, *args)
    # Only that test reads `text`; the glyphs drawn are those of the layout (its spaces).
    spaces = copy.copy(textbox)
    spaces.text = "\u200b"
    return _draw_first_line(stream, spaces, *args)


def _decorative(box) -> bool:
    """Whether `box` (or the element whose text it holds) is marked decorative: `aria-hidden="true"`."""
    element = getattr(box, "_box", box).element
    return element is not None and element.get("aria-hidden") == "true"


_marked = weasyprint_stream.Stream.marked


@contextmanager
def _marked_unless_decorative(self, box, tag):
    """Replacement for `weasyprint.pdf.stream.Stream.marked`: decorative content becomes an artifact."""
    with (self.artifact() if _decorative(box) else _marked(self, box, tag)):
        yield


_build_box_tree = weasyprint_tags._build_box_tree


def _build_box_tree_patched(box, parent, *args):
    """Replacement for `weasyprint.pdf.tags._build_box_tree` that adds /Lang from the element's `lang`
    ("lang") and leaves decorative elements, drawn as artifacts, out of the tree ("artifacts")."""
    if "artifacts" in _active and _decorative(box):
        return
    element = getattr(getattr(box, "_box", box), "element", None)
    lang = element.get("lang") if element is not None and box.element_tag not in ("html", "body") else None
    for structure in _build_box_tree(box, parent, *args):
        # The function recurses through the module's name, so children come through here too.
        if "lang" in _active and lang and structure.get("P") == parent.reference and "Lang" not in structure:
            structure["Lang"] = pydyf.String(lang)
        yield structure


def _stable_uuid4():
    """WeasyPrint calls uuid4() only for the XMP DocumentID of PDF/X: a name-based id keeps the bytes stable."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"healthprint:{_active['document id']}")


# name: the replacements (where, attribute, replacement) that make one patch.
PATCHES = {
    "fonts": ((weasyprint_fonts.Font, "subset", _subset),),
    "lang": ((weasyprint_tags, "_build_box_tree", _build_box_tree_patched),),
    "wrap spaces": ((weasyprint_inline, "split_text_box", _split_text_box_keeping_space),),
    "blank texts": ((weasyprint_draw_text, "draw_first_line", _draw_first_line_with_spaces),),
    "artifacts": ((weasyprint_stream.Stream, "marked", _marked_unless_decorative),
                  (weasyprint_tags, "_build_box_tree", _build_box_tree_patched)),
    "document id": ((weasyprint_metadata, "uuid4", _stable_uuid4),),
    "hanging space": ((weasyprint_inline, "split_first_line", _split_first_line_hanging_space),),
}
_active: dict[str, str] = {}  # the patches in place: name → the label of the output being made


@contextmanager
def _patched(label: str) -> Iterator[None]:
    """WeasyPrint with the replacements of `PATCHES` while the block runs, as it was before afterwards.
    `label` names the output being made (the "document id" patch derives the id from it)."""
    originals = {}
    try:
        for name, replacements in PATCHES.items():
            for owner, attribute, replacement in replacements:
                originals.setdefault((owner, attribute), owner.__dict__[attribute])
                setattr(owner, attribute, replacement)
            _active[name] = label
        yield
    finally:
        _active.clear()
        for (owner, attribute), original in originals.items():
            setattr(owner, attribute, original)
