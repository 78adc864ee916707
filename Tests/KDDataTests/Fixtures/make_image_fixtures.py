#!/usr/bin/env python3
"""Writes the image fixtures of FolderImportTests and PIL's own decode of them (images.json).

Each image is tiny and seeded. images.json holds, per file, PIL's `convert('RGB')` and
`convert('L')` pixels (row-major, RGB interleaved) and, per resize case, PIL's
`convert(mode).resize((w, h), BILINEAR)`. Run from anywhere: `python3 make_image_fixtures.py`
(needs Pillow). The outputs are committed, so the tests need no Python.
"""
import json
import os
import random

from PIL import Image, features

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(7)


def noisy(mode, width, height):
    """A gradient with noise: smooth enough for JPEG to be realistic, varied enough to test."""
    bands = len(mode)
    data = []
    for y in range(height):
        for x in range(width):
            px = tuple(min(255, max(0, (x * 37 + y * 23 + b * 80) % 256 + rng.randint(-20, 20))) for b in range(bands))
            data.append(px if bands > 1 else px[0])
    image = Image.new(mode, (width, height))
    image.putdata(data)
    return image


def save(name, image, **options):
    image.save(os.path.join(HERE, name), **options)
    return name


files = [
    save("rgb.png", noisy("RGB", 7, 5)),
    save("gray.png", noisy("L", 6, 4)),
    save("rgba.png", noisy("RGBA", 5, 4)),
    save("palette.png", noisy("RGB", 5, 3).quantize(colors=8)),
    save("rgb.jpg", noisy("RGB", 19, 13), quality=90),
    save("gray.jpg", noisy("L", 9, 7), quality=95),
    save("large.png", noisy("RGB", 23, 17)),
]

decoded = {}
for name in files:
    with Image.open(os.path.join(HERE, name)) as image:
        decoded[name] = {
            "width": image.width, "height": image.height, "mode": image.mode,
            "rgb": list(image.convert("RGB").tobytes()),
            "l": list(image.convert("L").tobytes()),
        }

resizes = []
for name, mode, (w, h) in [("large.png", "RGB", (9, 6)), ("large.png", "L", (9, 6)),
                           ("large.png", "RGB", (31, 40)), ("rgb.png", "RGB", (4, 11))]:
    with Image.open(os.path.join(HERE, name)) as image:
        resized = image.convert(mode).resize((w, h), Image.BILINEAR)
    resizes.append({"file": name, "channels": len(mode), "width": w, "height": h, "pixels": list(resized.tobytes())})

with open(os.path.join(HERE, "images.json"), "w") as out:
    json.dump({"pillow": Image.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"),
               "decoded": decoded, "resized": resizes}, out, separators=(",", ":"))
