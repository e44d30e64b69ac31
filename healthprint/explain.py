"""`build.py --explain CODE`: what each kind of error means and how to fix it, for the people who meet
them (translators, clinic staff), one paragraph each. The kinds are the rows of README's checks table."""

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str     # as the checks table names it
    example: str  # the start of a message of this kind, to recognise it by
    text: str


KINDS = {
    "E-YAML": Kind(
        "YAML syntax", "en.yaml:1:27: YAML syntax error: …",
        "A content file could not be read as YAML, so nothing in it was checked yet. The message names the "
        "line and column where reading stopped; the mistake is there or just before it. Most often a text "
        "holds a colon and a space, a '#' after a space, or starts with '@': put the whole text in double "
        "quotes (\"Step 1: wash\"), and use “ ” for quotes inside it. Indent with spaces, never tabs, and "
        "start keys of the same level in the same column: the message shows the line and the one above. "
        "A quote opened and not closed runs on to the next quote mark, lines later: close it on its line."),
    "E-CONTENT": Kind(
        "content", "en.yaml:2:1: main_message: empty text",
        "A key is missing, unknown (often misspelt), empty, of the wrong kind (a list where text belongs, a "
        "number that should be in quotes), in one language's file but not in another's, or a value is not "
        "one that is allowed (a language, format, size, colour like #C0262D, date). The message names the "
        "file, line, column and key; list items are counted from 1 (`slogans[2]` is the second slogan). "
        "Fix that key as the message says; docs/fields.md lists every key with its limits and an example."),
    "E-GLYPH": Kind(
        "glyphs", "zh-Hans.yaml:39: slogans[2]: U+1F600 '😀' has no glyph in …",
        "A character of the text is not in the font the leaflets are printed with (an emoji, a rare symbol, "
        "a character of another script), so it would print as an empty box or in some other font. Replace "
        "it with a character the font has, or with words."),
    "E-LANG": Kind(
        "languages", "en.yaml:39:5: slogans[2]: Chinese, Japanese or Korean text '别' in the en file; …",
        "Text is in the file of the wrong language (Chinese in en.yaml), a CJK text has ASCII punctuation "
        "where its language uses its own (',' for '，'), or a text in a CJK file has no CJK character at all "
        "(most likely left untranslated). Move or translate the text, or use the punctuation the message "
        "names. In your own templates, every element with text needs a `lang`."),
    "E-FIT": Kind(
        "fit", "en.yaml:36:7: checklist.items[5]: leaflet-a4 zh-Hans+en, flap panel: 5 mm over …",
        "A text does not fit its page or panel: it runs past the bottom, is hidden under a box (the tri-fold's "
        "slogan band), has a word wider than its column, or was left out of the page. The message names the "
        "first text that does not fit, how many millimetres it is over and about how many characters to cut "
        "in each language, and the longest text there when that is another one. Shorten the text (in any "
        "language of that output); `--draft` writes the PDF anyway with what does not fit outlined."),
    "E-SIZE": Kind(
        "type size", "…: page 1, <p> 'Body text': text 11.0 pt, needs ≥ 12 pt",
        "Body text on a handout or tri-fold is smaller than 12 pt, or small print smaller than 8 pt: too small "
        "to read for many patients. It comes from a stylesheet, not from the content: change the font size "
        "in your own templates folder's CSS, or remove the file that changed it."),
    "W-LAST-LINE": Kind(
        "short last lines", "…: <h1> 'Stem-cell treatment: saf': last line 'first' is too short; …",
        "A title, heading, main message, core point or slogan ends in a leftover line (one word, one or two "
        "Chinese characters), or a Chinese paragraph ends in a line of one character. The PDF is still "
        "written (with --strict it is not). Shorten or reword the text so that its last line is fuller."),
    "W-DISTANCE": Kind(
        "poster distance", "…: <h1> 'Head': letters 18.1 mm high, needs ≥ 25.0 mm to read from 3 m",
        "A poster's letters are too small to be read from the distance its size is meant for (about 25 mm of "
        "letter height per 3 m for the headline). The PDF is still written (with --strict it is not). Use a "
        "shorter headline, so that it is set larger, or a larger poster size."),
    "E-CONTRAST": Kind(
        "contrast", "campaign.yaml:8:3: colours.accent: '#F5A623': white text on it has contrast 2.0:1, …",
        "Text is too pale against its background to be read by people with weak sight: it needs a contrast "
        "of 4.5:1 (3:1 for large text). When a colour of campaign.yaml causes it, the message names that "
        "colour's line, how many texts fail and a darker (or lighter) colour of the same hue that passes: "
        "put that colour in campaign.yaml. Otherwise it names the page and element; the colour then comes "
        "from a stylesheet of your own templates folder."),
    "E-BLEED": Kind(
        "bleed", "…: page 1, <section.slogans>: the fill reaches the right trim but only 0.0 mm beyond it; …",
        "In a print PDF, a coloured box reaches the edge of the page but not 3 mm beyond it, so cutting the "
        "paper would leave a white sliver. It comes from a stylesheet: let the box run into the bleed "
        "(the packaged stylesheets use `var(--bleed)`), or keep it away from the edge."),
    "E-PLATES": Kind(
        "plates", "…: <p> 'Blue': text 12.0 pt on C86/M9/K61: under 14 pt use solid black or at most two plates",
        "In a print PDF, small text is printed in a grey screen or on three or four inks, which never line up "
        "exactly on press and blur it. Give small text solid black or a colour made of at most two inks (in "
        "your templates' CSS), or set it at 14 pt or more."),
    "E-REQUIRED": Kind(
        "required content", "…: required content missing: review date (en) ('25 November 2027')",
        "Something every leaflet must print is not on the page: the publication or review date, version, "
        "source, disclaimer, emergency numbers, or in an organisation's edition its name, phones and web "
        "address. It is in the content but a template leaves it out: put it back in your own template."),
    "E-ORGS": Kind(
        "organisations", "clinics.csv:3:website: 'www.south' is not a web address like https://example.org/page",
        "A row of the organisations file given with --orgs has a mistake: an unknown column or language, a "
        "missing id or name, an id used twice, a phone number or web address that is not one, Chinese text "
        "in an English column, or a logo that is missing or not a clean SVG, PNG or JPEG beside the file. "
        "The message names the file, row and column: fix that cell in the spreadsheet and export it again."),
    "E-QR": Kind(
        "QR code", "…: page 2, QR code 17.0 mm wide, needs ≥ 20 mm",
        "A QR code is too small to scan (under 20 mm in the hand, more on posters), something overlaps it or "
        "the white margin it needs, or its colours have too little contrast (7:1) or are light on dark. It "
        "comes from a template or stylesheet: give the code its room and dark modules on a light ground."),
    "E-LOGO": Kind(
        "logo resolution", "…: logo clinic.png is 212 ppi at 20 mm wide; print needs ≥ 300 ppi …",
        "A PNG or JPEG logo has too few pixels for the size it is printed at: under 300 ppi is a warning, "
        "under 150 ppi an error (it would print blurred). Ask the organisation for a larger image (the "
        "message says how many pixels wide), or better, an SVG."),
}


def explain(code: str) -> str | None:
    """The explanation of `code` (in any case) as printed, or None for a code there is none of."""
    kind = KINDS.get(code.upper())
    if kind is None:
        return None
    paragraph = textwrap.fill(kind.text, 100, break_on_hyphens=False)  # `tri-fold` stays whole
    return f"{code.upper()}: {kind.name}, e.g. {kind.example}\n\n{paragraph}"


def codes() -> str:
    """Every code with the kind it stands for, one a line."""
    return "\n".join(f"{code:12} {kind.name}" for code, kind in KINDS.items())
