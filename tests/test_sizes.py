"""A size is one row of the size table: US Letter handouts and tri-folds, 11 × 17 in and A1 posters were
added as rows only (no template, stylesheet or code names them), and build from the campaign like the
others."""

import io
import re

import pypdfium2 as pdfium
import pytest

from healthprint.formats import FORMATS, INCH
from healthprint.pipeline import Job, build_pdf

PT_PER_MM = 72 / 25.4


@pytest.mark.parametrize(("format_name", "size_name", "width_mm", "height_mm"),
                         [("handout", "letter", 8.5 * INCH, 11 * INCH), ("poster", "a1", 594, 841),
                          ("leaflet", "letter", 11 * INCH, 8.5 * INCH), ("poster", "tabloid", 11 * INCH, 17 * INCH)])
def test_a_new_size_row_builds_the_campaign_in_both_orders(campaign, tmp_path, format_name, size_name,
                                                           width_mm, height_mm):
    size = FORMATS[format_name][size_name]
    for langs in (("zh-Hans", "en"), ("en", "zh-Hans")):
        built = build_pdf(Job(campaign, format_name, size, langs), tmp_path)
        assert built.warnings == [], built.warnings
        document = pdfium.PdfDocument(io.BytesIO(built.pdf))
        assert len(document) == size.pages
        for page in document:
            assert page.get_size() == pytest.approx((width_mm * PT_PER_MM, height_mm * PT_PER_MM), abs=0.01)
        text = re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))
        for lang in langs:
            texts = campaign.texts[lang]
            for wanted in (texts.title, texts.key_question, texts.urgent.text):
                assert re.sub(r"\s+", "", wanted) in text, (size_name, langs, wanted)


def test_no_code_template_or_stylesheet_names_a_size_or_a_format():
    """Geometry comes from the size rows (CSS variables, `size.…`), behaviour from the records: no
    stylesheet or template selects by a size (`.size-a5`), and no module but the table itself names a
    format or a size, so adding a row or a record needs no edit elsewhere."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates = root / "templates"
    sizes = {size for table in FORMATS.values() for size in table}
    for path in sorted(templates.rglob("*.css")) + sorted(templates.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for size in sizes:
            assert not re.search(rf"\.size-{size}\b|size\.name ?[!=]=|== ?['\"]{size}['\"]", text), (path.name, size)
    package = root / "healthprint"
    for path in sorted(package.glob("*.py")):
        if path.name == "formats.py":
            continue
        code = path.read_text(encoding="utf-8")
        for name in sizes | set(FORMATS):
            assert not re.search(rf"['\"]{name}['\"]", code), (path.name, name)


def test_the_us_letter_tri_fold_folds_at_its_panels(campaign, tmp_path):
    """Panels of 3.625 / 3.6875 / 3.6875 in outside and the mirror inside: the fold marks of the print
    variant follow the row's panels."""
    size = FORMATS["leaflet"]["letter"]
    assert [round(fold / INCH, 4) for fold in size.folds[0]] == [3.625, 7.3125]
    assert [round(fold / INCH, 4) for fold in size.folds[1]] == [3.6875, 7.375]
    assert all(round(sum(panels), 6) == round(11 * INCH, 6) for panels in size.panels)
