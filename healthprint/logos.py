"""Organisation logos: an SVG, PNG or JPEG file read defensively, made safe to embed, and made ready for
the screen PDF (RGB) and the print PDF (CMYK).

What `read_logo` guarantees for a logo it returns:

- The file was read like a content file: a regular file inside the given folder (links only within
  it; FIFOs, devices and folders refused before opening), at most 2 MB. Its kind comes from its bytes,
  never from its name.
- An SVG holds only an allow-list of shapes and attributes, in its own coordinates (a viewBox; width
  and height removed, so CSS sizes it), every colour as `#rrggbb`, every reference local (`#id`).
  Anything else — a script, foreignObject, image, style sheet, event attribute, DTD or entity, a link
  or `url()` leading out of the file, an element or attribute not on the list — is refused with a
  one-line problem naming the file, the place and what was refused: nothing is dropped silently
  (only `<title>`, `<desc>` and comments, which draw nothing). Its ids start with `logo-<hash>-`, so
  they never meet another logo's or the page's.
- A PNG or JPEG decodes completely (no truncated file), has at most 40 megapixels (checked from its
  header, before decoding: a decompression bomb costs nothing) and a colour mode we can convert.

The files for the PDFs (`Logo.screen_file`, `Logo.print_file`) are named by the hash of their bytes,
which are the same on every run (no time, no metadata): WeasyPrint may be allowed to read exactly them.
"""

import hashlib
import io
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from PIL import Image, ImageCms, ImageColor, ImageFile

from .errors import Problem, quote
from .write import write_atomic
from .yaml_reader import read_bytes

MAX_LOGO_BYTES = 2_000_000  # a logo is tens of kB as SVG, a few hundred kB as PNG
MAX_PIXELS = 40_000_000     # a 40 cm wide logo at 300 ppi is 4724 px wide: far fewer are ever needed
MAX_DRAWN = 20_000          # shapes an SVG may draw, each <use> counting the shapes it copies
MAX_DEPTH = 32              # elements nested in each other: WeasyPrint draws them recursively
MAX_REFUSALS = 10           # problems reported for one SVG: enough to see what is wrong, never a flood
PRINT_PPI = 300             # what print shops ask for at the placed size
MIN_PRINT_PPI = 150         # below this a logo prints visibly blurred: an error, not a warning
MM_PER_INCH = 25.4
JPEG_QUALITY = 95           # with no chroma subsampling: edges of a logo's flat colours stay clean

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_NOT_AN_IMAGE = "not an SVG, PNG or JPEG image"
OUTSIDE = "is a link to a file outside the folder of the organisations file; keep logos beside it"
_TOO_LARGE = f"larger than {MAX_LOGO_BYTES // 1_000_000} MB; a logo is a few hundred kB at most"
# Pillow's modes we convert to RGB(A) exactly; a CMYK JPEG was made for one press, not ours.
_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA"}

# What an SVG logo may hold. No gradients: WeasyPrint 70 draws an SVG gradient with CMYK stops as an
# empty shading (it passes three of the four inks), so a gradient logo would vanish from the print PDF.
# No text: it would need fonts the build does not have. `svg` only as the root, with no nested viewport.
_ELEMENTS = {"g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "clipPath", "use"}
_DRAWS_NOTHING = {"title", "desc"}  # dropped with what they hold: a logo's text alternative is the caller's
_PAINT = {"fill", "stroke"}  # the attributes whose colours become CMYK in print
_PRESENTATION = _PAINT | {
    "fill-opacity", "fill-rule", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "clip-path", "clip-rule"}
_ATTRIBUTES = _PRESENTATION | {
    "id", "transform", "viewBox", "preserveAspectRatio", "version", "clipPathUnits",
    "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "x1", "y1", "x2", "y2", "points", "d"}
# Every value of an allowed attribute is numbers, words, #ids and colours; a quote, slash, backslash, colon
# or `&` is never needed, and refusing them leaves no way to spell a URL, an escape or a script.
_UNSAFE = re.compile(r"[^\w\s.,#%()+\-]")
_LOCAL_URL = re.compile(r"""url\(\s*(['"]?)#(?P<id>[\w.\-]+)\1\s*\)""")
_LOCAL_HREF = re.compile(r"#([\w.\-]+)")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_VIEW_BOX = re.compile(rf"\s*({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})\s*")
_PIXELS = re.compile(rf"\s*({_NUMBER})\s*(?:px)?\s*")
_HEX = re.compile(r"#[0-9a-f]{6}")

Drawing = tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # ("start" | "end", tag, attributes)


@dataclass(frozen=True)
class Logo:
    """A logo that passed `read_logo`: `data` is the file as read (fingerprint it: never read the file
    again). PNG and JPEG: `width` and `height` in pixels; SVG: those of its viewBox, and `drawing` its
    sanitised elements."""

    name: str  # the file's name, for messages
    kind: str  # "svg", "png" or "jpeg"
    width: float
    height: float
    data: bytes = b""
    drawing: Drawing = ()
    view_box: str = ""

    @property
    def aspect_ratio(self) -> float:
        """Width over height: the caller sizes the logo's box with it."""
        return self.width / self.height

    def ppi(self, width_mm: float) -> float:
        """Pixels per inch when placed `width_mm` wide; an SVG is sharp at any size (infinite)."""
        return math.inf if self.kind == "svg" else self.width / (width_mm / MM_PER_INCH)

    def svg_for(self, variant: str, to_cmyk: Callable[[str], str] | None = None) -> str:
        """The SVG for inline embedding: "screen" as sanitised, "print" with every colour (`#rrggbb`)
        replaced by `to_cmyk(colour)`, e.g. `lambda colour: press.device_cmyk(colour, ink)`."""
        if self.kind != "svg" or variant not in ("screen", "print") or variant == "print" and to_cmyk is None:
            raise ValueError(f"svg_for({variant!r}) of a {self.kind} logo; print needs to_cmyk")
        recolour = to_cmyk if variant == "print" else str
        parts = []
        for event, tag, attributes in self.drawing:
            if event == "end":  # an element right after its start tag holds nothing: `<path …/>`
                if parts[-1] == ">":
                    parts[-1] = "/>"
                else:
                    parts.append(f"</{tag}>")
                continue
            parts.append(f'<svg xmlns="{_SVG_NS}" viewBox="{self.view_box}"' if not parts else f"<{tag}")
            for name, value in attributes:
                shown = recolour(value) if name in _PAINT and _HEX.fullmatch(value) else value
                parts.append(f' {name}="{_escaped(shown)}"')
            parts.append(">")
        return "".join(parts)

    def screen_file(self, folder: Path) -> Path:
        """Write the logo as an RGB (RGBA if it has transparency) PNG into `folder`, for the screen PDF;
        the same logo gives the same bytes, and the name is their hash."""
        image = self._decoded()
        alpha = "A" in image.getbands() or "transparency" in image.info
        return _write(folder, _saved(image.convert("RGBA" if alpha else "RGB"), "PNG", compress_level=9), "png")

    def print_file(self, folder: Path, profile: Path) -> Path:
        """Write the logo as a CMYK JPEG into `folder`, for the print PDF: transparency flattened on white
        (paper), then converted from sRGB to the CMYK output `profile`; named by the hash of its bytes."""
        image = self._decoded().convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        # Relative colorimetric keeps the logo's in-gamut colours as they are (a brand colour is exact
        # where the press can print it); black-point compensation maps sRGB black to the press's black.
        transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
                                            "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                            ImageCms.Flags.BLACKPOINTCOMPENSATION)
        cmyk = ImageCms.applyTransform(flat, transform)
        return _write(folder, _saved(cmyk, "JPEG", quality=JPEG_QUALITY, subsampling=0), "jpg")

    def _decoded(self) -> Image.Image:
        if self.kind == "svg":
            raise ValueError("an SVG logo is embedded inline: use svg_for()")
        with Image.open(io.BytesIO(self.data)) as image:
            image.load()
            return image.copy()


def _escaped(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _saved(image: Image.Image, kind: str, **options) -> bytes:
    """The bytes of `image` with no metadata: no time, no profile, no EXIF, no resolution."""
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def _write(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"logo-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
    write_atomic(path, data)
    return path


def resolution_findings(logo: Logo, width_mm: float, label: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for printing `logo` `width_mm` wide in the output `label`: a warning below
    PRINT_PPI, an error below MIN_PRINT_PPI. For the print variant; an SVG has none."""
    if logo.kind == "svg":
        return [], []

    def pixels_for(ppi: int) -> int:  # rounded first: 1200 px at 101.6 mm is 300 ppi, not 299.99…
        return math.ceil(round(ppi * width_mm / MM_PER_INCH, 6))

    if logo.width >= pixels_for(PRINT_PPI):
        return [], []
    message = (f"{label}: logo {logo.name} is {math.floor(round(logo.ppi(width_mm), 6))} ppi at {width_mm:g} mm "
               f"wide; print needs ≥ {PRINT_PPI} ppi (an image at least {pixels_for(PRINT_PPI)} px wide)")
    return ([message], []) if logo.width < pixels_for(MIN_PRINT_PPI) else ([], [message])


def read_logo(path: Path, inside: Path) -> tuple[Logo | None, list[Problem]]:
    """The logo in `path`, a file of the folder `inside`, or the problems with it (one line each)."""
    data, problems = read_bytes(path, inside, OUTSIDE, MAX_LOGO_BYTES, _TOO_LARGE)
    if data is None:
        return None, problems
    if data.startswith(_PNG):
        return _read_raster(path, data, "PNG")
    if data.startswith(_JPEG):
        return _read_raster(path, data, "JPEG")
    if data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return _SvgReader(path).read(data)
    return None, [Problem(str(path), None, None, "", _NOT_AN_IMAGE)]


@contextmanager
def _strict() -> Iterator[None]:
    """Pillow refuses a truncated file while the block runs. WeasyPrint, once imported, tells Pillow to
    accept truncated files (and draw what is missing grey) for the whole process; a logo must be whole."""
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _read_raster(path: Path, data: bytes, kind: str) -> tuple[Logo | None, list[Problem]]:
    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(str(path), None, None, "", message)]

    too_many = f"more than {MAX_PIXELS // 1_000_000} megapixels; a logo needs far fewer"
    try:
        with _strict():
            with Image.open(io.BytesIO(data), formats=(kind,)) as image:  # reads the header only
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return problem(f"{width} × {height} px is {too_many}")
                image.verify()  # PNG: every chunk's checksum
            with Image.open(io.BytesIO(data), formats=(kind,)) as image:  # verify() leaves an image unusable
                image.load()  # decodes it all: a truncated JPEG passes verify(), not this
                mode = image.mode
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours, checked while opening
        return problem(too_many)
    except (OSError, SyntaxError, ValueError) as error:
        return problem(f"a damaged {kind} file ({quote(error)[1:-1]})")
    if mode not in _MODES:
        return problem(f"{kind} in colour mode {mode}; save the logo as an 8-bit RGB or greyscale image "
                       "(the print variant makes its CMYK itself)")
    return Logo(path.name, kind.lower(), width, height, data=data), []


class _Stop(Exception):
    """Reading the SVG goes no further."""


class _SvgReader:
    """Reads an SVG with expat, event by event, keeping what the allow-list allows and refusing the rest.

    The standard library's expat, not a tree parser: it hands over the DTD as an event, and the handler
    refuses it before any entity is declared or expanded (no billion laughs, no external entities;
    parameter entities are never parsed), so no extra dependency (defusedxml) is needed; and it tells
    the line and column of every refusal.
    """

    def __init__(self, path: Path):
        self.shown = str(path)
        self.name = path.name
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.namespace_prefixes = True  # "uri local prefix": messages name `sodipodi:namedview`
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.ProcessingInstructionHandler = lambda target, data: self._refuse(f"<?{target}?>")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.problems: list[Problem] = []
        self.drawing: list = []
        self.root: dict[str, str] | None = None  # the root's attributes, once read
        self.skipped = 0  # depth inside a refused or dropped element: what it holds is not looked at
        self.open: list[list] = []  # kept elements not yet closed: [id, shapes (itself too), holds a <use>]
        self.targets: dict[str, tuple[int, bool]] = {}  # id: (shapes, holds a <use>), of each closed element
        self.uses: list[tuple[str, int, int]] = []  # (id, line, column) of every <use>
        self.shapes = 0  # elements kept, the root aside

    def _place(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def _refuse(self, what: str, place: tuple[int | None, int | None] | None = None) -> None:
        """A problem `refused: <what>` at `place` (by default where expat is), unless one says so already."""
        message = f"refused: {what}"
        if all(problem.message != message for problem in self.problems):
            self.problems.append(Problem(self.shown, *(place or self._place()), "", message))
        if len(self.problems) >= MAX_REFUSALS:
            raise _Stop

    def _doctype(self, name: str, *_) -> None:
        if name.rpartition(":")[2] != "svg":
            raise _Stop(_NOT_AN_IMAGE)
        # No line and column: expat is past the DOCTYPE's name by now, and there is one, at the top.
        self.problems.append(Problem(self.shown, None, None, "", "refused: <!DOCTYPE> (a DTD: SVG needs none, "
                                                                 "and its entities could expand or load anything)"))
        raise _Stop

    def _start(self, raw: str, attributes: dict[str, str]) -> None:
        namespace, tag, shown = _split(raw)
        if self.root is None:
            if tag != "svg" or namespace not in (_SVG_NS, ""):
                raise _Stop(_NOT_AN_IMAGE)
            self.root = attributes
            kept = self._attributes("svg", attributes, root=True)
            self.drawing.append(("start", "svg", kept))
            self.open.append([dict(kept).get("id"), 1, False])
            return
        if self.skipped or namespace == _SVG_NS and tag in _DRAWS_NOTHING:
            self.skipped += 1
            return
        if namespace not in (_SVG_NS, "") or tag not in _ELEMENTS or len(self.open) >= MAX_DEPTH:
            self._refuse(f"<{shown}>" if len(self.open) < MAX_DEPTH else f"elements nested more than {MAX_DEPTH} deep")
            self.skipped += 1
            return
        kept = dict(self._attributes(tag, attributes))
        if tag == "use" and "href" in kept:
            self.uses.append((kept["href"][1:], *self._place()))
        self.open.append([kept.get("id"), 1, tag == "use"])
        self.drawing.append(("start", tag, tuple(kept.items())))
        self.shapes += 1
        if self.shapes > MAX_DRAWN:  # stop reading at once: a long file of shapes costs no more
            self._too_many()

    def _too_many(self) -> None:
        self._refuse(f"more than {MAX_DRAWN} shapes (each <use> counting those it copies)", (None, None))
        raise _Stop

    def _end(self, raw: str) -> None:
        if self.skipped:
            self.skipped -= 1
            return
        identifier, shapes, holds_use = self.open.pop()
        if identifier:
            self.targets[identifier] = (shapes, holds_use)
        if self.open:  # the parent holds what this element holds (counted once, here: no quadratic cost)
            self.open[-1][1] += shapes
            self.open[-1][2] |= holds_use
        self.drawing.append(("end", _split(raw)[1], ()))

    def _text(self, text: str) -> None:
        if not self.skipped and text.strip():
            self._refuse(f"text {quote(text.strip())} (draw the letters as paths)")

    def _attributes(self, tag: str, attributes: dict[str, str], root: bool = False) -> tuple[tuple[str, str], ...]:
        """The allowed attributes of an element, checked, colours as `#rrggbb`, a style attribute's
        declarations as the attributes they stand for; a problem for each one refused."""
        pairs = []
        for raw, value in attributes.items():
            namespace, name, shown = _split(raw)
            if namespace == _XLINK_NS and name == "href":
                namespace, shown = "", "href"
            if namespace:
                self._refuse(f"attribute {quote(shown)} on <{tag}>")
            elif name == "style":
                pairs += self._style(tag, value)
            else:
                pairs.append((name, value))
        kept = {}
        for name, value in pairs:
            checked = self._value(tag, name, value.strip())
            # The root's size is read for its viewBox, which svg_for writes itself; CSS sizes the logo.
            if checked is not None and not (root and name in ("width", "height", "viewBox")):
                kept[name] = checked
        return tuple(kept.items())

    def _value(self, tag: str, name: str, value: str) -> str | None:
        """The value of the attribute `name` to keep, or None once refused."""
        if name.lower().startswith("on"):
            return self._refuse(f"event attribute {quote(name)} on <{tag}>")
        if name == "href" and tag == "use":
            return value if _LOCAL_HREF.fullmatch(value) else self._refuse(f"external reference {quote(value)} in href")
        if name not in _ATTRIBUTES:
            return self._refuse(f"attribute {quote(name)} on <{tag}>")
        if "url(" in value.lower():
            if not (local := _LOCAL_URL.fullmatch(value)):
                return self._refuse(f"external reference {quote(value)} in {name}")
            value = f"url(#{local.group('id')})"
        if unsafe := _UNSAFE.search(value):
            return self._refuse(f"character {quote(unsafe.group())} in {name} on <{tag}>")
        if name in _PAINT:
            return _colour(value) or self._refuse(f"colour {quote(value)} in {name}; use #rrggbb, rgb() or a "
                                                  "colour name")
        return value

    def _style(self, tag: str, style: str) -> list[tuple[str, str]]:
        """A style attribute as presentation attributes (which then pass the same checks), so no CSS
        reaches WeasyPrint and the colours in it become CMYK in print like any other."""
        pairs = []
        for declaration in filter(str.strip, style.split(";")):
            name, colon, value = (part.strip() for part in declaration.partition(":"))
            if not colon or name not in _PRESENTATION:
                self._refuse(f"style property {quote(name)} on <{tag}>")
            else:
                pairs.append((name, value))
        return pairs

    def read(self, data: bytes) -> tuple[Logo | None, list[Problem]]:
        try:
            self.parser.Parse(data, True)
        except _Stop as stop:
            if stop.args:
                return None, [Problem(self.shown, None, None, "", stop.args[0])]
        except expat.ExpatError as error:
            if self.root is None and not self.problems:
                return None, [Problem(self.shown, None, None, "", _NOT_AN_IMAGE)]
            self.problems.append(Problem(self.shown, error.lineno, error.offset + 1, "",
                                         f"not well-formed XML ({expat.ErrorString(error.code)})"))
        if not self.problems:
            try:
                self._check_uses()
            except _Stop:
                pass
        view_box = self._view_box()
        if self.problems or view_box is None:
            return None, self.problems
        left, top, width, height = view_box
        # WeasyPrint 70 looks an inline SVG's `#id` up in the whole page: two logos that both say id="a"
        # would both draw the first one's. Ids named by the file's hash never meet another logo's or the
        # page's own; the same logo placed twice has the same shapes under the same ids.
        prefix = f"logo-{hashlib.sha256(data).hexdigest()[:8]}-"
        drawing = tuple((event, tag, tuple((name, _prefixed(name, value, prefix)) for name, value in attributes))
                        for event, tag, attributes in self.drawing)
        return Logo(self.name, "svg", width, height, data=data, drawing=drawing,
                    view_box=f"{left:g} {top:g} {width:g} {height:g}"), []

    def _check_uses(self) -> None:
        """Each <use> copies an element of the logo that holds no <use> itself: no loop, no copies of
        copies (ten uses of ten uses of … draw millions of shapes), and at most MAX_DRAWN shapes."""
        drawn = self.shapes
        for identifier, line, column in self.uses:
            shapes, holds_use = self.targets.get(identifier, (0, False))
            if identifier not in self.targets:
                self._refuse(f"<use> of '#{identifier}', which is not in the logo", (line, column))
            elif holds_use:
                self._refuse(f"<use> of '#{identifier}', which holds a <use> itself", (line, column))
            drawn += shapes
        if drawn > MAX_DRAWN:
            self._too_many()

    def _view_box(self) -> tuple[float, ...] | None:
        """The root's viewBox (or one made from its width and height in px): four numbers, a width and
        height above 0; None with a problem if there is none."""
        root = self.root or {}
        sizes = [_PIXELS.fullmatch(root.get(side, "")) for side in ("width", "height")]
        if "viewBox" in root:
            numbers = _VIEW_BOX.fullmatch(root["viewBox"])
            box = tuple(float(number) for number in numbers.groups()) if numbers else None
        elif all(sizes):
            box = (0.0, 0.0, float(sizes[0].group(1)), float(sizes[1].group(1)))
        else:
            box = None
        if box is None or not (0 < box[2] < math.inf and 0 < box[3] < math.inf):
            if not self.problems:
                self.problems.append(Problem(self.shown, None, None, "", "needs a viewBox with a width and height "
                                             "above 0 (or width and height in px to make one)"))
            return None
        return box


def _prefixed(name: str, value: str, prefix: str) -> str:
    """An attribute with `prefix` before the id it names or refers to (as sanitised: `#id`, `url(#id)`)."""
    if name == "id":
        return prefix + value
    if name == "href" or value.startswith("url(#"):
        return value.replace("#", "#" + prefix, 1)
    return value


def _split(raw: str) -> tuple[str, str, str]:
    """expat's `uri local prefix` as (namespace, local name, the name as written)."""
    parts = raw.split(" ")
    if len(parts) == 1:
        return "", raw, raw
    return parts[0], parts[1], f"{parts[2]}:{parts[1]}" if len(parts) == 3 else parts[1]


def _colour(value: str) -> str | None:
    """`#rgb`, `#rrggbb`, `rgb()` or a colour name as `#rrggbb`; `none` and a local `url(#id)` as they are;
    None for anything else (a colour with transparency too: use the opacity attributes)."""
    value = value.strip()
    if value == "none" or _LOCAL_URL.fullmatch(value):
        return value
    try:
        rgb = ImageColor.getrgb(value)
    except ValueError:
        return None
    return "#{:02x}{:02x}{:02x}".format(*rgb) if len(rgb) == 3 else None
