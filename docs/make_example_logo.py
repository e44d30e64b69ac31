"""Draw content/organisations/logos/lotus-clinic.png: the example raster logo (a lotus over water and the
name), 1200 × 400 px on a transparent background, so it prints at 300 ppi up to 101.6 mm wide.

Run from the repository root:  python docs/make_example_logo.py
The name is set in the project's own font (Noto Sans CJK Bold, from the pinned font package).
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from healthprint.fonts import FONTS

TARGET = Path("content/organisations/logos/lotus-clinic.png")
WIDTH, HEIGHT = 1200, 400
SCALE = 4  # drawn 4 × larger, then reduced: smooth edges without an anti-aliasing renderer
PETAL = (196, 38, 110)  # lotus pink
WATER = (22, 122, 92)   # leaf green
NAME = "Lotus Clinic"
COLOURS = 32  # flat colours and their edges: a small palette keeps the PNG far under 60 kB


def petal(centre: tuple[float, float], length: float, width: float, angle: float) -> list[tuple[float, float]]:
    """A pointed petal from `centre`, `length` long, turned `angle` degrees from upright."""
    points = []
    for step in range(41):
        t = step / 40
        along, across = length * t, width * math.sin(math.pi * t) ** 0.8 / 2
        points.append((along, across))
    outline = points + [(along, -across) for along, across in reversed(points)]
    turn = math.radians(angle)
    x0, y0 = centre
    sine, cosine = math.sin(turn), math.cos(turn)
    return [(x0 + along * sine + across * cosine, y0 - along * cosine + across * sine) for along, across in outline]


def main() -> None:
    big = Image.new("RGBA", (WIDTH * SCALE, HEIGHT * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    base = (200 * SCALE, 290 * SCALE)
    for angle, length in ((-70, 150), (70, 150), (-35, 190), (35, 190), (0, 220)):
        draw.polygon(petal(base, length * SCALE, 90 * SCALE, angle), fill=PETAL + (255,))
    for row, y in enumerate((318, 350)):
        inset = 40 + row * 30
        draw.rounded_rectangle(((inset * SCALE, y * SCALE), ((400 - inset) * SCALE, (y + 14) * SCALE)),
                               radius=7 * SCALE, fill=WATER + (255,))
    font = ImageFont.truetype(str(FONTS[1].path), 120 * SCALE)
    draw.text((430 * SCALE, 200 * SCALE), NAME, font=font, fill=WATER + (255,), anchor="lm")
    image = big.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE).save(TARGET, optimize=True)
    print(f"{TARGET}: {WIDTH} × {HEIGHT} px, {TARGET.stat().st_size // 1000} kB")


if __name__ == "__main__":
    main()
