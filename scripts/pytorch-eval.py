"""Loads a kdflow-exported safetensors file into the equivalent PyTorch module with
load_state_dict (strict) and evaluates it on Fashion-MNIST's test split — the check that kdflow
checkpoints are PyTorch checkpoints. Usage: python3 scripts/pytorch-eval.py ARCH WEIGHTS
(ARCH: cnn, mlp:H1,H2,…, resnet8, resnet20). Needs torch and safetensors (pip)."""
import gzip
import sys

import numpy as np
import torch
from safetensors.torch import load_file

sys.path.insert(0, "Tests/KDNNTests/Fixtures")
from make_model_fixtures import CNN, MLP, ResNet  # noqa: E402  (the fixture script's modules)

arch, weights = sys.argv[1], sys.argv[2]
if arch == "cnn":
    model = CNN(1, 10, 28)
elif arch.startswith("mlp"):
    hidden = [int(h) for h in arch.split(":")[1].split(",")]
    model = MLP(784, hidden, 10)
else:
    model = ResNet(int(arch[6:]), [16, 16, 32, 64], 1, 10)
model.load_state_dict(load_file(weights), strict=True)
model.eval()

root = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{root}/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
with gzip.open(f"{root}/t10k-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
x = (torch.from_numpy(images.astype(np.float32) / 255.0) - 0.286) / 0.353
with torch.no_grad():
    predicted = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
print(f"PyTorch top-1 of {weights}: {100 * (predicted.numpy() == labels).mean():.2f}%")
