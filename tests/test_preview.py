"""`build.py serve`: the preview page, the files it serves and nothing else, its live updates after a
save, in HTTP and in a real browser (headless Chromium)."""

import http.client
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from healthprint.campaign import load_campaign
from healthprint.cli import font_cache_dir
from healthprint.pipeline import plan
from healthprint.preview import IMAGE_PIXELS, Preview, Shown, _output_html, parse_args

ROOT = Path(__file__).resolve().parent.parent
HAND_HYGIENE = ROOT / "content" / "hand-hygiene"
ONE_OUTPUT = ["--format", "handout", "--order", "zh-Hant+en"]  # the A4 handout alone: a fast rebuild
MAIN_MESSAGE = ('main_message: "Wash your hands with soap and water for 20 seconds, or rub them with an alcohol '
                'hand gel."')
WAIT_SECONDS = 120  # for a build to finish: a socket timeout or deadline that only ends a broken test


def _content(folder: Path) -> Path:
    content = folder / "content"
    shutil.copytree(HAND_HYGIENE, content / "hand-hygiene")
    return content


def _edit(content: Path, old: str, new: str) -> Path:
    path = content / "hand-hygiene" / "en.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


class Served:
    """A preview serving `content` from a thread of this process."""

    def __init__(self, content: Path, out: Path, *options: str):
        self.content, self.out = content, out
        self.preview = Preview(parse_args(["--content", str(content), "--port", "0", *options]), out, font_cache_dir(None))
        self.preview.start()
        self.thread = threading.Thread(target=self.preview.server.serve_forever)
        self.thread.start()
        self.port = self.preview.server.server_address[1]

    def get(self, path: str, host: str | None = None) -> http.client.HTTPResponse:
        """The response to a GET of `path` exactly as written (http.client does not normalise it)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_SECONDS)
        connection.request("GET", path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def events(self):
        """The versions the event stream announces, the current one first."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_SECONDS)
        connection.request("GET", "/events")
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        try:
            while True:
                line = response.readline().decode()
                assert line, "the event stream ended"
                if line.startswith("data: "):
                    yield int(line.removeprefix("data: "))
        finally:
            connection.close()

    def page_when(self, condition) -> str:
        """The page once `condition(page)` holds, looked at again after each event."""
        for _ in self.events():
            page = self.get("/").body.decode()
            if condition(page):
                return page

    def close(self) -> None:
        self.preview.close()
        self.thread.join()


def _built(page: str) -> bool:
    return "<p>up to date</p>" in page and "building…" not in page


@pytest.fixture(scope="module")
def whole_campaign(tmp_path_factory):
    """Every output of the hand-hygiene campaign, served and built once for the module's tests."""
    folder = tmp_path_factory.mktemp("preview")
    served = Served(_content(folder), folder / "out")
    served.page_when(_built)
    yield served
    served.close()


@pytest.fixture
def one_output(tmp_path):
    served = Served(_content(tmp_path), tmp_path / "out", *ONE_OUTPUT)
    served.page_when(_built)
    yield served
    served.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_page_lists_every_output_with_its_pages_and_pdf(whole_campaign):
    """One section per output, grouped by format, each with its PDF link and one image per page."""
    page = whole_campaign.get("/").body.decode()
    jobs = plan([load_campaign(whole_campaign.content / "hand-hygiene")])
    assert len(jobs) == 6
    for job in jobs:
        stem = job.filename.removesuffix(".pdf").replace("+", "%2B")
        section = re.search(rf'<section class="output" data-size="{job.size.name}" data-order="{re.escape(job.order)}" '
                            rf'data-format="{job.format}">(.*?)</section>', page).group(1)
        assert re.search(rf'<a href="/files/{re.escape(stem)}\.pdf\?v=\d+">PDF</a>', section)
        images = re.findall(r'<img src="/files/([^"?]+)\?v=\d+" alt="page (\d+)">', section)
        assert images == [(f"{stem}-p{n}.png", str(n)) for n in range(1, job.size.pages + 1)]
    assert [heading for heading in re.findall(r"<h3>(\w+)</h3>", page)] == ["handout", "leaflet", "poster"]
    assert '<option value="en+zh-Hant">en+zh-Hant</option><option value="zh-Hant+en">zh-Hant+en</option>' in page
    assert '<option value="a3">a3</option><option value="a4">a4</option>' in page
    assert '<a href="/fields">Content fields</a>' in page


@pytest.mark.parametrize("output", ["handout-a4_zh-Hant+en", "leaflet-a4_en+zh-Hant", "poster-a3_zh-Hant+en"])
def test_page_images_are_pngs_of_the_pages_proportions(whole_campaign, output):
    """Each image is a PNG of its page, the longest side IMAGE_PIXELS, the page's width to height."""
    name = f"hand-hygiene_{output}".replace("+", "%2B")
    pdf = whole_campaign.get(f"/files/{name}.pdf")
    document = pdfium.PdfDocument(pdf.body)
    for number, pdf_page in enumerate(document, 1):
        response = whole_campaign.get(f"/files/{name}-p{number}.png?v=1")
        assert (response.status, response.getheader("Content-Type")) == (200, "image/png")
        width, height = _png_size(response.body)
        page_width, page_height = pdf_page.get_size()
        assert max(width, height) == IMAGE_PIXELS
        assert abs(width / height - page_width / page_height) < 2 / IMAGE_PIXELS
    document.close()


def test_pdf_link_serves_the_pdf(whole_campaign):
    response = whole_campaign.get("/files/hand-hygiene_poster-a3_en%2Bzh-Hant.pdf?v=3")
    assert (response.status, response.getheader("Content-Type")) == (200, "application/pdf")
    assert response.body == (whole_campaign.out / "hand-hygiene_poster-a3_en+zh-Hant.pdf").read_bytes()
    assert response.body.startswith(b"%PDF-")


def test_field_reference_is_served(whole_campaign):
    response = whole_campaign.get("/fields")
    assert (response.status, response.getheader("Content-Type")) == (200, "text/plain; charset=utf-8")
    assert response.body.decode().startswith("# Content fields\n")


@pytest.mark.parametrize("path", [
    "/files/../pyproject.toml", "/files/../../../etc/passwd", "/../pyproject.toml", "/files/%2e%2e/pyproject.toml",
    "/files/%2E%2E%2Fpyproject.toml", "/files/..%2F..%2Fetc%2Fpasswd", "/files/%252e%252e%252fpyproject.toml",
    "/files//etc/passwd", "/files/%2Fetc%2Fpasswd", "//etc/passwd", "/files/", "/files", "/out/", "/content/",
    "/files/hand-hygiene_poster-a3_en%2Bzh-Hant.pdf/..", "/files/./hand-hygiene_poster-a3_en%2Bzh-Hant.pdf",
    "/files/hand-hygiene/en.yaml", "/docs/fields.md", "/index.html", "/files/link.pdf", "/files/%00", "/files/%ff%fe",
])
def test_nothing_but_the_built_files_is_served(whole_campaign, path):
    """Request paths are names looked up among the built files: traversal, encodings, absolute paths and a
    link planted in the output folder are all 404."""
    link = whole_campaign.out / "link.pdf"
    if not link.is_symlink():
        link.symlink_to(ROOT / "pyproject.toml")
    response = whole_campaign.get(path)
    assert (response.status, b"pyproject" in response.body) == (404, False)


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", ""])
def test_a_request_for_another_host_is_refused(whole_campaign, host):
    """Bound to 127.0.0.1, only requests naming this computer are answered: not a page reached by a DNS
    rebinding trick."""
    connection = http.client.HTTPConnection("127.0.0.1", whole_campaign.port, timeout=WAIT_SECONDS)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", host.format(port=whole_campaign.port))
    connection.endheaders()
    response = connection.getresponse()
    assert (response.status, b"healthprint" in response.read()) == (403, False)
    connection.close()
    assert whole_campaign.get("/").status == 200
    assert whole_campaign.get("/", host=f"localhost:{whole_campaign.port}").status == 200


def test_port_in_use_is_a_usage_error(whole_campaign, run_cli):
    code, _, err = run_cli("serve", "--content", str(whole_campaign.content), "--port", str(whole_campaign.port))
    assert (code, err) == (2, f"--host 127.0.0.1 --port {whole_campaign.port}: Address already in use\n")


def test_unknown_choices_are_usage_errors(run_cli, tmp_path):
    """As for a build: one line naming what is available, exit 2, before anything is served."""
    content = _content(tmp_path)
    code, _, err = run_cli("serve", "--content", str(content), "--port", "0", "--order", "fr+en")
    assert (code, err) == (2, "--order 'fr+en': unknown language code 'fr'; available: en, ja, ko, zh-Hans, zh-Hant\n")
    code, _, err = run_cli("serve", "--content", str(content), "--port", "0", "--campaign", "stem-cell-safety")
    assert (code, err) == (2, "--campaign 'stem-cell-safety' is unknown; available: hand-hygiene\n")


def test_warnings_stand_beside_the_page_they_name(campaign):
    """A warning naming page 2 is in page 2's caption; one naming no page (or a page the output does not
    have) is above the pages."""
    job = plan([campaign], {"handout"}, {"a4"}, {"zh-Hans+en"})[0]
    shown = Shown(job, digest="built", version=4, pdf="out.pdf", pages=["out-p1.png", "out-p2.png"],
                  warnings=[f"{job.label}: page 2, <h3> 'Ask': last line 'first' is too short",
                            f"{job.label}: page 7, <p> 'Odd': too short", f"{job.label}: required <b>content</b>"])
    section = _output_html(shown)
    above, pages = section.split('<div class="pages">')
    assert above.endswith(f'<p class="warning">warning: {job.label}: page 7, &lt;p&gt; &#x27;Odd&#x27;: too short</p>'
                          f'<p class="warning">warning: {job.label}: required &lt;b&gt;content&lt;/b&gt;</p>')
    assert pages == ('<figure><img src="/files/out-p1.png?v=4" alt="page 1"><figcaption>page 1</figcaption></figure>'
                     '<figure><img src="/files/out-p2.png?v=4" alt="page 2"><figcaption>page 2<p class="warning">'
                     f"warning: {job.label}: page 2, &lt;h3&gt; &#x27;Ask&#x27;: last line &#x27;first&#x27; is "
                     "too short</p></figcaption></figure></div></section>")


def test_content_error_is_shown_with_its_line_then_the_images_again_once_fixed(one_output):
    """A broken file: the page shows each problem, file:line:column: key: message, and the line itself,
    and no images; fixed, the images are back."""
    path = _edit(one_output.content, MAIN_MESSAGE, 'main_message: ""')
    page = one_output.page_when(lambda page: "content has errors" in page)
    assert (f'<p class="error">{path}:2:1: main_message: empty text</p>'
            f'<pre>2: main_message: &quot;&quot;</pre>') in page
    assert "<img" not in page
    _edit(one_output.content, 'main_message: ""', MAIN_MESSAGE)
    page = one_output.page_when(lambda page: "<img" in page)
    assert "content has errors" not in page
    assert len(re.findall(r'<img src="/files/hand-hygiene_handout-a4_zh-Hant%2Ben-p\d\.png\?v=\d+"', page)) == 2


def test_text_that_does_not_fit_shows_the_draft_and_the_message(one_output):
    """A title that cannot fit: the draft's pages, with the overflow outlined, and the fit error."""
    path = _edit(one_output.content, 'title: "Clean hands stop germs"',
                 'title: "Handwashingisthesinglemosteffectivewayagainstgermsalways"')
    page = one_output.page_when(lambda page: "does not fit" in page)
    assert (f'<p class="error">{path}:1:1: title: handout-a4 zh-Hant+en, page 1: 109 mm too wide (1 line) — '
            "cut about 25 characters</p>") in page
    assert re.findall(r'<img src="/files/([^"?]+)\?', page) == [
        f"hand-hygiene_handout-a4_zh-Hant%2Ben_DRAFT-p{n}.png" for n in (1, 2)]
    assert one_output.get("/files/hand-hygiene_handout-a4_zh-Hant%2Ben_DRAFT-p1.png").status == 200


def test_a_campaign_folder_added_while_serving_is_shown(one_output, tmp_path):
    second = tmp_path / "hands-again"
    shutil.copytree(one_output.content / "hand-hygiene", second)
    campaign = second / "campaign.yaml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("id: hand-hygiene", "id: hands-again", 1),
                        encoding="utf-8")
    second.rename(one_output.content / second.name)
    page = one_output.page_when(lambda page: "hands-again_handout-a4_zh-Hant%2Ben-p2.png" in page)
    assert re.findall(r"<h2>([^<]+)</h2>", page) == ["hand-hygiene", "hands-again"]


def test_a_campaign_with_another_campaigns_id_is_an_error(one_output, tmp_path):
    """Its outputs would have the same names: it is refused, the first campaign's images stay."""
    second = tmp_path / "copy"
    shutil.copytree(one_output.content / "hand-hygiene", second)
    second.rename(one_output.content / second.name)
    page = one_output.page_when(lambda page: "content has errors" in page)
    assert (f'<p class="error">{one_output.content / "copy" / "campaign.yaml"}: id: the same id '
            f'&#x27;hand-hygiene&#x27; as {one_output.content / "hand-hygiene"}: their outputs would overwrite each '
            'other</p>') in page
    assert len(re.findall(r'<img src="/files/hand-hygiene_handout-a4_zh-Hant%2Ben-p\d\.png', page)) == 2


def test_an_event_announces_each_rebuild(one_output):
    """The event stream sends the current version at once, then a newer one after a save rebuilt the PDF."""
    pdf = one_output.out / "hand-hygiene_handout-a4_zh-Hant+en.pdf"
    before, image = pdf.read_bytes(), re.search(r'-p1\.png\?v=(\d+)"', one_output.get("/").body.decode())[1]
    events = one_output.events()
    current = next(events)
    _edit(one_output.content, "Clean hands stop germs", "Clean hands stop most germs")
    assert next(events) > current
    page = one_output.page_when(_built)
    assert pdf.read_bytes() != before
    assert int(re.search(r'-p1\.png\?v=(\d+)"', page)[1]) > int(image)


class Chromium:
    """Headless Chromium driven through the DevTools protocol over a pipe (--remote-debugging-pipe: JSON
    messages ending in a NUL byte, commands in on its fd 3, answers out on its fd 4)."""

    def __init__(self, profile: Path):
        executable = shutil.which("chromium")
        assert executable, "chromium is not installed (CI installs it: .ci/run)"
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()

        def pipes_as_fd_3_and_4():
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self.process = subprocess.Popen(
            [executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=pipes_as_fd_3_and_4)
        os.close(commands_read)
        os.close(answers_write)
        self.buffer, self.next_id, self.session = b"", 0, None

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.answers, 65536)
                assert chunk, "chromium closed the pipe"
                self.buffer += chunk
            text, self.buffer = self.buffer.split(b"\0", 1)
            answer = json.loads(text)
            if answer.get("id") == self.next_id:
                assert "error" not in answer, answer
                return answer["result"]

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", url=url)["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def until(self, expression: str):
        """The value of `expression` once it is truthy (checked five times a second)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"never true in the browser: {expression}")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self.commands)
        os.close(self.answers)


# The page's loaded images: their sources, once every one of them is loaded and drawn.
LOADED_IMAGES = ("(() => { const images = [...document.images]; return images.length && "
                 "images.every(i => i.complete && i.naturalWidth > 0) && images.map(i => i.getAttribute('src')); })()")


# The language orders of the outputs the page's filters leave visible.
SHOWN_ORDERS = "[...document.querySelectorAll('.output')].filter(o => !o.hidden).map(o => o.dataset.order)"


def test_browser_page_updates_itself_after_a_save(tmp_path):
    """The real command in a real browser: `serve` prints its URL, the page shows the pages as images and
    filters them by language order; after a save, the open page (not reloaded, still filtered) shows the
    new images."""
    content = _content(tmp_path)
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                               "--port", "0", "--out", str(tmp_path / "out"), "--format", "handout"],
                              cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    browser = None
    try:
        line = server.stdout.readline()
        assert re.fullmatch(r"Preview at http://127\.0\.0\.1:\d+/ \(Ctrl-C to stop\)\n", line)
        browser = Chromium(tmp_path / "chromium")
        browser.open(line.split()[2])
        before = browser.until(f"document.querySelector('main > p').textContent === 'up to date' && {LOADED_IMAGES}")
        assert [re.sub(r"\?v=\d+$", "", src) for src in before] == [
            f"/files/hand-hygiene_handout-a4_{order}-p{n}.png" for order in ("zh-Hant%2Ben", "en%2Bzh-Hant")
            for n in (1, 2)]
        browser.evaluate("const order = document.querySelector('select[data-filter=order]'); "
                         "order.value = 'zh-Hant+en'; order.dispatchEvent(new Event('change')); "
                         "window.notReloaded = true")
        assert browser.evaluate(SHOWN_ORDERS) == ["zh-Hant+en"]
        _edit(content, "Clean hands stop germs", "Clean hands stop most germs")
        after = browser.until(f"(() => {{ const now = {LOADED_IMAGES}; "
                              f"return now && now[0] !== {json.dumps(before[0])} && now; }})()")
        assert [re.sub(r"\?v=\d+$", "", src) for src in after] == [re.sub(r"\?v=\d+$", "", src) for src in before]
        assert browser.evaluate("window.notReloaded") is True
        assert browser.evaluate(SHOWN_ORDERS) == ["zh-Hant+en"]
    finally:
        if browser:
            browser.close()
        server.send_signal(signal.SIGINT)
        assert server.wait(WAIT_SECONDS) == 130
