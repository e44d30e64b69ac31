"""Step 2 of the pipeline: the typed models templates see, and the validation that builds them.

Every field carries a docstring in its metadata (`doc`); `campaign.py`'s validation walks the dataclass fields, so the
models are the single description of what a content file may contain.
"""

import dataclasses
import datetime
import re
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


# Dates a campaign may carry; later rules add years to them, which must not overflow.
FIRST_DATE, LAST_DATE = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)
# Longest text per field, in characters: far above what fits on the page (the fit check says how much
# to cut), low enough that a pasted file or a runaway string is refused before layout, not after minutes.
LINE = 200  # titles, headings, labels, names, single sentences
PARAGRAPH = 2000  # a few sentences


def doc(text: str, items: tuple[int, int] | None = None, pattern: Form | None = None,
        chars: int | None = None) -> Any:
    """A required field with its documentation and, for text, its longest length in characters (`chars`);
    optionally an allowed list length or a pattern for its text. The limit is part of the documentation."""
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


@dataclass(frozen=True)
class Campaign:
    """What every language of a campaign shares."""

    id: str = doc("Short name used in output file names: lower-case letters, digits, hyphens.", pattern=SLUG, chars=64)
    languages: list[str] = doc("The two languages, each with its file `<code>.yaml` beside this one.", items=(2, 2),
                               chars=16)
    published: datetime.date = doc("Publication date (YYYY-MM-DD); also the PDFs' creation date.")
    version: str = doc("Version of this text, e.g. \"1.0\".", chars=20)
    review_by: datetime.date = doc("Date by which the text is reviewed again (at most 3 years on).")
    colours: Colours = doc("Colours.")
    emergency: list[EmergencyNumber] = doc("Emergency numbers, in the order they are printed.", items=(1, 4))
    reference: str = doc("The scientific reference, as cited (language-neutral).", chars=PARAGRAPH)
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
    """A core point drawn as `left ≠ right`, with an explanation."""

    left: str = doc("Term before the ≠ sign.", chars=LINE)
    right: str = doc("Term after the ≠ sign.", chars=LINE)
    text: str = doc("One to three plain sentences.", chars=PARAGRAPH)


@dataclass(frozen=True)
class Points:
    heading: str = doc("Heading over the three points.", chars=LINE)
    items: list[Point] = doc("Exactly three points; on the leaflet point N shares a panel with cause N.", items=(3, 3))


@dataclass(frozen=True)
class Cause:
    title: str = doc("Short name of the possible cause.", chars=LINE)
    text: str = doc("One or two sentences.", chars=PARAGRAPH)


@dataclass(frozen=True)
class Causes:
    heading: str = doc("Heading over the possible causes.", chars=LINE)
    items: list[Cause] = doc("The three suspected causes, in the order of the icons: allergy, clot, drip.", items=(3, 3))


@dataclass(frozen=True)
class Checklist:
    heading: str = doc("Heading, e.g. 'Before any cell treatment, ask'.", chars=LINE)
    items: list[str] = doc("More questions to ask, 3 to 7, after `key_question`; the leaflet prints question N "
                           "beside point N.", items=(3, 7), chars=LINE)


@dataclass(frozen=True)
class Urgent:
    heading: str = doc("Heading of the urgent-help box.", chars=LINE)
    text: str = doc("When to call for help.", chars=PARAGRAPH)
    regions: dict[str, str] = doc("Name of each region in campaign.yaml `emergency`, by region id.", chars=LINE)


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
    """Everything one language says; every language file has exactly these keys."""

    title: str = doc("Headline for cover and poster.", chars=LINE)
    main_message: str = doc("The one main message, one sentence.", chars=LINE)
    incident: Incident = doc("What happened.")
    points: Points = doc("The three core points.")
    causes: Causes = doc("The three suspected causes.")
    key_question: str = doc("The one question that decides, with what the answer means ('If not, don't go "
                            "ahead'): large on the poster, first in every checklist.", chars=LINE)
    checklist: Checklist = doc("Questions to ask before any cell treatment.")
    slogans: list[str] = doc("Warning slogans, 4 to 6: the first leads (handout, leaflet cover); the leaflet "
                                 "prints the next three inside.", items=(4, 6), chars=LINE)
    urgent: Urgent = doc("When and whom to call.")
    sources: Sources = doc("Reference and credit.")
    disclaimer: str = doc("Not medical advice; see a doctor.", chars=PARAGRAPH)
    labels: Labels = doc("The issuer, in the footer.")


# ---- Validation -----------------------------------------------------------------------------------------


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
                if child not in self.skip_missing:
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
