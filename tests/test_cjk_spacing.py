"""CJK typesetting made by layout, not characters: the text stays as written (`8月29日`), the gaps are spans."""

import re

from healthprint.formats import FORMATS
from healthprint.render import render_html
from healthprint.text import tidy, typeset


def _html(campaign, format_name="handout", size="a4"):
    return render_html(campaign.campaign, campaign.texts, format_name, FORMATS[format_name][size], ("zh-Hans", "en"))


def _plain(html: str) -> str:
    """The text of the HTML as copy-paste and search get it."""
    return re.sub(r"<[^>]+>", "", html)


def test_no_space_between_han_and_latin_or_digits_the_gap_is_a_span(campaign, rendered):
    """In every output's small print; in the incident text where a format prints it (the handouts)."""
    for label, (_, html) in rendered.items():
        text = _plain(html)
        assert "版本1.0" in text and "2026年11月25日" in text, label
        assert '<span class="latin-gap gap-start">1.0</span>' in html, label
    assert "对DMSO过敏" in _plain(_html(campaign)) and "8月29日" in _plain(_html(campaign))


def test_no_space_after_a_chinese_full_stop_in_the_small_print(rendered):
    for label, (_, html) in rendered.items():
        text = _plain(html)
        assert "改写。本材料" in text and "改写。 " not in text, label


def test_adjacent_full_width_punctuation_is_halved_with_the_character_it_follows():
    """The `halt` span holds the Han character before the mark: alone in its text box, `”` would be
    shaped as Latin punctuation (a proportional quote, which `halt` leaves alone) and a `：` without its
    Simplified Chinese form."""
    assert typeset("“奇迹”。试试", "zh-Hans") == (
        '<span class="keep"><span class="halt">“奇</span><span class="halt">迹”</span></span>。'
        '<span class="keep">试试</span>')
    # Next to a Latin run there is no Han character to share a text box with: the mark alone. The
    # `；` after it, whose Simplified Chinese form is its own, goes with the kept end (`_never_alone`).
    assert typeset("不当（《自然》2019）；患者", "zh-Hans") == (
        '不<span class="keep">当（<span class="halt">《自</span>然》</span>2019<span class="halt">）</span>'
        '<span class="keep">；患者</span>')


def test_a_mark_with_a_regional_form_is_never_alone_between_two_spans():
    """WeasyPrint shapes each text box on its own, and HarfBuzz gives a box of marks alone no `locl`: a
    Traditional Chinese `。` after the halt span of `」` would get the Japanese form. It goes with the Han
    character after it where a keep span starts there, else into the halt span, which gives back the
    half `halt` takes from it (`full-end`). Where the Japanese form is the language's own, nothing moves."""
    assert typeset("別賭「奇蹟」。試試", "zh-Hant") == (
        '別<span class="keep">賭「奇<span class="halt">蹟」</span></span><span class="keep">。試試</span>')
    assert typeset("別賭「奇蹟」。", "zh-Hant") == (
        '別<span class="keep">賭「奇<span class="halt full-end">蹟」。</span></span>')
    assert typeset("別賭「奇蹟」。", "ja") == '別<span class="keep">賭「奇<span class="halt">蹟」</span>。</span>'
    assert typeset("更多「注」，再說", "zh-Hant") == (
        '更<span class="keep">多「<span class="halt">注」</span></span><span class="keep">，再說</span>')


def test_korean_is_spaced_text_with_words_kept_whole():
    """Korean keeps its spaces and its ASCII punctuation: no ¼-em gaps, no `halt`, no kept last two
    characters; each word with Hangul is one no-break span (Pango would break between any two
    syllables), so lines break at spaces only; a display text keeps its last two words together."""
    assert tidy("줄기세포  치료를\n받기 전에 DMSO 에", "ko") == "줄기세포 치료를 받기 전에 DMSO 에"
    assert typeset("DMSO에 대한 “증거”를 요청하세요. A형", "ko") == (
        '<span class="keep">DMSO에</span> <span class="keep">대한</span> <span class="keep">“증거”를</span> '
        '<span class="keep">요청하세요.</span> <span class="keep">A형</span>')
    assert typeset("기적에 돈을 걸지 마세요", "ko", keep_end=True) == (
        '<span class="keep">기적에</span> <span class="keep">돈을</span> <span class="keep">걸지 마세요</span>')
    # A one-syllable word is as short as `on`: it does not end the line before the kept end alone.
    assert typeset("더 빨리 할 수 있다", "ko", keep_end=True) == (
        '더 <span class="keep">빨리</span> <span class="keep">할 수 있다</span>')


def test_display_ends_kept_together():
    assert typeset("Don’t bet on a “miracle.”", "en", True) == 'Don’t bet <span class="keep">on a “miracle.”</span>'
    assert typeset("zero risk", "en", True) == '<span class="keep">zero risk</span>'
    assert typeset("三个常识", "zh-Hans", True) == '<span class="keep">三个常识</span>'
    # A one-letter word does not end the line before the kept end either.
    assert typeset("a guarantee of safety", "en", True) == '<span class="keep">a guarantee of safety</span>'


def test_the_last_two_characters_of_every_cjk_text_are_kept_together():
    """Not only display texts: a Chinese paragraph never ends in a line of one character (`查。`)."""
    assert typeset("诊所和供应商被停业，死因待查。", "zh-Hans") == '诊所和供应商被停业，死因<span class="keep">待查。</span>'
    assert typeset("没有就别做。", "zh-Hans") == '没有就<span class="keep">别做。</span>'
    assert typeset("别赌“奇迹”。", "zh-Hans") == '别<span class="keep">赌“奇<span class="halt">迹”</span>。</span>'
    assert typeset("Not yet known.", "en") == "Not yet known."


def test_no_line_can_start_with_a_blank():
    """No line break before `（` or `“` (the line would start with the mark's blank half): the
    character before it, the mark and the character after it stay on one line. Nor before a Latin word
    after Han (its ¼-em gap); a run of words may still break at its spaces. A phrase of up to six
    characters in quotes or brackets is kept whole (not `“安` / `全”`)."""
    assert typeset("下次审核2027年11月25日", "zh-Hans") == (
        '下次审<span class="keep">核<span class="latin-gap gap-start gap-end">2027</span></span>'
        '<span class="keep">年<span class="latin-gap gap-start gap-end">11</span></span>'
        '<span class="keep">月<span class="latin-gap gap-start gap-end">25</span>日</span>')
    assert typeset("见Nature 573一文", "zh-Hans") == (
        '见<span class="latin-gap gap-start gap-end">Nature 573</span><span class="keep">一文</span>')
    assert typeset("输注（静脉滴注）自体脂肪干细胞", "zh-Hans") == (
        '输<span class="keep">注（静脉滴注）</span>自体脂肪干<span class="keep">细胞</span>')
    assert typeset("选择“安全”，而非“奇迹”开始", "zh-Hans") == (
        '选<span class="keep">择“安<span class="halt">全”</span></span>，而<span class="keep">非“奇迹”</span>'
        '<span class="keep">开始</span>')


def test_the_tagged_text_has_no_space_between_han_and_digits_or_latin(built, tmp_path):
    """What a screen reader and copy-paste from the tags get: `8月29日`, `对DMSO过敏`, never `8 月 29 日`."""
    import subprocess

    path = tmp_path / "handout.pdf"
    path.write_bytes(built["stem-cell-safety handout-a4 zh-Hans+en"][1])
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    spoken = "".join(re.findall(r'^\s*"(.*)"$', tree, flags=re.MULTILINE))
    for written in ("2025年8月29日，", "一名50岁", "对DMSO过敏", "冷冻保护剂DMSO可致", "版本1.0"):
        assert written in spoken, written
    assert "8 月" not in spoken and "DMSO 过敏" not in spoken
