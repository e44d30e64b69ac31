"""Rasterise the built PDFs in out/ into the PNG page images the README shows.

Run after `python build.py`, `python build.py --print --marks` and
`python build.py --campaign stem-cell-safety --orgs content/organisations/clinics.csv`:  python docs/previews.py
(needs the test extras: pypdfium2)
"""

from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
PAGES = {  # PDF in out/ → pages to show side by side
    "stem-cell-safety_handout-a4_zh-Hans+en.pdf": (0, 1),
    "stem-cell-safety_handout-a4_en+zh-Hans.pdf": (0, 1),
    "stem-cell-safety_handout-a5_zh-Hans+en.pdf": (0, 3),
    "stem-cell-safety_leaflet-a4_zh-Hans+en.pdf": (0, 1),
    "stem-cell-safety_poster-a2_zh-Hans+en.pdf": (0,),
    "stem-cell-safety_poster-a3_en+zh-Hans.pdf": (0,),
    "stem-cell-safety_leaflet-a4_zh-Hans+en_print.pdf": (1,),  # built with --print --marks
    "hand-hygiene_handout-a4_zh-Hant+en.pdf": (0, 1),
    "hand-hygiene_leaflet-a4_zh-Hant+en.pdf": (0, 1),
    "hand-hygiene_poster-a3_zh-Hant+en.pdf": (0,),
    "antibiotics_handout-a4_ko+en.pdf": (0, 1),
    "antibiotics_poster-a3_ko+en.pdf": (0,),
    "harbour-clinic/stem-cell-safety_handout-a4_zh-Hans+en.pdf": (1,),  # built with --orgs
    "lotus-clinic/stem-cell-safety_leaflet-a4_zh-Hans+en.pdf": (0,),
    "river-ngo/stem-cell-safety_poster-a3_en+zh-Hans.pdf": (0,),
}
WIDTH_PX = 700  # of one page image: enough to read headings, small enough for a README


def main() -> None:
    for name, pages in PAGES.items():
        document = pdfium.PdfDocument(ROOT / "out" / name)
        for index in pages:
            page = document[index]
            image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
            stem = name.removesuffix(".pdf").replace("/", "_")  # an organisation's folder joins the name
            target = ROOT / "docs" / "images" / f"{stem}-p{index + 1}.png"
            image.save(target, optimize=True)
            print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
