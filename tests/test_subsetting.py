"""Font subsetting before layout, its cache, and parallel builds change nothing in the output."""

import pypdfium2 as pdfium

from healthprint import fonts
from healthprint.engine import lay_out, write_pdf
from healthprint.pipeline import build_pdf, plan


def _pages(pdf: bytes, scale: float = 1.5) -> list[bytes]:
    return [page.render(scale=scale).to_pil().convert("RGB").tobytes() for page in pdfium.PdfDocument(pdf)]


def test_subset_fonts_draw_the_same_pages_as_the_full_fonts(campaign, tmp_path):
    """Both sides of the A4 handout rasterise to identical pixels with subset and with full fonts."""
    job = plan([campaign], formats={"handout"}, sizes={"a4"}, orders={"zh-Hans+en"})[0]
    subset = build_pdf(job, tmp_path).pdf
    full = build_pdf(job, tmp_path, subset_first=False).pdf
    assert len(subset) < len(full) / 3
    assert _pages(subset) == _pages(full)


def test_regional_glyph_forms_follow_lang_and_are_kept_by_subsetting(tmp_path):
    """骨 直 今 令 are drawn differently under zh-Hans, zh-Hant and ja (HarfBuzz's `locl` picks the
    region's forms from the one font), and under each language exactly as with the full font: the
    subsets keep `locl`."""
    drawn = {}
    for lang in ("zh-Hans", "zh-Hant", "ja"):
        html = f'<html lang="{lang}"><body><p lang="{lang}" style="font-size: 40pt">骨直今令</p></body></html>'
        css = "@page { size: 70mm 25mm; margin: 2mm } html { font-family: 'Healthprint Noto Sans CJK' }"
        for subset_first in (True, False):
            font_css, files = fonts.font_faces_css(html, tmp_path, subset_first)
            layout = lay_out(html, font_css + css, files, "glyph test")
            drawn[lang, subset_first] = _pages(write_pdf(layout, "screen", "glyph test"), scale=3)
        assert drawn[lang, True] == drawn[lang, False], lang
    assert drawn["zh-Hans", True] != drawn["ja", True]
    assert drawn["zh-Hant", True] != drawn["ja", True]
    assert drawn["zh-Hans", True] != drawn["zh-Hant", True]


def test_corrupt_cache_entry_is_rebuilt(tmp_path):
    """A damaged subset in the cache is never trusted: it is made again, byte for byte the same."""
    font = fonts.FONTS[0]
    first = fonts.subset(font, "骨 Hello", tmp_path)
    good = first.read_bytes()
    first.write_bytes(good[: len(good) // 3])
    again = fonts.subset(font, "骨 Hello", tmp_path)
    assert again == first and again.read_bytes() == good
    first.write_bytes(b"")
    assert fonts.subset(font, "骨 Hello", tmp_path).read_bytes() == good


def test_cache_key_follows_the_characters(tmp_path):
    """Different text gets a different subset; the same text reuses the cached file."""
    one = fonts.subset(fonts.FONTS[1], "安全", tmp_path)
    assert fonts.subset(fonts.FONTS[1], "全安", tmp_path) == one
    assert fonts.subset(fonts.FONTS[1], "安全第一", tmp_path) != one


def test_parallel_build_gives_the_same_files_in_the_same_order(run_cli, campaign, tmp_path):
    """-j 2 writes byte-identical PDFs to -j 1, and reports them in the same order."""
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / workers
        code, printed, _ = run_cli("--format", "poster", "--format", "leaflet", "--campaign", "stem-cell-safety", "--out", str(out),
                                   "-j", workers)
        assert code == 0
        outputs[workers] = ([line.split()[1:3] for line in printed.splitlines()[:-1]],
                            {p.name: p.read_bytes() for p in out.glob("*.pdf")})
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"][1]) == len(plan([campaign], formats={"poster", "leaflet"})) > 2


def test_subsets_made_by_other_code_are_not_reused(tmp_path, monkeypatch):
    """The cache key covers the subsetting code: after an upgrade (e.g. the charset fix of issue 7) a
    subset left by the old version is not picked up again."""
    font = fonts.FONTS[0]
    before = fonts.subset(font, "骨 Hello", tmp_path)
    monkeypatch.setattr(fonts, "subsetter_digest", lambda: "another version")
    after = fonts.subset(font, "骨 Hello", tmp_path)
    assert after != before and after.exists()
