"""CJK line breaking and punctuation width, measured where readers see them: in the laid-out lines and
in the characters of the built PDFs (PDFium), not in the markup."""

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

import glyphs
from healthprint.errors import LayoutError
from healthprint.fonts import font_faces_css
from healthprint.formats import FORMATS
from healthprint.engine import lay_out
from healthprint.render import stylesheet
from healthprint.text import HAN_KANA, typeset

OPENING = "（「『《“‘〔【"
CLOSING = "，。、；：）」』》”’〕】"
# What no line may start with (clreq, jlreq): closing, middle and end marks; in Japanese also small
# kana, the prolonged sound mark and iteration marks.
NO_LINE_START = "。，、；：？！）」』】》〉…"
JAPANESE_NO_LINE_START = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー々ゝゞヽヾ"
# A line holding one Han/kana character and nothing but punctuation around it.
ONE_CHARACTER = re.compile(rf"[^\w]*[{HAN_KANA}][^\w]*")


@dataclass
class Char:
    """A character of a PDF page as PDFium reads it, in PDF points."""

    text: str
    x: float       # origin: where the pen stood when it was drawn
    baseline: float
    right: float   # of its loose box, the advance of the glyph
    height: float  # of its loose box: the font's ascent + descent; 0 for spaces PDFium makes up


def _chars(page) -> list[Char]:
    """Every character of a PDF page but the line ends and soft hyphens PDFium adds."""
    textpage = page.get_textpage()
    chars = []
    for index in range(textpage.count_chars()):
        text = textpage.get_text_range(index, 1)
        if text in "\r\n\ufffe":
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        _, bottom, right, top = textpage.get_charbox(index, loose=True)
        chars.append(Char(text, x.value, round(y.value, 1), right, top - bottom))
    return chars


@dataclass
class Line:
    """A run of characters on one baseline of a PDF page, in PDF points."""

    baseline: float
    left: float
    right: float
    height: float  # of its first character
    text: str


def _pdf_lines(page) -> list[Line]:
    """The lines of a PDF page: characters on one baseline, split where a gap wider than a character
    parts them (the columns and panels side by side)."""
    lines: list[Line] = []
    for char in sorted(_chars(page), key=lambda char: (char.baseline, char.x)):
        line = lines[-1] if lines else None
        if line and line.baseline == char.baseline and char.x - line.right < max(char.height, line.height):
            line.right, line.text = max(char.right, line.right), line.text + char.text
        elif char.text.strip():  # a space starts no line
            lines.append(Line(char.baseline, char.x, char.right, char.height, char.text))
    for line in lines:
        line.text = line.text.strip()
    return lines


def test_no_cjk_paragraph_ends_in_a_line_of_one_character(built):
    """The last line of a wrapped CJK text holds at least two characters: never `查。` under
    `……死因待`. A one-character line that continues the line above it (same left edge, one line
    height below) is such a last line."""
    found = []
    for label, (_, pdf) in built.items():
        for number, page in enumerate(pdfium.PdfDocument(pdf), 1):
            lines = _pdf_lines(page)
            for line in lines:
                if ONE_CHARACTER.fullmatch(line.text) and any(
                        abs(above.left - line.left) < 1 and 0 < above.baseline - line.baseline < 2 * line.height
                        for above in lines):
                    found.append(f"{label} page {number}: {line.text}")
    assert found == []


def _laid_out_paragraphs(html: str, campaign, tmp_path) -> list[list[str]]:
    """The lines of each paragraph of `html` laid out with a handout's real stylesheet (the spans' CSS
    among it), over as many pages as it takes."""
    css = stylesheet("handout", FORMATS["handout"]["a4"], campaign.campaign.colours)
    page = f'<html lang="en"><body>{html}</body></html>'
    font_css, files = font_faces_css(page + css, tmp_path)
    paragraphs: dict[int, list[str]] = {}
    for laid_out in lay_out(page, font_css + css, files, "test").pages:
        for block in laid_out.blocks:
            if block.lines:
                paragraphs.setdefault(id(block.element), []).extend(line.text.strip() for line in block.lines)
    return list(paragraphs.values())


def _laid_out_lines(html: str, campaign, tmp_path) -> list[str]:
    """The lines of `html` laid out with a handout's real stylesheet, one after the other."""
    return [line for lines in _laid_out_paragraphs(html, campaign, tmp_path) for line in lines]


def test_a_line_never_starts_with_an_opening_or_a_closing_mark(campaign, tmp_path):
    """clreq: an opening mark (`（`, `“`) at the start of a line shows its blank half as an indent, a
    closing mark (`）`, `。`) there hangs off the text it closes. Ten characters a line: the `（` and the
    `“` would be the 11th and the `。` the 21st character of the text."""
    text = "一二三四五六七八九十（一二）三四五六七八九十一二三四五六七八九十。二三四五六七八九十“一二”三四五六七"
    lines = _laid_out_lines(f'<p lang="zh-Hans" style="width: 10em">{typeset(text, "zh-Hans")}</p>',
                            campaign, tmp_path)
    assert "".join(lines) == text and len(lines) > 3
    assert [line for line in lines if line[0] in OPENING + CLOSING] == []


def test_a_latin_word_after_han_never_starts_a_line(campaign, tmp_path):
    """Its ¼-em gap from the Han text before it would indent the line: the Han character goes along.
    `DMSO` would be the 11th character."""
    text = "一二三四五六七八九十DMSO一二三四五六七八九十2025年"
    lines = _laid_out_lines(f'<p lang="zh-Hans" style="width: 10em">{typeset(text, "zh-Hans")}</p>',
                            campaign, tmp_path)
    assert "".join(lines) == text and len(lines) > 1
    assert [line for line in lines if re.match(r"[A-Za-z0-9]", line)] == []


def test_no_line_of_the_built_pdfs_starts_with_a_cjk_opening_or_closing_mark(built):
    """The same on every page of every output: no line with Chinese text starts with a full-width mark."""
    found = []
    for label, (_, pdf) in built.items():
        for number, page in enumerate(pdfium.PdfDocument(pdf), 1):
            found += [f"{label} page {number}: {line.text}" for line in _pdf_lines(page)
                      if line.text[:1] in OPENING + CLOSING and re.search(f"[{HAN_KANA}]", line.text)]
    assert found == []


def test_halt_sets_a_closing_mark_before_another_half_width(built):
    """In the main message `别赌“奇迹”。` the pen moves half an em from `”` to `。` (the font's `halt`
    took the blank half of `”`) and a full em from `“`, which is not next to another mark: the
    advances as drawn, not the spans in the HTML. On the first page of every output."""
    for label, (_, pdf) in built.items():
        chars = [char for char in _chars(pdfium.PdfDocument(pdf)[0]) if char.text.strip()]
        start = "".join(char.text for char in chars).index("别赌“奇迹”。")
        message = chars[start:start + 7]
        _, _, opening, qi, ji, closing, stop = message
        assert len({char.baseline for char in message}) == 1, label  # on one line
        em = ji.x - qi.x
        assert abs((qi.x - opening.x) / em - 1) < 0.03, label
        assert abs((stop.x - closing.x) / em - 0.5) < 0.03, (label, (stop.x - closing.x) / em)


def test_the_neq_sign_and_a_one_letter_word_never_end_a_line(built):
    """A core point `left ≠ right` wraps before the `≠`, never after it, nor after the `a` of
    `≠ a guarantee of safety`: the right term starts its line with the sign."""
    found = []
    for label, (_, pdf) in built.items():
        for number, page in enumerate(pdfium.PdfDocument(pdf), 1):
            found += [f"{label} page {number}: {line.text}" for line in _pdf_lines(page)
                      if "≠" in line.text and line.text != "≠" and re.search(r"(≠|\b\w)$", line.text)]
    assert found == []


def test_a_line_is_not_cut_after_its_first_word_when_only_its_last_space_overflows(campaign, tmp_path):
    """A display text whose end is kept together: at this width the text before the kept end fits its
    line exactly, its last space hanging past the end. WeasyPrint 70 counted that space and kept one
    word ("Before" / "any cell treatment, …"); the line must break before the kept end instead."""
    message = "Before any cell treatment, ask for proof it works and is safe. Don’t bet on a “miracle.”"
    html = (f'<p lang="en" style="width: 169.8mm; font-size: 15pt; line-height: 1.4">'
            f'{typeset(message, "en", keep_end=True)}</p>')
    assert _laid_out_lines(html, campaign, tmp_path) == [
        "Before any cell treatment, ask for proof it works and is safe. Don’t bet", "on a “miracle.”"]


def test_a_phone_number_is_never_broken_at_its_spaces(campaign, tmp_path):
    """In a box narrower than the number, the line breaks before it, not inside it (`.digits`)."""
    lines = _laid_out_lines('<p lang="en" style="width: 30mm">Call <b class="digits">+852 2835 1234</b> now</p>',
                            campaign, tmp_path)
    assert "+852 2835 1234" in lines, lines


def test_no_line_starts_with_a_closing_mark_small_kana_or_an_iteration_mark(campaign, tmp_path):
    """Ten characters fill a 10-em line; the character tested is the 11th, where the line breaks when it
    is a Han character (the control: `口` there starts the second line). Pango (1.50, Unicode line
    breaking) breaks a character earlier instead, for each of them in plain and in typeset text alike:
    measured, so `typeset` has no rule of its own for them (its spans keep opening marks from ending a
    line, which Pango allows next to a span)."""
    cases = [(lang, mark) for lang in ("zh-Hans", "zh-Hant", "ja") for mark in NO_LINE_START]
    cases += [("ja", mark) for mark in JAPANESE_NO_LINE_START] + [("ja", "口")]
    html = ""
    for lang, mark in cases:
        text = f"一二三四五六七八九十{mark}一二三四五"
        html += "".join(f'<p lang="{lang}" style="width: 10em">{body}</p>' for body in (text, typeset(text, lang)))
    *tested, plain_control, typeset_control = _laid_out_paragraphs(html, campaign, tmp_path)
    assert plain_control[1][0] == typeset_control[1][0] == "口"
    assert len(tested) == 2 * (len(cases) - 1)
    assert [lines for lines in tested if any(line[0] in NO_LINE_START + JAPANESE_NO_LINE_START
                                             for line in lines[1:])] == []


@pytest.mark.parametrize("declaration", ["word-break: keep-all", "line-break: strict"])
def test_weasyprint_70_has_no_css_for_korean_or_strict_line_breaking(declaration, tmp_path, caplog):
    """Why `typeset` keeps Korean words whole itself: WeasyPrint 70 knows `word-break` only as `normal`
    and `break-all`, and no `line-break` at all; a stylesheet using them fails the build."""
    html = '<html lang="ko"><body><p>건강</p></body></html>'
    font_css, files = font_faces_css(html, tmp_path)
    with pytest.raises(LayoutError, match="Ignored"):
        lay_out(html, f"{font_css} p {{ {declaration} }}", files, "test")
    caplog.clear()  # the warning is the point here (conftest fails any other test that has one)


def test_korean_breaks_lines_between_words_only(campaign, tmp_path):
    """Korean is written with spaces and a line breaks only at them (CSS `word-break: keep-all`). Pango
    alone breaks between any two syllables (`증` / `거를`, the control); with `typeset`'s word spans every
    line is whole words, at each of these widths."""
    text = "줄기세포 치료를 받기 전에 효과와 안전성에 대한 증거를 요청하세요. 기적에 돈을 걸지 마세요."
    words = set(text.split())
    html = "".join(f'<p lang="ko" style="width: {width}em">{body}</p>' for width in (6, 7, 9.3, 11.5)
                   for body in (text, typeset(text, "ko")))
    paragraphs = _laid_out_paragraphs(html, campaign, tmp_path)
    plain, spans = paragraphs[::2], paragraphs[1::2]
    assert any(not set(line.split()) <= words for lines in plain for line in lines)
    for lines in spans:
        assert " ".join(lines) == text and len(lines) > 2
        assert all(set(line.split()) <= words for line in lines), lines


def test_a_mark_after_a_halt_span_has_the_form_of_its_language(campaign, tmp_path):
    """A Traditional Chinese `。` after the halt span of `」` used to be a text box of its own, shaped
    with no `locl`: the Japanese full stop, set to the bottom left. In the PDF now: the ink of every
    Traditional Chinese `。` and `，` in the middle of its em box, of the Simplified Chinese `；` after
    `2019）` on the left (the Japanese form is centred); and the `。` ending a halt span still takes
    a full em: from `」` to the next `試` the pen moves 1.5 em, as with `。` outside the span."""
    css = stylesheet("handout", FORMATS["handout"]["a4"], campaign.campaign.colours)
    texts = [("zh-Hant", "別賭「奇蹟」。"), ("zh-Hant", "別賭「奇蹟」。試試"), ("zh-Hant", "更多「注」，再說"),
             ("zh-Hans", "不当（《自然》2019）；患者")]
    body = "".join(f'<p lang="{lang}" style="font-size: {glyphs.EM}pt">{typeset(text, lang)}</p>'
                   for lang, text in texts)
    body += f'<p lang="zh-Hant" style="font-size: {glyphs.EM}pt">{typeset("別賭「奇蹟」。", "zh-Hant")}試試</p>'
    pdf, _ = glyphs.draw_html(body, tmp_path, css)
    centred = glyphs.ink_centres(pdf, "。") + glyphs.ink_centres(pdf, "，")
    assert len(centred) == 4 and all(abs(centre - 0.5) < 0.05 for centre in centred), centred
    assert [round(centre, 1) for centre in glyphs.ink_centres(pdf, "；")] == [0.2]
    chars = [char for char in _chars(pdfium.PdfDocument(pdf)[0]) if char.text.strip()]
    line = "".join(char.text for char in chars)
    for start in (line.index("」。試"), line.rindex("」。試")):
        assert abs((chars[start + 2].x - chars[start].x) / glyphs.EM - 1.5) < 0.02
