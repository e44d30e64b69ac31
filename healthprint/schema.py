"""Step 2 of the pipeline: the typed models templates see, and the validation that builds them.

Every field carries a docstring in its metadata (`doc`); `campaign.py`'s validation walks the dataclass fields, so the
models are the single description of what a content file may contain.
"""

import dataclasses
import datetime
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Iterator, Literal

from .errors import Problem, quote
from .formats import FORMATS
from .yaml_reader import KeyPath, YamlFile



@dataclass(frozen=True)
class Form:
    """A pattern some text must match, and how to say it to a person."""

    regex: re.Pattern
    described: str


HEX_COLOUR = Form(re.compile(r"#[0-9A-Fa-f]{6}"), "a colour like #C0262D")
SLUG = Form(re.compile(r"[a-z0-9]+(-[a-z0-9]+)*"), "lower-case letters, digits and single hyphens, like stem-cell-safety")
# Emergency numbers (119, 999) and the lines beside them: a country code, spaces, hyphens, brackets.
PHONE = Form(re.compile(r"\+?(\([0-9]+\) ?)?[0-9]([0-9 -]|\([0-9]+\))*[0-9]|[0-9]"),
             "a phone number: digits, with a leading + and spaces, hyphens or brackets, like 119 or +852 2835 1234")
WEB_ADDRESS = Form(re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[!-~]*)?"),
                   "a web address like https://example.org/page")
# Languages in the order they are set, the first leading: `zh-Hant+en`.
ORDER = Form(re.compile(r"[A-Za-z]+(-[A-Za-z]+)*(\+[A-Za-z]+(-[A-Za-z]+)*){0,2}"),
             "language codes joined by +, like zh-Hant+en")


# Dates a campaign may carry; later rules add years to them, which must not overflow.
FIRST_DATE, LAST_DATE = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)
# Longest text per field, in characters: far above what fits on the page (the fit check says how much
# to cut), low enough that a pasted file or a runaway string is refused before layout, not after minutes.
LINE = 200  # titles, headings, labels, names, single sentences
PARAGRAPH = 2000  # a few sentences


def doc(text: str, items: tuple[int, int] | None = None, pattern: Form | None = None,
        chars: int | None = None) -> Any:
    """A field with its documentation and, for text, its longest length in characters (`chars`);
    optionally an allowed list length or a pattern for its text. The limit is part of the documentation.
    A field typed `X | None` may be left out (it is then None); any other is required."""
    described = f"{text} At most {chars} characters." if chars else text
    return dataclasses.field(metadata={"doc": described, "text": text, "items": items, "pattern": pattern,
                                       "chars": chars})


# ---- Language-neutral campaign data: content/<campaign>/campaign.yaml -------------------------------


@dataclass(frozen=True)
class Colours:
    """Campaign colours as #RRGGBB; contrast with `paper` is checked."""

    accent: str = doc("Warning colour: the ≠ marks, the slogan band, rules.", pattern=HEX_COLOUR, chars=7)
    calm: str = doc("Reassuring colour for 'what to do / ask' parts.", pattern=HEX_COLOUR, chars=7)
    ink: str = doc("Body text colour.", pattern=HEX_COLOUR, chars=7)
    paper: str = doc("Page background.", pattern=HEX_COLOUR, chars=7)


@dataclass(frozen=True)
class EmergencyNumber:
    """One region's emergency number; its name comes from each language's `urgent.regions`."""

    region: str = doc("Region id, also a key of `urgent.regions` in every language file.", pattern=SLUG, chars=64)
    number: str = doc("The number to call, e.g. \"119\" or \"+81 3-1234-5678\"; printed on one line.", pattern=PHONE,
                      chars=20)


@dataclass(frozen=True)
class OutputSpec:
    """One format to build, in the listed sizes."""

    format: Literal[tuple(FORMATS)] = doc("Which layout.")
    sizes: list[str] = doc("Paper sizes, from the format's size table.", items=(1, 5), chars=16)
    orders: list[str] | None = doc("Language orders of this format, replacing the campaign's `orders` (a poster "
                                   "holds two languages: a three-language campaign lists pairs here).",
                                   items=(1, 12), pattern=ORDER, chars=40)


@dataclass(frozen=True)
class Campaign:
    """What every language of a campaign shares."""

    id: str = doc("Short name used in output file names: lower-case letters, digits, hyphens.", pattern=SLUG, chars=64)
    languages: list[str] = doc("One to three languages, each with its file `<code>.yaml` beside this one.",
                               items=(1, 3), chars=16)
    orders: list[str] | None = doc("Which language orders to build, the first language leading (largest, first). "
                                   "Left out: each language leads once, the others follow in the listed order.",
                                   items=(1, 12), pattern=ORDER, chars=40)
    published: datetime.date = doc("Publication date (YYYY-MM-DD); also the PDFs' creation date.")
    version: str = doc("Version of this text, e.g. \"1.0\".", chars=20)
    review_by: datetime.date = doc("Date by which the text is reviewed again (at most 3 years on).")
    colours: Colours = doc("Colours.")
    pictogram: str | None = doc("The icon drawn large beside the main message (cover, masthead, poster), by name "
                                "from the icon set (docs/images/icons.png). Left out: none.", pattern=SLUG, chars=40)
    emergency: list[EmergencyNumber] = doc("Emergency numbers, in the order they are printed.", items=(1, 4))
    reference: str = doc("The scientific reference, as cited (language-neutral).", chars=PARAGRAPH)
    url: str | None = doc("Where the campaign is online (its web page or source): the QR code of an "
                          "organisation's edition points here when the organisation has no website.",
                          pattern=WEB_ADDRESS, chars=LINE)
    outputs: list[OutputSpec] = doc("What to build by default.", items=(1, 10))


# ---- Per-language text: content/<campaign>/<lang>.yaml -------------------------------------------------


@dataclass(frozen=True)
class Incident:
    """The event the campaign answers."""

    heading: str = doc("Section heading.", chars=LINE)
    text: str = doc("What happened, in two or three short sentences (handouts).", chars=PARAGRAPH)
    summary: str = doc("The same in one sentence, with what is not yet known (poster).", chars=LINE)


@dataclass(frozen=True)
class Point:
    """A core point: an inequality `left ≠ right` (the campaign's ≠ motif) or a plain `statement`,
    with an explanation."""

    left: str | None = doc("Term before the ≠ sign (with `right`; instead of `statement`).", chars=LINE)
    right: str | None = doc("Term after the ≠ sign.", chars=LINE)
    statement: str | None = doc("The point as a plain statement, when it is not an inequality.", chars=LINE)
    text: str = doc("One to three plain sentences.", chars=PARAGRAPH)


@dataclass(frozen=True)
class Points:
    heading: str = doc("Heading over the core points.", chars=LINE)
    items: list[Point] = doc("The core points, one to six (each format says how many it holds; the tri-fold's "
                             "inside has one per panel).", items=(1, 6))


@dataclass(frozen=True)
class Fact:
    title: str = doc("Short title.", chars=LINE)
    text: str = doc("One or two sentences.", chars=PARAGRAPH)
    icon: str | None = doc("Icon beside it, by name from the icon set (docs/images/icons.png); the same in every "
                           "language. Left out: none.", pattern=SLUG, chars=40)


@dataclass(frozen=True)
class Facts:
    heading: str = doc("Heading over the facts, e.g. 'Why it can go wrong' or 'When to wash your hands'.",
                       chars=LINE)
    items: list[Fact] = doc("Facts with a title and an icon each: causes, risks, moments to act; the tri-fold "
                            "prints fact N beside point N.", items=(1, 6))


@dataclass(frozen=True)
class Checklist:
    heading: str = doc("Heading, e.g. 'Before any cell treatment, ask'.", chars=LINE)
    items: list[str] = doc("Questions or steps, after `key_question` if there is one; the tri-fold prints item N "
                           "beside point N as well.", items=(1, 8), chars=LINE)


@dataclass(frozen=True)
class Urgent:
    heading: str = doc("Heading of the urgent-help box.", chars=LINE)
    text: str = doc("When to call for help.", chars=PARAGRAPH)
    regions: dict[str, str] | None = doc("Name of each region in campaign.yaml `emergency`, by region id; needed only "
                                         "for a region the languages table does not name.", chars=LINE)


@dataclass(frozen=True)
class Sources:
    reference_label: str = doc("Label before the scientific reference.", chars=LINE)
    credit: str = doc("Credit to the source article.", chars=PARAGRAPH)


@dataclass(frozen=True)
class Labels:
    """(The words around the dates and the sentence naming the languages come from the languages table.)"""

    issuer: str = doc("Who issues the leaflet.", chars=LINE)


@dataclass(frozen=True)
class Texts:
    """Everything one language says; every language file has the same keys."""

    title: str = doc("Headline for cover and poster.", chars=LINE)
    main_message: str = doc("The one main message, one sentence.", chars=LINE)
    incident: Incident | None = doc("What happened, if the campaign answers an event.")
    points: Points = doc("The core points.")
    facts: Facts | None = doc("Facts with icons: causes, risks, moments to act.")
    key_question: str | None = doc("The one question that decides, with what the answer means ('If not, don't go "
                                   "ahead'): large on the poster, first in every checklist.", chars=LINE)
    checklist: Checklist | None = doc("Questions to ask or steps to take.")
    slogans: list[str] | None = doc("Slogans: the first leads (handout, tri-fold cover); the tri-fold prints three "
                                    "more inside. Every slogan must be printed by some output.",
                                    items=(1, 6), chars=LINE)
    urgent: Urgent = doc("When and whom to call.")
    sources: Sources = doc("Reference and credit.")
    disclaimer: str = doc("Not medical advice; see a doctor.", chars=PARAGRAPH)
    labels: Labels = doc("The issuer, in the footer.")


# ---- Validation -----------------------------------------------------------------------------------------


def optional(hint: Any) -> bool:
    """Whether a field of this type may be left out: `X | None`."""
    return isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)


def required_kind(hint: Any) -> Any:
    """`X` of `X | None`; any other type as it is."""
    return next(arg for arg in typing.get_args(hint) if arg is not type(None)) if optional(hint) else hint


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value}; put it in quotes to make it text)"  # short: the reader limits numbers
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return f"a date ({value}; put it in quotes to make it text)"
    if value is None:
        return "nothing"
    return quote(value)


class Validator:
    """Builds one model from one YAML file, collecting every problem instead of stopping at the first."""

    def __init__(self, source: YamlFile, skip_missing: set[KeyPath] = frozenset()):
        self.source = source
        self.problems: list[Problem] = []
        self.skip_missing = skip_missing

    def fail(self, key: KeyPath, message: str) -> None:
        self.problems.append(self.source.problem(key, message))

    def build(self, kind: Any, value: Any, key: KeyPath = (), meta: dict | None = None) -> Any:
        meta = meta or {}
        kind = required_kind(kind)
        origin = typing.get_origin(kind)
        if dataclasses.is_dataclass(kind):
            return self._model(kind, value, key)
        if origin is list:
            return self._list(typing.get_args(kind)[0], value, key, meta)
        if origin is dict:
            return self._mapping(value, key, meta["chars"])
        if origin is Literal:
            return self._choice(typing.get_args(kind), value, key)
        if kind is datetime.date:
            return self._date(value, key)
        return self._text(value, key, meta.get("pattern"), meta["chars"])

    def _model(self, kind: type, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, dict):
            self.fail(key, f"expected a mapping with keys {', '.join(f.name for f in dataclasses.fields(kind))}, "
                           f"got {_type_name(value)}")
            return None
        hints = typing.get_type_hints(kind)
        values = {}
        for field in dataclasses.fields(kind):
            child = key + (field.name,)
            if field.name not in value:
                if child not in self.skip_missing and not optional(hints[field.name]):
                    self.fail(child, "missing key")
                values[field.name] = None
                continue
            values[field.name] = self.build(hints[field.name], value[field.name], child, field.metadata)
        known = {f.name for f in dataclasses.fields(kind)}
        for name in value:
            if name not in known:
                self.fail(key + (name,), f"unknown key; allowed here: {', '.join(sorted(known))}")
        return kind(**values)

    def _list(self, item_kind: Any, value: Any, key: KeyPath, meta: dict) -> list:
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_type_name(value)}")
            return []
        items = meta.get("items")
        if items and not items[0] <= len(value) <= items[1]:
            wanted = str(items[0]) if items[0] == items[1] else f"{items[0]} to {items[1]}"
            self.fail(key, f"expected {wanted} items, got {len(value)}")
        # Each item of a list of text has the field's pattern and length limit.
        item_meta = {**meta, "items": None}
        return [self.build(item_kind, item, key + (index,), item_meta) for index, item in enumerate(value)]

    def _mapping(self, value: Any, key: KeyPath, chars: int) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            got = "an empty mapping" if value == {} else _type_name(value)
            self.fail(key, f"expected a mapping of names to text, got {got}")
            return {}
        return {name: self._text(item, key + (name,), None, chars) for name, item in value.items()}

    def _choice(self, choices: tuple[str, ...], value: Any, key: KeyPath) -> str | None:
        if value not in choices:
            self.fail(key, f"unknown value {_type_name(value)}; available: {', '.join(choices)}")
            return None
        return value

    def _date(self, value: Any, key: KeyPath) -> datetime.date | None:
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            self.fail(key, f"expected a date like 2026-01-31, got {_type_name(value)}")
            return None
        if not FIRST_DATE <= value <= LAST_DATE:
            self.fail(key, f"expected a date from {FIRST_DATE} to {LAST_DATE}, got {value}")
            return None
        return value

    def _text(self, value: Any, key: KeyPath, pattern: Form | None, chars: int) -> str | None:
        if isinstance(value, dict) and len(value) == 1 and isinstance(after := next(iter(value.values())), str):
            # `- Ask me: is it approved?`: a colon and a space made a key of the text before it.
            self.fail(key, f"expected text, got a mapping: {quote(f'{next(iter(value))}: {after}')} reads as a "
                           "key and its value; put the text in quotes")
            return None
        if not isinstance(value, str):
            self.fail(key, f"expected text, got {_type_name(value)}")
            return None
        if not value.strip():
            self.fail(key, "empty text")
            return None
        if pattern and not pattern.regex.fullmatch(value):
            self.fail(key, f"{quote(value)} is not allowed here; expected {pattern.described}")
            return None
        if len(value.strip()) > chars:
            self.fail(key, f"too long: {len(value.strip())} characters, at most {chars} here")
            return None
        return value.strip()


def is_field(kind: Any, key: KeyPath) -> bool:
    """Whether `key` names a place the model `kind` defines (list items and mapping keys included)."""
    for part in key:
        kind = required_kind(kind)
        origin = typing.get_origin(kind)
        if dataclasses.is_dataclass(kind) and isinstance(part, str):
            hints = typing.get_type_hints(kind)
            if part not in hints:
                return False
            kind = hints[part]
        elif origin is list and isinstance(part, int):
            kind = typing.get_args(kind)[0]
        elif origin is dict and isinstance(part, str):
            kind = typing.get_args(kind)[1]
        else:
            return False
    return True


def walk(data: Any, key: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (key path, value) in plain YAML data, the whole tree first; list items count by index."""
    yield key, data
    if isinstance(data, dict):
        for name, value in data.items():
            yield from walk(value, key + (name,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, key + (index,))


def key_paths(data: Any) -> set[KeyPath]:
    """Every key path in plain YAML data."""
    return {key for key, _ in walk(data)}
