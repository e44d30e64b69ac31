"""What the tool can build: one record per format, one row per paper size.

A format record names its template and stylesheet and how it is checked; a size row holds all the
geometry of that format on that paper (page, margins, panels, type sizes, columns). Templates and
stylesheets read these numbers (as CSS variables and `size.…`) instead of naming a format or a size,
so adding a size is one row, and adding a format is one record with a template and a stylesheet.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate

INCH = 25.4  # mm


@dataclass(frozen=True)
class Size:
    """One format at one paper size (lengths in mm, type in pt)."""

    name: str
    width: float
    height: float
    pages: int          # exact page count of the finished PDF
    margin: float       # safe area: nothing printed closer to the trim (folded formats: inside each panel)
    title: float
    message: float
    heading: float
    body: float
    small: float        # credits, dates, footnotes (≥ 8 pt)
    neq: float          # the ≠ motif
    slogans: int        # how many slogans the format prints (the first is the lead)
    languages: int = 3  # most languages in one order (a poster's headline holds two)
    # In an organisation's edition (--orgs) its block takes the slogan band's place (handouts: the
    # tri-fold and the posters print all their slogans elsewhere or none).
    organisation_replaces_slogans: bool = False
    qr: float = 20  # mm: the QR code's side, quiet zone included (≥ 20 mm in the hand; posters: by distance)
    columns: int = 2    # the two languages of a question or of the small print side by side (2) or stacked (1)
    leading: float = 1.45  # line height of the small print
    cjk_leading: float = 1.7  # line height of Chinese and Japanese text
    latin_leading: float = 1.45  # ... and of English text
    gap: float = 1      # mm: the unit of the small vertical gaps (between questions, before the slogans)
    page_plan: tuple[tuple[str, ...], ...] = ()  # handouts: the template's sections on each page
    # (with a "pictogram" section, the main message's pictogram is drawn there, large, not in the masthead)
    headline_distance: float = 0  # posters: metres from which the headline must be read
    body_distance: float = 0      # posters: ... and the rest of the text but the footnotes
    panels: tuple[tuple[float, ...], ...] = ()  # folded formats: panel widths of each page, left to right

    @property
    def folds(self) -> tuple[tuple[float, ...], ...]:
        """Fold lines of each page, in mm from the left edge: between its panels."""
        return tuple(tuple(accumulate(widths))[:-1] for widths in self.panels)

    @property
    def read_at_distance(self) -> bool:
        """Checked against viewing distances (posters), not the 12 pt minimum of text read in the hand."""
        return self.body_distance > 0


@dataclass(frozen=True)
class Holds:
    """How many items of a list a format's layout has places for, and why."""

    least: int
    most: int
    why: str  # "one per inside panel"

    @property
    def described(self) -> str:
        """`exactly 3`, `at most 3`, `1 to 3`."""
        if self.least == self.most:
            return f"exactly {self.most}"
        return f"{self.least} to {self.most}" if self.least else f"at most {self.most}"


@dataclass(frozen=True)
class Format(Mapping):
    """One kind of output: its template and stylesheet (in templates/ and templates/css/), what content
    its layout needs and holds, and its size rows. Reads as its table of sizes: `FORMATS["poster"]["a2"]`."""

    name: str
    template: str
    stylesheet: str
    sizes: dict[str, Size] = field(default_factory=dict)
    needs: dict[str, str] = field(default_factory=dict)   # optional section → why this format needs it
    holds: dict[str, Holds] = field(default_factory=dict)  # list key → how many items it has places for

    def __getitem__(self, size: str) -> Size:
        return self.sizes[size]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)


def _format(name: str, *sizes: Size, needs: dict[str, str] | None = None,
            holds: dict[str, Holds] | None = None) -> Format:
    return Format(name, f"{name}.html", f"{name}.css", {size.name: size for size in sizes}, needs or {},
                  holds or {})


# Letter folds: the fold-in panel is the narrow one; outside flap | back | cover, inside left to right.
_A4_LETTER_FOLD = ((97, 100, 100), (100, 100, 97))
_US_LETTER_FOLD = ((3.625 * INCH, 3.6875 * INCH, 3.6875 * INCH), (3.6875 * INCH, 3.6875 * INCH, 3.625 * INCH))

FORMATS: dict[str, Format] = {f.name: f for f in (
    _format(
        "handout",
        Size("a4", 210, 297, pages=2, margin=15, title=26, message=16, heading=14, body=12, small=8,
             neq=40, slogans=1,
             organisation_replaces_slogans=True,
             page_plan=(("masthead", "incident", "points"),
                        ("facts", "urgent", "checklist", "slogans", "organisation", "small_print"))),
        # US Letter is 18 mm shorter than A4: half-inch margins and tighter gaps make up for it.
        Size("letter", 215.9, 279.4, pages=2, margin=0.5 * INCH, title=24, message=15, heading=14,  # 8.5 × 11 in
             body=12, small=8, neq=36, slogans=1, leading=1.3, gap=0.5, cjk_leading=1.6, latin_leading=1.4,
             organisation_replaces_slogans=True,
             page_plan=(("masthead", "incident", "points"),
                        ("facts", "urgent", "checklist", "slogans", "organisation", "small_print"))),
        Size("a5", 148, 210, pages=4, margin=11, title=22, message=15, heading=14, body=12, small=8,
             neq=32, slogans=1, columns=1, languages=2, leading=1.3, gap=0.5,
             organisation_replaces_slogans=True,
             page_plan=(("masthead", "pictogram", "incident"), ("points",), ("facts", "urgent"),
                        ("checklist", "slogans", "organisation", "small_print"))),
    ),
    _format(
        "leaflet",
        Size("a4", 297, 210, pages=2, margin=8, title=22, message=14, heading=14, body=12, small=8,
             neq=36, slogans=4, columns=1, languages=2, panels=_A4_LETTER_FOLD),
        # 11 × 8.5 in: panels 6 mm narrower and the page 6 mm taller than A4's.
        Size("letter", 279.4, 215.9, pages=2, margin=7, title=22, message=14, heading=14, body=12, small=8,
             neq=36, slogans=4, columns=1, languages=2, panels=_US_LETTER_FOLD),
        needs={"checklist": "it fills the fold-in flap"},
        holds={"points.items": Holds(3, 3, "one per inside panel"),
               "facts.items": Holds(0, 3, "beside the point of the same number")},
    ),
    _format(
        "poster",
        # Headline cap height ≥ 25 mm per 3 m (cap height of Noto Sans CJK ≈ 0.73 em → 100 pt ≈ 25.7 mm).
        Size("a1", 594, 841, pages=1, margin=20, title=140, message=48, heading=50, body=45, small=15,
             neq=106, slogans=0, languages=2, qr=50, headline_distance=4, body_distance=2),
        Size("a2", 420, 594, pages=1, margin=15, title=100, message=34, heading=36, body=32, small=11,
             neq=76, slogans=0, languages=2, qr=36, headline_distance=3, body_distance=1.5),
        Size("a3", 297, 420, pages=1, margin=11, title=70, message=24, heading=25.5, body=22, small=10,
             neq=53, slogans=0, languages=2, qr=20, headline_distance=2, body_distance=1),
        # 11 × 17 in ("tabloid"): 18 mm narrower and 12 mm taller than A3, at A3's type sizes.
        Size("tabloid", 279.4, 431.8, pages=1, margin=10, title=66, message=23, heading=24, body=22, small=10,
             neq=50, slogans=0, languages=2, qr=20, headline_distance=2, body_distance=1),
        holds={"points.items": Holds(1, 3, "one line each, read from a distance")},
    ),
)}
