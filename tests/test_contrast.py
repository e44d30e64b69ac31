"""Contrast: the preflight's `contrast_ratio` against published WCAG values, then the campaign's colours
and the stylesheets' fixed text colours measured with it (≥ 4.5:1)."""

import re

import pytest
from tinycss2.color5 import parse_color  # CSS Color 5: device-cmyk too, as WeasyPrint reads it

from healthprint.check import contrast_ratio
from healthprint.engine import Colour
from healthprint.resources import PACKAGED

CSS = PACKAGED / "css"


def _colour(text: str) -> Colour:
    """A CSS colour as the engine describes a laid-out one."""
    parsed = parse_color(text)
    return Colour(parsed.space, tuple(parsed.coordinates), parsed.alpha)


def contrast(foreground: str, background: str) -> float:
    return contrast_ratio(_colour(foreground), _colour(background))


# WCAG 2.x, "contrast ratio" and "relative luminance" (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio):
# (L1 + 0.05) / (L2 + 0.05), L = 0.2126 R + 0.7152 G + 0.0722 B, each channel c = value / 255 made linear
# as c / 12.92 if c ≤ 0.03928, else ((c + 0.055) / 1.055) ^ 2.4 (WCAG 2.2 writes 0.04045, as sRGB does; no
# 8-bit value lies between the two: 10/255 = 0.03922 and 11/255 = 0.04314). The ratios below are that
# definition worked out by hand, rounded to 4 places; where a published value exists it is named.
PUBLISHED = [
    ("#000000", "#ffffff", 21.0),     # the largest ratio there is: "ranges from 1 to 21" (WCAG 2.x definition)
    ("#ffffff", "#ffffff", 1.0),      # the smallest
    ("#777777", "#ffffff", 4.4781),   # L = 0.184475: 4.48:1 in WebAIM's contrast checker, just fails AA
    ("#767676", "#ffffff", 4.5422),   # L = 0.181164: 4.54:1 (WebAIM), the lightest grey that passes AA on white
    ("#595959", "#ffffff", 7.0047),   # L = 0.099899: 7.0:1 (WebAIM), the lightest grey that passes AAA on white
    ("#C0262D", "#ffffff", 5.9048),   # the campaign's accent: R 0.527115, G 0.019382, B 0.026241 → L = 0.127822
    ("#0A0A0A", "#ffffff", 19.7981),  # 10/255 is below both thresholds: c / 12.92, L = 0.003035
    ("#0B0B0B", "#ffffff", 19.6826),  # 11/255 is above both thresholds: the power curve, L = 0.003347
]


@pytest.mark.parametrize("foreground, background, ratio", PUBLISHED, ids=[f"{f} on {b}" for f, b, _ in PUBLISHED])
def test_contrast_ratio_gives_the_published_wcag_values(foreground, background, ratio):
    """The preflight's own formula, to 4 decimal places, either way round."""
    assert contrast(foreground, background) == pytest.approx(ratio, abs=5e-5)
    assert contrast(background, foreground) == pytest.approx(ratio, abs=5e-5)


def test_contrast_ratio_of_print_colours():
    """device-cmyk colours (the print variant's text) are measured too: solid black on paper is 21:1."""
    assert contrast("device-cmyk(0 0 0 1)", "#ffffff") == pytest.approx(21.0)


def test_campaign_colours_are_readable_on_paper(campaign):
    """Ink, accent (red headings, numbers) and calm (teal questions) on the paper; white on the accent band."""
    colours = campaign.campaign.colours
    for name in ("ink", "accent", "calm"):
        assert contrast(getattr(colours, name), colours.paper) >= 4.5, name
    assert contrast("#ffffff", colours.accent) >= 4.5


def _text_colours() -> set[str]:
    """Every fixed colour the stylesheets give text: written out, or a house colour variable."""
    css = "".join(f.read_text() for f in CSS.iterdir() if f.name.endswith(".css"))
    defined = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    used = re.findall(r"(?<![-\w])color: (#[0-9a-fA-F]{6}|var\(--([\w-]+)\))", css)
    return {value if not name else defined[name] for value, name in used if not name or name in defined}


def test_the_stylesheets_give_text_fixed_colours():
    """The next test has something to check: the house greys and the white of the bands."""
    assert {"#454545", "#3d3d3d", "#6b6b6b", "#ffffff"} <= _text_colours()


@pytest.mark.parametrize("colour", sorted(_text_colours()))
def test_every_fixed_text_colour_in_the_css_reads_on_white(colour, campaign):
    """Secondary-language and small-print greys on the paper, and white on the accent band, all reach 4.5:1."""
    background = campaign.campaign.colours.accent if colour.lower() == "#ffffff" else "#ffffff"
    assert contrast(colour, background) >= 4.5
