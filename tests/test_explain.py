"""`--explain CODE`: one paragraph on what a kind of error means and how to fix it; the codes are the
rows of README's checks table."""

import re
from pathlib import Path

from healthprint.explain import KINDS

README = Path(__file__).resolve().parent.parent / "README.md"


def test_explain_prints_the_kind_an_example_and_what_to_do(run_cli):
    """A known code, in any case: its name and an example line, then one paragraph; exit 0."""
    for asked in ("E-CONTRAST", "e-contrast"):
        code, out, err = run_cli("--explain", asked)
        assert (code, err) == (0, "")
        lines = out.splitlines()
        assert lines[:2] == ["E-CONTRAST: contrast, e.g. campaign.yaml:8:3: colours.accent: '#F5A623': white text "
                             "on it has contrast 2.0:1, …", ""]
        assert len(lines) > 3 and all(len(line) <= 100 for line in lines[2:])
        assert "a darker (or lighter) colour of the same hue that passes" in " ".join(lines[2:])


def test_explain_without_a_code_lists_the_codes(run_cli):
    code, out, err = run_cli("--explain")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == ["E-YAML       YAML syntax", "E-CONTENT    content", "E-GLYPH      glyphs"]
    assert [line.split()[0] for line in out.splitlines()] == list(KINDS)


def test_an_unknown_code_is_a_usage_error_listing_the_codes(run_cli):
    code, out, err = run_cli("--explain", "E-NOPE")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[:2] == ["--explain 'E-NOPE' is unknown; the codes are:", "E-YAML       YAML syntax"]
    assert len(lines) == len(KINDS) + 1


def test_readme_checks_table_gives_every_code():
    """Each row of the checks table names its code, and every code is a row."""
    table = README.read_text(encoding="utf-8").split("## What the checks catch", 1)[1].split("\n\n")[2]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert {re.sub(r"^\| ", "", row[0]): row[1].strip("`") for row in rows} == {
        kind.name: code for code, kind in KINDS.items()}
