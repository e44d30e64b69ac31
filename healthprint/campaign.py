"""Step 2 of the pipeline: turn a campaign folder into typed models, or collect every problem in it."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import ContentError, Problem, quote
from .yaml_reader import KeyPath, YamlFile, read_yaml
from .fonts import FONTS, cmap
from .formats import FORMATS
from .languages import LANGUAGES
from .resources import NO_OVERRIDES, Overrides, read_overrides
from .schema import Campaign, Texts, Validator, is_field, key_paths, walk
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


def _region_problems(campaign: Campaign, source: YamlFile, texts: Texts) -> list[Problem]:
    if campaign.emergency is None or texts.urgent is None or texts.urgent.regions is None:
        return []
    wanted = {number.region for number in campaign.emergency if number is not None}
    have = set(texts.urgent.regions)
    problems = [source.problem(("urgent", "regions"), f"missing the name of region {quote(region)} "
                               f"(listed under emergency in {CAMPAIGN_FILE})") for region in sorted(wanted - have)]
    problems += [source.problem(("urgent", "regions", region), f"region {quote(region)} has no emergency number "
                                f"in {CAMPAIGN_FILE}") for region in sorted(have - wanted)]
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
            problems += _region_problems(campaign, source, texts[code])
        problems += _text_problems(source, code)
    templates = NO_OVERRIDES
    if os.path.lexists(folder / TEMPLATES_FOLDER):
        templates, template_problems = read_overrides(folder / TEMPLATES_FOLDER, inside=folder)
        problems += template_problems
    if problems:
        raise ContentError(problems)
    return CampaignContent(folder, campaign, texts, {Path(CAMPAIGN_FILE).stem: meta, **files}, templates)
