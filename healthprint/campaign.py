"""Step 2 of the pipeline: turn a campaign folder into typed models, or collect every problem in it."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import ContentError, Problem, quote
from .yaml_reader import KeyPath, YamlFile, read_yaml
from .fonts import FONTS, cmap
from .formats import FORMATS, Size
from .languages import LANGUAGES
from .resources import NO_OVERRIDES, Overrides, icon_names, read_overrides
from .schema import Campaign, OutputSpec, Texts, Validator, is_field, key_paths, walk
from .text import CJK_CHARACTER, punctuation_slips, untranslated

CAMPAIGN_FILE = "campaign.yaml"
TEMPLATES_FOLDER = "templates"  # a campaign's own templates and stylesheets, replacing packaged ones
REVIEW_YEARS = 3


@dataclass(frozen=True)
class CampaignContent:
    """A validated campaign: shared data, the texts of each language, and the files they came from."""

    folder: Path
    campaign: Campaign
    texts: dict[str, Texts]
    # The parsed files by name without `.yaml` (`campaign`, `en`, …): where each key stands, so a text
    # that does not fit the page can be traced back to its line, and the digest of what was read.
    sources: dict[str, YamlFile]
    templates: Overrides = NO_OVERRIDES  # from the campaign's templates folder


def default_orders(languages: list[str]) -> list[tuple[str, ...]]:
    """Each language leading once, the others after it in the listed order: `[zh, en]` gives zh+en and
    en+zh; one language gives itself."""
    return [tuple(languages[start:] + languages[:start]) for start in range(len(languages))]


def output_orders(campaign: Campaign, output: OutputSpec) -> list[tuple[str, ...]]:
    """The language orders one output is built in: its own `orders`, the campaign's, or the default."""
    listed = output.orders or campaign.orders
    return [tuple(order.split("+")) for order in listed] if listed else default_orders(campaign.languages)


def output_sizes(campaign: Campaign) -> Iterator[tuple[int, OutputSpec, Size]]:
    """(index in `outputs`, output, size row) for every size the campaign builds (in a campaign.yaml with
    problems, the known ones)."""
    for index, output in enumerate(campaign.outputs or []):
        if output is not None and output.format is not None:
            for name in output.sizes or []:
                if name in FORMATS[output.format]:
                    yield index, output, FORMATS[output.format][name]


def _strings(data: Any) -> Iterator[tuple[KeyPath, str]]:
    return ((key, value) for key, value in walk(data) if isinstance(value, str))


def _campaign_problems(source: YamlFile, campaign: Campaign) -> list[Problem]:
    """Rules that span several fields of campaign.yaml."""
    problems = []
    for index, code in enumerate(campaign.languages or []):
        if code is not None and code not in LANGUAGES:
            problems.append(source.problem(("languages", index), f"unknown language code {quote(code)}; "
                                           f"available: {', '.join(sorted(LANGUAGES))}"))
    if campaign.languages and len(set(campaign.languages)) != len(campaign.languages):
        problems.append(source.problem(("languages",), "the same language is listed twice"))
    for index, output in enumerate(campaign.outputs or []):
        if output is None or output.format is None:
            continue
        for size_index, size in enumerate(output.sizes or []):
            if size is not None and size not in FORMATS[output.format]:
                problems.append(source.problem(("outputs", index, "sizes", size_index),
                                               f"unknown size {quote(size)} for {output.format}; "
                                               f"available: {', '.join(FORMATS[output.format])}"))
    problems += _orders_problems(source, campaign)
    regions = [call.region for call in campaign.emergency or [] if call is not None]
    if len(set(regions)) != len(regions):
        problems.append(source.problem(("emergency",), "the same region is listed twice"))
    if campaign.published and campaign.review_by:
        try:
            latest = campaign.published.replace(year=campaign.published.year + REVIEW_YEARS)
        except ValueError:  # 29 February plus three years is 28 February
            latest = campaign.published.replace(year=campaign.published.year + REVIEW_YEARS, day=28)
        if not campaign.published < campaign.review_by <= latest:
            problems.append(source.problem(("review_by",), f"must be after the publication date and at most "
                                           f"{REVIEW_YEARS} years after it (by {latest})"))
    return problems


def _orders_problems(source: YamlFile, campaign: Campaign) -> list[Problem]:
    """Orders name listed languages, each once; no format gets more languages than it holds."""
    problems = []
    listed = [(("orders",), campaign.orders)] + [(("outputs", index, "orders"), output.orders)
                                                for index, output in enumerate(campaign.outputs or [])
                                                if output is not None]
    for key, orders in listed:
        for index, order in enumerate(orders or []):
            if order is None:
                continue
            codes = order.split("+")
            unknown = [code for code in codes if code not in (campaign.languages or [])]
            if unknown:
                problems.append(source.problem(key + (index,), f"{quote(unknown[0])} is not one of the campaign's "
                                               f"`languages` ({', '.join(campaign.languages or [])})"))
            elif len(set(codes)) != len(codes):
                problems.append(source.problem(key + (index,), "a language is listed twice in this order"))
        if orders and len(set(orders)) != len(orders):
            problems.append(source.problem(key, "the same order is listed twice"))
    if problems or not campaign.languages or None in campaign.languages or None in (campaign.outputs or [None]):
        return problems
    for index, output, size in output_sizes(campaign):
        for order in output_orders(campaign, output):
            if len(order) > size.languages:
                key = ("outputs", index, "orders") if output.orders else ("orders",) if campaign.orders \
                    else ("languages",)
                problems.append(source.problem(key, f"{output.format}-{size.name} holds at most {size.languages} "
                                               f"languages, not {'+'.join(order)}: give outputs[{index + 1}] its own "
                                               f"`orders` of {size.languages} languages"))
                break
    return problems


def _cross_language_problems(files: dict[str, YamlFile]) -> tuple[list[Problem], dict[str, set[KeyPath]]]:
    """Keys present in one language file and missing in another, naming both files.

    Only places the schema defines count: an unknown key or a value of the wrong type is reported once,
    by the validator, not again as a difference between the languages.
    """
    problems, missing = [], {}
    paths = {lang: key_paths(f.data) for lang, f in files.items()}
    for lang, source in files.items():
        missing[lang] = set()
        for other_lang, other in files.items():
            if other_lang == lang:
                continue
            for key in sorted(paths[lang] & paths[other_lang], key=str):
                mine, theirs = _value_at(source.data, key), _value_at(other.data, key)
                # Lists are paired item by item across languages: unequal lengths would drop text.
                if (isinstance(mine, list) and isinstance(theirs, list) and len(mine) != len(theirs)
                        and lang == next(iter(files))):
                    problems.append(source.problem(key, f"{len(mine)} items here but {len(theirs)} in "
                                                        f"{other.path}:{other.positions[key][0]}"))
            for key in sorted(paths[other_lang] - paths[lang], key=str):
                # Report the top of a missing branch only, and only inside a mapping both files have.
                if (key[:-1] in paths[lang] and key not in missing[lang] and is_field(Texts, key)
                        and isinstance(key[-1], str) and isinstance(_value_at(source.data, key[:-1]), dict)):
                    missing[lang].add(key)
                    line = other.positions.get(key, (None, None))[0]
                    problems.append(source.problem(key, f"missing here but present in {other.path}:{line}"))
    return problems, missing


def _value_at(data: Any, key: KeyPath) -> Any:
    for part in key:
        data = data[part]
    return data


def region_name(texts: Texts, lang: str, region: str) -> str | None:
    """What `lang` calls an emergency region: the campaign's own name for it, or the languages table's."""
    own = (texts.urgent.regions or {}) if texts.urgent else {}
    return own.get(region) or LANGUAGES[lang].region_name(region)


def _region_problems(campaign: Campaign, source: YamlFile, texts: Texts, lang: str) -> list[Problem]:
    if campaign.emergency is None or texts.urgent is None:
        return []
    wanted = {number.region for number in campaign.emergency if number is not None}
    problems = [source.problem(("urgent", "regions"), f"missing the name of region {quote(region)} (listed under "
                               f"emergency in {CAMPAIGN_FILE}); the languages table names only "
                               f"{', '.join(LANGUAGES[lang].regions)}")
                for region in sorted(wanted) if region_name(texts, lang, region) is None]
    problems += [source.problem(("urgent", "regions", region), f"region {quote(region)} has no emergency number "
                                f"in {CAMPAIGN_FILE}") for region in sorted(set(texts.urgent.regions or {}) - wanted)]
    return problems


def _text_problems(source: YamlFile, lang: str | None) -> list[Problem]:
    """Per-character checks of every text in a file, before any layout.

    Every character must have a glyph in each weight of the font (any text may end up bold): a
    missing glyph would otherwise be drawn from some system font, or as a box. Han, kana and Hangul
    must be in the file of a CJK language (Chinese, Japanese, Korean), or they would be set with the
    wrong `lang`; punctuation the language does not use beside them is a typing slip, and a sentence
    of only Latin words in a CJK language's file was most likely left untranslated.
    """
    problems = []
    language = LANGUAGES.get(lang or "")  # None for campaign.yaml, which is in no language
    for key, value in _strings(source.data):
        for character in (c for c in dict.fromkeys(value) if c not in " \n\t"):  # each once, in order
            for font in FONTS:
                if ord(character) not in cmap(font.path):
                    problems.append(source.problem(key, f"U+{ord(character):04X} {quote(character)} has no glyph "
                                                        f"in {font.path.stem}", column=False))
                    break
        if language and language.cjk:
            problems += [source.problem(key, slip) for slip in punctuation_slips(value, lang)]
            if untranslated(value):
                problems.append(source.problem(key, f"{quote(value)} has no Chinese, Japanese or Korean character "
                                                    f"in the {lang} file; translate it"))
        elif language and (found := CJK_CHARACTER.search(value)):
            problems.append(source.problem(key, f"Chinese, Japanese or Korean text {quote(found.group())} in the "
                                                f"{lang} file; Han, kana and Hangul belong in the file of their "
                                                "language"))
    return problems


def _list_at(texts: Texts, key: str) -> list:
    """The list at a dotted key (`points.items`); an absent section holds none."""
    value: Any = texts
    for part in key.split("."):
        value = getattr(value, part, None)
    return value or []


def _layout_problems(campaign: Campaign, meta: YamlFile, source: YamlFile, texts: Texts) -> list[Problem]:
    """What the outputs' layouts can't hold: a section a format needs and the content leaves out, more
    (or fewer) list items than a format has places for, more slogans than any output prints. Checked in
    one language's file (all have the same lists): an error, never a silent drop."""
    problems, seen = [], set()
    for index, output, size in output_sizes(campaign):
        record = FORMATS[output.format]
        for section, why in record.needs.items():
            if getattr(texts, section) is None and (output.format, section) not in seen:
                seen.add((output.format, section))
                problems.append(meta.problem(("outputs", index, "format"), f"{output.format} needs `{section}` ({why}), "
                                             f"which {Path(source.path).name} leaves out: add it, or remove "
                                             f"{output.format} from `outputs`"))
        for key, holds in record.holds.items():
            count = len(_list_at(texts, key))
            if not holds.least <= count <= holds.most and (output.format, key) not in seen:
                seen.add((output.format, key))
                problems.append(source.problem(tuple(key.split(".")), f"{count} items, but {output.format} holds "
                                               f"{holds.described} ({holds.why}): change the list, or remove "
                                               f"{output.format} from `outputs` in {CAMPAIGN_FILE}"))
    printed = {f"{output.format}-{size.name}": size.slogans for _, output, size in output_sizes(campaign)}
    slogans = len(texts.slogans or [])
    if printed and slogans > max(printed.values()):
        most = max(printed.values())
        by_output = ", ".join(f"{name} {count}" for name, count in printed.items())
        problems.append(source.problem(("slogans",), f"{slogans} slogans, but the outputs print at most {most} "
                                       f"({by_output}): remove {slogans - most}, or add an output that prints "
                                       f"more to `outputs` in {CAMPAIGN_FILE}"))
    return problems


def _shape_problems(source: YamlFile, texts: Texts) -> list[Problem]:
    """A point is an inequality (`left` ≠ `right`) or a `statement`: one of the two, whole. The key
    question stands under the checklist's heading."""
    problems = []
    if texts.key_question is not None and texts.checklist is None:
        problems.append(source.problem(("key_question",), "is printed under the checklist's heading: add "
                                                          "`checklist`, or leave key_question out"))
    for index, point in enumerate(texts.points.items if texts.points else []):
        if point is None:
            continue
        key = ("points", "items", index)
        if point.statement is not None and (point.left is not None or point.right is not None):
            problems.append(source.problem(key, "give either `statement` or `left` and `right`, not both"))
        elif point.statement is None and (point.left is None) != (point.right is None):
            problems.append(source.problem(key, "`left` and `right` go together (left ≠ right)"))
        elif point.statement is None and point.left is None:
            problems.append(source.problem(key, "missing `statement` (a plain point) or `left` and `right` "
                                                "(left ≠ right)"))
    return problems


def _icon_problems(source: YamlFile, keys: list[tuple[KeyPath, str | None]]) -> list[Problem]:
    names = icon_names()
    return [source.problem(key, f"unknown icon {quote(name)}; available: {', '.join(names)}")
            for key, name in keys if name is not None and name not in names]


def _fact_icons(texts: Texts) -> list[tuple[KeyPath, str | None]]:
    return [(("facts", "items", index, "icon"), fact.icon)
            for index, fact in enumerate(texts.facts.items if texts.facts else []) if fact is not None]


def _same_icons(files: dict[str, YamlFile], texts: dict[str, Texts]) -> list[Problem]:
    """An icon belongs to the fact, not the language: every language file names the same one."""
    problems = []
    (first, first_texts), *others = texts.items()
    for lang, other in others:
        theirs = dict(_fact_icons(other))
        for key, name in _fact_icons(first_texts):
            if key in theirs and theirs[key] != name and name is not None and theirs[key] is not None:
                problems.append(files[first].problem(key, f"icon {quote(name)} here but {quote(theirs[key])} in "
                                                          f"{files[lang].path}:{files[lang].positions[key][0]}"))
    return problems


def _unused_files(folder: Path, languages: list[str]) -> list[Problem]:
    """YAML files beside campaign.yaml that no listed language reads: a forgotten or misnamed translation."""
    used = {CAMPAIGN_FILE} | {f"{code}.yaml" for code in languages}
    return [Problem(str(path), None, None, "", f"not used: only {', '.join(sorted(used))} are read here; "
                    f"list its language code under `languages` in {CAMPAIGN_FILE}, or move it out of this folder")
            for path in sorted(folder.glob("*.yaml")) if path.name not in used]


def load_campaign(folder: Path) -> CampaignContent:
    """Read and validate `folder`; raise ContentError listing every problem found."""
    meta, problems = read_yaml(folder / CAMPAIGN_FILE, folder)
    if problems:
        raise ContentError(problems)
    validator = Validator(meta)
    campaign: Campaign = validator.build(Campaign, meta.data)
    problems += validator.problems
    if campaign is None:
        raise ContentError(problems)
    problems += _campaign_problems(meta, campaign) + _text_problems(meta, None)
    problems += _icon_problems(meta, [(("pictogram",), campaign.pictogram)])

    languages = [code for code in campaign.languages or [] if code in LANGUAGES]
    # Only against a valid list: a misspelt or missing code is already reported once.
    if campaign.languages and len(languages) == len(campaign.languages):
        problems += _unused_files(folder, languages)
    files: dict[str, YamlFile] = {}
    for code in languages:
        source, read_problems = read_yaml(folder / f"{code}.yaml", folder)
        problems += read_problems
        if not read_problems:
            files[code] = source
    cross_problems, missing = _cross_language_problems(files)
    problems += cross_problems

    texts = {}
    for code, source in files.items():
        validator = Validator(source, skip_missing=missing[code])
        texts[code] = validator.build(Texts, source.data)
        problems += validator.problems
        if texts[code] is not None:
            problems += _region_problems(campaign, source, texts[code], code)
            problems += _shape_problems(source, texts[code]) + _icon_problems(source, _fact_icons(texts[code]))
        problems += _text_problems(source, code)
    valid = {code: model for code, model in texts.items() if model is not None}
    if valid and len(valid) == len(languages) and not problems:
        first = next(iter(valid))
        problems += _same_icons(files, valid) + _layout_problems(campaign, meta, files[first], valid[first])
    templates = NO_OVERRIDES
    if os.path.lexists(folder / TEMPLATES_FOLDER):
        templates, template_problems = read_overrides(folder / TEMPLATES_FOLDER, inside=folder)
        problems += template_problems
    if problems:
        raise ContentError(problems)
    return CampaignContent(folder, campaign, texts, {Path(CAMPAIGN_FILE).stem: meta, **files}, templates)
