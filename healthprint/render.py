"""Step 4 of the pipeline: pair the languages and render a format's Jinja template to HTML.

Templates see typed models only, with every text turned into a `Pair` (primary language first).
Jinja runs with autoescape and StrictUndefined: content can't inject markup, and a template that
names a missing value fails the build instead of printing an empty string.
"""

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import jinja2
from markupsafe import Markup, escape
from jinja2.sandbox import SandboxedEnvironment

from .formats import FORMATS, Size
from .yaml_reader import KeyPath, format_key
from .languages import CJK_LANGUAGES, LANGUAGES, language_css
from .press import device_cmyk
from .qr import qr_svg
from .resources import NO_OVERRIDES, Loader, Overrides, find, icon_svg
from .campaign import region_name
from .logos import Logo
from .organisations import ORGANISATION_KEY, Organisation
from .schema import Campaign, Colours, Texts
from .text import map_texts, tidy, typeset


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



def pair_up(models: list[Any], langs: tuple[str, ...], key: KeyPath = ()) -> Any:
    """Zip same-shaped model trees (one per language) into one tree whose texts are Pairs that know
    their key path."""
    first = models[0]
    if first is None:  # a section the campaign leaves out (in every language: the files have the same keys)
        return None
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


@dataclass(frozen=True)
class Meta:
    """Language-neutral facts, with dates already written out per language."""

    reference: str
    version: str
    published_iso: str
    published: Pair
    review_by: Pair
    emergency: list["Call"]
    words: dict[str, dict[str, str]]  # by language: what the tool writes itself (languages table)
    languages_sentence: dict[str, str]  # by language: in which languages the material exists


@dataclass(frozen=True)
class Call:
    region: Pair
    number: str


def icon(name: str, colour: str) -> Markup:
    """The packaged icon `name` as inline SVG drawn in `colour`. Decorative: each illustrates the text
    beside it (aria-hidden; an artifact in tagged PDF, no figure to announce)."""
    svg = icon_svg(name).replace("currentColor", colour)
    return Markup(svg.replace("<svg ", '<svg width="100%" height="100%" aria-hidden="true" ', 1))


@cache
def environment(overrides: Overrides = NO_OVERRIDES) -> jinja2.Environment:
    """Jinja for the packaged templates and `overrides`. Sandboxed: a campaign's own template can use the
    values it is given, never reach Python's internals (`__class__`, `__globals__`) through them."""
    env = SandboxedEnvironment(
        loader=Loader(overrides),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["zip"] = zip
    env.globals["icon"] = icon
    env.filters["typeset"] = typeset
    # `lang is cjk`: Han, kana or Hangul text; `lang is spaced`: words and sentences separated by spaces
    # (English, Korean), not set solid (Chinese, Japanese). From the languages table.
    env.tests["cjk"] = lambda lang: lang in CJK_LANGUAGES
    env.tests["spaced"] = lambda lang: lang in LANGUAGES and LANGUAGES[lang].spaced
    return env


@dataclass(frozen=True)
class OrganisationPair(Pair):
    """A text of the organisation: its `data-key` names the organisations file (`org:name.en`)."""

    def source(self, lang: str) -> str:
        return f"{ORGANISATION_KEY}:{self.key}.{lang}"


@dataclass(frozen=True)
class OrganisationView:
    """An organisation as templates see it: its texts as Pairs (`data-key` `org:name.en`), phones with
    their labels in each language (the languages table's word when it gave none)."""

    id: str
    name: OrganisationPair
    address: OrganisationPair | None
    hours: OrganisationPair | None
    phones: list[tuple[OrganisationPair, str]]  # (label, number)
    link: str | None  # its website, else the campaign's `url`: printed, and under the QR code
    qr: Markup | None  # the QR code of `link`, inline SVG in the ink on the paper colour
    logo: Markup | None = None  # inline SVG or an <img> of the logo's file


def _organisation_view(organisation: Organisation, langs: tuple[str, ...], campaign_url: str | None,
                       dark: str, light: str) -> OrganisationView:
    def pair(values: dict[str, str], key: str) -> Pair | None:
        if not values:
            return None
        return OrganisationPair(tuple((lang, tidy(organisation.text(values, lang), lang)) for lang in langs), key)

    per_language = [organisation.text(organisation.phones, lang) or () for lang in langs]
    phones = [(OrganisationPair(tuple((lang, tidy(phone.label or LANGUAGES[lang].words["phone"], lang))
                          for lang, phone in zip(langs, same)), "phone"), same[0].number)
              for same in zip(*per_language)]
    link = organisation.website or campaign_url
    return OrganisationView(organisation.id, pair(organisation.name, "name"), pair(organisation.address, "address"),
                            pair(organisation.hours, "hours"), phones, link,
                            Markup(qr_svg(link, dark, light)) if link else None)


LOGO_BOX_MM = (20, 14)  # the largest a logo is drawn, width × height: in the organisation block's gutter


def logo_size(logo: Logo) -> tuple[float, float]:
    """Width and height (mm) of `logo` drawn as large as it fits in LOGO_BOX_MM."""
    width, height = LOGO_BOX_MM
    return (width, width / logo.aspect_ratio) if logo.aspect_ratio > width / height else \
        (height * logo.aspect_ratio, height)


def _logo_markup(logo: Logo, print_colours: bool, ink: str, file: Path | None) -> Markup:
    """The logo at its size: an SVG inline (its colours in CMYK for print), a PNG or JPEG from `file`.
    Decorative: the organisation's name is printed beside it."""
    width, height = logo_size(logo)
    style = f"width: {width:.2f}mm; height: {height:.2f}mm"
    if logo.kind == "svg":
        svg = logo.svg_for("print", lambda colour: device_cmyk(colour, ink)) if print_colours else logo.svg_for("screen")
        return Markup(svg.replace("<svg ", f'<svg style="{style}" aria-hidden="true" ', 1))
    return Markup(f'<img src="{escape(file.resolve().as_uri())}" style="{style}" alt="" aria-hidden="true">')


def render_html(campaign: Campaign, texts: dict[str, Texts], format_name: str, size: Size,
                langs: tuple[str, ...], print_colours: bool = False, templates: Overrides = NO_OVERRIDES,
                organisation: Organisation | None = None, logo_file: Path | None = None) -> str:
    """The HTML of one output: `format_name` at `size`, languages in the order `langs`, from the packaged
    templates or those of `templates` that replace them.

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
        published=Pair(tuple((lang, LANGUAGES[lang].format_date(campaign.published)) for lang in langs)),
        review_by=Pair(tuple((lang, LANGUAGES[lang].format_date(campaign.review_by)) for lang in langs)),
        emergency=[Call(Pair(tuple((lang, tidy(region_name(texts[lang], lang, call.region), lang)) for lang in langs),
                             f"urgent.regions.{call.region}"), call.number) for call in campaign.emergency],
        words={lang: LANGUAGES[lang].words for lang in langs},
        languages_sentence={lang: LANGUAGES[lang].languages_sentence(campaign.languages) for lang in langs},
    )
    template = environment(templates).get_template(FORMATS[format_name].template)
    dark, light = ((device_cmyk(colour, colours.ink) if print_colours else colour) for colour in (colours.ink, colours.paper))
    org = None
    if organisation:
        org = _organisation_view(organisation, langs, campaign.url, dark, light)
        if organisation.logo:
            org = dataclasses.replace(org, logo=_logo_markup(organisation.logo, print_colours, colours.ink, logo_file))
    return template.render(t=t, meta=meta, size=size, langs=langs, main_pictogram=campaign.pictogram,
                           icon_colour=icon_colour, help_colour=help_colour, paper_colour=paper_colour, org=org)


def stylesheet(format_name: str, size: Size, colours: Colours, templates: Overrides = NO_OVERRIDES) -> str:
    """The format's CSS: generated variables and page size first, then common.css, then the format's file
    (each from `templates` if it replaces the packaged one).

    Every length that differs between sizes comes from the size row as a variable. A folded format's
    page has no margin: each panel keeps its own safe area (`--margin`)."""
    page_margin = 0 if size.panels else size.margin
    variables = (
        f":root {{ --accent: {colours.accent}; --calm: {colours.calm}; --ink: {colours.ink}; "
        f"--paper: {colours.paper}; --margin: {size.margin}mm; --title: {size.title}pt; "
        f"--message: {size.message}pt; --heading: {size.heading}pt; --body: {size.body}pt; "
        f"--small: {size.small}pt; --neq: {size.neq}pt; --leading: {size.leading}; --gap: {size.gap}mm; "
        f"--cjk-leading: {size.cjk_leading}; --latin-leading: {size.latin_leading}; "
        f"--page-height: {size.height - 2 * page_margin}mm; --qr: {size.qr}mm; --bleed: 0mm; }}\n"
        f"@page {{ size: {size.width:g}mm {size.height:g}mm; margin: {page_margin}mm; }}\n"
    )
    return (variables + language_css() + _css_file("common.css", templates)
            + _css_file(FORMATS[format_name].stylesheet, templates))


@cache
def _css_file(name: str, templates: Overrides) -> str:
    return find(f"css/{name}", templates)[0]
