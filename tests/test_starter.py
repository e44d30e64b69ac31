"""`build.py new ID`: a starter campaign in any one to three languages that builds as it is, written whole
or not at all, never over an existing folder; and `--content` given a campaign's own folder."""

import datetime
import errno
import re
import shlex
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from healthprint.campaign import load_campaign
from healthprint.fields import _fields
from healthprint.languages import LANGUAGES
from healthprint.pipeline import build_pdf, plan
from healthprint.schema import Campaign, Texts
from healthprint.starter import PLACEHOLDERS, starter_files
from healthprint.text import tidy

KNOWN = "available: en, ja, ko, zh-Hans, zh-Hant"


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and modification time: what "nothing changed" compares."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)))


@pytest.mark.parametrize("languages", ["zh-Hans", "zh-Hant", "ja", "ko", "en", "zh-Hans,en", "zh-Hant,en",
                                       "ja,en", "ko,en", "zh-Hant,ko,en"])
def test_a_new_campaign_builds_as_it_is_in_every_language_set(languages, run_cli, tmp_path):
    """The starter passes every content check and its A4 handout is built in every order, with no
    warning, each language's own placeholder title printed (three languages load only because the
    tri-fold and poster, which hold two, are given orders of two)."""
    content = tmp_path / "content"
    code, out, err = run_cli("new", "flu-vaccine", "--languages", languages, "--content", str(content))
    codes = languages.split(",")
    assert (code, err) == (0, "")
    folder = content / "flu-vaccine"
    assert sorted(path.name for path in folder.iterdir()) == sorted(["campaign.yaml"] + [f"{c}.yaml" for c in codes])
    campaign = load_campaign(folder)
    assert campaign.campaign.languages == codes
    titles = {lang: tidy(campaign.texts[lang].title, lang) for lang in codes}
    assert len(set(titles.values())) == len(codes)  # each language has its own text, not a copy of another's
    jobs = plan([campaign], formats={"handout"}, sizes={"a4"})
    assert len(jobs) == len(codes)
    for job in jobs:
        built = build_pdf(job, tmp_path / "cache")
        assert built.warnings == [], job.label
        text = _text(built.pdf)
        for lang in codes:
            assert re.sub(r"\s+", "", titles[lang]) in text, (job.label, lang)


def test_new_says_what_it_made_and_the_command_it_gives_builds_every_output(run_cli, tmp_path):
    """`new` lists its files and the next command; that command (also the first line of campaign.yaml)
    builds every default output, screen and print with marks, with no warning (--strict)."""
    content = tmp_path / "our campaigns"
    code, out, err = run_cli("new", "flu-vaccine", "--content", str(content))
    folder = content / "flu-vaccine"
    command = f"python build.py --content '{content}' --campaign flu-vaccine"
    assert (code, err) == (0, "")
    assert out == (f"Created {folder}/ (zh-Hans, en):\n"
                   f"  {folder}/campaign.yaml\n"
                   f"  {folder}/zh-Hans.yaml\n"
                   f"  {folder}/en.yaml\n"
                   "Next: replace the texts in each file (the comments say what each is), then build and look at "
                   "the PDFs:\n"
                   f"  {command}\n")
    assert (folder / "campaign.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        f"# Build it and look at it: {command}   (the PDFs go to out/; open them to preview)")
    arguments = shlex.split(command)[2:]
    target = tmp_path / "out"
    expected = plan([load_campaign(folder)])
    assert len(expected) == 6
    for variant in ([], ["--print", "--marks"]):
        code, out, err = run_cli(*arguments, *variant, "--strict", "--out", str(target))
        assert (code, err) == (0, ""), err
        assert out.splitlines()[-1].startswith("Built 6 PDFs in ")
    assert sorted(path.name for path in target.glob("*.pdf")) == sorted(
        name for job in expected for name in (job.filename, job.filename.replace(".pdf", "_print.pdf")))


def test_new_never_replaces_a_folder_or_file(run_cli, tmp_path):
    """A second `new` of the same id, or a file of its name: one line naming it, exit 2, nothing changed."""
    content = tmp_path / "content"
    assert run_cli("new", "flu-vaccine", "--content", str(content))[0] == 0
    (content / "flu-vaccine" / "en.yaml").write_text("title: mine\n", encoding="utf-8")
    (content / "notes").write_text("a file\n", encoding="utf-8")
    before = _files(content)
    for name in ("flu-vaccine", "notes"):
        code, out, err = run_cli("new", name, "--languages", "ko", "--content", str(content))
        assert (code, out, err) == (2, "", f"{content / name}: already exists; choose another id, or move it "
                                           "away first\n")
    assert _files(content) == before
    assert sorted(path.name for path in content.iterdir()) == ["flu-vaccine", "notes"]


def test_a_failed_write_leaves_no_half_campaign(run_cli, tmp_path, monkeypatch):
    """The disk fills while the second file is written: one line, exit 2, and no folder, whole or half."""
    content = tmp_path / "content"
    content.mkdir()
    written = []
    real = Path.write_text

    def fill_up(path, *args, **kwargs):
        written.append(path.name)
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fill_up)
    code, out, err = run_cli("new", "flu-vaccine", "--content", str(content))
    assert (code, out, err) == (2, "", f"{content / 'flu-vaccine'}: no space left on the disk; free some space "
                                       "and build again\n")
    assert list(content.iterdir()) == []


@pytest.mark.parametrize("languages, message", [
    ("fr,en", f"--languages: unknown language code 'fr'; {KNOWN}"),
    ("zh-CN", f"--languages: unknown language code 'zh-CN'; {KNOWN}"),
    ("en,en", "--languages en,en: the same language is listed twice"),
    ("zh-Hans,zh-Hant,ja,en", "--languages zh-Hans,zh-Hant,ja,en: at most 3 languages, not 4"),
])
def test_unknown_or_too_many_languages_are_refused(languages, message, run_cli, tmp_path):
    code, out, err = run_cli("new", "flu-vaccine", "--languages", languages, "--content", str(tmp_path / "content"))
    assert (code, out, err) == (2, "", message + "\n")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("campaign_id, shown", [
    ("Flu-Vaccine", "'Flu-Vaccine'"),
    ("flu--vaccine", "'flu--vaccine'"),
    ("../flu", "'../flu'"),
    ("a" * 65, f"'{'a' * 37}…'"),
])
def test_an_id_that_is_not_a_campaign_id_is_refused(campaign_id, shown, run_cli, tmp_path):
    code, out, err = run_cli("new", campaign_id, "--content", str(tmp_path / "content"))
    assert (code, out, err) == (2, "", f"{shown} is not a campaign id: use lower-case letters, digits and single "
                                       "hyphens, like stem-cell-safety, at most 64 characters\n")
    assert not (tmp_path / "content").exists()


def test_new_inside_a_campaign_folder_is_refused(run_cli, tmp_path):
    content = tmp_path / "content"
    assert run_cli("new", "flu-vaccine", "--content", str(content))[0] == 0
    code, out, err = run_cli("new", "other", "--content", str(content / "flu-vaccine"))
    assert (code, out, err) == (2, "", f"--content {content / 'flu-vaccine'}: is a campaign's folder; give the "
                                       "folder that holds campaigns\n")


def test_the_starter_shows_every_field_of_the_schema(tmp_path):
    """Each field of campaign.yaml and of a language file stands in the starter as a key, the optional
    ones left out commented out: the comments beside them are the starter's documentation."""
    files = starter_files("flu-vaccine", ["ja", "en"], "python build.py --campaign flu-vaccine",
                          datetime.date(2026, 11, 26))
    for model, name in ((Campaign, "campaign.yaml"), (Texts, "ja.yaml")):
        for path, field, _ in _fields(model):
            assert re.search(rf"^[ #-]*{field.name}:", files[name], re.M), (name, path)


def test_every_language_has_every_placeholder():
    """The placeholder table has a row per language of the languages table, each with the same texts."""
    assert set(PLACEHOLDERS) == set(LANGUAGES)
    assert all(texts.keys() == PLACEHOLDERS["en"].keys() for texts in PLACEHOLDERS.values())


def test_content_may_be_one_campaigns_folder(run_cli, tmp_path):
    """`--content path/to/campaign` builds that campaign; `--campaign` then names it or nothing; a folder with
    no campaign says what --content takes."""
    content = tmp_path / "content"
    assert run_cli("new", "flu-vaccine", "--content", str(content))[0] == 0
    folder = content / "flu-vaccine"
    code, out, err = run_cli("--content", str(folder), "--format", "poster", "--order", "en+zh-Hans",
                             "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert [path.name for path in (tmp_path / "out").glob("*.pdf")] == ["flu-vaccine_poster-a3_en+zh-Hans.pdf"]
    code, out, _ = run_cli("--content", str(folder), "--campaign", "flu-vaccine", "--list")
    assert (code, len(out.splitlines())) == (0, 6)
    code, out, err = run_cli("--content", str(folder), "--campaign", "other", "--list")
    assert (code, out, err) == (2, "", "--campaign 'other' is unknown; available: flu-vaccine\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run_cli("--content", str(empty), "--list")
    assert (code, out, err) == (2, "", f"{empty}: no campaign here: give --content a campaign's folder (with its "
                                       "campaign.yaml) or a folder of them\n")
