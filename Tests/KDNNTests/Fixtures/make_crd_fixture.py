"""Makes crd.safetensors for the crd connector's reference test: fixed embedding heads, memory
banks and inputs in kdflow's (= RepDistiller's CRDLoss) state-dict names, two training batches
with their contrast rows (positive first), and, computed in float64 as RepDistiller's crd/memory.py
ContrastMemory and crd/criterion.py do: each batch's scores, the normalisers Z fixed by the first
batch, the banks after both updates, and the second batch's CRD loss gradients of the heads.
Run: python3 make_crd_fixture.py (torch CPU, numpy, safetensors)."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261203)
N, D, K, T, M = 12, 4, 5, 0.07, 0.5


def f32(*shape, scale=1.0, uniform=None):
    x = rng.uniform(-uniform, uniform, size=shape) if uniform else rng.normal(0, scale, size=shape)
    return torch.tensor(x.astype(np.float32).astype(np.float64))


stdv = 1 / math.sqrt(D / 3)
state = {
    "embed_s.linear.weight": f32(D, 6, scale=0.5), "embed_s.linear.bias": f32(D, scale=0.1),
    "embed_t.linear.weight": f32(D, 5, scale=0.5), "embed_t.linear.bias": f32(D, scale=0.1),
    "contrast.params": torch.tensor([K, T, -1, -1, M]).float().double(),
    "contrast.memory_v1": f32(N, D, uniform=stdv), "contrast.memory_v2": f32(N, D, uniform=stdv),
}
weights = {k: v.clone().requires_grad_(k.startswith("embed")) for k, v in state.items()}
memory_v1, memory_v2 = state["contrast.memory_v1"].clone(), state["contrast.memory_v2"].clone()
Z = [-1.0, -1.0]
out = {f"initial.{k}": v.float() for k, v in state.items()}


def embed(x, side):
    x = F.linear(x.view(x.shape[0], -1), weights[f"embed_{side}.linear.weight"], weights[f"embed_{side}.linear.bias"])
    return x / x.pow(2).sum(1, keepdim=True).pow(0.5)


def contrast_loss(x):  # crd/criterion.py ContrastLoss
    m, pn, eps = x.size(1) - 1, 1 / N, 1e-7
    log_d1 = torch.div(x.select(1, 0), x.select(1, 0).add(m * pn + eps)).log()
    p_neg = x.narrow(1, 1, m)
    log_d0 = torch.div(p_neg.clone().fill_(m * pn), p_neg.add(m * pn + eps)).log()
    return -(log_d1.sum(0) + log_d0.view(-1, 1).sum(0)).squeeze() / x.shape[0]


for step, positions in enumerate([[3, 7, 0], [7, 11, 5]]):
    b = len(positions)
    rows = torch.tensor([[p] + list(rng.integers(0, N, size=K)) for p in positions])
    f_s, f_t = f32(b, 2, 3, 1), f32(b, 5)
    v1, v2 = embed(f_s, "s"), embed(f_t, "t")
    # ContrastMemory.forward with idx given
    out_v2 = torch.exp(torch.bmm(memory_v1[rows.view(-1)].view(b, K + 1, D), v2.view(b, D, 1)) / T)
    out_v1 = torch.exp(torch.bmm(memory_v2[rows.view(-1)].view(b, K + 1, D), v1.view(b, D, 1)) / T)
    if Z[0] < 0:
        Z[0] = out_v1.mean().item() * N
    if Z[1] < 0:
        Z[1] = out_v2.mean().item() * N
    out_s, out_t = (out_v1 / Z[0]).view(b, K + 1), (out_v2 / Z[1]).view(b, K + 1)
    with torch.no_grad():
        for memory, v in [(memory_v1, v1), (memory_v2, v2)]:
            moved = memory[positions] * M + v * (1 - M)
            memory[positions] = moved / moved.pow(2).sum(1, keepdim=True).pow(0.5)
    out[f"batch{step}.positions"] = torch.tensor(positions).float()
    out[f"batch{step}.rows"] = rows.view(-1).float()
    out[f"batch{step}.from"], out[f"batch{step}.to"] = f_s.float(), f_t.float()
    out[f"batch{step}.student_scores"], out[f"batch{step}.teacher_scores"] = out_s.detach(), out_t.detach()
    if step == 1:
        (contrast_loss(out_s) + contrast_loss(out_t)).backward()
        for k, w in weights.items():
            if w.grad is not None:
                out[f"grad.{k}"] = w.grad

out["final.contrast.memory_v1"], out["final.contrast.memory_v2"] = memory_v1, memory_v2
out["final.contrast.params"] = torch.tensor([K, T, Z[0], Z[1], M])
save_file({k: v.float().contiguous() for k, v in out.items()}, "crd.safetensors")
print(f"wrote {len(out)} tensors; Z = {Z}")
