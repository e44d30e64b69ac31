"""Step 5 of the pipeline: lay the HTML out with WeasyPrint.

WeasyPrint may only read the font subsets we made and the colour profile: content can never make it
open another local file or a URL. Its warnings (an ignored CSS rule, a glyph no font has) fail the
build; a character our fonts lack is caught earlier, by the glyph check on the content.
"""

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from . import patches
from .errors import LayoutError

patches.install()

# WeasyPrint says this for every font when the system lacks libharfbuzz-subset; patches.py does that
# subsetting with HarfBuzz anyway, so it is noise, not a problem with the output.
_EXPECTED = ("Using fontTools instead of HarfBuzz-Subset",)


class _OnlyTheseFiles(URLFetcher):
    """A URL fetcher that serves the listed files and refuses everything else, fatally."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        self.allowed = {path.resolve().as_uri() for path in allowed}

    def fetch(self, url, headers=None):
        if url.split("?")[0] not in self.allowed:
            raise ValueError(f"refused to read {url}: templates and content may not load files or URLs")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_EXPECTED):
            self.messages.append(message)


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint warns about while the block runs."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def lay_out(html: str, css: str, files: list[Path], label: str) -> weasyprint.Document:
    """Lay out `html`, reading only `files` (fonts, colour profile); raise LayoutError naming `label`
    if WeasyPrint warned about anything."""
    fetcher = _OnlyTheseFiles(files)
    fonts, colour_profiles = FontConfiguration(), {}  # filled by the stylesheet's @font-face and @color-profile
    with weasyprint_warnings() as warnings:
        try:
            stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts,
                                        color_profiles=colour_profiles)
            document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
                stylesheets=[stylesheet], font_config=fonts, color_profiles=colour_profiles)
        except FatalURLFetchingError as error:
            raise LayoutError([f"{label}: {error.__cause__}"]) from error
    if warnings:
        raise LayoutError([f"{label}: {message}" for message in warnings])
    return document
