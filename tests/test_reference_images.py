"""Every page of every default output looks like its reference image in tests/reference/ (PDFium, 36 dpi,
compared in 8.5 mm cells; see references.py): a template or CSS change that moves, adds or drops
something fails here, with a diff image to look at. After an intended change of the output:
`python tests/regenerate_references.py`, look at the images, commit them."""

import re
from pathlib import Path

from PIL import ImageChops

import references
from healthprint import pipeline as build_steps  # the build calls build_steps.stylesheet for its CSS
from healthprint.pipeline import build_pdf, plan


def test_every_page_looks_like_its_reference(built, tmp_path):
    """The outputs are those of the build plan: a page without a reference image fails, and so does a
    reference image no output has any more."""
    problems, names = [], set()
    for job, pdf in built.values():
        for number, page in enumerate(references.draw(pdf), 1):
            names.add(references.file_name(job, number))
            if problem := references.check(references.file_name(job, number), page, tmp_path):
                problems.append(problem)
    problems += [f"{path.name}: no output has this page any more"
                 for path in sorted(references.FOLDER.glob("*.png")) if path.name not in names]
    assert not problems, "\n".join([*problems, f"If the change is intended: {references.REGENERATE}"])


def test_reference_images_stay_small():
    """Low-resolution 4-bit PNGs: all of them together well under 1 MB."""
    sizes = [path.stat().st_size for path in references.FOLDER.glob("*.png")]
    assert sizes and sum(sizes) < 600_000, sum(sizes)


def test_identical_pages_pass_and_a_page_moved_by_one_pixel_fails(built, tmp_path):
    """The comparison itself, on a real page: the same image passes; the same image moved by one pixel
    (0.7 mm) down or right fails, with a diff image written."""
    job, pdf = next(iter(built.values()))
    name = references.file_name(job, 1)
    page = references.draw(pdf)[0]
    assert references.check(name, page.copy(), tmp_path) is None
    for dx, dy in ((1, 0), (0, 1)):
        moved = ImageChops.offset(page, dx, dy)
        moved.paste(255, (0, 0, moved.width, dy) if dy else (0, 0, dx, moved.height))
        assert references.compare(page, moved).cells, (dx, dy)
    problem = references.check(name, moved, tmp_path)
    assert problem is not None and (tmp_path / f"{Path(name).stem}-diff.png").exists(), problem


def test_a_wider_title_margin_fails_against_the_reference(campaign, monkeypatch, tmp_path):
    """A template change that moves something: the title's left margin 0.5 mm wider, in a copy of the
    CSS the build is given. The first output of the plan then fails on its first page, and the
    failure names the diff image it wrote."""
    stylesheet = build_steps.stylesheet
    monkeypatch.setattr(build_steps, "stylesheet", lambda *args, **kwargs: stylesheet(*args, **kwargs)
                        + "\nh1 { margin-left: 0.5mm }")
    job = plan([campaign])[0]
    page = references.draw(build_pdf(job, tmp_path / "cache").pdf)[0]
    problem = references.check(references.file_name(job, 1), page, tmp_path)
    assert problem is not None
    diff = Path(re.search(r"difference: (.+)$", problem).group(1))
    assert diff.parent == tmp_path and diff.exists(), problem
