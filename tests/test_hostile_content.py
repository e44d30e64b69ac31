"""Hostile or unlucky content files: every case is a one-line content error and exit code 2.

Never a traceback, a hang, a file echoed into the terminal, or minutes of work on a huge file.
"""

import dataclasses
import os
import typing
from pathlib import Path

import pytest

from healthprint.errors import ContentError
from healthprint.schema import Campaign, Texts
from healthprint.campaign import _text_problems, load_campaign
from healthprint.yaml_reader import read_yaml


def _errors(run_cli, content: Path) -> tuple[int, list[str]]:
    code, _, err = run_cli("--content", str(content), "--list")
    return code, err.splitlines()


def _expect(run_cli, content: Path, *lines: str) -> None:
    """The CLI prints exactly `lines` ({c} is the campaign folder), the abort line, and exits with 2."""
    code, err = _errors(run_cli, content)
    expected = [line.format(c=content / "campaign") for line in lines]
    noun = "content error" if len(expected) == 1 else "content errors"
    assert err == expected + [f"Aborted with {len(expected)} {noun}."]
    assert code == 2


# ---- Point 1: what a content file may be -----------------------------------------------------------------


def test_a_link_to_a_file_outside_the_campaign_is_refused_and_not_echoed(scenario, run_cli, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    content = scenario()
    (content / "campaign" / "en.yaml").unlink()
    (content / "campaign" / "en.yaml").symlink_to(secret)
    _expect(run_cli, content, "{c}/en.yaml: is a link to a file outside the campaign folder; "
                              "content files must be inside it")


def test_a_link_to_dev_zero_is_refused_without_reading(scenario, run_cli):
    content = scenario()
    (content / "campaign" / "campaign.yaml").unlink()
    (content / "campaign" / "campaign.yaml").symlink_to("/dev/zero")
    _expect(run_cli, content, "{c}/campaign.yaml: is a link to a file outside the campaign folder; "
                              "content files must be inside it")


def test_a_fifo_is_refused_without_waiting_for_a_writer(scenario, run_cli):
    content = scenario()
    (content / "campaign" / "en.yaml").unlink()
    os.mkfifo(content / "campaign" / "en.yaml")
    _expect(run_cli, content, "{c}/en.yaml: is a FIFO (named pipe), not a regular file")


def test_a_link_that_stays_inside_the_campaign_folder_is_read(scenario, run_cli):
    content = scenario()
    folder = content / "campaign"
    (folder / "texts").mkdir()
    (folder / "en.yaml").rename(folder / "texts" / "english.yaml")
    (folder / "en.yaml").symlink_to(Path("texts") / "english.yaml")
    code, err = _errors(run_cli, content)
    assert (code, err) == (0, [])


def _refused(content: Path, data: bytes) -> list[str]:
    """The error lines for an en.yaml of `data`. How fast the refusal is (well under a second for each
    case below) is measured by the benchmark, not here: the messages show where reading stopped."""
    (content / "campaign" / "en.yaml").write_bytes(data)
    with pytest.raises(ContentError) as caught:
        load_campaign(content / "campaign")
    return str(caught.value).splitlines()


def test_a_file_over_1_mb_is_refused_at_once(scenario):
    """50 MB of `- a` lines once took 6 minutes and 14.6 GB; only the first 250 kB + 1 byte is read now."""
    content = scenario()
    assert _refused(content, b"- a\n" * 12_500_000) == [
        f"{content}/campaign/en.yaml: larger than 250 kB; a content file is a few kB of text",
        "Aborted with 1 content error."]


# ---- Point 4: how much a file may hold -------------------------------------------------------------------


def test_a_list_of_60000_items_is_refused_while_reading(scenario):
    content = scenario()
    assert _refused(content, b"- a\n" * 60_000) == [  # 240 kB: under the size limit
        f"{content}/campaign/en.yaml:5000:3: more than 5000 keys and values; a content file has a few hundred",
        "Aborted with 1 content error."]


def test_deep_nesting_is_refused_while_reading(scenario):
    content = scenario()
    assert _refused(content, b"[" * 200_000) == [
        f"{content}/campaign/en.yaml:1:11: nested more than 10 levels deep", "Aborted with 1 content error."]


# ---- Point 2: how long a text may be ---------------------------------------------------------------------


def test_a_very_long_text_is_refused_before_layout(scenario, run_cli):
    content = scenario({"en.yaml": ('title: "Stem-cell treatment: safety first"', f'title: "{"word " * 40_000}"')})
    _expect(run_cli, content, "{c}/en.yaml:1:1: title: too long: 199999 characters, at most 200 here")


def test_every_text_field_states_its_length_limit():
    """The limit lives in the field's documentation, so schema.py shows it where each field is described."""

    def fields(kind):
        for field in dataclasses.fields(kind):
            hint = typing.get_type_hints(kind)[field.name]
            inner = typing.get_args(hint)[-1] if typing.get_origin(hint) in (list, dict) else hint
            if dataclasses.is_dataclass(inner):
                yield from fields(inner)
            elif inner is str:
                yield field

    for field in [*fields(Campaign), *fields(Texts)]:
        assert field.metadata["chars"], field.name
        assert field.metadata["doc"].endswith(f" At most {field.metadata['chars']} characters."), field.name


def test_messages_quote_at_most_40_characters_of_a_value(scenario, run_cli):
    content = scenario({"campaign.yaml": ('accent: "#C0262D"', f'accent: "red {"x" * 10_000}"')})
    _expect(run_cli, content,
            "{c}/campaign.yaml:8:3: colours.accent: 'red xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' is not allowed here; "
            "expected a colour like #C0262D")


def test_an_unknown_value_is_quoted_short_and_escaped(scenario, run_cli):
    content = scenario({"campaign.yaml": ("  - format: poster", '  - format: "flyer\\n' + "y" * 500 + '"')})
    _expect(run_cli, content, "{c}/campaign.yaml:24:5: outputs[3].format: unknown value "
                              "'flyer\\nyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…'; available: handout, leaflet, poster")


# ---- Point 6: values that crashed the tool ---------------------------------------------------------------


def test_a_date_that_does_not_exist_is_an_error(scenario, run_cli):
    content = scenario({"campaign.yaml": ("published: 2026-11-25", "published: 2026-02-30")})
    _expect(run_cli, content, "{c}/campaign.yaml:4:12: published: '2026-02-30' is not a date that exists")


def test_a_date_that_does_not_exist_is_an_error_as_text_and_as_key(scenario, run_cli):
    content = scenario({"campaign.yaml": ("review_by: 2027-11-25", 'review_by: "2027-02-30"'),
                        "en.yaml": ("disclaimer:", "2026-02-30: x\ndisclaimer:")})
    _expect(run_cli, content,
            "{c}/campaign.yaml:6:1: review_by: expected a date like 2026-01-31, got '2027-02-30'",
            "{c}/en.yaml:54:1: 2026-02-30: unknown key; allowed here: checklist, disclaimer, facts, "
            "incident, key_question, labels, main_message, points, slogans, sources, title, urgent")


def test_dates_far_in_the_future_are_refused_before_adding_years(scenario, run_cli):
    content = scenario({"campaign.yaml": ("published: 2026-11-25\nversion: \"1.0\"\nreview_by: 2027-11-25",
                                          'published: 9999-06-01\nversion: "1.0"\nreview_by: 9999-06-01')})
    _expect(run_cli, content,
            "{c}/campaign.yaml:4:1: published: expected a date from 2000-01-01 to 2999-12-31, got 9999-06-01",
            "{c}/campaign.yaml:6:1: review_by: expected a date from 2000-01-01 to 2999-12-31, got 9999-06-01")


def test_a_number_of_5000_digits_is_refused_unread(scenario, run_cli):
    content = scenario({"campaign.yaml": ('version: "1.0"', "version: " + "7" * 5000)})
    _expect(run_cli, content, "{c}/campaign.yaml:5:10: version: a number longer than 30 characters; "
                              "put it in quotes to make it text")


def test_an_id_longer_than_64_characters_is_refused(scenario, run_cli):
    content = scenario({"campaign.yaml": ("id: stem-cell-safety", "id: " + "a" * 250)})
    _expect(run_cli, content, "{c}/campaign.yaml:2:1: id: too long: 250 characters, at most 64 here")


# ---- Point 9: messages that named no line, or the wrong thing --------------------------------------------


def test_a_nul_byte_is_reported_at_its_line_and_column(scenario, run_cli):
    content = scenario({"en.yaml": ('title: "Stem-cell', 'title: "Stem\x00-cell')})
    _expect(run_cli, content, "{c}/en.yaml:1:13: character U+0000 is not allowed in a YAML file; delete it")


def test_a_complex_key_is_reported_at_its_own_line(scenario, run_cli):
    content = scenario({"en.yaml": ("disclaimer:", "? [a, b]\n: x\ndisclaimer:")})
    _expect(run_cli, content, "{c}/en.yaml:54:3: keys must be plain words of at most 64 characters")


def test_a_long_key_is_not_echoed(scenario, run_cli):
    content = scenario({"en.yaml": ("  heading: \"What happened\"", f"  {'k' * 100}: x\n  heading: \"What happened\"")})
    _expect(run_cli, content, "{c}/en.yaml:4:3: incident: keys must be plain words of at most 64 characters")


def test_yaml_tags_are_refused(scenario, run_cli):
    content = scenario({"en.yaml": ('title: "Stem-cell treatment: safety first"', "title: !!binary aGVsbG8=")})
    _expect(run_cli, content, "{c}/en.yaml:1:8: YAML tag '!!binary' is not allowed; "
                              "write plain text, lists and mappings")


def test_a_long_name_in_a_yaml_syntax_error_is_cut_short(scenario, run_cli):
    content = scenario({"en.yaml": ('title: "Stem-cell treatment: safety first"', "title: *" + "a" * 5000)})
    _expect(run_cli, content, "{c}/en.yaml:1:8: YAML syntax error: found undefined alias "
                              "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'")


def test_an_emoji_written_as_a_surrogate_pair_is_named(scenario, run_cli):
    content = scenario({"en.yaml": ('"Go for health. Don’t bet on miracles."', '"Go for health \\ud83d\\ude00"')})
    _expect(run_cli, content, "{c}/en.yaml:42:5: slogans[2]: '\\ud83d\\ude00' is an escaped surrogate pair; "
                              "write the character '😀' itself, or \\U0001F600")


def test_half_a_surrogate_pair_is_a_broken_escape(scenario, run_cli):
    content = scenario({"en.yaml": ('"Go for health. Don’t bet on miracles."', '"Go for health \\ud83d"')})
    _expect(run_cli, content, "{c}/en.yaml:42:5: slogans[2]: '\\ud83d' is a broken escape (half of a surrogate pair)")


def test_korean_in_the_english_file_is_an_error(scenario, run_cli):
    content = scenario({"en.yaml": ('"Go for health. Don’t bet on miracles."', '"Go for health. 건강이 먼저"')})
    _expect(run_cli, content, "{c}/en.yaml:42:5: slogans[2]: Chinese, Japanese or Korean text '건' in the en file; "
                              "Han, kana and Hangul belong in the file of their language")


def test_a_korean_file_is_checked_like_the_other_cjk_files(tmp_path):
    """A sentence of only Latin words in the Korean file was left untranslated, a Chinese full stop beside
    Hangul is a slip (Korean ends a sentence with `.`); Han alone (hanja) and a short Latin term pass."""
    (tmp_path / "ko.yaml").write_text('a: "건강이 먼저입니다。"\nb: "Go for health, not for miracles."\n'
                                      'c: "安全第一"\nd: "DMSO 2025"\ne: "건강이 먼저입니다."\n', encoding="utf-8")
    source, problems = read_yaml(tmp_path / "ko.yaml", tmp_path)
    assert problems == []
    assert [(problem.key, problem.message) for problem in _text_problems(source, "ko")] == [
        ("a", "full-width '。' next to CJK text; use '.'"),
        ("b", "'Go for health, not for miracles.' has no Chinese, Japanese or Korean character in the ko file; "
              "translate it")]


def test_an_english_sentence_in_the_chinese_file_is_an_error(scenario, run_cli):
    content = scenario({"zh-Hans.yaml": ('"追求健康，不赌奇迹。"', '"Go for health. Don’t bet on miracles."')})
    _expect(run_cli, content, "{c}/zh-Hans.yaml:42:5: slogans[2]: 'Go for health. Don’t bet on miracles.' "
                              "has no Chinese, Japanese or Korean character in the zh-Hans file; translate it")


def test_short_latin_numbers_and_urls_are_fine_in_the_chinese_file(scenario, run_cli):
    short = '"DMSO 2026 https://www.mhlw.go.jp/stf/seisakunitsuite/index.html"'
    content = scenario({"zh-Hans.yaml": ('"追求健康，不赌奇迹。"', short)})
    code, err = _errors(run_cli, content)
    assert (code, err) == (0, [])


def test_a_yaml_file_of_no_listed_language_is_reported(scenario, run_cli):
    content = scenario()
    (content / "campaign" / "xx-Fake.yaml").write_text("title: x\n", encoding="utf-8")
    _expect(run_cli, content, "{c}/xx-Fake.yaml: not used: only campaign.yaml, en.yaml, zh-Hans.yaml are read "
                              "here; list its language code under `languages` in campaign.yaml, or move it out "
                              "of this folder")
