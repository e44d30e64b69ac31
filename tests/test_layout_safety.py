"""Layout may read nothing but the font subsets and the colour profile, and whatever WeasyPrint warns
about fails the build: a template (HTML or CSS) that loads a file or a URL, or uses CSS WeasyPrint
ignores, is a one-line error naming the output. Shown through `lay_out` and through the command line."""

import re

import pytest

# The entry points these tests go through, in one place: if layout moves to another module, or the build
# takes its HTML and CSS from elsewhere, these lines are the ones to change.
from healthprint import pipeline as build_steps  # the build calls build_steps.render_html and .stylesheet
from healthprint.errors import LayoutError
from healthprint.fonts import font_faces_css
from healthprint.engine import lay_out

PAGE_CSS = "@page { size: 60mm 40mm; margin: 5mm } html { font-family: 'Healthprint Noto Sans CJK' }"
REFUSED = "refused to read {}: templates and content may not load files or URLs"
POSTER = ("--format", "poster", "--size", "a3", "--order", "en+zh-Hans", "-j", "1")
LABEL = "stem-cell-safety poster-a3 en+zh-Hans"


def _lay_out(tmp_path, html_body: str = "", css: str = "", head: str = "") -> tuple[list[str], str]:
    """The error lines of laying out a small page with `html_body` and `css` (after the fonts and the
    page size), and the whole stylesheet it was laid out with."""
    html = f'<html lang="en"><head>{head}</head><body><p lang="en">Ask first</p>{html_body}</body></html>'
    font_css, files = font_faces_css(html, tmp_path)
    stylesheet = font_css + PAGE_CSS + "\n" + css
    with pytest.raises(LayoutError) as caught:
        lay_out(html, stylesheet, files, "test")
    return caught.value.lines, stylesheet


@pytest.mark.parametrize("where, url", [
    ("img", "file:///etc/passwd"),
    ("img", "https://example.invalid/pixel.png"),
    ("css", "file:///etc/passwd"),
    ("css", "http://example.invalid/x.png"),
    ("link", "https://example.invalid/extra.css"),
])
def test_a_template_loading_a_file_or_url_fails_with_one_line(tmp_path, where, url):
    """An <img>, a CSS url() or a <link>ed stylesheet: refused before anything is read, named in one line."""
    lines, _ = _lay_out(tmp_path, html_body=f'<img src="{url}" alt="x">' if where == "img" else "",
                        css=f"p {{ background: url({url}) }}" if where == "css" else "",
                        head=f'<link rel="stylesheet" href="{url}">' if where == "link" else "")
    assert lines == [f"test: {REFUSED.format(url)}"]


def test_a_font_file_not_made_by_the_build_is_refused(tmp_path):
    """A template's own @font-face may not reach for another font on the machine either."""
    lines, _ = _lay_out(tmp_path, css="@font-face { font-family: Other; src: url(file:///usr/share/fonts/x.ttf) } "
                                      "p { font-family: Other }")
    assert lines == [f"test: {REFUSED.format('file:///usr/share/fonts/x.ttf')}"]


def _position(css: str, text: str) -> str:
    """Line:column (from 1) where `text` starts in `css`, as WeasyPrint reports it."""
    before = css[:css.index(text)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def test_css_weasyprint_ignores_fails_with_a_line_per_warning(tmp_path, caplog):
    """An unsupported property and an invalid value: each WeasyPrint warning is a line of the error."""
    lines, css = _lay_out(tmp_path, css="p { text-wrap: balance; }\nh1 { color: nonsense; }")
    caplog.clear()  # the warnings are the point here (conftest fails any other test that has them)
    assert lines == [f"test: Ignored `text-wrap: balance` at {_position(css, 'text-wrap')}, unknown property.",
                     f"test: Ignored `color: nonsense` at {_position(css, 'color: nonsense')}, invalid value."]


@pytest.fixture
def template_with(monkeypatch):
    """Make the build's templates add `head` to every output's <head> and `css` to its stylesheet."""

    def inject(head: str = "", css: str = "") -> None:
        render_html, stylesheet = build_steps.render_html, build_steps.stylesheet
        monkeypatch.setattr(build_steps, "render_html",
                            lambda *args, **kwargs: render_html(*args, **kwargs).replace("</head>", f"{head}</head>", 1))
        monkeypatch.setattr(build_steps, "stylesheet", lambda *args, **kwargs: stylesheet(*args, **kwargs) + css)

    return inject


def test_the_build_fails_when_a_template_loads_a_file(template_with, run_cli, tmp_path):
    """Through the command line: exit 2, the output named in one line, nothing written."""
    template_with(css="\n.page { background: url(file:///etc/passwd) }")
    code, out, err = run_cli(*POSTER, "--out", str(tmp_path / "out"))
    assert code == 2
    assert re.fullmatch(rf"\[1/1\] {re.escape(LABEL)}\s+FAILED \(see below\)\n", out)
    assert err == f"{LABEL}: {REFUSED.format('file:///etc/passwd')}\nAborted with 1 layout error.\n"
    assert not (tmp_path / "out").exists()


def test_the_build_fails_when_a_template_uses_css_weasyprint_ignores(template_with, run_cli, tmp_path, caplog):
    """Through the command line: a property WeasyPrint 70 does not know is not silently dropped."""
    template_with(head="<style>p { text-wrap: balance }</style>")
    code, out, err = run_cli(*POSTER, "--out", str(tmp_path / "out"))
    caplog.clear()  # the warning is the point here
    assert code == 2
    assert re.fullmatch(rf"\[1/1\] {re.escape(LABEL)}\s+FAILED \(see below\)\n", out)
    assert err == f"{LABEL}: Ignored `text-wrap: balance ` at 1:5, unknown property.\nAborted with 1 layout error.\n"
