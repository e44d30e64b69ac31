"""The three places where WeasyPrint 70 needs help, each replacing one private function of it
(weasyprint is pinned to 70.0 for this reason; tests cover each):

1. Font embedding. WeasyPrint trims each embedded font to the glyphs the pages use. Without the system
   library libharfbuzz-subset (most machines) it does that with fontTools: 0.25 s a document, and
   fontTools stamps the clock into the font. Here the same HarfBuzz subsetting WeasyPrint would do
   with that library (glyph ids kept, layout tables dropped) runs through uharfbuzz: ≈ 5 ms a font.
2. Language tags. Tagged PDF (PDF/UA) gets a /Lang only on the document; screen readers need the
   language of each element too, so every structure element made for an HTML element with a `lang`
   carries it.
3. Reproducible PDF/X. PDF/X's XMP metadata gets a random DocumentID (uuid4); it is derived from the
   document's title and dates instead, so the same content gives the same bytes.
"""

import uuid

import pydyf
import uharfbuzz as hb
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.pdf import tags as weasyprint_tags

_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
_KEEP_IDS = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.NO_HINTING


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


_build_box_tree = weasyprint_tags._build_box_tree


def _build_box_tree_with_lang(box, parent, *args):
    """Replacement for `weasyprint.pdf.tags._build_box_tree` that adds /Lang from the element's `lang`."""
    element = getattr(getattr(box, "_box", box), "element", None)
    lang = element.get("lang") if element is not None and box.element_tag not in ("html", "body") else None
    for structure in _build_box_tree(box, parent, *args):
        # The function recurses through the module's name, so children come through here too.
        if lang and structure.get("P") == parent.reference and "Lang" not in structure:
            structure["Lang"] = pydyf.String(lang)
        yield structure


def _stable_uuid4():
    """WeasyPrint calls uuid4() only for the XMP DocumentID; a fixed name-based id keeps bytes stable.

    The document's own /ID (a hash of its content) still tells documents apart.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, "healthprint:pdf-x-document")


def install() -> None:
    weasyprint_fonts.Font.subset = _subset
    weasyprint_tags._build_box_tree = _build_box_tree_with_lang
    weasyprint_metadata.uuid4 = _stable_uuid4
