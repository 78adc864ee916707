"""PyTorch and ONNX Runtime reference for `kdbench teacher-forward`.

Usage: teacher_forward.py MODELS.safetensors WORKDIR. The file holds, per architecture ARCH,
kdflow's state dict under `ARCH.state.` (PyTorch names), the input batch `ARCH.x` and kdflow's
logits `ARCH.logits`. The script builds the same modules, loads those weights, exports each model
to ONNX (PyTorch's exporter) in WORKDIR, and prints one JSON line: versions and, per
architecture, the largest |Δ| of each engine's logits from kdflow's. Then it answers request lines
    time ENGINE ARCH THREADS REPS        (ENGINE: pytorch or onnxruntime)
with a JSON list of REPS wall-clock seconds of one eval-mode forward of the batch, after at least
one untimed call and WARM_UP_SECONDS of them. `quit` or end of input stops it.
"""
import json
import os
import sys
import time
import warnings

from requirements import require

WARM_UP_SECONDS = 0.1


def wide_resnet(nn, F, depth, widen, cin, classes):
    """RepDistiller's WRN with kdflow's names (`block1.layer.0.bn1.weight`, `convShortcut`)."""

    class Block(nn.Module):
        def __init__(self, inplanes, planes, stride):
            super().__init__()
            self.bn1 = nn.BatchNorm2d(inplanes)
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.convShortcut = None if inplanes == planes else nn.Conv2d(inplanes, planes, 1, stride, bias=False)

        def forward(self, x):
            a = F.relu(self.bn1(x))
            out = self.conv2(F.relu(self.bn2(self.conv1(a))))
            return out + (x if self.convShortcut is None else self.convShortcut(a))

    class Stage(nn.Module):
        def __init__(self, blocks):
            super().__init__()
            self.layer = nn.Sequential(*blocks)

        def forward(self, x):
            return self.layer(x)

    class WRN(nn.Module):
        def __init__(self):
            super().__init__()
            n = (depth - 4) // 6
            widths = [16, 16 * widen, 32 * widen, 64 * widen]
            self.conv1 = nn.Conv2d(cin, widths[0], 3, padding=1, bias=False)
            for s in range(3):
                blocks = [Block(widths[s] if i == 0 else widths[s + 1], widths[s + 1], 2 if i == 0 and s > 0 else 1)
                          for i in range(n)]
                setattr(self, f"block{s + 1}", Stage(blocks))
            self.bn1 = nn.BatchNorm2d(widths[3])
            self.fc = nn.Linear(widths[3], classes)

        def forward(self, x):
            x = self.block3(self.block2(self.block1(self.conv1(x))))
            return self.fc(F.adaptive_avg_pool2d(F.relu(self.bn1(x)), 1).flatten(1))

    return WRN()


def build(arch, cin, classes, size):
    """The PyTorch module of a kdflow zoo architecture (Tests/KDNNTests/Fixtures' definitions)."""
    import torch.nn as nn
    import torch.nn.functional as F
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "KDNNTests", "Fixtures"))
    from make_model_fixtures import CNN, ResNet
    if arch == "cnn":
        return CNN(cin, classes, size)
    if arch in ("resnet8x4", "resnet32x4"):
        return ResNet(int(arch[6:-2]), [32, 64, 128, 256], cin, classes)
    if arch.startswith("resnet"):
        return ResNet(int(arch[6:]), [16, 16, 32, 64], cin, classes)
    if arch.startswith("wrn_"):
        _, depth, widen = arch.split("_")
        return wide_resnet(nn, F, int(depth), int(widen), cin, classes)
    raise ValueError(f"unknown architecture {arch}")


class Engines:
    def __init__(self, path, workdir):
        import numpy as np
        import torch
        from safetensors.numpy import load_file
        self.np, self.torch = np, torch
        import onnxruntime
        self.ort = onnxruntime
        tensors = load_file(path)
        self.models, self.inputs, self.sessions, self.onnx = {}, {}, {}, {}
        self.agreement = {}
        for arch in sorted(name[:-2] for name in tensors if name.endswith(".x")):
            x = tensors[f"{arch}.x"]
            prefix = f"{arch}.state."
            state = {k[len(prefix):]: torch.from_numpy(v) for k, v in tensors.items() if k.startswith(prefix)}
            classes = tensors[f"{arch}.logits"].shape[1]
            model = build(arch, x.shape[1], classes, x.shape[2]).float()
            model.load_state_dict(state, strict=True)
            model.eval()
            self.models[arch] = model
            self.inputs[arch] = (torch.from_numpy(x), x)
            self.onnx[arch] = os.path.join(workdir, f"{arch}.onnx")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(model, (torch.from_numpy(x),), self.onnx[arch], dynamo=False,
                                  input_names=["x"], output_names=["logits"])
            ours = tensors[f"{arch}.logits"]
            theirs = {"pytorch": self.forward("pytorch", arch, 2), "onnxruntime": self.forward("onnxruntime", arch, 2)}
            self.agreement[arch] = {
                "max_abs_logit": float(np.abs(ours).max()),
                **{f"{engine}_max_abs_diff": float(np.abs(out - ours).max()) for engine, out in theirs.items()},
                **{f"{engine}_argmax_equal": bool((out.argmax(1) == ours.argmax(1)).all())
                   for engine, out in theirs.items()},
            }

    def session(self, arch, threads):
        key = (arch, threads)
        if key not in self.sessions:
            options = self.ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self.sessions[key] = self.ort.InferenceSession(self.onnx[arch], options, providers=["CPUExecutionProvider"])
        return self.sessions[key]

    def forward(self, engine, arch, threads):
        tensor, array = self.inputs[arch]
        if engine == "pytorch":
            self.torch.set_num_threads(threads)
            with self.torch.inference_mode():
                return self.models[arch](tensor).numpy()
        return self.session(arch, threads).run(None, {"x": array})[0]

    def time(self, engine, arch, threads, reps):
        self.forward(engine, arch, threads)
        warm_up_end = time.perf_counter() + WARM_UP_SECONDS
        while time.perf_counter() < warm_up_end:
            self.forward(engine, arch, threads)
        seconds = []
        for _ in range(reps):
            start = time.perf_counter()
            self.forward(engine, arch, threads)
            seconds.append(time.perf_counter() - start)
        return seconds


def main():
    try:
        require(("numpy", "numpy"), ("torch", "torch==2.13.0+cpu"), ("safetensors", "safetensors"),
                ("onnx", "onnx"), ("onnxruntime", "onnxruntime"))
        import torch
        torch.set_num_interop_threads(1)
        engines = Engines(sys.argv[1], sys.argv[2])
    except ImportError as error:
        print(json.dumps({"error": str(error)}), flush=True)
        return 1
    print(json.dumps({"torch": torch.__version__, "onnxruntime": engines.ort.__version__,
                      "agreement": engines.agreement}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        engine, arch, threads, reps = words[1], words[2], int(words[3]), int(words[4])
        print(json.dumps(engines.time(engine, arch, threads, reps)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
