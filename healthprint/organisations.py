"""The organisations a campaign is printed for (`--orgs FILE`): clinics and NGOs, each with its name,
phones, address, website, opening hours and logo, read from a spreadsheet's CSV export or a YAML list.

A CSV as spreadsheets write it: UTF-8 with or without a byte-order mark, commas, quoted fields, a
header row. Columns: `id`, `name`, `phone`, `address`, `website`, `hours`, `logo`; a text column may
also come per language (`name:zh-Hans`, `address:en`), which wins over the plain one for that
language. `phone` holds one or more numbers separated by `;`, each optionally labelled
(`Appointments: 010 8888 1234; Pharmacy: 010 8888 1299`). A YAML file is a list of mappings with the
same keys, a per-language text as a mapping (`name: {zh-Hans: …, en: …}`). Every problem is collected
and named `FILE:ROW:COLUMN` (CSV; the header is row 1) or `FILE:LINE:COL: [N].key` (YAML) before
anything is built.
"""

import csv
import dataclasses
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem, quote
from .fonts import FONTS, cmap
from .languages import LANGUAGES
from .logos import OUTSIDE, Logo, read_logo
from .schema import LINE, PHONE, SLUG, WEB_ADDRESS
from .text import CJK_CHARACTER
from .yaml_reader import YamlFile, read_text, read_yaml

ORGANISATION_KEY = "org"  # the `data-key` prefix of an organisation's texts: `org:name.en`
FIELDS = ("id", "name", "phone", "address", "website", "hours", "logo")
PER_LANGUAGE = ("name", "address", "hours", "phone")  # may come as `name:zh-Hans`
MAX_ORGANISATIONS = 5000
MAX_CSV_BYTES = 2_500_000  # 5000 rows of 500 bytes; Python's csv module reads it in a fraction of a second


@dataclass(frozen=True)
class Phone:
    number: str
    label: str = ""  # in the language it was given for; "" → the languages table's word for a phone


@dataclass(frozen=True)
class Organisation:
    """One organisation, its texts by language ("" for the value given for every language)."""

    id: str
    name: dict[str, str]
    phones: dict[str, tuple[Phone, ...]] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    website: str | None = None
    hours: dict[str, str] = field(default_factory=dict)
    logo: Logo | None = None
    where: str = ""  # `clinics.csv:14`: named in messages about this organisation
    digest: str = ""  # of its values and its logo's bytes: part of each of its PDFs' fingerprint
    file: str = ""
    row: int = 0  # CSV: the spreadsheet row; YAML: the line of the item
    columns: tuple[str, ...] = ()  # the columns it gave (`name:en`)

    def text(self, values: dict[str, Any], lang: str) -> Any:
        """The value of a per-language field in `lang`: its own, else the one given for all."""
        return values.get(lang, values.get(""))

    def problem(self, key: tuple, message: str) -> Problem:
        """A problem with the text at `key` (`("name", "en")`, from a `data-key`): `clinics.csv:14:name:en: …`."""
        column = f"{key[0]}:{key[1]}" if len(key) > 1 and f"{key[0]}:{key[1]}" in self.columns else str(key[0])
        return Problem(self.file, self.row, column, "", message)


def read_organisations(path: Path) -> list[Organisation]:
    """Every organisation in `path` (CSV or YAML, by its suffix), or a ContentError with every problem."""
    folder = path.parent
    if path.suffix.lower() == ".csv":
        rows, problems = _csv_rows(path, folder)
    elif path.suffix.lower() in (".yaml", ".yml"):
        rows, problems = _yaml_rows(path, folder)
    else:
        raise ContentError([Problem(str(path), None, None, "", "give a .csv or .yaml file of organisations")])
    organisations, seen = [], {}
    for row in rows:
        organisation = _organisation(row, folder, problems)
        if organisation is None:
            continue
        if organisation.id in seen:
            problems.append(row.problem("id", f"{quote(organisation.id)} is also the id of {seen[organisation.id]}"))
            continue
        seen[organisation.id] = organisation.where
        organisations.append(organisation)
    if problems:
        raise ContentError(problems)
    if not organisations:
        raise ContentError([Problem(str(path), None, None, "", "no organisations in this file")])
    return organisations


@dataclass
class _Row:
    """One organisation's raw values by column (`name`, `name:en`), and how to name a place in it."""

    path: Path
    number: int  # CSV: the spreadsheet row (header = 1); YAML: the item's position in the list, from 1
    values: dict[str, str]
    source: YamlFile | None = None  # YAML: where each key stands
    index: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.number}" if self.source is None else f"{self.path} item {self.number}"

    def problem(self, column: str, message: str) -> Problem:
        if self.source is None:
            return Problem(str(self.path), self.number, column, "", message)
        base, _, lang = column.partition(":")
        key = (self.index, base, lang) if lang else (self.index, base)
        return self.source.problem(key, message)


def _csv_rows(path: Path, folder: Path) -> tuple[list[_Row], list[Problem]]:
    text, problems = read_text(path, folder, OUTSIDE, MAX_CSV_BYTES,
                               f"a file of {MAX_ORGANISATIONS} organisations is about 1000 kB")
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        records = list(reader)
    except csv.Error as error:
        return [], [Problem(str(path), reader.line_num, None, "", f"not a CSV file a spreadsheet writes ({error})")]
    for at, name in enumerate(header, 1):
        message = _column_problem(name, header[:at - 1])
        if message:
            problems.append(Problem(str(path), 1, name or f"column {at}", "", message))
    if "id" not in header or "name" not in {name.partition(":")[0] for name in header}:
        problems.append(Problem(str(path), 1, None, "", "the header row needs the columns id and name "
                                                        f"(known columns: {', '.join(FIELDS)})"))
    if len(records) > MAX_ORGANISATIONS:
        problems.append(Problem(str(path), None, None, "", f"more than {MAX_ORGANISATIONS} organisations"))
        return [], problems
    rows = []
    for number, record in enumerate(records, 2):
        if not any(cell.strip() for cell in record):
            continue  # a blank row, as spreadsheets leave at the end
        if len(record) > len(header):
            problems.append(Problem(str(path), number, None, "", f"{len(record)} cells but {len(header)} columns "
                                                                 "in the header row"))
            continue
        rows.append(_Row(path, number, {name: cell.strip() for name, cell in zip(header, record) if cell.strip()}))
    return rows, problems


def _column_problem(name: str, before: list[str]) -> str:
    base, colon, lang = name.partition(":")
    if name in before:
        return "this column appears twice"
    if base not in FIELDS:
        return f"unknown column; known columns: {', '.join(FIELDS)} (per language: name:zh-Hans, address:en …)"
    if colon and (base not in PER_LANGUAGE or lang not in LANGUAGES):
        if base not in PER_LANGUAGE:
            return f"{base} is the same in every language; per language: {', '.join(PER_LANGUAGE)}"
        return f"unknown language code {quote(lang)}; available: {', '.join(sorted(LANGUAGES))}"
    return ""


def _yaml_rows(path: Path, folder: Path) -> tuple[list[_Row], list[Problem]]:
    source, problems = read_yaml(path, folder)
    if problems:
        return [], problems
    if not isinstance(source.data, list):
        return [], [source.problem((), "expected a list of organisations (each item: id, name, phone, …)")]
    rows = []
    for index, item in enumerate(source.data):
        row = _Row(path, index + 1, {}, source, index)
        if not isinstance(item, dict):
            problems.append(source.problem((index,), "expected a mapping with id, name, phone, …"))
            continue
        for key, value in item.items():
            message = _column_problem(str(key), [])
            if message:
                problems.append(source.problem((index, key), message))
            elif isinstance(value, dict) and key in PER_LANGUAGE:
                for lang, text in value.items():
                    if lang not in LANGUAGES:
                        problems.append(source.problem((index, key, lang), f"unknown language code {quote(lang)}"))
                    elif isinstance(text, str) and text.strip():
                        row.values[f"{key}:{lang}"] = text.strip()
                    else:
                        problems.append(source.problem((index, key, lang), "expected text"))
            elif isinstance(value, str):
                row.values[key] = value.strip()
            else:
                problems.append(source.problem((index, key), "expected text (put numbers in quotes)"))
        rows.append(row)
    return rows, problems


def _by_language(row: _Row, name: str, problems: list[Problem]) -> dict[str, str]:
    values = {}
    for column, value in row.values.items():
        base, _, lang = column.partition(":")
        if base == name:
            if len(value) > LINE:
                problems.append(row.problem(column, f"too long: {len(value)} characters, at most {LINE}"))
            values[lang] = value
    return values


def _phones(row: _Row, problems: list[Problem]) -> dict[str, tuple[Phone, ...]]:
    """`Appointments: 010 8888 1234; 010 8888 1299` per language; the numbers the same in every one."""
    phones: dict[str, tuple[Phone, ...]] = {}
    for lang, value in _by_language(row, "phone", problems).items():
        column = f"phone:{lang}" if lang else "phone"
        items = []
        for part in filter(None, (part.strip() for part in value.split(";"))):
            label, _, number = part.rpartition(":")
            if not PHONE.regex.fullmatch(number.strip()):
                problems.append(row.problem(column, f"{quote(number.strip())} is not a phone number; expected "
                                                    f"{PHONE.described}, labelled like 'Appointments: 010 8888 1234'"))
                continue
            items.append(Phone(number.strip(), label.strip()))
        phones[lang] = tuple(items)
    numbers = {lang: [phone.number for phone in items] for lang, items in phones.items()}
    if len({tuple(found) for found in numbers.values()}) > 1:
        first, *others = numbers
        for lang in others:
            if numbers[lang] != numbers[first]:
                problems.append(row.problem(f"phone:{lang}" if lang else "phone",
                                            "not the same numbers as in the other phone column"))
    return phones


def _organisation(row: _Row, folder: Path, problems: list[Problem]) -> Organisation | None:
    before = len(problems)
    identifier = row.values.get("id", "")
    if not SLUG.regex.fullmatch(identifier):
        problems.append(row.problem("id", f"{quote(identifier)} is not an id; expected {SLUG.described}"
                                    if identifier else "missing: every organisation needs an id (its folder name)"))
    name = _by_language(row, "name", problems)
    if not name:
        problems.append(row.problem("name", "missing: every organisation needs a name"))
    phones = _phones(row, problems)
    address = _by_language(row, "address", problems)
    website = row.values.get("website")
    if website and not WEB_ADDRESS.regex.fullmatch(website):
        problems.append(row.problem("website", f"{quote(website)} is not {WEB_ADDRESS.described}"))
    hours = _by_language(row, "hours", problems)
    logo = None
    if row.values.get("logo"):
        logo, logo_problems = read_logo(folder / row.values["logo"], folder)
        problems += [row.problem("logo", problem.message if problem.file == str(folder / row.values["logo"])
                                 and problem.line is None else str(problem)) for problem in logo_problems]
    organisation = Organisation(
        id=identifier, name=name, phones=phones, address=address, website=website, hours=hours, logo=logo,
        where=row.where, file=str(row.path),
        row=row.number if row.source is None else row.source.positions.get((row.index,), (0, 0))[0],
        columns=tuple(row.values))
    if len(problems) > before:
        return None
    digest = hashlib.sha256(repr(sorted(row.values.items())).encode())
    if logo is not None:
        digest.update(logo.data)
    return dataclasses.replace(organisation, digest=digest.hexdigest())


def language_problems(organisations: list[Organisation], languages: set[str]) -> list[Problem]:
    """Texts the campaigns' languages can't print as given: Chinese, Japanese or Korean text where a
    language written in another script takes it (give `name:en` too), a character the fonts lack."""
    problems = []
    for organisation in organisations:
        labels = {lang: " ".join(phone.label for phone in phones) for lang, phones in organisation.phones.items()}
        for name, values in (("name", organisation.name), ("address", organisation.address),
                             ("hours", organisation.hours), ("phone", labels)):
            for lang in sorted(languages):
                text = organisation.text(values, lang)
                if text is None:
                    continue
                given = lang if lang in values else ""
                column = f"{name}:{given}" if given else name
                if CJK_CHARACTER.search(text) and not LANGUAGES[lang].cjk:
                    advice = f"write it in {LANGUAGES[lang].names['en']}" if given else f"give {name}:{lang} too"
                    problems.append(organisation.problem((column,), f"Chinese, Japanese or Korean text for {lang}; "
                                                                    f"{advice}"))
                missing = next((c for c in text if c not in " " and ord(c) not in cmap(FONTS[0].path)), None)
                if missing:
                    problems.append(organisation.problem((column,), f"U+{ord(missing):04X} {quote(missing)} has no "
                                                                    "glyph in the fonts"))
    return list(dict.fromkeys(problems))  # a value given for all languages: reported once


def batch_characters(organisations: list[Organisation]) -> str:
    """Every character the organisations' texts hold, sorted: what a batch's font subsets must cover."""
    texts = [organisation.website or "" for organisation in organisations]
    for organisation in organisations:
        for values in (organisation.name, organisation.address, organisation.hours):
            texts += values.values()
        texts += [phone.label + phone.number for phones in organisation.phones.values() for phone in phones]
    return "".join(sorted(set("".join(texts))))
