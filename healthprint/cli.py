"""The command line: `python build.py` builds every PDF of every campaign; options narrow it down."""

import argparse
import ctypes
import gc
import importlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from . import __version__
from .errors import ContentError, Counted, HealthprintError, LayoutError, MachineError, Stopped, UsageError
from .explain import codes, explain
from .fonts import check_cache
from .formats import FORMATS
from .pipeline import Built, Job, build_pdf, inputs_digest, plan
from .languages import LANGUAGES
from .resources import NO_OVERRIDES, read_overrides
from .shard import Shard, parse_shard
from .campaign import CAMPAIGN_FILE, TEMPLATES_FOLDER, load_campaign
from .organisations import language_problems, read_organisations
from .write import Output


def program_name() -> str:
    """How the user started the tool, for the commands a message tells them to run."""
    return "healthprint" if Path(sys.argv[0]).name == "healthprint" else "python build.py"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name().removeprefix("python "),
        description="Build bilingual health leaflets and posters (PDF) from content/*/.")
    parser.add_argument("--version", action="version", version=f"healthprint {__version__}")
    add_choices(parser)
    parser.add_argument("--out", type=Path, default=Path("out"), help="where PDFs go (default: out)")
    parser.add_argument("--orgs", type=Path, metavar="FILE",
                        help="one set of PDFs per organisation in FILE (a CSV from a spreadsheet, or YAML), each "
                             "into OUT/<organisation id>/, with its name, phones, address, logo and QR code")
    parser.add_argument("--list", action="store_true", help="print what would be built, build nothing")
    parser.add_argument("--force", action="store_true", help="rebuild PDFs that are up to date")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="build N PDFs at a time (default: one per CPU core)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("--strict", action="store_true", help="treat preflight warnings as errors")
    parser.add_argument("--print", action="store_true", dest="print_variant",
                        help="build the print variants: PDF/X-4, CMYK, 3 mm bleed (file names end in _print)")
    parser.add_argument("--marks", action="store_true", help="with --print: add crop marks")
    parser.add_argument("--draft", action="store_true",
                        help="when text does not fit, write the PDF anyway as <name>_DRAFT.pdf, marked as a draft "
                             "with the text that does not fit outlined (the build still fails)")
    parser.add_argument("--templates", type=Path, metavar="DIR",
                        help="a folder of templates (.html) and stylesheets (.css) that replace the packaged ones "
                             "of the same relative name, e.g. DIR/css/poster.css; a campaign's own "
                             f"{TEMPLATES_FOLDER}/ folder replaces both")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="where font subsets are kept (default: $HEALTHPRINT_CACHE if set, else "
                             "$XDG_CACHE_HOME/healthprint, else ~/.cache/healthprint)")
    # A bad value raises UsageError from parse_shard, which argparse lets through (it turns only ValueError
    # and TypeError into its own usage message): one line, exit 2, before any content is read.
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="build only shard I of N (1 ≤ I ≤ N): a fixed part of the outputs, the same on every "
                             "machine, so that N machines share one build (see docs/batches.md)")
    parser.add_argument("--explain", nargs="?", const="", metavar="CODE",
                        help="what an error code (E-FIT, E-CONTRAST, …) means and how to fix it; without a code, "
                             "the list of codes")
    return parser


def _explain(code: str) -> int:
    """Print what `code` means, or every code when none is given; an unknown code is a usage error."""
    if not code:
        print(codes())
        return 0
    told = explain(code)
    if told is None:
        raise UsageError(f"--explain {code!r} is unknown; the codes are:\n{codes()}")
    print(told)
    return 0


def add_choices(parser: argparse.ArgumentParser) -> None:
    """The options that choose the outputs: the content folder, campaigns, formats, sizes and orders (the
    build's and `serve`'s)."""
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="folder holding one sub-folder per campaign, or one campaign's folder "
                             "(default: content)")
    parser.add_argument("--campaign", action="append", metavar="FOLDER",
                        help="only the campaign in this folder of --content (repeatable)")
    parser.add_argument("--format", action="append", metavar="NAME",
                        help=f"only this format: {', '.join(FORMATS)} (repeatable)")
    parser.add_argument("--size", action="append", metavar="SIZE", help="only this paper size, e.g. a4 (repeatable)")
    parser.add_argument("--order", action="append", metavar="LANGS",
                        help="only this language order, e.g. zh-Hans+en (repeatable)")


def check_choice(values: list[str] | None, allowed: set[str], option: str) -> set[str] | None:
    if not values:
        return None
    for value in values:
        if value not in allowed:
            raise UsageError(f"{option} {value!r} is unknown; available: {', '.join(sorted(allowed))}")
    return set(values)


def check_orders(values: list[str] | None) -> set[str] | None:
    """The language orders of --order, each code a known language; None without the option."""
    if not values:
        return None
    for order in values:
        for code in order.split("+"):
            if code not in LANGUAGES:
                raise UsageError(f"--order {order!r}: unknown language code {code!r}; "
                                 f"available: {', '.join(sorted(LANGUAGES))}")
    return set(values)


def campaign_folders(content: Path, wanted: set[str] | None) -> list[Path]:
    """The campaign folders of --content: the folder itself when it is a campaign's (it holds a
    campaign.yaml), else its sub-folders that are."""
    if not content.is_dir():
        raise UsageError(f"{content}: no such folder (give --content the folder that holds the campaigns)")
    if os.path.lexists(content / CAMPAIGN_FILE):
        folders = [content]
    else:
        folders = sorted(p.parent for p in content.glob(f"*/{CAMPAIGN_FILE}"))
    if wanted:
        names = {folder.name for folder in folders}
        for name in sorted(wanted - names):
            raise UsageError(f"--campaign {name!r} is unknown; available: {', '.join(sorted(names)) or 'none'}")
        folders = [folder for folder in folders if folder.name in wanted]
    if not folders:
        raise UsageError(f"{content}: no campaign here: give --content a campaign's folder (with its {CAMPAIGN_FILE}) "
                         "or a folder of them")
    return folders


def _jobs(args: argparse.Namespace) -> list[Job]:
    formats = check_choice(args.format, set(FORMATS), "--format")
    sizes = check_choice(args.size, {size for table in FORMATS.values() for size in table}, "--size")
    orders = check_orders(args.order)
    contents, problems = [], []
    for folder in campaign_folders(args.content, _campaign_set(args)):
        try:
            contents.append(load_campaign(folder))
        except ContentError as error:  # report every campaign's problems, then stop once
            problems += error.problems
    if problems:
        raise ContentError(problems)
    ids: dict[str, Path] = {}
    for content in contents:
        if content.campaign.id in ids:
            raise UsageError(f"{ids[content.campaign.id]} and {content.folder} have the same id "
                             f"{content.campaign.id!r}: their PDFs would overwrite each other")
        ids[content.campaign.id] = content.folder
    templates = NO_OVERRIDES
    if args.templates is not None:
        if not args.templates.is_dir():
            raise UsageError(f"--templates {args.templates}: no such folder")
        templates, problems = read_overrides(args.templates)
        if problems:
            raise ContentError(problems)
    if args.marks and not args.print_variant:
        raise UsageError("--marks goes with --print")
    organisations = None
    if args.orgs is not None:
        organisations = read_organisations(args.orgs)
        problems = language_problems(organisations, {lang for content in contents
                                                     for lang in content.campaign.languages})
        if problems:
            raise ContentError(problems)
    jobs = plan(contents, formats, sizes, orders, "print" if args.print_variant else "screen", args.marks,
                templates, organisations)
    if not jobs:
        raise UsageError("nothing to build: no campaign output matches the chosen format, size and order")
    return jobs


def _shard(jobs: list[Job], shard: Shard | None) -> tuple[list[Job], str]:
    """The jobs of --shard (all without it) and how messages name the shard ("" without it). Each output's
    shard follows from its file name alone (healthprint/shard.py), so the shards partition the plan."""
    if shard is None:
        return jobs, ""
    mine = [job for job in jobs if shard.holds(job.filename)]
    return mine, f"Shard {shard} ({len(mine)} of {len(jobs)} output{'' if len(jobs) == 1 else 's'})"


def _campaign_set(args: argparse.Namespace) -> set[str] | None:
    return set(args.campaign) if args.campaign else None


def _timed_build(job: Job, cache_dir: Path, draft: bool) -> tuple[Built | HealthprintError, float]:
    """Build one PDF; a known failure is returned, not raised, so the other outputs still get built."""
    started = time.perf_counter()
    try:
        result = build_pdf(job, cache_dir, draft=draft)
    except HealthprintError as error:
        result = error
    return result, time.perf_counter() - started


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _start_worker(parent: int, temp: str) -> None:
    """A worker ends with the build: Ctrl-C is the parent's to handle (it stops the workers), and if the
    parent dies (even by kill -9) the worker dies too instead of waiting forever for work. Its temporary
    files go to the build's temp folder (inherited when forked, not when spawned)."""
    tempfile.tempdir = temp
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    # WeasyPrint deletes a document's temporary font folder when the document is garbage collected, and
    # laid-out documents sit in reference cycles: a worker leaves through os._exit, without the final
    # collection that would delete them, so collect on the way out (multiprocessing runs this).
    multiprocessing.util.Finalize(None, gc.collect, exitpriority=0)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        watched = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):  # not Linux
        watched = False
    if os.getppid() != parent:  # the parent died before the kernel started watching
        os._exit(1)
    if not watched:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


# PDFs a pool of workers builds before it is replaced by a fresh one: a worker's memory grows by about
# 0.4 MB a PDF (caches below WeasyPrint that garbage collection does not return), so a batch of
# thousands keeps the memory of a batch of a hundred. Python refuses max_tasks_per_child with fork.
PDFS_PER_POOL = 100


def _build_all(jobs: list[Job], cache_dir: Path, workers: int,
               draft: bool) -> Iterator[tuple[Built | HealthprintError, float]]:
    """Results in job order, from pools of worker processes when there is more than one job and core.

    Each output is built independently from the same inputs, so the bytes are those of a serial build.
    Workers are forked where the system allows it: they start with WeasyPrint already imported.
    """
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _timed_build(job, cache_dir, draft)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    for start in range(0, len(jobs), PDFS_PER_POOL):
        part = jobs[start:start + PDFS_PER_POOL]
        pool = ProcessPoolExecutor(min(workers, len(part)), mp_context=multiprocessing.get_context(method),
                                   initializer=_start_worker, initargs=(os.getpid(), tempfile.gettempdir()))
        try:
            yield from pool.map(_timed_build, part, [cache_dir] * len(part), [draft] * len(part))
        except BaseException:  # interrupted, or the build stopped early: don't wait for the running jobs
            for worker in multiprocessing.active_children():
                worker.terminate()
            raise
        finally:
            pool.shutdown(cancel_futures=True)


# Commands besides building, by their first word: `build.py serve`, `build.py new ID`. Each module's
# `run(argv)` parses the rest of the command line and returns the exit code.
COMMANDS = {"serve": "preview", "new": "starter"}


def run(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(f".{COMMANDS[argv[0]]}", __package__)
        return module.run(argv[1:])
    args = _parser().parse_args(argv)
    if args.explain is not None:
        return _explain(args.explain)
    started = time.perf_counter()
    jobs, shard = _shard(_jobs(args), args.shard)
    if not jobs:  # more shards than outputs: not an error, a batch runner may start any number
        if not args.quiet:
            print(f"{shard}: nothing to build")
        return 0
    if args.list:
        for job in jobs:
            print(f"{job.label:45} → {args.out / job.filename}")
        return 0
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: give at least 1")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: is a file, not a folder")
    with Output(args.out) as out:
        _build(args, jobs, out, started, shard)
    return 0


class _Progress:
    """The line per PDF, with how far the build is, its rate and the time left; on a terminal also a bar
    under the lines, redrawn in place (a log file or a pipe gets plain lines only)."""

    BAR = 24  # characters

    def __init__(self, total: int, stale: int, quiet: bool):
        self.total, self.stale, self.quiet = total, stale, quiet
        self.built, self.started = 0, time.perf_counter()
        self.bar = sys.stdout.isatty() and not quiet

    def line(self, index: int, job: Job, text: str, built: bool) -> None:
        self.built += built
        if self.quiet:
            return
        pace = ""
        if built and self.stale > 1:
            seconds = time.perf_counter() - self.started
            left = (self.stale - self.built) * seconds / self.built
            pace = f"  {self.built / seconds:.1f} PDFs/s, {_duration(left)} left"
        if self.bar:
            print("\r\033[K", end="")
        print(f"[{index}/{self.total}] {job.label:45} {text}{pace}")
        if self.bar and index < self.total:
            done = round(self.BAR * index / self.total)
            print(f"[{'#' * done}{'-' * (self.BAR - done)}] {index}/{self.total}", end="", flush=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _build(args: argparse.Namespace, jobs: list[Job], out: Output, started: float, shard: str = "") -> None:
    """Build the outputs that are not up to date into `out`'s staging folder. Each set — a campaign's
    outputs, for one organisation with --orgs — is moved into place as soon as all of its outputs
    passed, so an interrupted batch keeps its finished sets and the next run skips them."""
    say = (lambda *_: None) if args.quiet else print
    try:
        cache_dir = font_cache_dir(args.cache)
        check_cache(cache_dir)
    except MachineError as error:
        print(f"warning: {error} (this build goes without the font cache)", file=sys.stderr)
        cache_dir = out.temp / "fonts"

    digests = {job.filename: inputs_digest(job) for job in jobs}
    stale = [job for job in jobs if args.force or not out.up_to_date(job.filename, digests[job.filename])]
    stale_names = {job.filename for job in stale}
    last = {job.set_name: index for index, job in enumerate(jobs, 1)}  # the last output of each set
    progress = _Progress(len(jobs), len(stale), args.quiet)
    results = _build_all(stale, cache_dir, args.jobs, args.draft)
    try:
        failures: list[str] = []
        counted: list[Counted] = []  # failures of many places told once for every output they are true of
        staged: dict[str, list[str]] = {}  # set → files that passed, to move into place
        replaced: dict[str, list[str]] = {}  # set → drafts of outputs that passed, to delete then
        passed: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        drafts: list[str] = []  # written whatever happens: they are the point of --draft
        obsolete: list[str] = []  # drafts of outputs that are up to date: the text fits, so they are history
        notes: list[str] = []
        for index, job in enumerate(jobs, 1):
            target = args.out / job.filename
            which = job.set_name
            if job.filename not in stale_names:
                obsolete.append(job.draft_filename)
                progress.line(index, job, f"up to date           → {target}", built=False)
            else:
                built, seconds = next(results)
                if isinstance(built, MachineError):
                    raise built
                if isinstance(built, HealthprintError) or (args.strict and built.warnings):
                    failed[which] += 1
                    if isinstance(built, LayoutError):
                        failures += built.lines
                        counted += built.counted
                    else:
                        failures += [str(built)] if isinstance(built, HealthprintError) else built.warnings
                    written = ""
                    if isinstance(built, LayoutError) and built.draft is not None:
                        out.stage(job.draft_filename, built.draft)
                        drafts.append(job.draft_filename)
                        written = f", draft → {args.out / job.draft_filename}"
                    reason = "warnings, --strict" if not isinstance(built, HealthprintError) else "see below"
                    progress.line(index, job, f"FAILED ({reason}){written}", built=True)
                else:
                    passed[which] += 1
                    staged.setdefault(which, []).extend(out.stage_pdf(job.filename, built.pdf,
                                                                      digests[job.filename]))
                    replaced.setdefault(which, []).append(job.draft_filename)
                    progress.line(index, job, f"{len(built.pdf) / 1024:6.0f} KB {seconds:5.2f} s  → {target}",
                                  built=True)
                    for warning in built.warnings:
                        print(f"warning: {warning}", file=sys.stderr)
            if index == last[which]:
                # One build, one version: a set's outputs are moved into place together or not at all.
                if failed[which]:
                    if passed[which]:
                        notes.append(_not_written(which, passed[which], failed[which]))
                else:
                    out.commit(staged.get(which, []), replaced.get(which, []))
    finally:
        results.close()

    out.commit(drafts, obsolete)
    if failures or counted:
        raise LayoutError(failures, notes=notes, counted=counted)
    built = len(stale)
    noun = "PDF" if built == 1 else "PDFs"
    fresh = len(jobs) - built
    summary = (f"{built} {noun} in {time.perf_counter() - started:.1f} s into {args.out}/"
               + (f" ({fresh} up to date)" if fresh else ""))
    say(f"{shard}: built {summary}" if shard else f"Built {summary}")


def font_cache_dir(option: Path | None) -> Path:
    """Where font subsets are kept: --cache, else $HEALTHPRINT_CACHE, else the user's cache folder
    (`$XDG_CACHE_HOME/healthprint`, `~/.cache/healthprint` when that is unset or not absolute)."""
    if option is not None:
        return option
    if os.environ.get("HEALTHPRINT_CACHE"):
        return Path(os.environ["HEALTHPRINT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is invalid, so it is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            raise MachineError("no home folder to keep the font cache in; give --cache a writable folder")
        base = os.path.join(home, ".cache")
    return Path(base) / "healthprint"


def _not_written(campaign: str, passed: int, failed: int) -> str:
    pdfs = "1 PDF" if passed == 1 else f"{passed} PDFs"
    others = "1 other" if failed == 1 else f"{failed} others"
    return (f"Not written: {pdfs} of {campaign} passed but {'was' if passed == 1 else 'were'} not written "
            f"because {others} failed; fix the errors above and build again.")


def _stop(signum: int, _frame) -> None:
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point: known problems print their one-line messages; anything else is a bug with a traceback."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except HealthprintError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 128 + signal.SIGINT
    except Stopped:
        print("Stopped (SIGTERM).", file=sys.stderr)
        return 128 + signal.SIGTERM
    except Exception:
        traceback.print_exc()
        print("Internal error: this is a bug in healthprint, please report it with the lines above.",
              file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
