"""Step 4 of the pipeline: pair the languages and render a format's Jinja template to HTML.

Templates see typed models only, with every text turned into a `Pair` (primary language first).
Jinja runs with autoescape and StrictUndefined: content can't inject markup, and a template that
names a missing value fails the build instead of printing an empty string.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import jinja2

from .formats import LEAFLET_INSIDE, LEAFLET_OUTSIDE, Size
from .load import KeyPath, format_key
from .press import device_cmyk
from .schema import CJK_LANGUAGES, Campaign, Colours, Texts
from .text import map_texts, tidy, typeset

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class Pair:
    """One text in the primary and the secondary language; iterates as (lang, text)."""

    texts: tuple[tuple[str, str], ...]
    key: str = ""  # where the text stands in each language's file, e.g. `points.items[2].text`

    def source(self, lang: str) -> str:
        """The `data-key` of this text in `lang`: `en:points.items[2].text`, read back by the fit check."""
        return f"{lang}:{self.key}"

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.texts)

    def __getitem__(self, lang: str) -> str:
        return dict(self.texts)[lang]

    @property
    def primary(self) -> str:
        return self.texts[0][1]

    @property
    def primary_lang(self) -> str:
        return self.texts[0][0]

    @property
    def secondary(self) -> str:
        return self.texts[1][1]


def pair_up(models: list[Any], langs: tuple[str, ...], key: KeyPath = ()) -> Any:
    """Zip same-shaped model trees (one per language) into one tree whose texts are Pairs that know
    their key path."""
    first = models[0]
    if isinstance(first, str):
        return Pair(tuple(zip(langs, models)), format_key(key))
    if isinstance(first, list):
        return [pair_up(list(items), langs, key + (index,)) for index, items in enumerate(zip(*models))]
    if isinstance(first, dict):
        return {name: pair_up([model[name] for model in models], langs, key + (name,)) for name in first}
    if dataclasses.is_dataclass(first):
        return dataclasses.replace(first, **{f.name: pair_up([getattr(m, f.name) for m in models], langs,
                                                             key + (f.name,))
                                             for f in dataclasses.fields(first)})
    return first


def format_date(day: datetime.date, lang: str) -> str:
    if lang == "en":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Meta:
    """Language-neutral facts, with dates already written out per language."""

    reference: str
    version: str
    published_iso: str
    published: Pair
    review_by: Pair
    emergency: list["Call"]


@dataclass(frozen=True)
class Call:
    region: Pair
    number: str


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["zip"] = zip
    env.filters["typeset"] = typeset
    env.tests["cjk"] = lambda lang: lang in CJK_LANGUAGES
    return env


def render_html(campaign: Campaign, texts: dict[str, Texts], format_name: str, size: Size,
                langs: tuple[str, ...], print_colours: bool = False) -> str:
    """The HTML of one output: `format_name` at `size`, languages in the order `langs`.

    Icons are SVG, whose `currentColor` WeasyPrint can only resolve to an RGB colour: they get their
    colour written out, in CMYK for the print variant.
    """
    colours = campaign.colours
    # Warnings in the accent, what helps (the main message's pictogram) in the calm colour, icons on a
    # coloured band in the paper's.
    icon_colour, help_colour, paper_colour = ((device_cmyk(colour, colours.ink) if print_colours else colour)
                                              for colour in (colours.accent, colours.calm, colours.paper))
    tidied = [map_texts(texts[lang], lambda text, lang=lang: tidy(text, lang)) for lang in langs]
    t = pair_up(tidied, langs)
    meta = Meta(
        reference=campaign.reference,
        version=campaign.version,
        published_iso=f"{campaign.published.isoformat()}T00:00:00Z",
        published=Pair(tuple((lang, format_date(campaign.published, lang)) for lang in langs)),
        review_by=Pair(tuple((lang, format_date(campaign.review_by, lang)) for lang in langs)),
        emergency=[Call(t.urgent.regions[call.region], call.number) for call in campaign.emergency],
    )
    template = environment().get_template(f"{format_name}.html")
    return template.render(t=t, meta=meta, size=size, langs=langs, icon_colour=icon_colour,
                           help_colour=help_colour, paper_colour=paper_colour, outside=LEAFLET_OUTSIDE, inside=LEAFLET_INSIDE)


def stylesheet(format_name: str, size: Size, colours: Colours) -> str:
    """The format's CSS: generated variables and page size first, then common.css, then the format's file."""
    variables = (
        f":root {{ --accent: {colours.accent}; --calm: {colours.calm}; --ink: {colours.ink}; "
        f"--paper: {colours.paper}; --margin: {size.margin}mm; --title: {size.title}pt; "
        f"--message: {size.message}pt; --heading: {size.heading}pt; --body: {size.body}pt; "
        f"--small: {size.small}pt; --neq: {size.neq}pt; "
        f"--page-height: {size.height - 2 * size.margin}mm; --bleed: 0mm; }}\n"
        f"@page {{ size: {size.width}mm {size.height}mm; margin: {size.margin}mm; }}\n"
    )
    return variables + _css_file("common.css") + _css_file(f"{format_name}.css")


@cache
def _css_file(name: str) -> str:
    return (TEMPLATES / "css" / name).read_text(encoding="utf-8")
