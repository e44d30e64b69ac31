"""Draw the reference images anew: every page of every default output of the build plan (screen variant,
every language order) into tests/reference/, as tests/test_reference_images.py compares them.

    python tests/regenerate_references.py

Run it after an intended change of the output (a template, the CSS, the content, a new size or format),
look at what it reports as new, changed or removed (`git status tests/reference`, and the images), and
commit them with the change. An image is rewritten only when its page looks different (see
references.py), so the folder's history shows the pages that really changed.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # references.py and conftest.py, from any folder

import references  # noqa: E402
from conftest import CAMPAIGN  # noqa: E402
from healthprint.pipeline import build_pdf, plan  # noqa: E402
from healthprint.campaign import load_campaign  # noqa: E402


def main() -> None:
    references.FOLDER.mkdir(exist_ok=True)
    pages = {}
    with tempfile.TemporaryDirectory() as cache:
        for job in plan([load_campaign(CAMPAIGN)]):
            for number, page in enumerate(references.draw(build_pdf(job, Path(cache)).pdf), 1):
                pages[references.file_name(job, number)] = page
    counts = {"new": 0, "changed": 0, "unchanged": 0, "removed": 0}
    for name, page in pages.items():
        path = references.FOLDER / name
        if path.exists():
            reference = references.load(path)
            comparison = references.compare(reference, page)
            if not comparison.cells and reference.size == page.size:
                counts["unchanged"] += 1
                continue
            status = f"changed ({len(comparison.cells)} cells, largest difference {comparison.largest:.2f})"
            counts["changed"] += 1
        else:
            status = "new"
            counts["new"] += 1
        references.save(page, path)
        print(f"{status:45} {name}")
    for path in sorted(references.FOLDER.glob("*.png")):
        if path.name not in pages:
            path.unlink()
            counts["removed"] += 1
            print(f"{'removed (no such page in the plan)':45} {path.name}")
    total = sum(path.stat().st_size for path in references.FOLDER.glob("*.png"))
    print(", ".join(f"{count} {status}" for status, count in counts.items())
          + f": {len(pages)} reference images in tests/reference, {total / 1000:.0f} kB")


if __name__ == "__main__":
    main()
