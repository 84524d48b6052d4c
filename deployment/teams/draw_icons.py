"""Draw the Teams app icons: ``color.png`` (192×192) and ``outline.png`` (32×32).

Run once, by hand, when the design changes (Pillow is a dev dependency):
    .venv/bin/python deployment/teams/draw_icons.py

The symbol is the workbook's rows with a check mark. Teams' rules: the color
icon is a full-bleed 192×192 square with the symbol inside its central 96×96
(or a little more); the outline icon is 32×32, white on a transparent
background, nothing but white and transparency.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
BRAND = (11, 92, 173)  # #0B5CAD, also the manifest's accentColor
SCALE = 8  # draw large, then downsample: smooth edges at any size


def symbol_mask(size: int, inset: float) -> Image.Image:
    """The symbol, white on black, in a ``size`` square with ``inset`` (0..0.5) margin."""
    big = size * SCALE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    box = big * (1 - 2 * inset)
    left = top = big * inset

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * box, top + y * box

    bar = 0.15 * box
    for y, right in ((0.08, 0.92), (0.36, 0.62), (0.64, 0.50)):
        x0, y0 = at(0.04, y)
        x1, _ = at(right, y)
        draw.rounded_rectangle((x0, y0, x1, y0 + bar), radius=bar / 2, fill=255)
    stroke = int(0.13 * box)
    tick = [at(0.58, 0.76), at(0.72, 0.90), at(0.96, 0.56)]
    draw.line(tick, fill=255, width=stroke, joint="curve")
    for x, y in (tick[0], tick[2]):
        draw.ellipse((x - stroke / 2, y - stroke / 2, x + stroke / 2, y + stroke / 2), fill=255)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def color_icon() -> Image.Image:
    icon = Image.new("RGBA", (192, 192), (*BRAND, 255))
    white = Image.new("RGBA", (192, 192), (255, 255, 255, 255))
    icon.paste(white, (0, 0), symbol_mask(192, 0.25))
    return icon


def outline_icon() -> Image.Image:
    icon = Image.new("RGBA", (32, 32), (255, 255, 255, 0))
    icon.putalpha(symbol_mask(32, 0.06))
    return icon


def main() -> None:
    color_icon().convert("RGB").save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
