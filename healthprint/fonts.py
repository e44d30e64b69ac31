"""The project's fonts, and content-aware subsets of them made with HarfBuzz before layout.

Laying out with the full 16 MB Noto Sans CJK OTFs makes WeasyPrint subset them itself (7–14 s a
document without libharfbuzz-subset). A subset holding only the characters a document uses, made in ≈ 10 ms per
font, keeps every OpenType feature the languages need (`locl` for regional glyph forms among them).
Subsets are cached on disk by font hash and character set, each with a checksum that must match.
"""

import hashlib
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import noto_cjk_sans_jp_bold
import noto_cjk_sans_jp_regular
import uharfbuzz as hb

from .cff import with_identity_cids
from .errors import machine_error
from .write import write_atomic

_CACHE = "give --cache (or HEALTHPRINT_CACHE) a writable folder"
FAMILY = "Healthprint Noto Sans CJK"  # a name no system font has, so fontconfig can't substitute one


@dataclass(frozen=True)
class FontFile:
    """One weight of the family: where its full file is."""

    weight: int
    path: Path


FONTS = (
    FontFile(400, Path(str(noto_cjk_sans_jp_regular.FONT_PATH))),
    FontFile(700, Path(str(noto_cjk_sans_jp_bold.FONT_PATH))),
)


@cache
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


@cache
def font_digest(path: Path) -> str:
    """Content hash of a font file, so a changed font never reuses an old subset."""
    return hashlib.sha256(_font_bytes(path)).hexdigest()[:20]


@cache
def _face(path: Path) -> hb.Face:
    return hb.Face(hb.Blob(_font_bytes(path)))


@cache
def cmap(path: Path) -> frozenset[int]:
    """Code points the font has glyphs for."""
    return frozenset(_face(path).unicodes)


def _subset_bytes(path: Path, characters: str) -> bytes:
    plan = hb.SubsetInput()
    for character in characters:
        plan.unicode_set.add(ord(character))
    return with_identity_cids(hb.subset(_face(path), plan).blob.data)


@cache
def subsetter_digest() -> str:
    """What makes a subset besides the font and the characters: this code, the CFF rewrite and HarfBuzz.
    In the cache key, so a subset made by an older version (with a wrong charset, say) is never reused."""
    code = b"".join(Path(__file__).with_name(name).read_bytes() for name in ("fonts.py", "cff.py"))
    return hashlib.sha256(code + hb.__version__.encode()).hexdigest()[:20]


def subset(font: FontFile, characters: str, cache_dir: Path) -> Path:
    """A cached subset of `font` covering `characters` (those the font has).

    Each cached font has a `.sha256` beside it; a file that does not match it (truncated, damaged,
    half-copied) is made again, never used.
    """
    wanted = "".join(sorted(set(characters) - {"\n", "\r", "\t"}))
    key = hashlib.sha256(f"{font_digest(font.path)}:{subsetter_digest()}:{wanted}".encode()).hexdigest()[:24]
    target = cache_dir / f"{font.path.stem}-{key}.otf"
    checksum = target.with_suffix(".sha256")
    try:
        if hashlib.sha256(target.read_bytes()).hexdigest().encode() == checksum.read_bytes():
            return target
    except OSError:  # not cached yet, or unreadable: made again
        pass
    data = _subset_bytes(font.path, wanted)
    try:
        write_atomic(target, data)  # a parallel build or a crash never leaves half a font under this name
        write_atomic(checksum, hashlib.sha256(data).hexdigest().encode())
    except OSError as error:
        raise machine_error(error, cache_dir, _CACHE) from None
    return target


def check_cache(cache_dir: Path) -> None:
    """Raise a MachineError if subsets can't be written to `cache_dir` (read-only, full, not a folder)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache_dir) as probe:
            probe.write(b"subset")
            probe.flush()
    except OSError as error:
        raise machine_error(error, cache_dir, _CACHE) from None


def font_faces_css(characters: str, cache_dir: Path, subset_first: bool = True) -> tuple[str, list[Path]]:
    """@font-face rules pointing at subsets for `characters`, and the subset files.

    `subset_first=False` points at the full fonts instead: the slow path, kept to measure and test
    that subsetting changes nothing on the page.
    """
    rules, files = [], []
    for font in FONTS:
        path = subset(font, characters, cache_dir) if subset_first else font.path
        files.append(path)
        rules.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {font.weight}; '
                     f'src: url("{path.resolve().as_uri()}"); }}')
    return "\n".join(rules), files
