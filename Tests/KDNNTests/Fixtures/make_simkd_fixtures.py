"""Makes simkd.safetensors for ConnectorTests: SimKD's projector (DefangChen/SimKD models/util.py
`SimKD`, factor 2, written below in float64) on fixed float32 weights, for a student map larger than
the teacher's, one smaller, and flat [N, C] features (as N×C×1×1 maps). Per case `<case>.`: the
state dict (kdflow's names, `transfer.0.weight` …), the inputs `from` and `to`, the train-mode
(batch statistics) and eval-mode projections `out_train`, `out_eval`, the aligned teacher map
`target`, and the gradients of the train-mode MSE(out, target) with respect to `from` and
`transfer.0.weight`. Run: python3 make_simkd_fixtures.py (torch CPU, safetensors)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(0)


def projector(s_n, t_n, factor=2):  # SimKD.transfer
    mid = t_n // factor
    return nn.Sequential(
        nn.Conv2d(s_n, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(),
        nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(),
        nn.Conv2d(mid, t_n, 1, bias=False), nn.BatchNorm2d(t_n), nn.ReLU())


def align(feat_s, feat_t):  # SimKD.forward's spatial alignment
    s_h, t_h = feat_s.shape[2], feat_t.shape[2]
    if s_h > t_h:
        return F.adaptive_avg_pool2d(feat_s, (t_h, t_h)), feat_t
    return feat_s, F.adaptive_avg_pool2d(feat_t, (s_h, s_h))


tensors = {}
for case, s_shape, t_shape in [("larger", [3, 6, 6, 6], [3, 8, 3, 3]), ("smaller", [3, 6, 2, 2], [3, 8, 4, 4]),
                               ("flat", [4, 6], [4, 8])]:
    net = projector(s_shape[1], t_shape[1])
    with torch.no_grad():  # float32 values, so kdflow loads exactly these weights
        for m in net:
            if isinstance(m, nn.Conv2d):
                m.weight.copy_(torch.randn_like(m.weight) * 0.4)
            elif isinstance(m, nn.BatchNorm2d):
                c = m.weight.shape[0]
                m.weight.copy_(1 + 0.3 * torch.randn(c))
                m.bias.copy_(0.2 * torch.randn(c))
                m.running_mean.copy_(0.3 * torch.randn(c))
                m.running_var.copy_(0.5 + torch.rand(c))
    x = torch.randn(s_shape)
    t = torch.randn(t_shape).abs()
    for name, value in net.state_dict().items():
        tensors[f"{case}.transfer.{name}"] = value.clone()
    tensors[f"{case}.from"], tensors[f"{case}.to"] = x.clone(), t.clone()
    net = net.double()
    x64 = x.double().requires_grad_(True)
    maps = x64.reshape(*s_shape, 1, 1) if len(s_shape) == 2 else x64
    t_maps = t.double().reshape(*t_shape, 1, 1) if len(t_shape) == 2 else t.double()
    source, target = align(maps, t_maps)
    net.eval()
    out_eval = net(source)
    net.train()
    out = net(source)
    loss = F.mse_loss(out, target)
    loss.backward()
    flat = lambda v: v.reshape(v.shape[0], -1) if len(s_shape) == 2 else v
    tensors[f"{case}.out_eval"] = flat(out_eval).detach()
    tensors[f"{case}.out_train"] = flat(out).detach()
    tensors[f"{case}.target"] = flat(target).detach()
    tensors[f"{case}.grad_from"] = x64.grad.detach()
    tensors[f"{case}.grad_transfer.0.weight"] = net[0].weight.grad.detach()

save_file({k: v.contiguous() for k, v in tensors.items()}, "simkd.safetensors",
          metadata={"torch": torch.__version__})
