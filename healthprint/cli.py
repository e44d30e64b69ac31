"""The command line: `python build.py` builds every PDF of every campaign; options narrow it down."""

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from . import __version__
from .errors import HealthprintError, UsageError
from .formats import FORMATS
from .pipeline import Job, build_pdf, inputs_digest, plan
from .schema import LANGUAGES
from .validate import CAMPAIGN_FILE, load_campaign
from .write import write_atomic

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build bilingual health leaflets and posters (PDF) from content/*/.")
    parser.add_argument("--version", action="version", version=f"healthprint {__version__}")
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="folder holding one sub-folder per campaign (default: content)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="where PDFs go (default: out)")
    parser.add_argument("--campaign", action="append", metavar="ID", help="only this campaign (repeatable)")
    parser.add_argument("--format", action="append", metavar="NAME",
                        help=f"only this format: {', '.join(FORMATS)} (repeatable)")
    parser.add_argument("--size", action="append", metavar="SIZE", help="only this paper size, e.g. a4 (repeatable)")
    parser.add_argument("--order", action="append", metavar="LANGS",
                        help="only this language order, e.g. zh-Hans+en (repeatable)")
    parser.add_argument("--list", action="store_true", help="print what would be built, build nothing")
    parser.add_argument("--force", action="store_true", help="rebuild PDFs that are up to date")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def _check_choice(values: list[str] | None, allowed: set[str], option: str) -> set[str] | None:
    if not values:
        return None
    for value in values:
        if value not in allowed:
            raise UsageError(f"{option} {value!r} is unknown; available: {', '.join(sorted(allowed))}")
    return set(values)


def _campaign_folders(content: Path, wanted: set[str] | None) -> list[Path]:
    if not content.is_dir():
        raise UsageError(f"{content}: no such folder (give --content the folder that holds the campaigns)")
    folders = sorted(p.parent for p in content.glob(f"*/{CAMPAIGN_FILE}"))
    if wanted:
        names = {folder.name for folder in folders}
        for name in sorted(wanted - names):
            raise UsageError(f"--campaign {name!r} is unknown; available: {', '.join(sorted(names)) or 'none'}")
        folders = [folder for folder in folders if folder.name in wanted]
    if not folders:
        raise UsageError(f"{content}: no campaign folders (each needs a {CAMPAIGN_FILE})")
    return folders


def _jobs(args: argparse.Namespace) -> list[Job]:
    formats = _check_choice(args.format, set(FORMATS), "--format")
    sizes = _check_choice(args.size, {size for table in FORMATS.values() for size in table}, "--size")
    orders = None
    if args.order:
        for order in args.order:
            for code in order.split("+"):
                if code not in LANGUAGES:
                    raise UsageError(f"--order {order!r}: unknown language code {code!r}; "
                                     f"available: {', '.join(sorted(LANGUAGES))}")
        orders = set(args.order)
    contents = [load_campaign(folder) for folder in _campaign_folders(args.content, _campaign_set(args))]
    jobs = plan(contents, formats, sizes, orders)
    if not jobs:
        raise UsageError("nothing to build: no campaign output matches the chosen format, size and order")
    return jobs


def _campaign_set(args: argparse.Namespace) -> set[str] | None:
    return set(args.campaign) if args.campaign else None


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    say = (lambda *_: None) if args.quiet else print
    started = time.perf_counter()
    jobs = _jobs(args)
    if args.list:
        for job in jobs:
            print(f"{job.label:45} → {args.out / job.filename}")
        return 0
    cache_dir = Path(os.environ.get("HEALTHPRINT_CACHE", ROOT / ".cache" / "fonts"))
    built = 0
    for index, job in enumerate(jobs, 1):
        job_started = time.perf_counter()
        target = args.out / job.filename
        # The fingerprint of a PDF's inputs sits beside it; equal fingerprints mean equal bytes.
        stamp = args.out / f".{job.filename}.inputs"
        digest = inputs_digest(job)
        if not args.force and target.exists() and stamp.exists() and stamp.read_text() == digest:
            say(f"[{index}/{len(jobs)}] {job.label:45} up to date           → {target}")
            continue
        data = build_pdf(job, cache_dir)
        write_atomic(target, data)
        write_atomic(stamp, digest.encode())
        built += 1
        say(f"[{index}/{len(jobs)}] {job.label:45} {len(data) / 1024:6.0f} KB "
            f"{time.perf_counter() - job_started:5.2f} s  → {target}")
    noun = "PDF" if built == 1 else "PDFs"
    fresh = len(jobs) - built
    say(f"Built {built} {noun} in {time.perf_counter() - started:.1f} s into {args.out}/"
        + (f" ({fresh} up to date)" if fresh else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: known problems print their one-line messages; anything else is a bug with a traceback."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except HealthprintError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print("Internal error: this is a bug in healthprint, please report it with the lines above.",
              file=sys.stderr)
        return 1
