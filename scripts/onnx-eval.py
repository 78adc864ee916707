"""Evaluates a kdflow ONNX export with ONNX Runtime on Fashion-MNIST's test split (10,000 images),
to compare its top-1 with `kdflow eval`.

Usage: python3 scripts/onnx-eval.py MODEL.onnx [--mean M --std S] [--data DIR]
  --mean/--std: the evaluation stream's normalize op, applied here as kdflow's augmenter does
  ((x - mean) * (1/std) in float32); leave them out for an export made with --with-preprocessing,
  which takes the raw [0, 1] pixels. Installs numpy and onnxruntime with pip when missing.
"""
import argparse
import gzip
import subprocess
import sys

try:
    import numpy as np
    import onnxruntime as ort
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "numpy", "onnxruntime"])
    import numpy as np
    import onnxruntime as ort

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("model")
parser.add_argument("--mean", type=float, nargs="+")
parser.add_argument("--std", type=float, nargs="+")
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = parser.parse_args()

with gzip.open(f"{args.data}/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
with gzip.open(f"{args.data}/t10k-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
x = images.astype(np.float32) / np.float32(255)  # correctly rounded, as kdflow's v / 255
if args.mean is not None:
    mean = np.array(args.mean, np.float32).reshape(1, -1, 1, 1)
    inverse_std = (np.float32(1) / np.array(args.std, np.float32)).reshape(1, -1, 1, 1)
    x = (x - mean) * inverse_std

session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
predicted = np.concatenate([session.run(["logits"], {"input": x[i:i + 1000]})[0].argmax(1)
                            for i in range(0, len(x), 1000)])
print(f"ONNX Runtime top-1 of {args.model}: {100 * (predicted == labels).mean():.2f}% on {len(labels)} samples")
