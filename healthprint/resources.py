"""Where templates, stylesheets and the colour profile come from: the package `healthprint.templates`.

That is the repository's `templates/` folder, installed with the code (pyproject.toml maps it into the
package, so there is one copy), read through importlib.resources in a checkout and in an installed
copy alike.
"""

import atexit
import hashlib
import importlib.resources
from contextlib import ExitStack
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

try:
    PACKAGED = importlib.resources.files("healthprint.templates")
except ModuleNotFoundError:  # a checkout installed (editable) before templates/ became a package
    raise ModuleNotFoundError("healthprint.templates (the templates/ folder) is not installed: run "
                              "`pip install -e .` in the checkout again") from None
SUFFIXES = (".html", ".css")  # all a template may include


def _packaged(name: str) -> Traversable:
    resource = PACKAGED
    for part in name.split("/"):
        resource = resource / part
    return resource


def find(name: str) -> tuple[str, str]:
    """The text of the template or stylesheet `name` (`css/poster.css`) and where it came from. Raises
    jinja2's TemplateNotFound for any other name (`..` included): a template can include templates and
    nothing else."""
    name = "/".join(split_template_path(name))
    resource = _packaged(name)
    if not name.endswith(SUFFIXES) or not resource.is_file():
        raise jinja2.TemplateNotFound(name)
    return resource.read_text(encoding="utf-8"), str(resource)


class Loader(jinja2.BaseLoader):
    """Jinja's loader: the packaged templates."""

    def get_source(self, environment: jinja2.Environment, template: str):
        text, where = find(template)
        return text, where, lambda: True  # read once a run: never stale within it


_extracted = ExitStack()
atexit.register(_extracted.close)


def packaged_path(name: str) -> Path:
    """A packaged file as a file on disk, for WeasyPrint, which reads the colour profile from its URL:
    an installed package is a folder, so this is the file itself (from a zip, a copy kept until exit)."""
    return _extracted.enter_context(importlib.resources.as_file(_packaged(name)))


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
