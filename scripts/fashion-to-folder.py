"""Writes a Fashion-MNIST split as an image folder, to try `kdflow import folder` on real data.

Usage: python3 scripts/fashion-to-folder.py OUT [--split train|test] [--format mixed|png|jpeg]
       [--quality 95] [--data /usr/share/datasets/fashion-mnist]
One subfolder per class, named "<label>-<name>" ("0-T-shirt_top" … "9-Ankle boot") so that the
sorted names give the original labels; image i of the split is OUT/<class>/<i:05d>.png or .jpg.
`mixed` writes even indices as PNG (lossless) and odd ones as JPEG (at --quality). Installs numpy
and Pillow with pip when missing.
"""
import argparse
import gzip
import os
import subprocess
import sys

try:
    import numpy as np
    from PIL import Image
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "numpy", "pillow"])
    import numpy as np
    from PIL import Image

CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out")
parser.add_argument("--split", choices=["train", "test"], default="test")
parser.add_argument("--format", choices=["mixed", "png", "jpeg"], default="mixed")
parser.add_argument("--quality", type=int, default=95)
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = parser.parse_args()

prefix = "train" if args.split == "train" else "t10k"
with gzip.open(f"{args.data}/{prefix}-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
with gzip.open(f"{args.data}/{prefix}-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)

folders = [os.path.join(args.out, f"{i}-{name}") for i, name in enumerate(CLASSES)]
for folder in folders:
    os.makedirs(folder, exist_ok=True)
for i, (image, label) in enumerate(zip(images, labels)):
    as_png = args.format == "png" or (args.format == "mixed" and i % 2 == 0)
    path = os.path.join(folders[label], f"{i:05d}." + ("png" if as_png else "jpg"))
    if as_png:
        Image.fromarray(image, "L").save(path)
    else:
        Image.fromarray(image, "L").save(path, quality=args.quality)
print(f"{len(images)} images ({args.format}) in {len(folders)} class folders under {args.out}")
