"""Templates folders: a campaign's `templates/` folder and `--templates DIR` replace packaged templates
and stylesheets file by file (an edited one rebuilds the PDF), without ever letting them read another
file."""

import os
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "templates"
POSTER = ("--format", "poster", "--size", "a3", "--order", "en+zh-Hans")
NAME = "stem-cell-safety_poster-a3_en+zh-Hans.pdf"
LABEL = "stem-cell-safety poster-a3 en+zh-Hans"


def _poster_html(line: str) -> str:
    """The packaged poster template with one more line of English in its foot, at line ADDED."""
    text = (PACKAGED / "poster.html").read_text(encoding="utf-8")
    return text.replace("</footer>", f'<p lang="en" class="source">{line}</p>\n</footer>')


ADDED = (PACKAGED / "poster.html").read_text(encoding="utf-8").splitlines().index("</footer>") + 1


def _folder(path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    return path


def _text(pdf: Path) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))


def _pixels(pdf: Path, colour: tuple[int, int, int]) -> int:
    """How many pixels of the first page, drawn at 36 dpi, are exactly `colour`."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=0.5).to_pil().convert("RGB")
    return dict((rgb, count) for count, rgb in image.getcolors(1 << 24)).get(colour, 0)


def _build(run_cli, out: Path, *args: str) -> tuple[int, str, str]:
    return run_cli("--out", str(out), *POSTER, *args)


# ---- Replacing packaged files -----------------------------------------------------------------------------


def test_templates_folder_replaces_a_template_and_a_stylesheet(run_cli, tmp_path, built):
    """--templates DIR: DIR/poster.html and DIR/css/poster.css are used instead of the packaged ones
    (the headline's rule turns #123456); the packaged base.html and partials still serve."""
    css = (PACKAGED / "css" / "poster.css").read_text(encoding="utf-8") + ".headline { border-left-color: #123456; }\n"
    templates = _folder(tmp_path / "ours", {"poster.html": _poster_html("Printed by the Example Clinic"),
                                            "css/poster.css": css})
    code, _, err = _build(run_cli, tmp_path / "out", "--templates", str(templates))
    assert (code, err) == (0, "")
    pdf = tmp_path / "out" / NAME
    assert "Printed by the Example Clinic" in _text(pdf)
    assert _pixels(pdf, (0x12, 0x34, 0x56)) > 100  # the headline's rule, in our colour


def test_same_files_as_the_package_give_the_same_pdf(run_cli, tmp_path, built):
    """A templates folder holding copies of the packaged files, or nothing at all, changes no byte."""
    copies = _folder(tmp_path / "copies", {name: (PACKAGED / name).read_text(encoding="utf-8")
                                           for name in ("poster.html", "css/common.css", "partials/bilingual.html")})
    (tmp_path / "empty").mkdir()
    for folder in (copies, tmp_path / "empty"):
        code, _, err = _build(run_cli, tmp_path / folder.name, "--templates", str(folder))
        assert (code, err) == (0, "")
        assert (tmp_path / folder.name / NAME).read_bytes() == built[LABEL][1], folder.name


def test_campaign_templates_come_before_the_users(scenario, run_cli, tmp_path):
    """<campaign>/templates/poster.html wins over DIR/poster.html; DIR's other files still apply."""
    content = scenario()
    _folder(content / "campaign" / "templates", {"poster.html": _poster_html("From the campaign")})
    css = (PACKAGED / "css" / "poster.css").read_text(encoding="utf-8") + ".headline { border-left-color: #123456; }\n"
    user = _folder(tmp_path / "user", {"poster.html": _poster_html("From the user"), "css/poster.css": css})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path / "out"), *POSTER, "--templates", str(user))
    assert (code, err) == (0, "")
    pdf = tmp_path / "out" / NAME
    assert "From the campaign" in _text(pdf) and "From the user" not in _text(pdf)
    assert _pixels(pdf, (0x12, 0x34, 0x56)) > 100


def test_an_edited_template_rebuilds_the_pdf(scenario, run_cli, tmp_path):
    """The fingerprint holds the replacing files: unchanged, the PDF is up to date; edited, it is built
    again; a file the templates folder gains that is not a template or stylesheet changes nothing."""
    content = scenario()
    templates = _folder(content / "campaign" / "templates", {"poster.html": _poster_html("First words")})
    args = ("--content", str(content), "--out", str(tmp_path / "out"), *POSTER)
    assert run_cli(*args)[0] == 0
    (templates / "notes.txt").write_text("not a template", encoding="utf-8")
    assert "up to date" in run_cli(*args)[1]
    (templates / "poster.html").write_text(_poster_html("Second words"), encoding="utf-8")
    code, out, _ = run_cli(*args)
    assert code == 0 and "up to date" not in out
    assert "Second words" in _text(tmp_path / "out" / NAME)


# ---- What a templates folder may not do -------------------------------------------------------------------


def _fails_with(run_cli, tmp_path, files: dict[str, str], line: str) -> None:
    """A build with `files` as the templates folder fails with `line` ({t}: the folder), exit 2, no PDF."""
    templates = _folder(tmp_path / "templates", files)
    code, _, err = _build(run_cli, tmp_path / "out", "--templates", str(templates))
    assert (code, err) == (2, line.format(t=templates) + "\nAborted with 1 layout error.\n")
    assert not (tmp_path / "out" / NAME).exists()


def test_a_template_may_not_load_a_file(run_cli, tmp_path):
    _fails_with(run_cli, tmp_path, {"poster.html": _poster_html('<img src="file:///etc/hostname" alt="">')},
                f"{LABEL}: refused to read file:///etc/hostname: templates and content may not load files or URLs")


def test_a_stylesheet_may_not_load_a_file(run_cli, tmp_path):
    css = (PACKAGED / "css" / "poster.css").read_text(encoding="utf-8") + "body { background: url(file:///etc/hostname); }\n"
    _fails_with(run_cli, tmp_path, {"css/poster.css": css},
                f"{LABEL}: refused to read file:///etc/hostname: templates and content may not load files or URLs")


def test_a_template_includes_only_templates(run_cli, tmp_path):
    """Neither a path out of the folder nor a packaged file that is not a template can be included."""
    for name in ("../../../../etc/hostname", "print/AGPL-3.0.txt"):
        _fails_with(run_cli, tmp_path, {"poster.html": _poster_html(f'{{% include "{name}" %}}')},
                    f"{LABEL}: {{t}}/poster.html:{ADDED}: no template '{name}': a template includes only templates "
                    "(.html) and stylesheets (.css) of the package or of a templates folder")


def test_a_template_cannot_reach_python_internals(run_cli, tmp_path):
    """Templates run sandboxed: a campaign's template cannot climb from its values to Python's modules."""
    _fails_with(run_cli, tmp_path, {"poster.html": _poster_html("{{ t.title.__class__.__mro__ }}")},
                f"{LABEL}: {{t}}/poster.html:{ADDED}: access to attribute '__class__' of 'Pair' object is unsafe.")


def test_a_template_syntax_error_names_its_line(run_cli, tmp_path):
    _fails_with(run_cli, tmp_path, {"poster.html": _poster_html("{% if %}")},
                f"{LABEL}: {{t}}/poster.html:{ADDED}: Expected an expression, got 'end of statement block'")


def _content_errors(run_cli, content: Path, *lines: str) -> None:
    code, _, err = run_cli("--content", str(content), "--list")
    noun = "content error" if len(lines) == 1 else "content errors"
    assert (code, err.splitlines()) == (2, [*lines, f"Aborted with {len(lines)} {noun}."])


def test_a_campaign_templates_folder_must_be_inside_the_campaign(scenario, run_cli, tmp_path):
    content = scenario()
    _folder(tmp_path / "elsewhere", {"poster.html": "{{ 1 }}"})
    (content / "campaign" / "templates").symlink_to(tmp_path / "elsewhere")
    _content_errors(run_cli, content, f"{content}/campaign/templates: is a link to a folder outside the campaign "
                                      "folder; a campaign's templates must be inside it")


def test_templates_folder_files_are_read_like_content_files(scenario, run_cli, tmp_path):
    """Links to files only within the folder, no link to a folder, no FIFO: each one line, nothing read."""
    content = scenario()
    secret = tmp_path / "secret.html"
    secret.write_text("secret", encoding="utf-8")
    templates = _folder(content / "campaign" / "templates", {"base.html": "{{ 1 }}"})
    (templates / "poster.html").symlink_to(secret)
    (templates / "handout.html").symlink_to(templates / "base.html")  # inside: fine
    (templates / "css").symlink_to(tmp_path)
    os.mkfifo(templates / "leaflet.html")
    _content_errors(run_cli, content,
                    f"{templates}/css: is a link to a folder; use a real folder",
                    f"{templates}/leaflet.html: is a FIFO (named pipe), not a regular file",
                    f"{templates}/poster.html: is a link to a file outside the templates folder; its templates "
                    "must be inside it")


def test_templates_option_needs_a_folder(run_cli, tmp_path):
    code, _, err = run_cli("--list", "--templates", str(tmp_path / "missing"))
    assert (code, err) == (2, f"--templates {tmp_path / 'missing'}: no such folder\n")
