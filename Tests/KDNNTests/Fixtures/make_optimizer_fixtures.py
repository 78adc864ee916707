"""Makes optimizers.safetensors: a [3, 4] parameter updated 5 times with fixed gradients by
PyTorch's SGD (plain, momentum+dampening, Nesterov, weight decay), Adam and AdamW, and the
learning-rate factors of StepLR, MultiStepLR and CosineAnnealingLR over 10 epochs.
Run: python3 make_optimizer_fixtures.py (torch 2.13 CPU, safetensors)."""
import math

import torch
from safetensors.torch import save_file

torch.manual_seed(0)
p0 = torch.randn(3, 4)
grads = torch.randn(5, 3, 4)
out = {"p0": p0, "grads": grads}

configs = {
    "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=1e-2),
    "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4),
    "adam": lambda p: torch.optim.Adam([p], lr=0.01, weight_decay=1e-2),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=1e-2),
}
for name, make in configs.items():
    p = p0.clone().requires_grad_()
    opt = make(p)
    for g in grads:
        p.grad = g.clone()
        opt.step()
    out[f"{name}.final"] = p.detach().clone()


def factors(make):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    sched = make(opt)
    values = []
    for _ in range(10):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return torch.tensor(values, dtype=torch.float64)


out["schedule.step"] = factors(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
out["schedule.multistep"] = factors(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 7], gamma=0.1))
out["schedule.cosine"] = factors(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01))
save_file({k: v.contiguous() for k, v in out.items()}, "optimizers.safetensors", metadata={"torch": torch.__version__})
print(f"wrote {len(out)} tensors")
