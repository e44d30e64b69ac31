"""An installed copy works on its own: `pip install .` (not editable) into a fresh virtual environment
gives a `healthprint` command that builds every PDF from any folder, with the templates, stylesheets
and colour profile that travel inside the package and the font cache in the user's cache folder.

The environment is made without a download: `--without-pip`, with the test's own site-packages (the
dependencies, pip and setuptools of the test extra) visible through a .pth file after its own, and the
package built from a copy of the sources with `--no-build-isolation --no-index` (a build in the
checkout itself would leave build/ and *.egg-info/ in it).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "healthprint", "templates")  # what the package is built from


def _run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def _install(tmp_path: Path) -> Path:
    """`pip install .` of a copy of the sources into a new virtual environment; its folder."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    ours = [path for path in sys.path if path.endswith(("site-packages", "dist-packages"))]
    (site / "test-dependencies.pth").write_text("\n".join(ours) + "\n")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", source,
         cwd=tmp_path)
    return venv


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)))


def test_pip_install_builds_every_pdf_from_any_folder(tmp_path, built, printed):
    venv = _install(tmp_path)
    content, out, cache, elsewhere = (tmp_path / name for name in ("content", "out", "xdg-cache", "elsewhere"))
    shutil.copytree(ROOT / "content" / "stem-cell-safety", content / "stem-cell-safety")  # the others: test_examples.py
    elsewhere.mkdir()
    env = {name: value for name, value in os.environ.items() if name not in ("HEALTHPRINT_CACHE", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(cache)
    command = (venv / "bin" / "healthprint", "--content", content, "--out", out, "-q")
    _run(*command, cwd=elsewhere, env=env)
    _run(*command, "--print", "--marks", "--format", "poster", "--size", "a3", cwd=elsewhere, env=env)

    expected = {job.filename: (job, pdf) for job, pdf in built.values()}
    expected |= {job.filename: (job, pdf) for job, pdf in printed.values() if job.format == "poster"
                 and job.size.name == "a3"}
    assert sorted(path.name for path in out.glob("*.pdf")) == sorted(expected)
    for name, (job, pdf) in expected.items():
        made = (out / name).read_bytes()
        assert len(pdfium.PdfDocument(made)) == job.size.pages, name
        assert re.sub(r"\s+", "", job.content.texts["en"].title) in _text(made), name
        assert made == pdf, f"{name}: not the PDF the checkout builds"
    assert list(elsewhere.iterdir()) == []  # nothing written where the command ran
    assert list((cache / "healthprint").glob("*.otf"))  # the font cache is in the user's cache folder

    # It ran the installed copy, templates and all, not the checkout's.
    where = _run(venv / "bin" / "python", "-c", "import healthprint, healthprint.templates as t; "
                 "print(healthprint.__file__); print(t.__file__)", cwd=elsewhere, env=env).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where
    installed, packaged = Path(where[1]).parent, ROOT / "templates"
    assert ({path.relative_to(installed) for path in installed.rglob("*") if "__pycache__" not in path.parts}
            == {path.relative_to(packaged) for path in packaged.rglob("*") if "__pycache__" not in path.parts})
