"""Makes kernels.safetensors: inputs (float32) and PyTorch float64 reference outputs and
gradients for the KDTensor kernel tests. Run: python3 make_kernel_fixtures.py (torch 2.13 CPU,
safetensors). The tests read the file; CI needs no Python."""
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(0)
out = {}


def f32(t):
    return t.float().contiguous()


def put(name, t):
    out[name] = t.detach().contiguous()


def conv_case(name, n, c, h, w, o, k, stride, pad):
    x = f32(torch.randn(n, c, h, w))
    wt = f32(torch.randn(o, c, k, k) * 0.3)
    b = f32(torch.randn(o))
    xd, wd, bd = (t.double().requires_grad_() for t in (x, wt, b))
    y = F.conv2d(xd, wd, bd, stride=stride, padding=pad)
    gy = f32(torch.randn(y.shape))
    y.backward(gy.double())
    for key, t in dict(x=x, w=wt, b=b, gy=gy, y=y, gx=xd.grad, gw=wd.grad, gb=bd.grad).items():
        put(f"{name}.{key}", t)


conv_case("conv3x3s1p1", 2, 3, 7, 6, 4, 3, 1, 1)
conv_case("conv3x3s2p0", 3, 2, 9, 8, 5, 3, 2, 0)
conv_case("conv5x5s2p2", 2, 3, 10, 9, 4, 5, 2, 2)
conv_case("conv1x1", 2, 6, 5, 4, 3, 1, 1, 0)
conv_case("conv1x1s2", 2, 6, 5, 4, 3, 1, 2, 0)


def pool_case(name, fn, **kw):
    x = f32(torch.randn(2, 3, 7, 8))
    xd = x.double().requires_grad_()
    y = fn(xd, **kw)
    gy = f32(torch.randn(y.shape))
    y.backward(gy.double())
    for key, t in dict(x=x, gy=gy, y=y, gx=xd.grad).items():
        put(f"{name}.{key}", t)


pool_case("maxpool2s2", F.max_pool2d, kernel_size=2, stride=2)
pool_case("maxpool3s2p1", F.max_pool2d, kernel_size=3, stride=2, padding=1)
pool_case("avgpool3s1p1", F.avg_pool2d, kernel_size=3, stride=1, padding=1)
pool_case("avgpool2s2", F.avg_pool2d, kernel_size=2, stride=2)


def bn_case(name, shape):
    c = shape[1]
    x = f32(torch.randn(*shape) * 2 + 0.5)
    g = f32(torch.rand(c) + 0.5)
    b = f32(torch.randn(c))
    rm = f32(torch.randn(c) * 0.1)
    rv = f32(torch.rand(c) + 0.5)
    xd, gd, bd = (t.double().requires_grad_() for t in (x, g, b))
    rmd, rvd = rm.double().clone(), rv.double().clone()
    y = F.batch_norm(xd, rmd, rvd, gd, bd, training=True, momentum=0.1, eps=1e-5)
    gy = f32(torch.randn(y.shape))
    y.backward(gy.double())
    ye = F.batch_norm(x.double(), rm.double(), rv.double(), g.double(), b.double(), training=False, eps=1e-5)
    for key, t in dict(x=x, gamma=g, beta=b, running_mean=rm, running_var=rv, gy=gy, y=y, gx=xd.grad,
                       ggamma=gd.grad, gbeta=bd.grad, new_running_mean=rmd, new_running_var=rvd,
                       y_eval=ye).items():
        put(f"{name}.{key}", t)


bn_case("bn4d", (4, 3, 5, 5))
bn_case("bn2d", (6, 4))

x = f32(torch.randn(5, 7) * 3)
put("softmax.x", x)
put("softmax.y", torch.softmax(x.double(), dim=-1))
put("softmax.log", torch.log_softmax(x.double(), dim=-1))
put("softmax.lse", torch.logsumexp(x.double(), dim=-1))
put("softmax.y_axis0", torch.softmax(x.double(), dim=0))

e = f32(torch.randn(6, 4))
ed = e.double().requires_grad_()
prod = ed @ ed.t()
sq = ed.pow(2).sum(1)
d = (sq.unsqueeze(1) + sq.unsqueeze(0) - 2 * prod).clamp(min=1e-12).sqrt()
d = d.clone()
d[range(6), range(6)] = 0
gd_ = f32(torch.randn(6, 6))
d.backward(gd_.double())
put("pdist.x", e)
put("pdist.y", d)
put("pdist.gy", gd_)
put("pdist.gx", ed.grad)

ed2 = e.double().requires_grad_()
nrm = F.normalize(ed2, p=2, dim=1)
gn = f32(torch.randn(6, 4))
nrm.backward(gn.double())
put("normalize.y", nrm)
put("normalize.gy", gn)
put("normalize.gx", ed2.grad)

save_file(out, "kernels.safetensors", metadata={"torch": torch.__version__})
print(f"wrote {len(out)} tensors")
