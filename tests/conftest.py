"""Shared fixtures: the real campaign built once per test session, and a way to run the CLI."""

import logging
import os
import shutil
from pathlib import Path

import pytest

from healthprint.cli import main
from healthprint.pipeline import build_pdf, plan
from healthprint.render import render_html
from healthprint.campaign import load_campaign

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "content" / "stem-cell-safety"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@pytest.fixture(scope="session")
def campaign():
    return load_campaign(CAMPAIGN)


@pytest.fixture(scope="session")
def built(campaign, tmp_path_factory):
    """Every default output of the campaign: {job label: (job, pdf bytes)}."""
    cache = tmp_path_factory.mktemp("font-cache")
    return {job.label: (job, build_pdf(job, cache).pdf) for job in plan([campaign])}


@pytest.fixture(scope="session")
def screen_files(built, tmp_path_factory):
    """The screen PDFs as files, for the command-line tools: {label: path}."""
    folder = tmp_path_factory.mktemp("screen")
    files = {}
    for label, (job, pdf) in built.items():
        files[label] = folder / job.filename
        files[label].write_bytes(pdf)
    return files


@pytest.fixture(scope="session")
def rendered(campaign):
    """The HTML of every default output, as WeasyPrint gets it: {job label: (job, html)}."""
    return {job.label: (job, render_html(campaign.campaign, campaign.texts, job.format, job.size, job.langs))
            for job in plan([campaign])}


@pytest.fixture(scope="session")
def printed(campaign, tmp_path_factory):
    """Every default output of the campaign as the print variant with crop marks: {label: (job, pdf bytes)}."""
    cache = tmp_path_factory.mktemp("print-font-cache")
    return {job.label: (job, build_pdf(job, cache).pdf) for job in plan([campaign], variant="print", crop_marks=True)}


@pytest.fixture
def scenario(tmp_path):
    """Copy the frozen valid campaign into a temp content folder and let a test break one thing in it."""

    def make(edits: dict[str, tuple[str, str]] | None = None, name: str = "valid") -> Path:
        content = tmp_path / "content"
        target = content / "campaign"
        shutil.copytree(SCENARIOS / name, target)
        for file_name, (old, new) in (edits or {}).items():
            path = target / file_name
            text = path.read_text(encoding="utf-8")
            assert old in text, f"scenario edit does not apply: {old!r}"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return content

    return make


@pytest.fixture
def run_cli(capsys, tmp_path):
    """Run the command line in-process; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(autouse=True)
def no_unexpected_weasyprint_warnings(caplog):
    """A font fallback or an ignored CSS rule is a bug, not noise (our own check also turns them into errors)."""
    yield
    noise = "Using fontTools instead of HarfBuzz-Subset"
    warnings = [r.getMessage() for r in caplog.records
                if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING and noise not in r.getMessage()]
    assert not warnings, warnings


@pytest.fixture(scope="session", autouse=True)
def font_cache_of_the_session(tmp_path_factory):
    """Every build of the session, in-process or a subprocess, keeps its font subsets in a temporary
    folder: never in the repository, never in the user's cache."""
    before = os.environ.get("HEALTHPRINT_CACHE")
    os.environ["HEALTHPRINT_CACHE"] = str(tmp_path_factory.mktemp("session-font-cache"))
    yield
    if before is None:
        del os.environ["HEALTHPRINT_CACHE"]
    else:
        os.environ["HEALTHPRINT_CACHE"] = before


_NOT_OURS = {".git", ".venv", "__pycache__", ".pytest_cache"}  # the checkout's, Python's and pytest's own
_OUTPUTS = ("out", ".cache")  # where the tool wrote by default before it had a user cache folder


def _repository_files() -> dict[str, tuple[int, int] | None]:
    """Every file and folder of the repository but _NOT_OURS; the files in _OUTPUTS with their modification
    time and size, so a rewritten PDF or cache entry counts too. (Other files count only by name: a
    person may edit a file while the tests run.)"""
    found = {}
    for top, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in _NOT_OURS and not name.endswith(".egg-info")]
        for name in folders + files:
            path = os.path.join(top, name)
            relative = os.path.relpath(path, ROOT)
            if name in files and relative.split(os.sep)[0] in _OUTPUTS:
                info = os.lstat(path)
                found[relative] = (info.st_mtime_ns, info.st_size)
            else:
                found[relative] = None
    return found


def _changed(before: dict, after: dict) -> str:
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name, 0) != after.get(name, 0))
    return ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")


@pytest.fixture(scope="session", autouse=True)
def repository_untouched_by_the_session():
    """The session's fixtures too (built once, before the first test that uses them) write only into
    temporary folders."""
    before = _repository_files()
    yield
    changed = _changed(before, _repository_files())
    assert not changed, f"the test session wrote into the repository: {changed}"


@pytest.fixture(autouse=True)
def repository_untouched(request):
    """Tests write only into temporary folders: no file or folder appears in the repository or goes,
    nothing in out/ or .cache/ is rewritten."""
    before = _repository_files()
    yield
    changed = _changed(before, _repository_files())
    assert not changed, f"{request.node.name} wrote into the repository: {changed}"
