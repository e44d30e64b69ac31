"""Text and background colours meet WCAG contrast: ≥ 4.5:1 for text, as printed by the stylesheets."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "templates" / "css"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_campaign_colours_are_readable_on_paper(campaign):
    """Ink, accent (red headings, numbers) and calm (teal questions) on the paper; white on the accent band."""
    colours = campaign.campaign.colours
    for name in ("ink", "accent", "calm"):
        assert contrast(getattr(colours, name), colours.paper) >= 4.5, name
    assert contrast("#ffffff", colours.accent) >= 4.5


@pytest.mark.parametrize("colour", sorted({c for f in CSS.glob("*.css") for c in re.findall(
    r"(?<![-\w])color: (#[0-9a-fA-F]{6})", f.read_text())}))
def test_every_fixed_text_colour_in_the_css_reads_on_white(colour):
    """Secondary-language and small-print greys, and white on the band, all reach 4.5:1."""
    background = "#c0262d" if colour.lower() == "#ffffff" else "#ffffff"
    assert contrast(colour, background) >= 4.5
