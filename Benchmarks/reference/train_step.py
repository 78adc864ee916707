"""PyTorch reference for `Benchmarks/run train-step`: one model, one thread count; prints one
JSON line {steps_per_s, peak_mib}. Usage: train_step.py MODEL THREADS STEPS"""
import json
import os
import resource
import sys
import time

from requirements import require  # noqa: E402

try:
    require(("torch", "torch==2.13.0+cpu"), ("safetensors", "safetensors"))
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    print(json.dumps({"error": f"cannot import torch: {e}"}))
    sys.exit(0)

# The PyTorch modules kdflow's equivalence fixtures are made with (same names and layout).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "KDNNTests", "Fixtures"))
from make_model_fixtures import BasicBlock  # noqa: E402

model_name, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def resnet8():
    layers = [nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
              BasicBlock(16, 16), BasicBlock(16, 32, 2), BasicBlock(32, 64, 2),
              nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


models = {
    "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 1200), nn.ReLU(), nn.Linear(1200, 1200), nn.ReLU(),
                                 nn.Linear(1200, 10)),
    "cnn": lambda: nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10)),
    "resnet8": resnet8,
}
model = models[model_name]()
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(128, 1, 28, 28)
y = torch.randint(0, 10, (128,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()


for _ in range(3):
    step()
times = []
for _ in range(steps):
    t = time.perf_counter()
    step()
    times.append(time.perf_counter() - t)
times.sort()
median = times[len(times) // 2]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"steps_per_s": 1 / median, "peak_mib": peak, "torch": torch.__version__}))
