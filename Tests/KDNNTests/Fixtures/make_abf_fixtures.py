"""Makes abf.safetensors for the ABF connector test: ReviewKD's attention-based fusion as
mdistiller's ABF computes it (train mode, float64), at a top level (flat features, no fusion) and a
fused level (the residual resized 4×4 → 6×6, the fused map resized 6×6 → 7×7 before conv2), with
random weights rounded to float32. Stored per case: the state dict before (`CASE.init.*`) and after
the pass (`CASE.after.*`, BN buffers), the inputs (`CASE.input.FIELD`), `out` and `residual`, and the gradients of
L = Σ out ⊙ r_out + Σ residual ⊙ r_res for the inputs (`CASE.grad.INPUT`) and parameters
(`CASE.grad.NAME`). Run: python3 make_abf_fixtures.py (torch CPU, safetensors)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file


class ABF(nn.Module):
    def __init__(self, cin, mid, cout, fuse):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid))
        self.conv2 = nn.Sequential(nn.Conv2d(mid, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))
        self.att_conv = nn.Sequential(nn.Conv2d(2 * mid, 2, 1), nn.Sigmoid()) if fuse else None

    def forward(self, x, residual, out_size):
        n, _, h, w = x.shape
        x = self.conv1(x)
        if self.att_conv is not None:
            y = F.interpolate(residual, (h, w), mode="nearest")
            z = self.att_conv(torch.cat([x, y], dim=1))
            x = x * z[:, 0].view(n, 1, h, w) + y * z[:, 1].view(n, 1, h, w)
        if x.shape[-2:] != out_size:
            x = F.interpolate(x, out_size, mode="nearest")
        return self.conv2(x), x


def f32(t):
    return t.float().double()


torch.manual_seed(17)
out = {}
cases = {
    # name: (from, residual or None, to's size, mid, out channels)
    "top": ((5, 6), None, (1, 1), 4, 3),
    "fused": ((5, 3, 6, 6), (5, 4, 4, 4), (7, 7), 4, 3),
}
for name, (x_shape, r_shape, out_size, mid, cout) in cases.items():
    module = ABF(x_shape[1], mid, cout, r_shape is not None).double()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(f32(torch.randn_like(p) * 0.5))
        for bn in (module.conv1[1], module.conv2[1]):
            bn.running_mean.copy_(f32(torch.randn_like(bn.running_mean) * 0.1))
            bn.running_var.copy_(f32(torch.rand_like(bn.running_var) + 0.5))
    for k, v in module.state_dict().items():
        out[f"{name}.init.{k}"] = v.clone()
    x = f32(torch.randn(*x_shape)).requires_grad_()
    inputs = {"from": x}
    residual = None
    if r_shape is not None:
        residual = f32(torch.randn(*r_shape)).requires_grad_()
        inputs["residual"] = residual
    maps = x if x.dim() == 4 else x.view(*x.shape, 1, 1)
    module.train()
    y, fused = module(maps, residual, out_size)
    if x.dim() == 2:
        y = y.flatten(1)
    r_out, r_res = f32(torch.randn_like(y)), f32(torch.randn_like(fused))
    ((y * r_out).sum() + (fused * r_res).sum()).backward()
    for k, v in inputs.items():
        out[f"{name}.input.{k}"] = v.detach().clone()
        out[f"{name}.grad.{k}"] = v.grad.clone()
    out[f"{name}.out"], out[f"{name}.residual"] = y.detach(), fused.detach()
    out[f"{name}.r_out"], out[f"{name}.r_res"] = r_out, r_res
    for k, p in module.named_parameters():
        out[f"{name}.grad.{k}"] = p.grad.clone()
    for k, v in module.state_dict().items():
        out[f"{name}.after.{k}"] = v.clone()

save_file(
    {k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in out.items()},
    "abf.safetensors",
    metadata={"torch": torch.__version__},
)
