"""Each kind of bad content gives its exact one-line message and exit code 2, never a traceback.

Every scenario starts from the frozen valid campaign in tests/scenarios/valid/ and breaks one thing.
"""

from pathlib import Path

import pytest

from healthprint.formats import FORMATS
from healthprint.resources import icon_names

VALID = Path(__file__).parent / "scenarios" / "valid"


def _cut(file_name: str, start: str, end: str) -> tuple[str, str]:
    """A scenario edit that removes the lines of `file_name` from `start` up to `end`."""
    text = (VALID / file_name).read_text(encoding="utf-8")
    return text[text.index(start):text.index(end)], ""


CASES = {
    "yaml-syntax-error": (  # a mistake with no hint: PyYAML's words
        {"campaign.yaml": ("languages: [zh-Hans, en]", "languages: [zh-Hans, en")},
        ["{c}/campaign.yaml:4:1: YAML syntax error: expected ',' or ']', but got '<scalar>'"]),
    "unquoted-text-starting-with-at": (
        {"en.yaml": ('    - "Can I ask my own doctor first?"', "    - @doctor: can I ask you first?")},
        ['{c}/en.yaml:39:7: YAML syntax error: a text that starts with \'@\' must be in quotes: '
         '- "@doctor: can I ask you first?"']),
    # YAML syntax errors people make when they type text: each says what to do, not only PyYAML's words.
    "unquoted-colon-in-a-text": (
        {"en.yaml": ('title: "Stem-cell treatment: safety first"', "title: Stem-cell treatment: safety first")},
        ['{c}/en.yaml:1:27: YAML syntax error: a colon and a space inside a text; put the text in quotes: '
         'title: "Stem-cell treatment: safety first"']),
    "unquoted-colon-in-a-list-item": (
        {"en.yaml": ('    - "What was approved: the lab, or the effect?"',
                     "    - What was approved: the lab, or: the effect?")},
        ['{c}/en.yaml:38:37: YAML syntax error: a colon and a space inside a text; put the text in quotes: '
         '- "What was approved: the lab, or: the e…"']),
    "unquoted-colon-makes-a-key": (
        {"en.yaml": ('    - "What was approved: the lab, or the effect?"', "    - What was approved: the lab?")},
        ["{c}/en.yaml:38:7: checklist.items[4]: expected text, got a mapping: 'What was approved: the lab?' reads "
         "as a key and its value; put the text in quotes"]),
    "unquoted-hash-in-a-text": (
        {"en.yaml": ('    - "Can I ask my own doctor first?"', "    - #1: can I ask my own doctor first?")},
        ["{c}/en.yaml:39:6: checklist.items[5]: the text after '#' is read as a comment, which leaves nothing "
         "here; put the text in quotes: \"#1: can I ask my own doctor first?\""]),
    "tab-indent": (
        {"en.yaml": ('  heading: "What happened"', '\theading: "What happened"')},
        ["{c}/en.yaml:4:1: YAML syntax error: a tab character; use spaces, not tabs, to indent"]),
    "key-indented-too-far": (
        {"en.yaml": ('      right: "zero risk"', '        right: "zero risk"')},
        ["{c}/en.yaml:11:9: YAML syntax error: line 11 is not indented like line 10: '    - left: \"Your own stem "
         "cells\"' above '        right: \"zero risk\"'; keys of one mapping start in the same column, the items "
         "of one list too"]),
    "key-indented-too-little": (
        {"en.yaml": ('      right: "zero risk"', '     right: "zero risk"')},
        ["{c}/en.yaml:11:6: YAML syntax error: line 11 is not indented like line 10: '    - left: \"Your own stem "
         "cells\"' above '     right: \"zero risk\"'; keys of one mapping start in the same column, the items "
         "of one list too"]),
    "quote-not-closed": (
        {"en.yaml": ('title: "Stem-cell treatment: safety first"', 'title: "Stem-cell treatment: safety first')},
        ["{c}/en.yaml:1:8: YAML syntax error: the quote opened here is closed only on line 2; add the closing "
         "quote on this line"]),
    "quotes-inside-quotes": (
        {"en.yaml": ('    - "Can I ask my own doctor first?"', '    - "Can I ask my own "doctor" first?"')},
        ["{c}/en.yaml:39:26: YAML syntax error: text after the closing quote; put the whole text in the quotes, and "
         "use “ ” for quotes inside it"]),
    "missing-key-in-one-language": (
        {"en.yaml": ('  heading: "What happened"\n', "")},
        ["{c}/en.yaml:3:1: incident.heading: missing here but present in {c}/zh-Hans.yaml:4"]),
    "key-only-in-other-language": (
        {"zh-Hans.yaml": ('  reference_label: "参考文献"\n', "")},
        ["{c}/zh-Hans.yaml:51:1: sources.reference_label: missing here but present in {c}/en.yaml:52"]),
    "missing-key-in-campaign": (
        {"campaign.yaml": ('version: "1.0"\n', "")},
        ["{c}/campaign.yaml:2:1: version: missing key"]),
    "wrong-type": (
        {"zh-Hans.yaml": ('  heading: "三个常识"', '  heading: ["三个常识"]')},
        ["{c}/zh-Hans.yaml:8:3: points.heading: expected text, got a list"]),
    "number-instead-of-text": (
        {"campaign.yaml": ('version: "1.0"', "version: 1.10")},
        ["{c}/campaign.yaml:5:1: version: expected text, got a number (1.1; put it in quotes to make it text)"]),
    "unknown-key": (
        {"en.yaml": ("disclaimer:", 'disclamer: "x"\ndisclaimer:')},
        ["{c}/en.yaml:54:1: disclamer: unknown key; allowed here: checklist, disclaimer, facts, "
         "incident, key_question, labels, main_message, points, slogans, sources, title, urgent"]),
    "empty-text": (
        {"en.yaml": ('main_message: "Before any cell treatment, ask for proof and safety. Don’t bet on a “miracle.”"',
                     'main_message: "  "')},
        ["{c}/en.yaml:2:1: main_message: empty text"]),
    "unknown-language-code": (
        {"campaign.yaml": ("languages: [zh-Hans, en]", "languages: [zh-Hans, fr]")},
        ["{c}/campaign.yaml:3:22: languages[2]: unknown language code 'fr'; available: en, ja, ko, zh-Hans, zh-Hant"]),
    "unknown-format": (
        {"campaign.yaml": ("  - format: poster", "  - format: flyer")},
        ["{c}/campaign.yaml:24:5: outputs[3].format: unknown value 'flyer'; available: handout, leaflet, poster"]),
    "unknown-size": (  # the sizes on offer are the size table's: a new poster size joins the list
        {"campaign.yaml": ("    sizes: [a2, a3]", "    sizes: [a2, zz]")},
        ["{c}/campaign.yaml:25:17: outputs[3].sizes[2]: unknown size 'zz' for poster; available: "
         + ", ".join(FORMATS["poster"])]),
    "ascii-punctuation-in-chinese": (
        {"zh-Hans.yaml": ('"追求健康，不赌奇迹。"', '"追求健康,不赌奇迹。"')},
        ["{c}/zh-Hans.yaml:42:5: slogans[2]: ASCII ',' next to CJK text; use '，'"]),
    "yaml-alias": (
        {"en.yaml": ('title: "Stem-cell treatment: safety first"',
                     'title: &t "Stem-cell treatment: safety first"\nx: *t')},
        ["{c}/en.yaml:2:1: x: anchors and aliases (&, *) are not allowed"]),
    "review-too-late": (
        {"campaign.yaml": ("review_by: 2027-11-25", "review_by: 2030-11-25")},
        ["{c}/campaign.yaml:6:1: review_by: must be after the publication date and at most 3 years after it "
         "(by 2029-11-25)"]),
    "list-lengths-differ-between-languages": (
        {"en.yaml": ('    - "Can I ask my own doctor first?"\n', '    - "Can I ask my own doctor first?"\n    - "And a seventh?"\n')},
        ["{c}/zh-Hans.yaml:34:3: checklist.items: 5 items here but 6 in {c}/en.yaml:34"]),
    # Every slogan is printed somewhere: more than any output prints is an error, not a silent drop.
    "more-slogans-than-any-output-prints": (
        {"en.yaml": ('  - "Go for health. Don’t bet on miracles."\n', '  - "Go for health. Don’t bet on miracles."\n  - "Five."\n'),
         "zh-Hans.yaml": ('  - "追求健康，不赌奇迹。"\n', '  - "追求健康，不赌奇迹。"\n  - "第五条。"\n')},
        ["{c}/zh-Hans.yaml:40:1: slogans: 5 slogans, but the outputs print at most 4 (handout-a4 1, handout-a5 1, "
         "leaflet-a4 4, poster-a2 0, poster-a3 0): remove 1, or add an output that prints more to `outputs` in "
         "campaign.yaml"]),
    # A list longer than a format has places for names the format and how to leave it out.
    "four-points-for-the-tri-fold-and-poster": (
        {"en.yaml": ('facts:', '    - statement: "Four"\n      text: "Four."\nfacts:'),
         "zh-Hans.yaml": ('facts:', '    - statement: "第四"\n      text: "第四。"\nfacts:')},
        ["{c}/zh-Hans.yaml:9:3: points.items: 4 items, but leaflet holds exactly 3 (one per inside panel): change "
         "the list, or remove leaflet from `outputs` in campaign.yaml",
         "{c}/zh-Hans.yaml:9:3: points.items: 4 items, but poster holds 1 to 3 (one line each, read from a "
         "distance): change the list, or remove poster from `outputs` in campaign.yaml"]),
    "tri-fold-without-checklist": (
        {"en.yaml": _cut("en.yaml", "key_question:", "slogans:"),
         "zh-Hans.yaml": _cut("zh-Hans.yaml", "key_question:", "slogans:")},
        ["{c}/campaign.yaml:22:5: outputs[2].format: leaflet needs `checklist` (it fills the fold-in flap), which "
         "zh-Hans.yaml leaves out: add it, or remove leaflet from `outputs`"]),
    "key-question-without-checklist": (
        {"en.yaml": _cut("en.yaml", "checklist:", "slogans:"), "zh-Hans.yaml": _cut("zh-Hans.yaml", "checklist:", "slogans:")},
        ["{c}/zh-Hans.yaml:31:1: key_question: is printed under the checklist's heading: add `checklist`, or "
         "leave key_question out",
         "{c}/en.yaml:31:1: key_question: is printed under the checklist's heading: add `checklist`, or "
         "leave key_question out"]),
    "point-with-a-statement-and-terms": (
        {"en.yaml": ('      right: "zero risk"\n', '      right: "zero risk"\n      statement: "Own cells are not risk-free"\n')},
        ["{c}/zh-Hans.yaml:10:7: points.items[1].statement: missing here but present in {c}/en.yaml:12",
         "{c}/en.yaml:10:7: points.items[1]: give either `statement` or `left` and `right`, not both"]),
    "point-with-half-an-inequality": (
        {"en.yaml": ('      right: "zero risk"\n', ''), "zh-Hans.yaml": ('      right: "零风险"\n', '')},
        ["{c}/zh-Hans.yaml:10:7: points.items[1]: `left` and `right` go together (left ≠ right)",
         "{c}/en.yaml:10:7: points.items[1]: `left` and `right` go together (left ≠ right)"]),
    "unknown-icon": (
        {"en.yaml": ("icon: clot", "icon: blood-clot"), "zh-Hans.yaml": ("icon: clot", "icon: blood-clot")},
        ["{c}/zh-Hans.yaml:27:7: facts.items[2].icon: unknown icon 'blood-clot'; available: " + ", ".join(icon_names()),
         "{c}/en.yaml:27:7: facts.items[2].icon: unknown icon 'blood-clot'; available: " + ", ".join(icon_names())]),
    "icons-differ-between-languages": (
        {"en.yaml": ("icon: clot", "icon: drip")},
        ["{c}/zh-Hans.yaml:27:7: facts.items[2].icon: icon 'clot' here but 'drip' in {c}/en.yaml:27"]),
    "order-with-a-language-not-listed": (
        {"campaign.yaml": ("published:", "orders: [zh-Hans+en, zh-Hans+ja]\npublished:")},
        ["{c}/campaign.yaml:4:22: orders[2]: 'ja' is not one of the campaign's `languages` (zh-Hans, en)"]),
    "missing-list-in-campaign": (
        {"campaign.yaml": ("languages: [zh-Hans, en]        # built in both orders: zh-Hans+en and en+zh-Hans\n", "")},
        ["{c}/campaign.yaml:2:1: languages: missing key"]),
    "language-file-is-a-folder": (
        {},
        ["{c}/en.yaml: is a folder, not a regular file"]),
    "bad-colour": (
        {"campaign.yaml": ('accent: "#C0262D"', 'accent: "red; background: url(x)"')},
        ["{c}/campaign.yaml:8:3: colours.accent: 'red; background: url(x)' is not allowed here; "
         "expected a colour like #C0262D"]),
    "bad-phone-number": (
        {"campaign.yaml": ('number: "119"', 'number: "119 or 110"')},
        ["{c}/campaign.yaml:15:5: emergency[1].number: '119 or 110' is not allowed here; expected a phone number: "
         "digits, with a leading + and spaces, hyphens or brackets, like 119 or +852 2835 1234"]),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_content_gives_exact_message_and_exit_2(name, scenario, run_cli, tmp_path):
    """One scenario per kind of mistake; the message names file, line, column and key."""
    edits, expected = CASES[name]
    content = scenario(edits)
    if name == "language-file-is-a-folder":
        (content / "campaign" / "en.yaml").unlink()
        (content / "campaign" / "en.yaml").mkdir()
    code, out, err = run_cli("--content", str(content), "--out", str(tmp_path / "out"))
    lines = [line.format(c=content / "campaign") for line in expected]
    noun = "content error" if len(lines) == 1 else "content errors"
    assert err.splitlines() == lines + [f"Aborted with {len(lines)} {noun}."]
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_several_errors_are_all_reported_at_once(scenario, run_cli, tmp_path):
    """Errors in different files are collected, then the build aborts once."""
    content = scenario({"en.yaml": ('main_message: "Before any cell treatment, ask for proof and safety. '
                                    'Don’t bet on a “miracle.”"', 'main_message: ""'),
                        "zh-Hans.yaml": ('  heading: "三个常识"', "  heading: 3")})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.splitlines()[-1] == "Aborted with 2 content errors."


def test_leap_day_publication_is_reviewed_by_28_february(scenario, run_cli):
    """A 29 February publication date does not crash the three-year rule."""
    content = scenario({"campaign.yaml": ("published: 2026-11-25", "published: 2024-02-29")})
    code, _, err = run_cli("--content", str(content), "--list")
    assert (code, err.splitlines()[0]) == (
        2, f"{content}/campaign/campaign.yaml:6:1: review_by: must be after the publication date and at most "
           "3 years after it (by 2027-02-28)")
