"""Give a subset of a CID-keyed OpenType/CFF font an identity charset: glyph n is CID n.

Noto Sans CJK is CID-keyed, with CID = glyph id in the full font. A HarfBuzz subset renumbers the
glyphs but its charset keeps their old CIDs. WeasyPrint writes glyph ids into the page content with
Identity-H, and the PDF standard (ISO 32000-1 §9.7.4.2) makes a reader look those codes up as CIDs
through the charset: Ghostscript and MuPDF (and, by reports, Acrobat and Preview) then draw the
wrong glyph, while PDFium and Poppler happen to take the code as a glyph id. Rewriting the charset
to CID = glyph id makes every reader agree. The new charset is never longer than the old one, so it
is written in place and no other offset in the font moves.
"""

import struct

_CHARSET, _CHARSTRINGS = 15, 17  # Top DICT operators


def _index(data: bytes, at: int) -> tuple[list[bytes], int]:
    """The items of the CFF INDEX at `at`, and where the next structure starts."""
    count = struct.unpack_from(">H", data, at)[0]
    if count == 0:
        return [], at + 2
    size = data[at + 2]
    offsets = [int.from_bytes(data[at + 3 + i * size: at + 3 + (i + 1) * size], "big") for i in range(count + 1)]
    base = at + 2 + (count + 1) * size  # offsets count from the byte before the data
    return [data[base + offsets[i]: base + offsets[i + 1]] for i in range(count)], base + offsets[-1]


def _dict(data: bytes) -> dict[int, list[float]]:
    """A CFF DICT: operator → operands (two-byte operators as 1200 + n)."""
    result, operands, at = {}, [], 0
    while at < len(data):
        byte = data[at]
        if byte <= 21:
            operator = 1200 + data[at + 1] if byte == 12 else byte
            at += 2 if byte == 12 else 1
            result[operator], operands = operands, []
        elif byte == 28:
            operands.append(struct.unpack_from(">h", data, at + 1)[0])
            at += 3
        elif byte == 29:
            operands.append(struct.unpack_from(">i", data, at + 1)[0])
            at += 5
        elif byte == 30:  # a real number, in nibbles ending with 0xf: only its length matters here
            at += 1
            while data[at] & 0x0F != 0x0F and data[at] >> 4 != 0x0F:
                at += 1
            at += 1
            operands.append(0)
        elif byte <= 246:
            operands.append(byte - 139)
            at += 1
        elif byte <= 250:
            operands.append((byte - 247) * 256 + data[at + 1] + 108)
            at += 2
        elif byte <= 254:
            operands.append(-(byte - 251) * 256 - data[at + 1] - 108)
            at += 2
        else:
            raise ValueError("reserved byte in a CFF DICT")
    return result


def _charset_length(cff: bytes, at: int, glyphs: int) -> int:
    """Bytes taken by the charset at `at` (format 0, 1 or 2) covering `glyphs` glyphs."""
    form = cff[at]
    if form == 0:
        return 1 + 2 * (glyphs - 1)
    covered, end, width = 0, at + 1, 1 if form == 1 else 2
    while covered < glyphs - 1:
        covered += 1 + int.from_bytes(cff[end + 2: end + 2 + width], "big")
        end += 2 + width
    return end - at


def _identity_charset(glyphs: int, room: int) -> bytes:
    """Glyphs 1 … glyphs-1 as CIDs 1 … glyphs-1, in the shortest form, padded to `room` bytes."""
    if glyphs - 2 <= 0xFF:
        charset = struct.pack(">BHB", 1, 1, glyphs - 2)
    else:
        charset = struct.pack(">BHH", 2, 1, glyphs - 2)
    if len(charset) > room:  # only if the old charset was identity already, in a longer form
        return b""
    return charset + bytes(room - len(charset))


def _checksum(data: bytes) -> int:
    padded = data + bytes(-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _tables(font: bytes) -> dict[bytes, tuple[int, int, int]]:
    """The OpenType table directory: tag → (where its record is, offset, length)."""
    tables = {}
    for record in range(struct.unpack_from(">H", font, 4)[0]):
        tag, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * record)
        tables[tag] = (12 + 16 * record, offset, length)
    return tables


def with_identity_cids(font: bytes) -> bytes:
    """`font` (OpenType with a CID-keyed CFF table) with glyph n mapped to CID n; other fonts unchanged."""
    tables = _tables(font)
    if b"CFF " not in tables:
        return font
    record_at, start, length = tables[b"CFF "]
    cff = bytearray(font[start:start + length])
    _, after_names = _index(cff, cff[2])
    top = _dict(_index(cff, after_names)[0][0])
    if 1230 not in top or _CHARSET not in top:  # 12 30 is ROS: only CID-keyed fonts carry it
        return font
    glyphs = len(_index(cff, int(top[_CHARSTRINGS][0]))[0])
    charset_at = int(top[_CHARSET][0])
    if glyphs < 2:
        return font
    old_length = _charset_length(cff, charset_at, glyphs)
    identity = _identity_charset(glyphs, old_length)
    if not identity:
        return font
    cff[charset_at:charset_at + old_length] = identity

    result = bytearray(font)
    result[start:start + length] = cff
    struct.pack_into(">I", result, record_at + 4, _checksum(bytes(cff)))
    if b"head" in tables:  # the whole-font checksum lives in head.checkSumAdjustment
        head = tables[b"head"][1]
        struct.pack_into(">I", result, head + 8, 0)
        struct.pack_into(">I", result, head + 8, (0xB1B0AFBA - _checksum(bytes(result))) & 0xFFFFFFFF)
    return bytes(result)


def cff_table(font: bytes) -> bytes:
    """The CFF table of an OpenType font: the font program a PDF embeds as /CIDFontType0C."""
    _, offset, length = _tables(font)[b"CFF "]
    return font[offset:offset + length]
