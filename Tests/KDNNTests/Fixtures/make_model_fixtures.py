"""Makes models.safetensors for the KDNN equivalence tests: for mlp, cnn, resnet8 and resnet20
(PyTorch definitions below, with kdflow's state-dict names), the initial weights, an input batch,
train- and eval-mode logits, the BN buffers after the train-mode pass, and the weights after one
SGD step (lr 0.1, momentum 0.9, Nesterov, weight decay 5e-4) on mean cross-entropy.
Run: python3 make_model_fixtures.py (torch 2.13 CPU, safetensors)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file


class MLP(nn.Module):
    def __init__(self, inputs, hidden, classes):
        super().__init__()
        widths = [inputs] + hidden
        for i in range(len(hidden)):
            setattr(self, f"fc{i + 1}", nn.Linear(widths[i], widths[i + 1]))
        self.n = len(hidden)
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, x):
        x = x.flatten(1)
        for i in range(self.n):
            x = F.relu(getattr(self, f"fc{i + 1}")(x))
        return self.fc(x)


class CNN(nn.Module):
    def __init__(self, cin, classes, size):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        side = (size - 4) // 2
        self.fc1 = nn.Linear(64 * side * side, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = F.max_pool2d(x, 2).flatten(1)
        return self.fc2(F.relu(self.fc1(x)))


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class ResNet(nn.Module):
    def __init__(self, depth, widths, cin, classes):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(cin, widths[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        inplanes = widths[0]
        for s, planes in enumerate(widths[1:]):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(inplanes, planes, 2 if b == 0 and s > 0 else 1))
                inplanes = planes
            setattr(self, f"layer{s + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def randomize_bn(model):
    # Non-trivial BN parameters and running stats, so eval mode is really tested.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def main():
    torch.manual_seed(0)
    out = {}
    cases = {
        "mlp": (MLP(1 * 8 * 8, [64, 32], 10), (6, 1, 8, 8), 10),
        "cnn": (CNN(1, 10, 12), (4, 1, 12, 12), 10),
        "resnet8": (ResNet(8, [16, 16, 32, 64], 1, 10), (4, 1, 28, 28), 10),
        "resnet20": (ResNet(20, [16, 16, 32, 64], 1, 10), (2, 1, 28, 28), 10),
    }
    for name, (model, shape, classes) in cases.items():
        model = model.float()
        randomize_bn(model)
        state = {k: v.clone() for k, v in model.state_dict().items()}
        for k, v in state.items():
            out[f"{name}.init.{k}"] = v
        x = torch.randn(*shape)
        labels = torch.randint(0, classes, (shape[0],))
        out[f"{name}.x"] = x
        out[f"{name}.labels"] = labels.to(torch.int64)

        model.eval()
        with torch.no_grad():
            out[f"{name}.logits_eval"] = model(x)

        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
        logits = model(x)
        out[f"{name}.logits_train"] = logits.detach().clone()
        loss = F.cross_entropy(logits, labels)
        out[f"{name}.loss"] = loss.detach().reshape(())
        opt.zero_grad()
        loss.backward()
        opt.step()
        for k, v in model.state_dict().items():
            out[f"{name}.step.{k}"] = v.clone()

    save_file({k: v.contiguous() for k, v in out.items()}, "models.safetensors", metadata={"torch": torch.__version__})
    print(f"wrote {len(out)} tensors")


if __name__ == "__main__":
    main()
