"""docs/fields.md, the reference page of every content field, is what the schema and the templates say now."""

from pathlib import Path

from healthprint.fields import reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "fields.md"


def test_the_field_reference_is_current(campaign):
    assert DOC.read_text(encoding="utf-8") == reference(campaign), (
        "docs/fields.md is out of date: python -m healthprint.fields content/stem-cell-safety > docs/fields.md")


def test_the_reference_says_which_formats_print_each_text(campaign):
    """Read from the rendered templates: the incident's long text only on handouts, its one-sentence
    summary only on posters, the key question everywhere."""
    rows = {line.split("|")[1].strip(" `"): line.rstrip("| ").rsplit("|", 1)[-1].strip()
            for line in reference(campaign).splitlines() if line.startswith("| `")}
    assert rows["incident.text"] == "handout"
    assert rows["incident.summary"] == "poster"
    assert rows["key_question"] == "handout, leaflet, poster"
