"""The size table: every format and paper size the tool can build, with identical keys per size.

Templates read these numbers rather than hard-coding sizes, so A5 and A3 are the A4 and A2 designs
scaled by table, not copies. (The leaflet's fold geometry is fixed: its panel widths are here.)
"""

from dataclasses import dataclass
from itertools import accumulate

# Leaflet panels for a letter fold on A4 landscape (mm): the fold-in panel is the narrow one.
LEAFLET_OUTSIDE = (97, 100, 100)   # flap | back | cover
LEAFLET_INSIDE = (100, 100, 97)


def _folds(panels: tuple[float, ...]) -> tuple[float, ...]:
    """Where the folds are, in mm from the left edge, between panels of these widths."""
    return tuple(accumulate(panels))[:-1]


@dataclass(frozen=True)
class Size:
    """Paper and type sizes of one format at one paper size (lengths in mm, type in pt)."""

    name: str
    width: float
    height: float
    pages: int          # exact page count of the finished PDF
    margin: float       # safe area: nothing printed closer to the trim
    title: float
    message: float
    heading: float
    body: float
    small: float        # credits, dates, footnotes (≥ 8 pt)
    neq: float          # the ≠ motif
    slogans: int        # how many slogans the format prints (the first is the lead; the leaflet: cover + 3 inside)
    page_plan: tuple[tuple[str, ...], ...] = ()  # handouts: the template's sections on each page
    # (with a "pictogram" section, the main message's pictogram is drawn there, large, not in the masthead)
    headline_distance: float = 0  # posters: metres from which the headline must be read
    body_distance: float = 0      # posters: ... and the rest of the text but the footnotes
    folds: tuple[tuple[float, ...], ...] = ()  # folded formats: fold lines per page, mm from the left edge


FORMATS: dict[str, dict[str, Size]] = {
    "handout": {
        "a4": Size("a4", 210, 297, pages=2, margin=15, title=26, message=16, heading=14, body=12, small=8,
                   neq=40, slogans=1,
                   page_plan=(("masthead", "incident", "points"),
                              ("causes", "urgent", "checklist", "slogans", "small_print"))),
        "a5": Size("a5", 148, 210, pages=4, margin=11, title=22, message=15, heading=14, body=12, small=8,
                   neq=32, slogans=1,
                   page_plan=(("masthead", "pictogram", "incident"), ("points",), ("causes", "urgent"),
                              ("checklist", "slogans", "small_print"))),
    },
    "leaflet": {
        "a4": Size("a4", 297, 210, pages=2, margin=8, title=22, message=14, heading=14, body=12, small=8,
                   neq=36, slogans=4, folds=(_folds(LEAFLET_OUTSIDE), _folds(LEAFLET_INSIDE))),
    },
    "poster": {
        # Headline cap height ≥ 25 mm on A2 (cap height of Noto Sans CJK ≈ 0.73 em → 100 pt ≈ 25.7 mm).
        "a2": Size("a2", 420, 594, pages=1, margin=15, title=100, message=34, heading=36, body=32, small=11,
                   neq=76, slogans=0, headline_distance=3, body_distance=1.5),
        "a3": Size("a3", 297, 420, pages=1, margin=11, title=70, message=24, heading=25.5, body=22, small=10,
                   neq=53, slogans=0, headline_distance=2, body_distance=1),
    },
}
