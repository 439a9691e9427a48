"""PyTorch modules for the op-table rows whose op PyTorch does not ship as one module.

Each factory takes the `torch` module (imported only by the oracle tests) and returns an
nn.Module whose state_dict names equal cnncalc's weight names, so the oracle loads the
same weights into both. Written from the definitions the ops cite (TensorFlow's SAME
padding, LeCun et al. 1998 §II-B and Table I), not from cnncalc's code.
"""

from __future__ import annotations


def function(torch, fn):
    """A parameter-free module computing fn(*inputs)."""

    class Fn(torch.nn.Module):
        def forward(self, *xs):
            return fn(*xs)

    return Fn()


def padded(torch, pad: tuple, module, value: float = 0.0):
    """F.pad(x, pad) then `module`; pad in F.pad's order (last dimension first). Keeps the inner names."""

    class Padded(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = module

        def forward(self, x):
            return self.inner(torch.nn.functional.pad(x, pad, value=value))

        def state_dict(self, *args, **kwargs):
            return self.inner.state_dict(*args, **kwargs)

        def load_state_dict(self, sd, strict=True):
            return self.inner.load_state_dict(sd, strict=strict)

    return Padded()


def tf_same_avg(torch, kernel: int, stride: int, pad: tuple):
    """TensorFlow's SAME average pooling: zero padding that the divisor does not count."""
    F = torch.nn.functional

    def run(x):
        total = F.avg_pool2d(F.pad(x, pad), kernel, stride, divisor_override=1)
        count = F.avg_pool2d(F.pad(torch.ones_like(x[:, :1]), pad), kernel, stride, divisor_override=1)
        return total / count

    return function(torch, run)


def partial_conv2d(torch, table, kernel: int):
    """LeNet-5 C3: output map o is Σ over the input maps table[o] of a k×k convolution, plus a bias."""
    F = torch.nn.functional

    class Partial(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(sum(len(r) for r in table), kernel, kernel))
            self.bias = torch.nn.Parameter(torch.zeros(len(table)))

        def forward(self, x):
            outs, start = [], 0
            for o, row in enumerate(table):
                w = self.weight[start:start + len(row)].unsqueeze(0)
                start += len(row)
                outs.append(F.conv2d(x[:, list(row)], w) + self.bias[o])
            return torch.cat(outs, dim=1)

    return Partial()


def subsample2d(torch, channels: int, k: int = 2):
    """LeNet-5 S2/S4: (sum of each k×k window)·w_c + b_c per map."""
    F = torch.nn.functional

    class Subsample(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(channels))
            self.bias = torch.nn.Parameter(torch.zeros(channels))

        def forward(self, x):
            s = F.avg_pool2d(x, k, k) * (k * k)
            return s * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)

    return Subsample()


def rbf(torch, units: int, features: int):
    """LeNet-5 output: y_i = Σ_j (x_j − w_ij)², the centres w fixed (a buffer, not a parameter)."""

    class RBF(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("weight", torch.zeros(units, features))

        def forward(self, x):
            return ((x[:, None, :] - self.weight[None]) ** 2).sum(-1)

    return RBF()


def channels_last(torch, module):
    """`module` applied with the channels last (nn.LayerNorm, nn.Linear on each position), as torchvision's
    LayerNorm2d and ConvNeXt's Permute–Linear–Permute do; the module's own weight names are kept."""

    class ChannelsLast(type(module)):
        def forward(self, x):
            return super().forward(x.movedim(1, -1)).movedim(-1, 1)

    module.__class__ = ChannelsLast
    return module


def layer_scale(torch, channels: int, rank: int):
    """ConvNeXt's per-channel scale (torchvision CNBlock.layer_scale, shaped C×1×…)."""

    class LayerScale(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(channels, *(1,) * rank))

        def forward(self, x):
            return x * self.weight

    return LayerScale()


def separable(torch, c_in: int, c_out: int, kernel: int, rank: int = 2, multiplier: int = 1, padding: int = 0):
    """Keras' SeparableConv: a depthwise conv (groups = C_in, no bias), then a 1×1 conv with bias."""
    conv = getattr(torch.nn, f"Conv{rank}d")

    class Separable(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.depthwise = conv(c_in, c_in * multiplier, kernel, padding=padding, groups=c_in, bias=False)
            self.pointwise = conv(c_in * multiplier, c_out, 1)

        def forward(self, x):
            return self.pointwise(self.depthwise(x))

    return Separable()


def center_crop(torch, size: tuple):
    """torchvision.transforms.functional.center_crop's offsets, int(round((I − O)/2.0)), on any rank."""

    def crop(x):
        index = [slice(None), slice(None)]
        for i, o in zip(x.shape[2:], size):
            start = int(round((i - o) / 2.0))
            index.append(slice(start, start + o))
        return x[tuple(index)]

    return function(torch, crop)
