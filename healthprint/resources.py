"""Where templates, stylesheets and the colour profile come from: the package, or a templates folder.

The defaults are the package `healthprint.templates`: the repository's `templates/` folder, installed
with the code (pyproject.toml maps it into the package, so there is one copy), read through
importlib.resources in a checkout and in an installed copy alike.

A templates folder overrides them file by file, like MkDocs' `custom_dir`: a campaign's own
`<campaign>/templates/` first, then the folder given with `--templates`, then the package. A file there
replaces the packaged file of the same relative name (`base.html`, `css/poster.css`,
`partials/bilingual.html`) or adds one that an overriding template includes. Only templates (`.html`) and
stylesheets (`.css`) are read from such a folder; the colour profile and the fonts come from the
package alone. Override files are read once, with the checks of content files (regular files inside
the folder, links only within it, at most 250 kB of UTF-8), and kept in memory: the up-to-date
fingerprint hashes exactly the text that is rendered, and no file is read twice.
"""

import atexit
import hashlib
import importlib.resources
import os
import traceback
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from .errors import Problem, quote
from .yaml_reader import read_text

try:
    PACKAGED = importlib.resources.files("healthprint.templates")
except ModuleNotFoundError:  # a checkout installed (editable) before templates/ became a package
    raise ModuleNotFoundError("healthprint.templates (the templates/ folder) is not installed: run "
                              "`pip install -e .` in the checkout again") from None
SUFFIXES = (".html", ".css")  # what a templates folder may replace, and all a template may include
MAX_ENTRIES = 1000  # files and folders in a templates folder: a real one holds a few


@dataclass(frozen=True)
class Overrides:
    """Templates and stylesheets read from templates folders, by relative name (`css/poster.css`), and
    the path each was read from. The digest (of names and texts) is what the PDF's fingerprint holds;
    two are equal (and share a Jinja environment) when their texts and paths are."""

    texts: dict[str, str] = field(default_factory=dict, compare=False)
    paths: dict[str, str] = field(default_factory=dict, compare=False)
    digest: str = ""
    where: tuple[str, ...] = ()  # the paths, for comparing

    def over(self, other: "Overrides") -> "Overrides":
        """These files, and those of `other` that these do not replace."""
        if not other.texts or not self.texts:
            return self if self.texts else other
        return _overrides({**other.texts, **self.texts}, {**other.paths, **self.paths})


NO_OVERRIDES = Overrides()


def _overrides(texts: dict[str, str], paths: dict[str, str]) -> Overrides:
    if not texts:
        return NO_OVERRIDES
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return Overrides(texts, paths, digest.hexdigest(), tuple(paths[name] for name in sorted(paths)))


def _packaged(name: str) -> Traversable:
    resource = PACKAGED
    for part in name.split("/"):
        resource = resource / part
    return resource


def find(name: str, overrides: Overrides = NO_OVERRIDES) -> tuple[str, str]:
    """The text of the template or stylesheet `name` (`css/poster.css`) and where it came from: the
    overriding file, else the packaged one. Raises jinja2's TemplateNotFound for any other name (`..`
    included): a template can include templates and nothing else."""
    name = "/".join(split_template_path(name))
    if name in overrides.texts:
        return overrides.texts[name], overrides.paths[name]
    resource = _packaged(name)
    if not name.endswith(SUFFIXES) or not resource.is_file():
        raise jinja2.TemplateNotFound(name)
    return resource.read_text(encoding="utf-8"), str(resource)


class Loader(jinja2.BaseLoader):
    """Jinja's loader: override files first, the packaged templates second."""

    def __init__(self, overrides: Overrides):
        self.overrides = overrides

    def get_source(self, environment: jinja2.Environment, template: str):
        text, where = find(template, self.overrides)
        return text, where, lambda: True  # both are read once a run: never stale within it


_extracted = ExitStack()
atexit.register(_extracted.close)


def packaged_path(name: str) -> Path:
    """A packaged file as a file on disk, for WeasyPrint, which reads the colour profile from its URL:
    an installed package is a folder, so this is the file itself (from a zip, a copy kept until exit)."""
    return _extracted.enter_context(importlib.resources.as_file(_packaged(name)))


ICONS = "icons"  # the packaged icon set: icons/<name>.svg, drawn in `currentColor`


@cache
def icon_names() -> tuple[str, ...]:
    """The names of the packaged icons, sorted."""
    return tuple(sorted(child.name.removesuffix(".svg") for child in _packaged(ICONS).iterdir()
                        if child.name.endswith(".svg")))


@cache
def icon_svg(name: str) -> str:
    """The SVG of the packaged icon `name` (a name from `icon_names()`)."""
    return _packaged(f"{ICONS}/{name}.svg").read_text(encoding="utf-8")


def _walk(resource: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    files = []
    for child in resource.iterdir():
        if child.name == "__pycache__":
            continue
        name = prefix + child.name
        files += _walk(child, name + "/") if child.is_dir() else [(name, child)]
    return files


def packaged_digest() -> str:
    """Fingerprint of every packaged file, by relative name and content."""
    digest = hashlib.sha256()
    for name, resource in sorted(_walk(PACKAGED), key=lambda item: item[0]):
        digest.update(name.encode() + b"\0" + resource.read_bytes() + b"\0")
    return digest.hexdigest()


def read_overrides(folder: Path, inside: Path | None = None) -> tuple[Overrides, list[Problem]]:
    """The templates and stylesheets of the templates folder `folder`, or the problems with it.

    `inside`: the campaign folder that `folder` belongs to; a link that leads out of it is refused.
    The folder must be a real folder; links to folders in it are refused, links to files are followed
    only within it; files other than templates and stylesheets are never opened.
    """
    shown = str(folder)
    try:
        real = folder.resolve(strict=True)
    except FileNotFoundError:
        return NO_OVERRIDES, [Problem(shown, None, None, "", "no such folder")]
    except (OSError, RuntimeError) as error:  # a loop of links
        reason = getattr(error, "strerror", None) or "a loop of links"
        return NO_OVERRIDES, [Problem(shown, None, None, "", f"cannot be read ({reason})")]
    if inside is not None and not real.is_relative_to(inside.resolve()):
        return NO_OVERRIDES, [Problem(shown, None, None, "", "is a link to a folder outside the campaign folder; "
                                                             "a campaign's templates must be inside it")]
    if not real.is_dir():
        return NO_OVERRIDES, [Problem(shown, None, None, "", "is not a folder; templates go in a folder")]
    texts, paths, problems, entries = {}, {}, [], 0
    outside = "is a link to a file outside the templates folder; its templates must be inside it"
    def unreadable(error: OSError) -> None:
        where = Path(error.filename)
        shown_as = folder / where.relative_to(real) if where.is_relative_to(real) else where
        problems.append(Problem(str(shown_as), None, None, "", f"cannot be read ({error.strerror})"))

    for top, folders, files in os.walk(real, onerror=unreadable):
        here = Path(top).relative_to(real)
        for name in sorted(folders + files):
            entries += 1
            if entries > MAX_ENTRIES:
                return NO_OVERRIDES, [Problem(shown, None, None, "", f"more than {MAX_ENTRIES} files and folders; "
                                                                     "a templates folder holds a few")]
            if name in folders and os.path.islink(os.path.join(top, name)):
                problems.append(Problem(str(folder / here / name), None, None, "",
                                        "is a link to a folder; use a real folder"))
        for name in sorted(files):
            if not name.endswith(SUFFIXES):
                continue
            relative = (here / name).as_posix()
            text, read_problems = read_text(folder / relative, real, outside)
            problems += read_problems
            if text is not None:
                texts[relative], paths[relative] = text, str(folder / relative)
    return _overrides(texts, paths), problems


def template_error(error: jinja2.TemplateError, overrides: Overrides) -> str:
    """A Jinja error as one line, `FILE:LINE: message`, at the template line it comes from (the last
    line of an overriding template in the traceback, else of any template)."""
    line, where = getattr(error, "lineno", None), getattr(error, "filename", None)
    if where is None:
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(SUFFIXES)]
        ours = [frame for frame in frames if frame.filename in overrides.paths.values()]
        if ours or frames:
            where, line = (ours or frames)[-1].filename, (ours or frames)[-1].lineno
    if isinstance(error, jinja2.TemplateNotFound):
        message = (f"no template {quote(error.name)}: a template includes only templates (.html) and stylesheets "
                   "(.css) of the package or of a templates folder")
    else:
        message = error.message if isinstance(error, jinja2.TemplateSyntaxError) else str(error)
    place = f"{where}:{line}" if where and line else where or "templates"
    return f"{place}: {message}"
