"""The reference page of every content field (docs/fields.md), made from the schema and the templates.

What a field means and its limits come from the field's documentation in schema.py; which formats
print it comes from rendering each format with a campaign and reading the `data-key` of every text
(the key the fit check names), so the page cannot drift from the templates. Write it with
`python -m healthprint.fields CAMPAIGN_FOLDER > docs/fields.md`; a test checks it is current.
"""

import dataclasses
import re
import sys
import typing
from pathlib import Path
from typing import Any, Iterator

from .campaign import CampaignContent, load_campaign
from .formats import FORMATS
from .render import render_html
from .schema import Campaign, Texts, optional, required_kind

EXAMPLE_CHARS = 60  # of an example value, enough to show the kind of text


def _fields(kind: Any, path: str = "") -> Iterator[tuple[str, dataclasses.Field, Any]]:
    """(dotted path, field, type) for every field of a model, nested models after their parent; list
    items are `[n]`, mapping values `.<id>`."""
    for field in dataclasses.fields(kind):
        name = f"{path}.{field.name}" if path else field.name
        hint = typing.get_type_hints(kind)[field.name]
        yield name, field, hint
        inner, suffix = required_kind(hint), ""
        if typing.get_origin(hint) is list:
            inner, suffix = typing.get_args(hint)[0], "[n]"
        if dataclasses.is_dataclass(inner):
            yield from _fields(inner, name + suffix)


def _type(hint: Any) -> str:
    hint = required_kind(hint)
    origin = typing.get_origin(hint)
    if origin is list:
        return f"list of {_type(typing.get_args(hint)[0])}"
    if origin is dict:
        return f"mapping of id → {_type(typing.get_args(hint)[1])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(map(str, typing.get_args(hint)))
    if dataclasses.is_dataclass(hint):
        return "group"
    return {"str": "text", "date": "date (YYYY-MM-DD)"}.get(getattr(hint, "__name__", ""), str(hint))


def _limits(field: dataclasses.Field, hint: Any) -> str:
    items = field.metadata.get("items")
    parts = ["optional"] if optional(hint) else []
    if items:
        parts.append(f"{items[0]}–{items[1]} items" if items[0] != items[1] else f"exactly {items[0]} items")
    if field.metadata.get("pattern"):
        parts.append(field.metadata["pattern"].described)
    if field.metadata.get("chars"):
        parts.append(f"≤ {field.metadata['chars']} characters")
    return "; ".join(parts)


def _printed_by(content: CampaignContent) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each field path (list positions as `[n]`), the formats whose templates print it: as a text
    of its own (the `data-key`), and as a text or a part of a group's text."""
    own: dict[str, set[str]] = {}
    printed: dict[str, set[str]] = {}
    langs = tuple(content.campaign.languages)
    for format_name, record in FORMATS.items():
        size = next(iter(record.sizes.values()))
        html = render_html(content.campaign, content.texts, format_name, size, langs)
        for key in re.findall(r'data-key="[^":]+:([^"]+)"', html):
            path = re.sub(r"\[\d+\]", "[n]", key)
            own.setdefault(path, set()).add(format_name)
            for prefix in _prefixes(path):
                printed.setdefault(prefix, set()).add(format_name)
    return own, printed


def _prefixes(path: str) -> Iterator[str]:
    """`points.items[n].text`, `points.items[n]`, `points.items`, `points`: a group is printed where any
    of its fields is."""
    yield path
    while re.search(r"(\.[^.\[]+|\[n\])$", path):
        path = re.sub(r"(\.[^.\[]+|\[n\])$", "", path)
        if path:
            yield path


def _example(data: Any, path: str) -> str:
    value = data
    for part in re.findall(r"[^.\[\]]+|\[n\]", path):
        if part == "[n]":
            value = value[0] if isinstance(value, list) and value else None
        elif dataclasses.is_dataclass(value):
            value = getattr(value, part, None)
        else:
            value = None
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]  # a list of texts: its first
    elif isinstance(value, dict) and value:
        value = "{}: {}".format(*next(iter(value.items())))  # a mapping: its first entry
    if value is None or dataclasses.is_dataclass(value) or isinstance(value, (list, dict)):
        return ""
    text = str(value)
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def reference(content: CampaignContent) -> str:
    """docs/fields.md for the campaign model, with examples from `content`."""
    own, printed = _printed_by(content)
    sample = content.texts[content.campaign.languages[-1]]  # the last language: English examples in the stem-cell campaign
    lines = ["# Content fields", "",
             "Every field a campaign folder may hold: what it is, its limits, an example (from the",
             f"`{content.campaign.id}` campaign) and which formats print it. Made from `healthprint/schema.py`",
             "and the templates by `python -m healthprint.fields content/stem-cell-safety > docs/fields.md`;",
             "a test checks it is current.", ""]
    for title, model, data, by_format in (
            ("`campaign.yaml`: what every language shares", Campaign, content.campaign, False),
            ("`<language>.yaml`: one file per language, the same keys in each", Texts, sample, True)):
        lines += [f"## {title}", "", "| field | what it is | type | limits | example | printed by |",
                  "|---|---|---|---|---|---|"]
        for path, field, hint in _fields(model):
            # A field inside a group printed as one text (the labels of the dates line) is printed there.
            group = next((own[prefix] for prefix in _prefixes(path) if prefix in own), set())
            formats = ", ".join(sorted(printed.get(path, set()) | group)) if by_format \
                else "(all: build settings and shared facts)"
            example = _example(data, path).replace("|", "\\|")
            lines.append(f"| `{path}` | {field.metadata['text']} | {_type(hint)} | {_limits(field, hint)} | "
                         f"{example} | {formats or '—'} |")
        lines.append("")
    return "\n".join(lines + _formats_table())


def _formats_table() -> list[str]:
    """What each format needs and holds (the format records and size rows), as a table."""
    lines = ["## What each format needs and holds", "",
             "A campaign whose content a format in its `outputs` can't hold is refused with a message naming the "
             "format, never printed with a part left out.", "",
             "| format | sizes | needs | holds | slogans printed | languages per order |", "|---|---|---|---|---|---|"]
    for name, record in FORMATS.items():
        needs = "; ".join(f"`{section}` ({why})" for section, why in record.needs.items())
        holds = "; ".join(f"`{key}`: {h.described} ({h.why})" for key, h in record.holds.items())
        slogans = ", ".join(f"{size.name} {size.slogans}" for size in record.sizes.values())
        languages = ", ".join(sorted({f"{size.languages}" for size in record.sizes.values()}))
        lines.append(f"| {name} | {', '.join(record)} | {needs or '—'} | {holds or '—'} | {slogans} | "
                     f"1–{languages} |")
    return lines + [""]


if __name__ == "__main__":
    sys.stdout.write(reference(load_campaign(Path(sys.argv[1]))))
