"""Reference for `kdbench data`: the same Fashion-MNIST pipeline in NumPy, one thread.

Times np.load of the raw uint8 array (the analogue of reading shards) plus one epoch of a
seeded shuffle and per-batch pad-crop 28/2, horizontal flip 0.5 and normalise, batch 128, best
of 3. Prints details, then samples/s alone on the last line.
"""
import gzip
import os
import tempfile
import time

from requirements import require

require(("numpy", "numpy"))
import numpy as np  # noqa: E402

SRC = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def epoch(images, rng):
    n = len(images)
    order = rng.permutation(n)
    padded_shape = (28 + 4, 28 + 4)
    total = 0.0
    for start in range(0, n, 128):
        idx = order[start:start + 128]
        b = len(idx)
        batch = np.zeros((b,) + padded_shape, dtype=np.float32)
        batch[:, 2:30, 2:30] = images[idx] / np.float32(255)
        ys = rng.integers(0, 5, size=b)
        xs = rng.integers(0, 5, size=b)
        rows = ys[:, None] + np.arange(28)[None, :]
        cols = xs[:, None] + np.arange(28)[None, :]
        crops = batch[np.arange(b)[:, None, None], rows[:, :, None], cols[:, None, :]]
        flip = rng.random(b) < 0.5
        crops[flip] = crops[flip, :, ::-1]
        out = ((crops - np.float32(0.2860)) / np.float32(0.3530))[:, None, :, :]
        total += float(out[0, 0, 0, 0])
    return total


def main():
    with gzip.open(SRC, "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.npy")
        np.save(path, raw)
        best = float("inf")
        for e in range(3):
            t0 = time.perf_counter()
            images = np.load(path)
            epoch(images, np.random.default_rng(e))
            best = min(best, time.perf_counter() - t0)
    rate = len(raw) / best
    print(f"numpy reference: {best:.3f} s per epoch")
    print(f"{rate:.0f}")


if __name__ == "__main__":
    main()
