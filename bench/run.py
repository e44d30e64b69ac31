"""Benchmark of the PDF build: wall time, peak memory and output size. Not a test: it asserts nothing.

Measures, and prints as one Markdown table:
  (a) `build.py --format handout --size a4 --order zh-Hans+en` as a whole process (warm font cache);
  (b) the full default build, cold: fresh --out folder and an empty font cache;
  (c) the full build again with nothing changed (same --out folder and cache as (b));
  (d) in-process `build_pdf` per document: median of 3 calls, warm cache, import and loading excluded;
  (e) the size of every PDF of the full build;
  (g) how long hostile content takes to be refused (CPU time of load_campaign): a 50 MB file, and under
      the 250 kB limit 60 000 list items, 200 000 levels of nesting, one unquoted text;
  (h) with --orgs N [N …]: N generated organisations × the A4 handout (screen, zh-Hans+en), one process
      on all cores, warm font cache: wall time, PDFs/s, seconds per PDF per core, peak memory;
  (f) with --before: the same A4 handout as (a) the way WeasyPrint does it on its own, with the full
      Noto Sans CJK fonts and its own font subsetting (fontTools here): the starting point (7–14 s);
  (i) with --preview: `build.py serve` warm, a text of the hand-hygiene campaign's en.yaml saved, the
      time until the new image of the A4 handout's first page has been served (what the page's script
      does: an event, the page, the image), median of --repeat saves; serving the A4 handout alone, and
      the whole campaign with the page's filters on the A4 handout (built first).
(a)-(c) report the median wall time of --repeat runs and the peak RSS of the build process; with
parallel workers that is the largest single process (Linux's wait4 reports the maximum, not a sum).

Run from the repo root:  .venv/bin/python bench/run.py [--repeat N] [--before]
Everything it writes (PDFs, font caches) goes to a temporary folder that is removed at the end.
"""

import argparse
import ctypes.util
import http.client
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/run.py` puts bench/ on the path, not the repo root
BUILD = [sys.executable, "build.py"]  # same interpreter as ours, so the venv's packages are the ones measured
HANDOUT = ["--format", "handout", "--size", "a4", "--order", "zh-Hans+en"]


def run_child(args: list[str], cache: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one build process."""
    # HEALTHPRINT_CACHE points the tool's font-subset cache at `cache` instead of the user's cache folder,
    # so a cold build is really cold and the user's own cache is never touched. If a version of the tool
    # ignores the variable, the "cold" rows are warm: main() checks for that and says so.
    env = {**os.environ, "HEALTHPRINT_CACHE": str(cache)}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(BUILD + args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        # os.wait4 (not child.wait) gives this one child's rusage; RUSAGE_CHILDREN would be a max over all.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen doesn't try to reap it again
        if child.returncode != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(args)} failed ({child.returncode}):\n{errors.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def measure(args: list[str], runs: list[tuple[Path, Path]]) -> tuple[float, float]:
    """Median wall time and highest peak RSS over `runs`, each an (out folder, cache folder) pair."""
    results = [run_child(args + ["--out", str(out)], cache) for out, cache in runs]
    return statistics.median(w for w, _ in results), max(m for _, m in results)


def stock_weasyprint_handout(out: Path) -> None:
    """(f), run in a child process: the A4 handout through plain WeasyPrint, full fonts, without
    healthprint's engine (its patches, the faster font embedding among them, are only in place while
    the engine lays out or writes)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from healthprint.fonts import font_faces_css
    from healthprint.formats import FORMATS
    from healthprint.render import render_html, stylesheet
    from healthprint.campaign import load_campaign

    content = load_campaign(ROOT / "content" / "stem-cell-safety")
    size = FORMATS["handout"]["a4"]
    html = render_html(content.campaign, content.texts, "handout", size, ("zh-Hans", "en"))
    font_css, _ = font_faces_css("", out.parent, subset_first=False)
    font_config = FontConfiguration()
    css = weasyprint.CSS(string=font_css + stylesheet("handout", size, content.campaign.colours),
                         font_config=font_config)
    weasyprint.HTML(string=html).write_pdf(out, stylesheets=[css], font_config=font_config)


def in_process_times(cache: Path) -> list[tuple[str, float]]:
    """(label, median ms of 3 build_pdf calls) for every job of every campaign."""
    from healthprint.pipeline import build_pdf, plan  # imported once, outside every timing
    from healthprint.campaign import CAMPAIGN_FILE, load_campaign

    contents = [load_campaign(f.parent) for f in sorted((ROOT / "content").glob(f"*/{CAMPAIGN_FILE}"))]
    results = []
    for job in plan(contents):
        build_pdf(job, cache)  # untimed first call: fills the subset cache if (b) didn't, warms Python caches
        times = []
        for _ in range(3):
            started = time.perf_counter()
            build_pdf(job, cache)
            times.append(time.perf_counter() - started)
        results.append((job.label, statistics.median(times) * 1000))
    return results


HOSTILE = {  # (g): en.yaml of the real campaign replaced by …
    "50 MB of `- a` lines": b"- a\n" * 12_500_000,
    "60 000 list items": b"- a\n" * 60_000,
    "200 000 levels of nesting": b"[" * 200_000,
    "one unquoted text of 250 kB": b"title: " + b"a " * 124_990,
}


def refusal_times(tmp: Path) -> list[tuple[str, float]]:
    """(case, CPU ms until load_campaign refuses it) for each HOSTILE en.yaml."""
    from healthprint.errors import ContentError
    from healthprint.campaign import load_campaign

    results = []
    for name, data in HOSTILE.items():
        folder = tmp / "hostile" / "stem-cell-safety"
        shutil.rmtree(folder.parent, ignore_errors=True)
        shutil.copytree(ROOT / "content" / "stem-cell-safety", folder)
        (folder / "en.yaml").write_bytes(data)
        started = time.process_time()
        try:
            load_campaign(folder)
        except ContentError:
            results.append((name, (time.process_time() - started) * 1000))
        else:
            sys.exit(f"(g) {name}: not refused")
    return results


# Han characters to make every generated organisation's name different (and its font subset with it).
NAME_CHARACTERS = "安宁康和平泰福华美东西南北中心山水林森春秋星月光明仁爱同济协德永佳新世纪天地人民众生长青"


def organisations_csv(path: Path, count: int) -> None:
    """`count` organisations as a spreadsheet exports them, each with its own name, phone and address."""
    rows = ["id,name:zh-Hans,name:en,phone,address:zh-Hans,address:en,website"]
    for index in range(count):
        a, b = (NAME_CHARACTERS[(index * step) % len(NAME_CHARACTERS)] for step in (1, 7))
        rows.append(f"clinic-{index},{a}{b}社区诊所,Clinic {index},010 {6000 + index:04d} {index % 10000:04d},"
                    f"北京市{a}{b}路 {index} 号,\"{index} Park Road, Beijing\",https://clinic-{index}.example.org")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def organisation_batches(counts: list[int], tmp: Path, cache: Path) -> list[tuple[int, float, float]]:
    """(h): (count, wall seconds, peak MB) of one batch build per count."""
    results = []
    for count in counts:
        orgs = tmp / f"orgs-{count}" / "clinics.csv"
        orgs.parent.mkdir()
        organisations_csv(orgs, count)
        wall, peak = run_child(["--campaign", "stem-cell-safety", "--orgs", str(orgs), *HANDOUT, "-q",
                                "--out", str(orgs.parent / "out")], cache)
        results.append((count, wall, peak))
    return results


def _get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body


def save_to_image(tmp: Path, cache: Path, serve_options: list[str], repeat: int) -> list[float]:
    """(i): seconds from each save of en.yaml to the new first-page image of the A4 handout served."""
    content = tmp / "preview" / "content"
    shutil.copytree(ROOT / "content" / "hand-hygiene", content / "hand-hygiene")
    server = subprocess.Popen(BUILD + ["serve", "--content", str(content), "--port", "0", "--out",
                                       str(tmp / "preview" / "out"), *serve_options],
                              cwd=ROOT, env={**os.environ, "HEALTHPRINT_CACHE": str(cache)}, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        stream.request("GET", "/events?format=handout&size=a4&order=zh-Hant%2Ben")  # the view: built first
        events = stream.getresponse()

        def image_when(done) -> str:
            """The first page's image URL once `done(page)`: the page as it is, then fetched again after each
            event (the stream announces only the newest version, so one already shown brings no event)."""
            page = _get(port, "/").decode()
            while not done(page):
                if events.readline().startswith(b"data: "):
                    page = _get(port, "/").decode()
            return re.search(r'src="([^"]*handout-a4_zh-Hant%2Ben-p1\.png[^"]*)"', page).group(1)

        image = image_when(lambda page: "<p>up to date</p>" in page)
        en = content / "hand-hygiene" / "en.yaml"
        original = en.read_text(encoding="utf-8")
        times = []
        for run in range(repeat):
            started = time.perf_counter()
            en.write_text(original.replace("Clean hands stop germs", f"Clean hands stop germs {run + 1}"),
                          encoding="utf-8")
            image = image_when(lambda page: image not in page and "handout-a4_zh-Hant%2Ben-p1.png" in page)
            _get(port, image)
            times.append(time.perf_counter() - started)
            image_when(lambda page: "<p>up to date</p>" in page)  # the campaign's other outputs too
        stream.close()
        return times
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a), (b), (c) to take the median of")
    parser.add_argument("--before", action="store_true", help="also time plain WeasyPrint with full fonts (slow)")
    parser.add_argument("--stock-handout", type=Path, help=argparse.SUPPRESS)  # the child process of (f)
    parser.add_argument("--orgs", type=int, nargs="+", metavar="N",
                        help="only (h): batches of N generated organisations, e.g. --orgs 100 1000")
    parser.add_argument("--preview", action="store_true",
                        help="only (i): save-to-image time of `build.py serve`, warm")
    options = parser.parse_args()
    if options.stock_handout:
        return stock_weasyprint_handout(options.stock_handout)
    repeat = options.repeat
    if repeat < 1:
        parser.error("--repeat must be at least 1")

    if options.preview:
        with tempfile.TemporaryDirectory(prefix="healthprint-bench-") as tmp:
            cache = Path(tmp) / "cache"
            run_child(HANDOUT + ["--out", str(Path(tmp) / "warm")], cache)  # the font subsets, once
            alone = save_to_image(Path(tmp) / "alone", cache, ["--format", "handout", "--size", "a4", "--order",
                                                                "zh-Hant+en"], repeat)
            viewed = save_to_image(Path(tmp) / "viewed", cache, [], repeat)
        print(f"{os.cpu_count()} CPUs, repeat {repeat}\n\n| (i) save → new page image served | median | min | max |")
        print("|---|--:|--:|--:|")
        for name, times in [("A4 handout served alone", alone),
                            ("whole campaign, page filtered to the A4 handout", viewed)]:
            print(f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | {max(times):.2f} s |")
        return

    if options.orgs:
        with tempfile.TemporaryDirectory(prefix="healthprint-bench-") as tmp:
            cache = Path(tmp) / "cache"
            run_child(HANDOUT + ["--out", str(Path(tmp) / "warm")], cache)  # the campaign's subsets, once
            batches = organisation_batches(options.orgs, Path(tmp), cache)
        cores = os.cpu_count() or 1
        print(f"{cores} CPUs\n\n| organisations × A4 handout | wall | PDFs/s | s per PDF per core | peak MB |")
        print("|--:|--:|--:|--:|--:|")
        for count, wall, peak in batches:
            print(f"| {count} | {wall:.1f} s | {count / wall:.2f} | {wall * cores / count:.3f} | {peak:.0f} |")
        return

    with tempfile.TemporaryDirectory(prefix="healthprint-bench-") as tmp:
        tmp = Path(tmp)
        # (b) first, whatever the table order: each run gets a fresh out folder and an empty cache,
        # and the last run's folders are then the "nothing changed" state for (c), (a) and (d).
        cold = [(tmp / f"cold{i}" / "out", tmp / f"cold{i}" / "cache") for i in range(repeat)]
        b = measure([], cold)
        out, cache = cold[-1]
        cache_honoured = any(cache.iterdir()) if cache.exists() else False
        c = measure([], [(out, cache)] * repeat)
        a = measure(HANDOUT, [(tmp / f"handout{i}", cache) for i in range(repeat)])
        d = in_process_times(cache)
        g = refusal_times(tmp)
        sizes = [(pdf.name, pdf.stat().st_size) for pdf in sorted(out.glob("*.pdf"))]  # before tmp goes
        if options.before:
            stock = tmp / "stock" / "handout.pdf"
            stock.parent.mkdir()
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--stock-handout", str(stock)], cwd=ROOT,
                                   stderr=subprocess.DEVNULL, check=True)
            before = (time.perf_counter() - started, stock.stat().st_size)

    print(f"Python {platform.python_version()} ({sys.executable}), {os.cpu_count()} CPUs, "
          f"libharfbuzz-subset: {ctypes.util.find_library('harfbuzz-subset') or 'not found'}, "
          f"repeat {repeat}\n")
    if not cache_honoured:
        print("WARNING: the tool ignored HEALTHPRINT_CACHE (the temporary cache stayed empty): "
              "(b) used the user's font cache and was not cold.\n")
    print("| what | wall | peak MB | size |")
    print("|---|--:|--:|--:|")
    for name, (wall, peak) in [("(a) handout a4 zh-Hans+en, process, warm cache", a),
                               ("(b) full build, cold (new out, empty cache)", b),
                               ("(c) full build again, nothing changed", c)]:
        print(f"| {name} | {wall:.2f} s | {peak:.0f} | |")
    for label, ms in d:
        print(f"| (d) build_pdf {label} | {ms:.0f} ms | | |")
    for name, size in sizes:
        print(f"| (e) {name} | | | {size / 1024:.1f} KB ({size} B) |")
    for name, ms in g:
        print(f"| (g) refuse {name} (CPU) | {ms:.0f} ms | | |")
    if options.before:
        print(f"| (f) before: plain WeasyPrint, full fonts, handout a4 zh-Hans+en, process | {before[0]:.2f} s | "
              f"| {before[1] / 1024:.1f} KB ({before[1]} B) |")


if __name__ == "__main__":
    main()
