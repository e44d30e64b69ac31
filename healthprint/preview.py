"""`build.py serve`: a local web page showing every output of the campaigns as page images, rebuilt as
their files are saved.

One process stays warm (WeasyPrint imported, fonts loaded, subsets cached): a builder thread builds the
outputs in-process, one at a time, and renders their pages to PNG with PDFium; a watcher thread turns
saved files into rebuilds of the campaigns they belong to, and only of the outputs whose inputs changed;
the open page hears of each finished output through server-sent events and fetches itself again.

The server answers a fixed set of routes and serves only files it has built, looked up by name in a
dict: no request path is ever joined to a folder.
"""

import argparse
import html
import ipaddress
import queue
import re
import sys
import tempfile
import threading
import traceback
import webbrowser
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pypdfium2 as pdfium
import watchfiles

from .campaign import CAMPAIGN_FILE, CampaignContent, load_campaign
from .cli import add_choices, campaign_folders, check_choice, check_orders, font_cache_dir
from .errors import ContentError, HealthprintError, LayoutError, MachineError, Problem, UsageError
from .fields import reference
from .fonts import check_cache
from .formats import FORMATS
from .pipeline import Job, build_pdf, inputs_digest, plan
from .write import write_atomic
from .yaml_reader import read_text

# The longest side of a page image in pixels: a poster and a handout page both fit a screen.
IMAGE_PIXELS = 1000
KEEPALIVE_SECONDS = 15  # an idle event stream sends a comment this often, so proxies and browsers keep it
YAML_LINE_CHARS = 200  # of the offending line shown beside a content error
_PAGE = re.compile(r"\bpage (\d+)\b")  # how a preflight warning names its page
_YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # the line breaks PyYAML counts lines by


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py serve",
        description="Show every output as page images in the browser, rebuilt whenever a content file is saved.")
    add_choices(parser)
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where the PDFs and page images go (default: a temporary folder, removed at the end)")
    parser.add_argument("--open", action="store_true", help="open the page in the web browser")
    return parser.parse_args(argv)


@dataclass
class Shown:
    """One output as the page shows it: its PDF and page images (the draft's when the text does not fit),
    its warnings and errors."""

    job: Job
    digest: str = ""  # of the inputs it was built from; "" until built
    version: int = 0  # the preview's version when it was last built: the images' cache buster
    pdf: str | None = None  # served name
    pages: list[str] = field(default_factory=list)  # served names of the page images, page 1 first
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return bool(self.errors and self.pages)


@dataclass
class CampaignState:
    """A campaign folder: its outputs by file name (kept while its content has errors, so fixing them
    brings the images back without a rebuild), or its content problems."""

    folder: Path
    content: CampaignContent | None = None
    outputs: dict[str, Shown] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Preview:
    """The builder, the watcher and the HTTP server of one `serve` command."""

    def __init__(self, args: argparse.Namespace, out: Path, cache_dir: Path):
        self.content_dir = args.content.resolve()
        self.wanted = set(args.campaign) if args.campaign else None
        self.formats = check_choice(args.format, set(FORMATS), "--format")
        self.sizes = check_choice(args.size, {size for table in FORMATS.values() for size in table}, "--size")
        self.orders = check_orders(args.order)
        self.out, self.cache_dir = out, cache_dir
        self.campaigns = {folder.name: CampaignState(folder.resolve())
                          for folder in campaign_folders(args.content, self.wanted)}
        self.files: dict[str, tuple[Path, str]] = {}  # served name → (file in `out`, content type)
        self.version = 0
        self.building = True  # while campaigns wait to be built
        self.focus: dict[str, str] = {}  # the page's filters: the outputs to build first
        self.changed = threading.Condition()  # guards the state above; notified at every new version
        self.pending: "queue.Queue[str | None]" = queue.Queue()  # campaign folder names to rebuild; None: stop
        self.stopping = threading.Event()
        try:
            self.server = ThreadingHTTPServer((args.host, args.port), _handler(self))
        except OSError as error:  # the port is taken, or the address is not this computer's
            raise UsageError(f"--host {args.host} --port {args.port}: {error.strerror or error}") from None
        self.server.daemon_threads = True  # an open event stream does not keep the process alive
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}/"
        # On this computer only, a request must name it: a web page whose address a DNS trick points at
        # 127.0.0.1 (DNS rebinding) names its own host and is refused.
        self.hosts = {f"{host}:{port}", f"localhost:{port}"} if ipaddress.ip_address(host).is_loopback else None
        self.threads = [threading.Thread(target=self._build_loop, daemon=True),
                        threading.Thread(target=self._watch, daemon=True)]

    def start(self) -> None:
        for name in self.campaigns:
            self.pending.put(name)
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stopping.set()
        self.pending.put(None)
        self.server.shutdown()
        self.server.server_close()
        with self.changed:
            self.changed.notify_all()  # event streams waiting for a version see `stopping` and end
        for thread in self.threads:
            thread.join()

    # -- building ---------------------------------------------------------------------------------

    def _watch(self) -> None:
        for changes in watchfiles.watch(self.content_dir, stop_event=self.stopping, step=20, debounce=400):
            names = {name for _, path in changes if (name := self._campaign_of(Path(path))) is not None}
            for name in sorted(names):
                self.pending.put(name)

    def _campaign_of(self, path: Path) -> str | None:
        """The campaign a changed file belongs to: one being shown, or (without --campaign) a new folder
        of the content folder with a campaign.yaml."""
        with self.changed:
            for name, state in self.campaigns.items():
                if path.is_relative_to(state.folder):
                    return name
        parts = path.relative_to(self.content_dir).parts
        if self.wanted is None and parts and (self.content_dir / parts[0] / CAMPAIGN_FILE).is_file():
            return parts[0]
        return None

    def _build_loop(self) -> None:
        while True:
            name = self.pending.get()
            if name is None:
                return
            with self.changed:
                if not self.building:
                    self.building = True
                    self._bump()
            try:
                self._rebuild(name)
            except Exception:  # a bug: shown on the page and printed, and the preview goes on
                traceback.print_exc()
                with self.changed:
                    state = self.campaigns[name]
                    state.problems = [Problem(str(state.folder), None, None, "",
                                              "internal error (a bug in healthprint, see the terminal)")]
                    self._bump()
            if self.pending.empty():
                with self.changed:
                    self.building = False
                    self._bump()

    def _bump(self) -> None:
        """A new version of the page: called with `changed` held."""
        self.version += 1
        self.changed.notify_all()

    def _rebuild(self, name: str) -> None:
        with self.changed:
            folder = self.campaigns[name].folder if name in self.campaigns else self.content_dir / name
        if not (folder / CAMPAIGN_FILE).is_file():  # the campaign was deleted or renamed
            with self.changed:
                self.campaigns.pop(name, None)
                self._bump()
            return
        with self.changed:
            state = self.campaigns.setdefault(name, CampaignState(folder))
        try:
            content = load_campaign(folder)
        except ContentError as error:
            with self.changed:
                state.problems = error.problems
                self._bump()
            return
        with self.changed:
            twin = next((other.folder for other in self.campaigns.values() if other is not state and other.content
                         and other.content.campaign.id == content.campaign.id), None)
            if twin is not None:  # their outputs would have the same names
                state.problems = [Problem(str(folder / CAMPAIGN_FILE), None, None, "id",
                                          f"the same id {content.campaign.id!r} as {twin}: their outputs would "
                                          "overwrite each other")]
                self._bump()
                return
        jobs = plan([content], self.formats, self.sizes, self.orders)
        with self.changed:
            state.content, state.problems = content, []
            state.outputs = {job.filename: state.outputs.get(job.filename, Shown(job)) for job in jobs}
            focus = dict(self.focus)
            self._bump()
        for job in sorted(jobs, key=lambda job: not _matches(job, focus)):
            with self.pending.mutex:  # saved again meanwhile: the next round builds the newest text
                if name in self.pending.queue:
                    return
            digest = inputs_digest(job)
            shown = state.outputs[job.filename]
            if shown.digest == digest:
                continue
            self._build_one(job, digest, shown)

    def _build_one(self, job: Job, digest: str, shown: Shown) -> None:
        try:
            built = build_pdf(job, self.cache_dir, draft=True)
        except LayoutError as error:
            pdf, name, warnings, errors = error.draft, job.draft_filename, [], error.lines
        except HealthprintError as error:  # a preflight error, or the machine's (a full disk): its message
            pdf, name, warnings, errors = None, job.draft_filename, [], str(error).splitlines()
        else:
            pdf, name, warnings, errors = built.pdf, job.filename, built.warnings, []
        pages = self._write(name, pdf) if pdf is not None else []
        with self.changed:
            shown.job, shown.digest, shown.warnings, shown.errors = job, digest, warnings, errors
            shown.pdf, shown.pages = (name if pdf is not None else None), pages
            self._bump()
            shown.version = self.version

    def _write(self, name: str, pdf: bytes) -> list[str]:
        """Write the PDF and its page images into `out`; their served names, the images'."""
        stem = name.removesuffix(".pdf")
        write_atomic(self.out / name, pdf)
        document = pdfium.PdfDocument(pdf)
        pages = []
        try:
            for index, page in enumerate(document, 1):
                width, height = page.get_size()
                bitmap = page.render(scale=IMAGE_PIXELS / max(width, height))
                image = bitmap.to_pil()
                png = self.out / f"{stem}-p{index}.png"
                # The least compression: the image goes to this computer's browser, and sooner.
                image.save(png.with_suffix(".part"), format="PNG", compress_level=1)
                png.with_suffix(".part").replace(png)
                pages.append(png.name)
        finally:
            document.close()
        with self.changed:
            self.files[name] = (self.out / name, "application/pdf")
            for page in pages:
                self.files[page] = (self.out / page, "image/png")
        return pages

    # -- what the server answers ------------------------------------------------------------------

    def page(self) -> bytes:
        with self.changed:
            return _page(self).encode()

    def field_reference(self) -> bytes | None:
        with self.changed:
            content = next((state.content for state in self.campaigns.values() if state.content), None)
        return reference(content).encode() if content else None


def _matches(job: Job, focus: dict[str, str]) -> bool:
    return all(focus.get(key) in (None, "", value) for key, value in
               (("format", job.format), ("size", job.size.name), ("order", job.order)))


def _yaml_line(problem: Problem, content_dir: Path) -> str | None:
    """The line of a content file a problem names, read like a content file (a regular file inside the
    content folder, at most its size limit), cut short."""
    if problem.line is None:
        return None
    text, refused = read_text(Path(problem.file), content_dir, outside="outside the content folder")
    if refused:
        return None
    lines = _YAML_LINE_BREAK.split(text)
    return lines[problem.line - 1][:YAML_LINE_CHARS] if problem.line <= len(lines) else None


_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #eee; color: #1a1a1a; }
header { position: sticky; top: 0; background: #1a1a1a; color: #fff; padding: .5em 1em; display: flex;
         gap: 1.5em; align-items: center; flex-wrap: wrap; z-index: 1; }
header a { color: #fff; }
main { padding: 0 1em 2em; }
.output { background: #fff; margin: 1em 0; padding: .5em 1em 1em; border-radius: 4px; }
.output h3 { margin: .3em 0; font-size: 1em; }
.pages { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figure { margin: 0; max-width: 48%; }
figure img { max-width: 100%; max-height: 80vh; border: 1px solid #999; }
.warning { color: #8a4b00; margin: .2em 0; }
.error { color: #b3261e; margin: .2em 0; }
pre { background: #fdecea; padding: .4em; overflow-x: auto; margin: .2em 0 .8em; }
.draft { color: #b3261e; font-weight: bold; }
"""

# Filters hide outputs by their data attributes; the event stream tells the server what is in view (built
# first) and announces each new version, whereupon the page fetches itself and swaps its <main>: the
# images' URLs carry their version, so only changed images are loaded again.
_SCRIPT = """
const filters = [...document.querySelectorAll("select[data-filter]")];
let stream = null;
function apply() {
  for (const output of document.querySelectorAll(".output")) {
    output.hidden = !filters.every(f => !f.value || output.dataset[f.dataset.filter] === f.value);
  }
}
async function refresh(version) {
  if (String(version) === document.querySelector("main").dataset.version) return;
  const response = await fetch("/", {cache: "no-store"});
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelector("main").replaceWith(page.querySelector("main"));
  apply();
}
function listen() {
  if (stream) stream.close();
  const query = new URLSearchParams(filters.map(f => [f.dataset.filter, f.value]));
  stream = new EventSource("/events?" + query);
  stream.addEventListener("update", event => refresh(event.data));
}
for (const f of filters) f.addEventListener("change", () => { apply(); listen(); });
apply();
listen();
"""


def _select(name: str, label: str, values: set[str]) -> str:
    options = "".join(f'<option value="{html.escape(value)}">{html.escape(value)}</option>' for value in sorted(values))
    return (f'<label>{label} <select data-filter="{name}"><option value="">all</option>{options}</select>'
            f'</label>')


def _file_url(name: str, version: int) -> str:
    return html.escape(f"/files/{quote(name)}?v={version}")


def _output_html(shown: Shown) -> str:
    job = shown.job
    parts = [f'<section class="output" data-size="{html.escape(job.size.name)}" '
             f'data-order="{html.escape(job.order)}" data-format="{html.escape(job.format)}">',
             f"<h3>{html.escape(job.format)}-{html.escape(job.size.name)} {html.escape(job.order)}"]
    if shown.pdf:
        parts.append(f' — <a href="{_file_url(shown.pdf, shown.version)}">PDF</a>')
    parts.append("</h3>")
    if not shown.digest:
        parts.append("<p>building…</p>")
    if shown.draft:
        parts.append('<p class="draft">The text does not fit: the draft, with what does not fit outlined.</p>')
    by_page: dict[int, list[str]] = {}
    for warning in shown.warnings:
        found = _PAGE.search(warning)
        number = int(found.group(1)) if found else 0
        if not 1 <= number <= len(shown.pages):
            number = 0
        by_page.setdefault(number, []).append(warning)
    parts += [f'<p class="error">{html.escape(line)}</p>' for line in shown.errors]
    parts += [f'<p class="warning">warning: {html.escape(line)}</p>' for line in by_page.get(0, [])]
    parts.append('<div class="pages">')
    for number, name in enumerate(shown.pages, 1):
        notes = "".join(f'<p class="warning">warning: {html.escape(line)}</p>' for line in by_page.get(number, []))
        parts.append(f'<figure><img src="{_file_url(name, shown.version)}" alt="page {number}">'
                     f"<figcaption>page {number}{notes}</figcaption></figure>")
    parts.append("</div></section>")
    return "".join(parts)


def _problems_html(problems: list[Problem], content_dir: Path) -> str:
    parts = ["<h3>The content has errors: fix them and save</h3>"]
    for problem in problems:
        parts.append(f'<p class="error">{html.escape(str(problem))}</p>')
        line = _yaml_line(problem, content_dir)
        if line is not None:
            parts.append(f"<pre>{problem.line}: {html.escape(line)}</pre>")
    return f'<section class="problems">{"".join(parts)}</section>'


def _page(preview: Preview) -> str:
    """The whole page, from the preview's state (`changed` held)."""
    sizes, orders, body = set(), set(), []
    for name, state in sorted(preview.campaigns.items()):
        title = state.content.campaign.id if state.content else name
        body.append(f"<h2>{html.escape(title)}</h2>")
        if state.problems:
            body.append(_problems_html(state.problems, preview.content_dir))
            continue
        for format_name in FORMATS:
            outputs = [shown for shown in state.outputs.values() if shown.job.format == format_name]
            if outputs:
                body.append(f"<h3>{html.escape(format_name)}</h3>")
                body += [_output_html(shown) for shown in outputs]
            sizes |= {shown.job.size.name for shown in outputs}
            orders |= {shown.job.order for shown in outputs}
    status = "building…" if preview.building else "up to date"
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>healthprint preview</title>"
            f"<style>{_STYLE}</style></head><body><header><strong>healthprint preview</strong>"
            f"{_select('size', 'Size', sizes)}{_select('order', 'Language order', orders)}"
            '<a href="/fields">Content fields</a></header>'
            f'<main data-version="{preview.version}"><p>{status}</p>{"".join(body)}</main>'
            f"<script>{_SCRIPT}</script></body></html>")


# -- the HTTP server --------------------------------------------------------------------------------

def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "healthprint-preview"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if preview.hosts is not None and self.headers.get("Host") not in preview.hosts:
                self.send_error(HTTPStatus.FORBIDDEN, "not this computer's address")
            elif url.path == "/":
                self._send(preview.page(), "text/html; charset=utf-8")
            elif url.path == "/events":
                self._events(parse_qs(url.query))
            elif url.path == "/fields":
                text = preview.field_reference()
                self._send(text, "text/plain; charset=utf-8") if text else self._not_found()
            elif url.path.startswith("/files/"):
                # One decoding, then an exact name among the built files: "../", encoded slashes and
                # absolute paths are simply names that were not built (bytes that are not UTF-8 become U+FFFD).
                name = unquote(url.path.removeprefix("/files/"), errors="replace")
                with preview.changed:
                    found = preview.files.get(name)
                try:
                    data = found[0].read_bytes() if found else None
                except OSError:
                    data = None
                self._send(data, found[1]) if data is not None else self._not_found()
            else:
                self._not_found()

        def _send(self, data: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(data)

        def _not_found(self) -> None:
            self.send_error(HTTPStatus.NOT_FOUND)

        def _events(self, query: dict[str, list[str]]) -> None:
            with preview.changed:
                preview.focus = {key: query[key][0] for key in ("format", "size", "order") if key in query}
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            sent = None
            try:
                while not preview.stopping.is_set():
                    with preview.changed:
                        if sent == preview.version:
                            preview.changed.wait(KEEPALIVE_SECONDS)
                        version = preview.version
                    message = f"event: update\ndata: {version}\n\n" if version != sent else ": idle\n\n"
                    self.wfile.write(message.encode())
                    self.wfile.flush()
                    sent = version
            except (BrokenPipeError, ConnectionResetError):  # the page was closed or reloaded
                return

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
            """Quiet: a line per image would bury the build messages."""

    return Handler


def run(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        cache_dir = font_cache_dir(None)
        check_cache(cache_dir)
    except MachineError as error:
        print(f"warning: {error} (the preview goes without the font cache)", file=sys.stderr)
        cache_dir = None
    with tempfile.TemporaryDirectory(prefix="healthprint-preview-") as temporary:
        out = args.out if args.out is not None else Path(temporary)
        out.mkdir(parents=True, exist_ok=True)
        preview = Preview(args, out.resolve(), cache_dir or Path(temporary) / "fonts")
        preview.start()
        print(f"Preview at {preview.url} (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(preview.url)
        try:
            preview.server.serve_forever()
        finally:
            preview.close()
    return 0
