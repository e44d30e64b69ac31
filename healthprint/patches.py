"""Places where WeasyPrint 70 needs help, each replacing one private function of it (weasyprint is
pinned to 70.0 for this reason; tests cover each):

1. Font embedding. WeasyPrint trims each embedded font to the glyphs the pages use. Without the system
   library libharfbuzz-subset (most machines) it does that with fontTools: 0.25 s a document, and
   fontTools stamps the clock into the font. Here the same HarfBuzz subsetting WeasyPrint would do
   with that library (glyph ids kept, layout tables dropped) runs through uharfbuzz: ≈ 5 ms a font.
2. Language tags. Tagged PDF (PDF/UA) gets a /Lang only on the document; screen readers need the
   language of each element too, so every structure element made for an HTML element with a `lang`
   carries it.
3. Word spaces. WeasyPrint leaves out of the page content the space at the end of a wrapped line and
   any text box made of spaces only (between two inline elements): a screen reader, which reads the
   tagged text, then says "Don'tbet". Those spaces are drawn (a space glyph is invisible).
4. Decorative content. An element marked `aria-hidden="true"` (the ≠ and ? marks, the icons) is drawn
   as an artifact and left out of the structure tree, so it is not read aloud.
5. Reproducible PDF/X. PDF/X's XMP metadata gets a random DocumentID (uuid4); a name-based id from
   the output's name is used instead, so the same content gives the same bytes.
6. A line broken after its first word. When a text ending in a space (before a no-break span) fits
   its line only once that space hangs past the end, as CSS says it does, WeasyPrint counts the space,
   finds the line too wide, and keeps only the first word: "Before" / "any cell treatment, …". Such a
   text is laid out as fitting, and the line breaks before the no-break span instead.
"""

import copy
import uuid
from contextlib import contextmanager
from typing import Iterator


import pydyf
import uharfbuzz as hb
from weasyprint.draw import text as weasyprint_draw_text
from weasyprint.layout import inline as weasyprint_inline
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.pdf import stream as weasyprint_stream
from weasyprint.pdf import tags as weasyprint_tags

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


def _build_box_tree_with_lang(box, parent, *args):
    """Replacement for `weasyprint.pdf.tags._build_box_tree` that adds /Lang from the element's `lang`
    and leaves decorative elements (drawn as artifacts) out of the tree."""
    if _decorative(box):
        return
    element = getattr(getattr(box, "_box", box), "element", None)
    lang = element.get("lang") if element is not None and box.element_tag not in ("html", "body") else None
    for structure in _build_box_tree(box, parent, *args):
        # The function recurses through the module's name, so children come through here too.
        if lang and structure.get("P") == parent.reference and "Lang" not in structure:
            structure["Lang"] = pydyf.String(lang)
        yield structure


_document_name = ["healthprint"]  # the output being written; see document_name()


@contextmanager
def document_name(name: str) -> Iterator[None]:
    """While a PDF is written, its XMP DocumentID is derived from `name` (e.g. the output's label)."""
    _document_name.append(name)
    try:
        yield
    finally:
        _document_name.pop()


def _stable_uuid4():
    """WeasyPrint calls uuid4() only for the XMP DocumentID: a name-based id keeps the bytes stable."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"healthprint:{_document_name[-1]}")


def install() -> None:
    weasyprint_fonts.Font.subset = _subset
    weasyprint_tags._build_box_tree = _build_box_tree_with_lang
    weasyprint_inline.split_text_box = _split_text_box_keeping_space
    weasyprint_inline.split_first_line = _split_first_line_hanging_space
    weasyprint_draw_text.draw_first_line = _draw_first_line_with_spaces
    weasyprint_stream.Stream.marked = _marked_unless_decorative
    weasyprint_metadata.uuid4 = _stable_uuid4
