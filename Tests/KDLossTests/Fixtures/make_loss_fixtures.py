"""Writes losses.safetensors: fixed inputs, and every loss kind's value and gradients computed in
PyTorch float64 from the formulas of the reference implementations (named per case below).

Inputs are rounded to float32 first (the Swift side computes in Float32 from the same numbers).
Each case `<case>` stores `<case>.student`, `<case>.teacher`, optional `<case>.labels`, the value
`<case>.loss` and `<case>.grad_student` / `<case>.grad_teacher` for the trainable inputs; the
metadata entry `case.<case>` holds `kind=<kind>;option=value;…` as `kdflow loss --set` takes them.

Run: python3 make_loss_fixtures.py   (numpy, torch, safetensors)
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20240611)


def inputs(*shape, scale=1.0):
    return torch.tensor(rng.normal(0, scale, size=shape).astype(np.float32).astype(np.float64))


# --- references, following each anchor's formula -------------------------------------------

def cross_entropy(s, labels, label_smoothing):  # torch F.cross_entropy
    return F.cross_entropy(s, labels, label_smoothing=label_smoothing)


def kd(s, t, T):  # mdistiller KD.py kd_loss
    log_s = F.log_softmax(s / T, dim=1)
    p_t = F.softmax(t / T, dim=1)
    return F.kl_div(log_s, p_t, reduction="none").sum(1).mean() * T * T


def soft_ce(s, t, T):  # SSLD soft-label cross-entropy
    return -(F.softmax(t / T, dim=1) * F.log_softmax(s / T, dim=1)).sum(1).mean() * T * T


def dml(x, target, act, eps=1e-12):  # PaddleClas ppcls/loss/dmlloss.py
    if act == "softmax":
        x, target = F.softmax(x, dim=-1), F.softmax(target, dim=-1)
    elif act == "sigmoid":
        x, target = torch.sigmoid(x), torch.sigmoid(target)
    c = x.shape[-1]

    def kldiv(a, b):
        return b * torch.log((b + eps) / (a + eps)) * c

    return ((kldiv(x, target) + kldiv(target, x)) / 2).mean()


def ssld_dml(s, t, T):  # PaddleClas SSLD recipe: DistillationDMLLoss with a frozen teacher
    return dml(s / T, (t / T).detach(), "softmax") * T * T


def distance(x, y, mode, act, beta):  # PaddleClas DistillationDistanceLoss
    if act == "softmax":
        x, y = F.softmax(x, dim=-1), F.softmax(y, dim=-1)
    elif act == "sigmoid":
        x, y = torch.sigmoid(x), torch.sigmoid(y)
    if mode == "l1":
        return F.l1_loss(x, y)
    if mode == "l2":
        return F.mse_loss(x, y)
    return F.smooth_l1_loss(x, y, beta=beta)


def norm_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def bn_margin(gamma, beta):  # overhaul-distillation distiller.py get_margin_from_BN
    margin = []
    for s, m in zip(gamma.tolist(), beta.tolist()):
        s = abs(s)
        if norm_cdf(-m / s) > 0.001:
            margin.append(-s * math.exp(-(m / s) ** 2 / 2) / math.sqrt(2 * math.pi) / norm_cdf(-m / s) + m)
        else:
            margin.append(-3 * s)
    return torch.tensor(margin)


def overhaul(s, t, margin):  # overhaul-distillation distillation_loss, divided by the batch size
    shape = [1, -1] + [1] * (t.dim() - 2)
    target = torch.max(t, margin.view(shape))
    loss = F.mse_loss(s, target, reduction="none")
    loss = loss * ((s > target) | (target > 0)).double()
    return loss.sum() / s.shape[0]


def pdist_repdistiller(e, eps=1e-12):  # RepDistiller RKD.py pdist (zero diagonal)
    e_square = e.pow(2).sum(dim=1)
    prod = e @ e.t()
    res = (e_square.unsqueeze(1) + e_square.unsqueeze(0) - 2 * prod).clamp(min=eps).sqrt().clone()
    res[range(len(e)), range(len(e))] = 0
    return res


def pdist_paddle(e, eps=1e-12):  # PaddleClas rkdloss.py pdist (diagonal sqrt(eps))
    e_square = e.pow(2).sum(dim=1)
    prod = e @ e.t()
    return (e_square.unsqueeze(1) + e_square.unsqueeze(0) - 2 * prod).clamp(min=eps).sqrt()


def rkd_distance(s, t, normalization, eps=1e-12):
    s, t = s.reshape(s.shape[0], -1), t.reshape(t.shape[0], -1)
    if normalization == "positive_pairs":  # RepDistiller RKD.py / Park et al.
        t_d = pdist_repdistiller(t)
        t_d = t_d / t_d[t_d > 0].mean()
        d = pdist_repdistiller(s)
        d = d / d[d > 0].mean()
    else:  # PaddleClas RkdDistance
        t_d = pdist_paddle(t)
        t_d = t_d / (t_d.mean() + eps)
        d = pdist_paddle(s)
        d = d / (d.mean() + eps)
    return F.smooth_l1_loss(d, t_d.detach())


def rkd_angle(s, t):  # RepDistiller RKD.py angle loss
    s, t = s.reshape(s.shape[0], -1), t.reshape(t.shape[0], -1)
    td = t.unsqueeze(0) - t.unsqueeze(1)
    norm_td = F.normalize(td, p=2, dim=2)
    t_angle = torch.bmm(norm_td, norm_td.transpose(1, 2)).view(-1)
    sd = s.unsqueeze(0) - s.unsqueeze(1)
    norm_sd = F.normalize(sd, p=2, dim=2)
    s_angle = torch.bmm(norm_sd, norm_sd.transpose(1, 2)).view(-1)
    return F.smooth_l1_loss(s_angle, t_angle.detach())


def dkd(s, t, labels, alpha, beta, T):  # mdistiller DKD.py dkd_loss
    gt_mask = torch.zeros_like(s).scatter_(1, labels.unsqueeze(1), 1).bool()
    other_mask = ~gt_mask
    pred_s = F.softmax(s / T, dim=1)
    pred_t = F.softmax(t / T, dim=1)

    def cat_mask(p):
        return torch.cat([(p * gt_mask).sum(1, keepdims=True), (p * other_mask).sum(1, keepdims=True)], dim=1)

    pred_s, pred_t = cat_mask(pred_s), cat_mask(pred_t)
    tckd = F.kl_div(torch.log(pred_s), pred_t, reduction="sum") * T ** 2 / labels.shape[0]
    pred_t2 = F.softmax(t / T - 1000.0 * gt_mask, dim=1)
    log_s2 = F.log_softmax(s / T - 1000.0 * gt_mask, dim=1)
    nckd = F.kl_div(log_s2, pred_t2, reduction="sum") * T ** 2 / labels.shape[0]
    return alpha * tckd + beta * nckd


def at(s, t, p):  # RepDistiller AT.py / mdistiller AT.py single_stage_at_loss
    def att(f):
        return F.normalize(f.pow(p).mean(1).view(f.size(0), -1))
    return (att(s) - att(t)).pow(2).mean()


def pkt(s, t, eps=1e-7):  # RepDistiller PKT.py cosine_similarity_loss
    s, t = s.reshape(s.shape[0], -1), t.reshape(t.shape[0], -1)
    s = s / (torch.sqrt(torch.sum(s ** 2, dim=1, keepdim=True)) + eps)
    t = t / (torch.sqrt(torch.sum(t ** 2, dim=1, keepdim=True)) + eps)
    ms, ts = s @ s.t(), t @ t.t()
    ms, ts = (ms + 1.0) / 2.0, (ts + 1.0) / 2.0
    ms = ms / ms.sum(dim=1, keepdim=True)
    ts = ts / ts.sum(dim=1, keepdim=True)
    return torch.mean(ts * torch.log((ts + eps) / (ms + eps)))


# --- cases --------------------------------------------------------------------------------

tensors, metadata = {}, {}


def case(name, kind, options, fn, student, teacher, labels=None, trainable=("student",)):
    s = student.clone().requires_grad_(True)
    t = teacher.clone().requires_grad_("teacher" in trainable)
    value = fn(s, t) if labels is None else fn(s, t, labels)
    value.backward()
    tensors[f"{name}.student"] = student.float()
    tensors[f"{name}.teacher"] = teacher.float()
    if labels is not None:
        tensors[f"{name}.labels"] = labels.float()
    tensors[f"{name}.loss"] = value.detach().reshape([])
    tensors[f"{name}.grad_student"] = s.grad
    if "teacher" in trainable:
        tensors[f"{name}.grad_teacher"] = t.grad
    metadata[f"case.{name}"] = ";".join([f"kind={kind}"] + [f"{k}={v}" for k, v in options.items()])


N, C = 8, 10
logits_s, logits_t = inputs(N, C, scale=2), inputs(N, C, scale=3)
labels = torch.tensor(rng.integers(0, C, size=N))

case("cross_entropy", "cross_entropy", {"label_smoothing": 0.1}, lambda s, t, y: cross_entropy(s, y, 0.1),
     logits_s, logits_t, labels)
case("kd", "kd", {"temperature": 4}, lambda s, t: kd(s, t, 4), logits_s, logits_t)
case("soft_ce", "soft_ce", {"temperature": 2}, lambda s, t: soft_ce(s, t, 2), logits_s, logits_t)
case("soft_ce_dml", "soft_ce", {"divergence": "dml"}, lambda s, t: ssld_dml(s, t, 1), logits_s, logits_t)
case("dml", "dml", {}, lambda s, t: dml(s, t, "softmax"), logits_s, logits_t, trainable=("student", "teacher"))
case("dml_sigmoid", "dml", {"activation": "sigmoid"}, lambda s, t: dml(s, t, "sigmoid"), logits_s, logits_t,
     trainable=("student", "teacher"))

feat_s, feat_t = inputs(4, 3, 5, 6), inputs(4, 3, 5, 6)
peer = ("student", "teacher")
case("distance_l1", "distance", {"mode": "l1"}, lambda s, t: distance(s, t, "l1", None, 1), feat_s, feat_t, trainable=peer)
case("distance_l2", "distance", {"mode": "l2"}, lambda s, t: distance(s, t, "l2", None, 1), feat_s, feat_t, trainable=peer)
case("distance_smooth_l1", "distance", {"mode": "smooth_l1", "beta": 0.5},
     lambda s, t: distance(s, t, "smooth_l1", None, 0.5), feat_s, feat_t, trainable=peer)
case("distance_softmax_l2", "distance", {"mode": "l2", "activation": "softmax"},
     lambda s, t: distance(s, t, "l2", "softmax", 1), logits_s, logits_t, trainable=peer)

bn_gamma = torch.tensor([0.8, -1.2, 1.0])
bn_beta = torch.tensor([0.3, -0.5, 4.0])  # the last channel takes the −3σ branch
margin = bn_margin(bn_gamma, bn_beta)
margin_text = ",".join(repr(float(np.float32(m))) for m in margin.tolist())
margin32 = torch.tensor([float(np.float32(m)) for m in margin.tolist()])
case("overhaul_bn", "overhaul", {"margin": "values", "margin_values": margin_text}, lambda s, t: overhaul(s, t, margin32), feat_s, feat_t)
tensors["overhaul_bn.gamma"], tensors["overhaul_bn.beta"] = bn_gamma.float(), bn_beta.float()
tensors["overhaul_bn.margin"] = margin
pre_t = inputs(4, 3, 5, 6) + torch.tensor([0.5, -1.0, 2.0]).view(1, 3, 1, 1)


def overhaul_batch(s, t):
    mean = t.mean(dim=(0, 2, 3))
    std = t.var(dim=(0, 2, 3), unbiased=False).sqrt()
    return overhaul(s, t, bn_margin(std, mean))


case("overhaul_batch", "overhaul", {}, overhaul_batch, feat_s, pre_t)
case("overhaul_rank2", "overhaul", {}, lambda s, t: overhaul(s, t, bn_margin(t.std(0, unbiased=False), t.mean(0))),
     logits_s, logits_t)

emb_s, emb_t = inputs(8, 7), inputs(8, 4, scale=2)
case("rkd_distance", "rkd_distance", {}, lambda s, t: rkd_distance(s, t, "positive_pairs"), emb_s, emb_t)
case("rkd_distance_all_pairs", "rkd_distance", {"normalization": "all_pairs"},
     lambda s, t: rkd_distance(s, t, "all_pairs"), emb_s, emb_t)
case("rkd_distance_nchw", "rkd_distance", {}, lambda s, t: rkd_distance(s, t, "positive_pairs"), feat_s, pre_t)
case("rkd_angle", "rkd_angle", {}, rkd_angle, emb_s, emb_t)
case("dkd", "dkd", {"alpha": 1, "beta": 8, "temperature": 4},
     lambda s, t, y: dkd(s, t, y, 1.0, 8.0, 4.0), logits_s, logits_t, labels)
at_t = inputs(4, 5, 5, 6)
case("at", "at", {}, lambda s, t: at(s, t, 2), feat_s, at_t)
case("at_p3", "at", {"p": 3}, lambda s, t: at(s, t, 3), feat_s, at_t)
case("pkt", "pkt", {}, pkt, emb_s, emb_t)



# --- kinds added later: their inputs are drawn after all of the above, so earlier cases keep their numbers


def standardize(z):  # sunshangquan/logit-standardization-KD utils.py normalize
    mean = z.mean(dim=-1, keepdims=True)
    stdv = z.std(dim=-1, keepdims=True)
    return (z - mean) / (1e-7 + stdv)


def dist(s, t, beta, gamma, tau):  # hunto/DIST_KD classification/lib/models/losses/dist_kd.py
    def cosine_similarity(a, b, eps=1e-8):
        return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1) + eps)

    def pearson_correlation(a, b, eps=1e-8):
        return cosine_similarity(a - a.mean(1).unsqueeze(1), b - b.mean(1).unsqueeze(1), eps)

    def inter_class_relation(y_s, y_t):
        return 1 - pearson_correlation(y_s, y_t).mean()

    def intra_class_relation(y_s, y_t):
        return inter_class_relation(y_s.transpose(0, 1), y_t.transpose(0, 1))

    y_s, y_t = (s / tau).softmax(dim=1), (t / tau).softmax(dim=1)
    return beta * tau ** 2 * inter_class_relation(y_s, y_t) + gamma * tau ** 2 * intra_class_relation(y_s, y_t)


def sp(f_s, f_t):  # RepDistiller distiller_zoo/SP.py similarity_loss
    bsz = f_s.shape[0]
    f_s, f_t = f_s.view(bsz, -1), f_t.view(bsz, -1)
    g_s = F.normalize(torch.mm(f_s, torch.t(f_s)))
    g_t = F.normalize(torch.mm(f_t, torch.t(f_t)))
    g_diff = g_t - g_s
    return (g_diff * g_diff).view(-1, 1).sum(0)[0] / (bsz * bsz)


def cc(f_s, f_t):  # RepDistiller distiller_zoo/CC.py Correlation
    delta = torch.abs(f_s - f_t)
    return torch.mean((delta[:-1] * delta[1:]).sum(1))


def nst(f_s, f_t):  # RepDistiller distiller_zoo/NST.py nst_loss (full_loss)
    s_h, t_h = f_s.shape[2], f_t.shape[2]
    if s_h > t_h:
        f_s = F.adaptive_avg_pool2d(f_s, (t_h, t_h))
    elif s_h < t_h:
        f_t = F.adaptive_avg_pool2d(f_t, (s_h, s_h))
    f_s = F.normalize(f_s.view(f_s.shape[0], f_s.shape[1], -1), dim=2)
    f_t = F.normalize(f_t.view(f_t.shape[0], f_t.shape[1], -1), dim=2)

    def poly_kernel(a, b):
        return (a.unsqueeze(1) * b.unsqueeze(2)).sum(-1).pow(2)

    return poly_kernel(f_t, f_t).mean().detach() + poly_kernel(f_s, f_s).mean() - 2 * poly_kernel(f_s, f_t).mean()


def hcl(fs, ft):  # mdistiller distillers/ReviewKD.py hcl_loss, one pair
    n, c, h, w = fs.shape
    loss = F.mse_loss(fs, ft, reduction="mean")
    cnt, tot = 1.0, 1.0
    for l in [4, 2, 1]:
        if l >= h:
            continue
        cnt /= 2.0
        loss += F.mse_loss(F.adaptive_avg_pool2d(fs, (l, l)), F.adaptive_avg_pool2d(ft, (l, l)), reduction="mean") * cnt
        tot += cnt
    return loss / tot


def mlkd(s_weak, t_weak, s_strong, t_strong, T, stand):  # logit-standardization-KD distillers/MLKD.py forward_train
    def kd_loss(s, t, temperature):
        s, t = (standardize(s), standardize(t)) if stand else (s, t)
        return kd(s, t, temperature)

    def cc_loss(s, t, temperature):
        ps, pt = F.softmax(s / temperature, dim=1), F.softmax(t / temperature, dim=1)
        return ((pt.t() @ pt - ps.t() @ ps) ** 2).sum() / s.shape[1]

    def bc_loss(s, t, temperature):
        ps, pt = F.softmax(s / temperature, dim=1), F.softmax(t / temperature, dim=1)
        return ((pt @ pt.t() - ps @ ps.t()) ** 2).sum() / s.shape[0]

    pred = F.softmax(t_weak, dim=1)
    confidence = pred.max(dim=1)[0]
    mask = confidence.le(float(np.percentile(confidence.numpy(), 50))).double()
    class_confidence = pred.sum(dim=0)
    class_mask = class_confidence.le(float(np.percentile(class_confidence.numpy(), 50))).double()
    temps = [T, 3.0, 5.0, 2.0, 6.0]
    loss_kd = sum((kd_loss(s_weak, t_weak, u) * mask).mean() for u in temps)
    loss_kd = loss_kd + sum(kd_loss(s_strong, t_strong, u) for u in temps[:3]) + sum(kd_loss(s_weak, t_weak, u) for u in temps[3:])
    loss_cc = sum((cc_loss(s_weak, t_weak, u) * class_mask).mean() for u in temps)
    loss_bc = sum((bc_loss(s_weak, t_weak, u) * mask).mean() for u in temps)
    return loss_kd + loss_cc + loss_bc


def mlkd_case(name, options, T, stand):
    s_weak, t_weak, s_strong, t_strong = inputs(8, 6, scale=2), inputs(8, 6, scale=3), inputs(8, 6, scale=2), inputs(8, 6, scale=3)
    sw, ss = s_weak.clone().requires_grad_(True), s_strong.clone().requires_grad_(True)
    value = mlkd(sw, t_weak, ss, t_strong, T, stand)
    value.backward()
    for role, tensor in [("student", s_weak), ("teacher", t_weak), ("student_strong", s_strong), ("teacher_strong", t_strong)]:
        tensors[f"{name}.{role}"] = tensor.float()
    tensors[f"{name}.loss"] = value.detach().reshape([])
    tensors[f"{name}.grad_student"], tensors[f"{name}.grad_student_strong"] = sw.grad, ss.grad
    metadata[f"case.{name}"] = ";".join(["kind=mlkd"] + [f"{k}={v}" for k, v in options.items()])


case("kd_standardized", "kd", {"temperature": 2, "standardize": "true"},
     lambda s, t: kd(standardize(s), standardize(t), 2), logits_s, logits_t)
case("dkd_standardized", "dkd", {"temperature": 2, "standardize": "true"},
     lambda s, t, y: dkd(standardize(s), standardize(t), y, 1.0, 8.0, 2.0), logits_s, logits_t, labels)
case("dist", "dist", {}, lambda s, t: dist(s, t, 1.0, 1.0, 1.0), logits_s, logits_t)
case("dist_t4", "dist", {"beta": 2, "gamma": 0.5, "temperature": 4}, lambda s, t: dist(s, t, 2.0, 0.5, 4.0), logits_s, logits_t)
case("sp", "sp", {}, sp, inputs(8, 4, 3, 3), inputs(8, 6, 2, 2))
case("cc", "cc", {}, cc, inputs(8, 6), inputs(8, 6, scale=2))
case("nst", "nst", {}, nst, inputs(4, 3, 6, 6), inputs(4, 5, 3, 3))
case("nst_uneven", "nst", {}, nst, inputs(4, 3, 5, 5), inputs(4, 2, 3, 3))
case("hcl", "hcl", {}, hcl, inputs(4, 3, 6, 6), inputs(4, 3, 6, 6))
case("hcl_small", "hcl", {}, hcl, inputs(4, 3, 3, 3), inputs(4, 3, 3, 3))
mlkd_case("mlkd", {}, 4.0, False)
mlkd_case("mlkd_standardized", {"temperature": 2, "standardize": "true"}, 2.0, True)

def fsp_matrix(bot, top):  # RepDistiller distiller_zoo/FSP.py compute_fsp, one pair
    b_h, t_h = bot.shape[2], top.shape[2]
    if b_h > t_h:
        bot = F.adaptive_avg_pool2d(bot, (t_h, t_h))
    elif b_h < t_h:
        top = F.adaptive_avg_pool2d(top, (b_h, b_h))
    bot = bot.unsqueeze(1).reshape(bot.shape[0], 1, bot.shape[1], -1)
    top = top.unsqueeze(2).reshape(top.shape[0], top.shape[1], 1, -1)
    return (bot * top).mean(-1)


def fsp_case(name, s_bot, s_top, t_bot, t_top):
    sb, st = s_bot.clone().requires_grad_(True), s_top.clone().requires_grad_(True)
    value = (fsp_matrix(sb, st) - fsp_matrix(t_bot, t_top)).pow(2).mean()
    value.backward()
    for role, tensor in [("student", s_bot), ("student_top", s_top), ("teacher", t_bot), ("teacher_top", t_top)]:
        tensors[f"{name}.{role}"] = tensor.float()
    tensors[f"{name}.loss"] = value.detach().reshape([])
    tensors[f"{name}.grad_student"], tensors[f"{name}.grad_student_top"] = sb.grad, st.grad
    metadata[f"case.{name}"] = "kind=fsp"


fsp_case("fsp", inputs(4, 3, 6, 6), inputs(4, 5, 4, 4), inputs(4, 3, 6, 6, scale=2), inputs(4, 5, 4, 4, scale=2))
fsp_case("fsp_uneven", inputs(4, 2, 5, 5), inputs(4, 3, 7, 7), inputs(4, 2, 3, 3), inputs(4, 3, 3, 3))


def vid(mean, t, variance):  # RepDistiller distiller_zoo/VID.py, after its regressor and softplus
    var = variance.view(1, -1, 1, 1) if mean.dim() == 4 else variance.view(1, -1)
    return torch.mean(0.5 * ((mean - t) ** 2 / var + torch.log(var)))


def vid_case(name, mean, t, variance):
    m, v = mean.clone().requires_grad_(True), variance.clone().requires_grad_(True)
    value = vid(m, t, v)
    value.backward()
    for role, tensor in [("student", mean), ("teacher", t), ("variance", variance)]:
        tensors[f"{name}.{role}"] = tensor.float()
    tensors[f"{name}.loss"] = value.detach().reshape([])
    tensors[f"{name}.grad_student"], tensors[f"{name}.grad_variance"] = m.grad, v.grad
    metadata[f"case.{name}"] = "kind=vid"


def ab(s, t, margin):  # RepDistiller distiller_zoo/AB.py, one layer, weight 1
    loss = ((s + margin) ** 2 * ((s > -margin) & (t <= 0)).double()
            + (s - margin) ** 2 * ((s <= margin) & (t > 0)).double())
    return torch.abs(loss).sum() / s.shape[0] / 1000 * 3


def ft(s, t, p1=2):  # RepDistiller distiller_zoo/FT.py factor_loss, p2 = 1
    def factor(f):
        return F.normalize(f.pow(p1).mean(1).view(f.size(0), -1))
    return (factor(s) - factor(t)).abs().mean()


vid_case("vid", inputs(4, 3, 5, 5), inputs(4, 3, 5, 5, scale=2), inputs(3).abs() * 2 + 0.5)
vid_case("vid_flat", inputs(6, 5), inputs(6, 5), inputs(5).abs() + 0.1)
case("ab", "ab", {}, lambda s, t: ab(s, t, 1.0), inputs(4, 3, 5, 5, scale=1.5), inputs(4, 3, 5, 5))
case("ab_margin", "ab", {"margin": 0.5}, lambda s, t: ab(s, t, 0.5), inputs(8, 6, scale=1.5), inputs(8, 6))
case("ft", "ft", {}, lambda s, t: ft(s, t), inputs(4, 3, 5, 5), inputs(4, 6, 5, 5))
case("ft_p1", "ft", {"p": 1}, lambda s, t: ft(s, t, 1), inputs(4, 3, 5, 5).abs(), inputs(4, 2, 5, 5).abs())


def crd(x, n_data, eps=1e-7):  # RepDistiller crd/criterion.py ContrastLoss
    m = x.size(1) - 1
    pn = 1 / float(n_data)
    log_d1 = torch.div(x.select(1, 0), x.select(1, 0).add(m * pn + eps)).log()
    p_neg = x.narrow(1, 1, m)
    log_d0 = torch.div(p_neg.clone().fill_(m * pn), p_neg.add(m * pn + eps)).log()
    return -(log_d1.sum(0) + log_d0.view(-1, 1).sum(0)).squeeze() / x.shape[0]


def crd_case(name, student, teacher, n_data):  # CRDLoss: ContrastLoss on each side's scores, summed
    s, t = student.clone().requires_grad_(True), teacher.clone().requires_grad_(True)
    value = crd(s, n_data) + crd(t, n_data)
    value.backward()
    noise = torch.tensor([1 / n_data]).float().double()
    for role, tensor in [("student", student), ("teacher", teacher), ("noise", noise)]:
        tensors[f"{name}.{role}"] = tensor.float()
    tensors[f"{name}.loss"] = value.detach().reshape([])
    tensors[f"{name}.grad_student"], tensors[f"{name}.grad_teacher"] = s.grad, t.grad
    metadata[f"case.{name}"] = "kind=crd"


def scores(rows, k, scale):  # exp(m·v/T)/Z-like: positive, spread over a few orders of magnitude
    return (inputs(rows, k + 1, scale=scale).exp() * 1e-3).float().double()


crd_case("crd", scores(6, 9, 2), scores(6, 9, 1.5), 50)
crd_case("crd_wide", scores(4, 40, 1), scores(4, 40, 3), 1000)
# mdistiller's top ReviewKD level: pooled [N, C] features as N×C×1×1 maps
case("hcl_flat", "hcl", {}, lambda s, t: hcl(s.view(*s.shape, 1, 1), t.view(*t.shape, 1, 1)), inputs(4, 6), inputs(4, 6))

save_file({k: v.contiguous() for k, v in tensors.items()}, "losses.safetensors", metadata=metadata)
print(f"wrote {len(metadata)} cases, {len(tensors)} tensors")
