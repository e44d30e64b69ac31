"""The pipeline end to end: plan the outputs of a build, and turn one of them into PDF bytes.

read YAML (yaml_reader.py) → load and validate the campaign (campaign.py) → pre-process text (text.py) → render HTML (render.py)
→ subset fonts (fonts.py) → lay out (engine.py) and check (check.py) → write the variant (engine.py, finish.py;
press.py for print) → write the file (write.py).
"""

import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from html import unescape
from pathlib import Path

import jinja2

from . import __version__
from .fonts import FONTS, font_digest, font_faces_css
from .formats import Size
from .check import Palette, check_fit, check_langs, check_pages, movable_section, preflight, required_content
from .draft import mark_draft
from .engine import Colour, Layout, lay_out, split_part, stamp, write_pdf
from .errors import LayoutError
from .finish import finish
from .press import CMYK_PROFILE, Marks, device_cmyk, print_stylesheet, text_cmyk, write_print
from .logos import Logo, resolution_findings
from .qr import colour_components
from .render import logo_size, render_html, stylesheet
from .resources import NO_OVERRIDES, Overrides, packaged_digest, template_error
from .campaign import CAMPAIGN_FILE, CampaignContent, output_orders, output_sizes
from .organisations import ORGANISATION_KEY, Organisation, batch_characters


@dataclass(frozen=True)
class Job:
    """One PDF to build: a campaign's format at a paper size, with its languages in one order."""

    content: CampaignContent
    format: str
    size: Size
    langs: tuple[str, ...]
    variant: str = "screen"   # "screen": tagged PDF/UA-1, RGB; "print": PDF/X-4, CMYK, bleed
    crop_marks: bool = False  # print variant only
    templates: Overrides = NO_OVERRIDES  # the campaign's and the user's templates that replace packaged ones
    organisation: Organisation | None = None  # printed for this clinic or NGO (--orgs), or the generic set
    # Every character of every organisation of the batch: in each one's font subsets, so the whole batch
    # shares one subset of each font (made once, loaded once by each worker) instead of one per clinic.
    batch_characters: str = ""
    # The batch's first organisation: the others' blocks are stamped on its layout (`_stamped`).
    batch_first: Organisation | None = None

    @property
    def sources(self) -> dict:
        """Where the texts of this output come from, by `data-key` prefix: the campaign's YAML files, and
        the organisations file (`org:`) for an organisation's set."""
        if self.organisation is None:
            return self.content.sources
        return {**self.content.sources, ORGANISATION_KEY: self.organisation}

    @property
    def order(self) -> str:
        return "+".join(self.langs)

    @property
    def output(self) -> str:
        """This output within its campaign: `handout-a4 zh-Hans+en` (`… print` for the print variant, `… for
        harbour-clinic` in an organisation's set)."""
        suffix = "" if self.variant == "screen" else f" {self.variant}"
        return f"{self.format}-{self.size.name} {self.order}{suffix}{self._for}"

    @property
    def _for(self) -> str:
        return f" for {self.organisation.id}" if self.organisation else ""

    @property
    def set_name(self) -> str:
        """The set this output is moved into place with: `stem-cell-safety` (`… for harbour-clinic`)."""
        return self.content.campaign.id + self._for

    @property
    def logo(self) -> "Logo | None":
        return self.organisation.logo if self.organisation else None

    @property
    def label(self) -> str:
        """How messages name this output: `stem-cell-safety handout-a4 zh-Hans+en` (`… for harbour-clinic`)."""
        return f"{self.content.campaign.id} {self.output}"

    @property
    def filename(self) -> str:
        # Built only from validated ids (slug, known format, size and language codes): it can't leave the folder.
        suffix = "" if self.variant == "screen" else f"_{self.variant}"
        folder = f"{self.organisation.id}/" if self.organisation else ""  # an organisation's set: its folder
        return f"{folder}{self.content.campaign.id}_{self.format}-{self.size.name}_{self.order}{suffix}.pdf"

    @property
    def draft_filename(self) -> str:
        """Where `--draft` puts a PDF whose text does not fit: never the name of a good one."""
        return self.filename.removesuffix(".pdf") + "_DRAFT.pdf"


def _files_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def _tool_digest() -> str:
    """What every output shares: the code (size table, generated CSS, checks), packaged templates and
    fonts. Read once a run, not once per output."""
    code = sorted(Path(__file__).parent.glob("*.py"))
    fonts = "".join(font_digest(font.path) for font in FONTS)
    return f"{__version__}:{_files_digest(code)}:{packaged_digest()}:{fonts}"


def inputs_digest(job: Job) -> str:
    """Fingerprint of everything that shapes a job's PDF: code, templates (the overriding ones it uses
    included), fonts, options, content (an organisation's values and logo included)."""
    content = "".join(f"{name}:{source.digest}\0" for name, source in sorted(job.sources.items()))
    key = (f"{_tool_digest()}\0{job.label}\0{job.crop_marks}\0{job.templates.digest}\0{content}\0"
           f"{job.batch_characters}")
    return hashlib.sha256(key.encode()).hexdigest()


def plan(contents: list[CampaignContent], formats: set[str] | None = None, sizes: set[str] | None = None,
         orders: set[str] | None = None, variant: str = "screen", crop_marks: bool = False,
         templates: Overrides = NO_OVERRIDES, organisations: list[Organisation] | None = None) -> list[Job]:
    """Every output the campaigns ask for, narrowed by the command line's choices; `templates` (the
    user's) replace packaged templates, and a campaign's own replace both. With `organisations`, one
    set per organisation, organisation by organisation (an interrupted batch has whole sets done)."""
    jobs = []
    characters = batch_characters(organisations or [])
    first = organisations[0] if organisations else None
    for organisation, content in ((org, content) for org in organisations or [None] for content in contents):
        for _, output, size in output_sizes(content.campaign):
            if (formats and output.format not in formats) or (sizes and size.name not in sizes):
                continue
            for langs in output_orders(content.campaign, output):
                if orders and "+".join(langs) not in orders:
                    continue
                jobs.append(Job(content, output.format, size, langs, variant, crop_marks,
                                content.templates.over(templates), organisation, characters, first))
    return jobs


@dataclass(frozen=True)
class Built:
    """A finished PDF and the preflight warnings about it (errors would have stopped it)."""

    pdf: bytes
    warnings: list[str]


def build_pdf(job: Job, cache_dir: Path, subset_first: bool = True, draft: bool = False) -> Built:
    """The finished PDF of `job` with its warnings, or a HealthprintError saying why not.

    With `draft`, a LayoutError for text that does not fit carries the PDF anyway, marked as a draft
    with the failing text outlined.
    """
    stamped = _stamped(job, cache_dir, subset_first)
    document = stamped or _lay_out(job, job.size, cache_dir, subset_first)
    misfits, problems = _fit_problems(job, document)
    if problems:
        raise LayoutError(problems, mark_draft(_write(document, job), misfits) if draft else None)
    if stamped is None:  # a stamped page has the page plan its batch's first organisation's page ended with
        document, _ = _fill_pages(job, document, cache_dir, subset_first)
    findings = preflight(document, job.size, required_content(job.content, job.langs, job.organisation), job.label,
                         _palette(job))
    logo = job.logo
    if logo is not None and job.variant == "print":  # sharp enough to print at the size it is drawn
        errors, warnings = resolution_findings(logo, logo_size(logo)[0], job.label)
        findings = dataclasses.replace(findings, errors=findings.errors + errors, warnings=findings.warnings + warnings)
    if findings.errors or findings.counted:
        raise LayoutError(findings.errors, counted=findings.counted)
    return Built(_write(document, job), findings.warnings)


def _palette(job: Job) -> Palette:
    """The campaign's colours as the preflight traces low contrast to them: as this variant draws them."""
    colours = job.content.campaign.colours

    def drawn(value: str, as_text: bool) -> Colour:
        if job.variant == "print":  # as print_stylesheet writes them
            value = text_cmyk(value) if as_text else device_cmyk(value, colours.ink)
        return Colour(*colour_components(value))

    return Palette({field.name: getattr(colours, field.name) for field in dataclasses.fields(colours)},
                   job.content.sources[Path(CAMPAIGN_FILE).stem], drawn)


def _fit_problems(job: Job, document: Layout) -> tuple[list, list[str]]:
    """The texts that do not fit, and what is wrong: those texts (by name), else an extra page (only the
    symptom, so it comes second)."""
    misfits = check_fit(document, job.sources, job.output, job.label)
    return misfits, [misfit.message for misfit in misfits] or check_pages(document, job.size.pages, job.label)


def _inputs(job: Job, size: Size, cache_dir: Path, subset_first: bool) -> tuple[str, str, list[Path]]:
    """The HTML of `job` at `size` (its own, or one with another page plan), its CSS with the fonts'
    @font-face rules, and the files WeasyPrint may read."""
    campaign = job.content.campaign
    files = []
    logo = job.logo
    if logo is not None and logo.kind != "svg":  # a PNG or JPEG: a file WeasyPrint may read, RGB or CMYK
        files.append(logo.print_file(cache_dir, CMYK_PROFILE) if job.variant == "print" else logo.screen_file(cache_dir))
    try:
        html = render_html(campaign, job.content.texts, job.format, size, job.langs, job.variant == "print",
                           job.templates, job.organisation, files[0] if files else None)
        css = stylesheet(job.format, size, campaign.colours, job.templates)
    except jinja2.TemplateError as error:
        if not job.templates.texts:  # the packaged templates are ours: a bug
            raise
        raise LayoutError([f"{job.label}: {template_error(error, job.templates)}"]) from None
    if job.variant == "print":
        css = print_stylesheet(css, campaign.colours)
        files.append(CMYK_PROFILE)
    check_langs(html, job.label)
    # The characters as printed: HTML escapes such as &#39; stand for characters the fonts must hold.
    font_css, font_files = font_faces_css(unescape(html) + css + job.batch_characters, cache_dir, subset_first)
    return html, font_css + "\n" + css, font_files + files


def _lay_out(job: Job, size: Size, cache_dir: Path, subset_first: bool) -> Layout:
    """`job` rendered at `size` (its own, or one with another page plan) and laid out."""
    return lay_out(*_inputs(job, size, cache_dir, subset_first), job.label)


# The first organisation's layouts this process has made, newest last: (layout, its page plan, HTML).
_FIRST_LAYOUTS: OrderedDict[str, tuple[Layout, Size, str] | None] = OrderedDict()
FIRST_LAYOUTS_KEPT = 32  # more than the outputs of one set (22 in the full example build), fewer than 20 MB each


def _stamped(job: Job, cache_dir: Path, subset_first: bool) -> Layout | None:
    """An organisation's output made from its batch's first organisation's: that layout (made once per
    process) with this organisation's block laid out alone and stamped in. What every organisation
    shares is laid out once (2.7 times faster a PDF in a batch of 1000, README "Speed"). None when
    the rest of the HTML would not be the same (a campaign's own templates may print the organisation
    anywhere, so they are not stamped) or the block is not the same size (`engine.stamp`): then the
    whole page is laid out."""
    first = job.batch_first
    if job.organisation is None or first is None or job.organisation.id == first.id or job.templates.texts:
        return None
    first_job = dataclasses.replace(job, organisation=first)
    key = f"{inputs_digest(first_job)}\0{cache_dir}\0{subset_first}"  # the fonts it loaded are files there
    if key not in _FIRST_LAYOUTS:
        _FIRST_LAYOUTS[key] = _first_layout(first_job, cache_dir, subset_first)
        while len(_FIRST_LAYOUTS) > FIRST_LAYOUTS_KEPT:
            _FIRST_LAYOUTS.popitem(last=False)
    _FIRST_LAYOUTS.move_to_end(key)
    if _FIRST_LAYOUTS[key] is None:
        return None
    layout, size, first_html = _FIRST_LAYOUTS[key]
    html, css, files = _inputs(job, size, cache_dir, subset_first)
    own, shared = split_part(html, "organisation"), split_part(first_html, "organisation")
    if own is None or shared is None or (own[0], own[2]) != (shared[0], shared[2]):
        return None
    return stamp(layout, "organisation", own[1], css, files, job.label)


def _first_layout(job: Job, cache_dir: Path, subset_first: bool) -> tuple[Layout, Size, str] | None:
    """The finished layout of the batch's first organisation's output, its page plan and its HTML;
    None if its text does not fit (its own build says so)."""
    layout = _lay_out(job, job.size, cache_dir, subset_first)
    if _fit_problems(job, layout)[1]:
        return None
    layout, size = _fill_pages(job, layout, cache_dir, subset_first)
    return layout, size, _inputs(job, size, cache_dir, subset_first)[0]


def _fill_pages(job: Job, document: Layout, cache_dir: Path, subset_first: bool) -> tuple[Layout, Size]:
    """The layout with a section moved up to the page before wherever that page has room for it (a
    campaign without some sections leaves it short), laid out again and kept only if everything still
    fits; and the page plan it ended with. The page plan is the size table's; this only closes up what
    content leaves out."""
    size, page = job.size, 0
    while page < len(size.page_plan) - 1:
        section = movable_section(document, page)
        if section is None:
            page += 1
            continue
        plan = [list(names) for names in size.page_plan]
        plan[page].append(section)
        plan[page + 1].remove(section)
        moved = dataclasses.replace(size, page_plan=tuple(tuple(names) for names in plan))
        candidate = _lay_out(job, moved, cache_dir, subset_first)
        if _fit_problems(job, candidate)[1]:
            page += 1
            continue
        size, document = moved, candidate
    return document, size


def _write(document: Layout, job: Job) -> bytes:
    """The PDF of a laid-out document: PDF/UA-1 for the screen, PDF/X-4 for print."""
    if job.variant == "print":
        return write_print(document, job.label, Marks(job.size.folds) if job.crop_marks else None)
    return finish(write_pdf(document, "screen", job.label))
