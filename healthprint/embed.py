"""How fonts go into the PDF: WeasyPrint's last subsetting step, done by HarfBuzz from the uharfbuzz wheel.

WeasyPrint trims each embedded font to the glyphs the pages use. Without the system library
libharfbuzz-subset (most machines) it does that with fontTools: 0.25 s a document, and fontTools stamps
the clock into the font. This is the same HarfBuzz subsetting WeasyPrint would do with that library
(glyph ids kept, layout tables dropped, outlines desubroutinised), through uharfbuzz: ≈ 5 ms a font.

It replaces one method of WeasyPrint 70's private `Font` class, so weasyprint is pinned to 70.0.
"""

import uharfbuzz as hb
from weasyprint.pdf import fonts as weasyprint_fonts

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


def install() -> None:
    weasyprint_fonts.Font.subset = _subset
