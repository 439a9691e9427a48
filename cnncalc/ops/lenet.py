"""The layers of LeNet-5 as published (LeCun, Bottou, Bengio & Haffner 1998, Proc. IEEE, §II-B). 2-D only.

partial_conv2d (C3): a convolution in which output map o sees only the input maps
`connection_table[o]` (the paper's Table I). Its weights are the connected kernels
stacked in table order, shape (Σₒ |table[o]|, F_h, F_w).
    shape   C_out × O_h × O_w, C_out = len(connection_table), O from the window rule
    params  Σₒ |table[o]|·F_h·F_w + C_out·bias     (C3: 60·25 + 16 = 1,516)
    MACs    O_h·O_w·Σₒ |table[o]|·F_h·F_w          only the connected kernels, bias excluded
subsample2d (S2, S4): trainable subsampling. Each output is the sum of a
non-overlapping k×k window, times one trainable coefficient per map, plus one
trainable bias per map (the paper's squashing function follows as a separate
activation).
    shape   C × ⌊H/k⌋ × ⌊W/k⌋
    params  2·C                                   (S2: 12, S4: 32)
    MACs    C·O_h·O_w                             one multiply per output; the window sum
                                                  is additions only and is not counted
rbf (output layer): Euclidean radial basis function units,
y_i = Σⱼ (x_j − w_ij)², with fixed (non-trainable) parameter vectors.
    shape   units
    params  units·F_in non-trainable             (LeNet-5: 10·84 = 840)
    MACs    units·F_in                            one squared difference accumulated per
                                                  weight, like a linear layer without bias
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, Op, OpError, torch_pad, torch_sizes, TorchCode, Weight
from .registry import REGISTRY, register
from .window import is_concrete
from .windowed import WindowOp


def connection_table(v):
    """[[input maps of output 0], [input maps of output 1], ...] -> tuple of tuples."""
    if not isinstance(v, (list, tuple)) or not v:
        raise ValueError(T("expected a non-empty list with one list of input-map indices per output map, got {got}",
                           got=t.show(v)))
    rows = []
    for o, row in enumerate(v):
        if not isinstance(row, (list, tuple)) or not row:
            raise ValueError(T("entry {o} must be a non-empty list of input-map indices, got {got}", o=o,
                               got=t.show(row)))
        idx = []
        for i in row:
            if isinstance(i, bool) or not isinstance(i, int) or i < 0:
                raise ValueError(T("entry {o} holds {got}; input-map indices are integers ≥ 0", o=o, got=t.show(i)))
            idx.append(i)
        if len(set(idx)) != len(idx):
            raise ValueError(T("entry {o} names an input map twice: {got}", o=o, got=t.show(list(row))))
        rows.append(tuple(idx))
    return tuple(rows)


def _kernels(a) -> int:
    return sum(len(row) for row in a.connection_table)

PARTIAL_CONV2D = '''class PartialConv2d(nn.Module):
    """A convolution whose output map o reads only the input maps table[o] (LeNet-5's C3, Table I).

    weight holds the connected k×k kernels, row after row of the table; forward scatters them into a dense,
    zero-masked weight and runs one conv2d.
    """

    def __init__(self, table, kernel_size, stride, pad, bias=True):
        super().__init__()
        self.table, self.stride, self.pad = table, stride, pad
        self.weight = nn.Parameter(torch.empty(sum(len(row) for row in table), *kernel_size))
        self.bias = nn.Parameter(torch.zeros(len(table))) if bias else None
        nn.init.normal_(self.weight, std=(2 / (kernel_size[0] * kernel_size[1])) ** 0.5)

    def forward(self, x):
        rows = [o for o, row in enumerate(self.table) for _ in row]
        cols = [i for row in self.table for i in row]
        dense = self.weight.new_zeros(len(self.table), x.shape[1], *self.weight.shape[1:])
        dense[rows, cols] = self.weight
        return nn.functional.conv2d(nn.functional.pad(x, self.pad), dense, self.bias, self.stride)
'''

SUBSAMPLE2D = '''class Subsample2d(nn.Module):
    """LeNet-5's subsampling: each k×k window summed, times a learned coefficient, plus a bias, per map."""

    def __init__(self, channels, k):
        super().__init__()
        self.k = k
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        total = nn.functional.avg_pool2d(x, self.k) * (self.k * self.k)
        return total * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)
'''

RBF_UNITS = '''class RBF(nn.Module):
    """LeNet-5's output: Euclidean RBF units, the squared distance to fixed parameter vectors (a buffer)."""

    def __init__(self, in_features, units):
        super().__init__()
        self.register_buffer("weight", torch.zeros(units, in_features))

    def forward(self, x):
        return ((x[:, None, :] - self.weight[None]) ** 2).sum(dim=2)
'''


@register
class PartialConv2d(WindowOp):
    name = "partial_conv2d"
    aliases = ("PartialConv2d", "sparse_conv2d", "table_conv2d")
    summary = "convolution with a connection table (LeNet-5 C3: output map o sees only some input maps)"
    spatial = 2
    args = (
        Arg("connection_table", connection_table, aliases=("table", "connections"),
            doc="one list of input-map indices per output map"),
        Arg("kernel_size", t.positive_sizes, aliases=("kernel",)),
        Arg("stride", t.positive_sizes, 1, aliases=("strides",)),
        Arg("padding", t.padding, 0),
        Arg("bias", t.boolean, True, aliases=("use_bias",)),
        Arg("out_channels", t.optional_positive_int, None, aliases=("filters",)),
        Arg("in_channels", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        table = [list(row) for row in a.connection_table]
        return TorchCode(f"PartialConv2d({table}, kernel_size={torch_sizes(a.kernel_size)}, "
                         f"stride={torch_sizes(a.stride)}, pad={torch_pad(a.padding)}, bias={a.bias})",
                         helpers=(PARTIAL_CONV2D,))

    def bind(self, a, ins):
        return super().bind(a.replace(dilation=1), ins)

    def out_channels(self, a, ins):
        return len(a.connection_table)

    def check(self, a, ins):
        c_in, n_out = ins[0][0], len(a.connection_table)
        if a.in_channels is not None and a.in_channels != c_in:
            raise OpError("E203", T("in_channels is {declared} but the input has {c_in} channels",
                                    declared=a.in_channels, c_in=c_in),
                          T('set in_channels: {c_in}, or remove it (it is inferred)', c_in=c_in), arg="in_channels")
        if a.out_channels is not None and a.out_channels != n_out:
            raise OpError("E104", T("out_channels is {declared} but connection_table has {n_out} rows",
                                    declared=a.out_channels, n_out=n_out),
                          T('the table has one row per output map; remove out_channels (it is inferred)'),
                          arg="out_channels")
        for o, row in enumerate(a.connection_table):
            bad = [i for i in row if i >= c_in]
            if bad:
                raise OpError("E203", T("connection_table row {o} refers to input map {bad}, but the input has {c_in} "
                                        "channels (maps 0–{last})", o=o, bad=bad[0], c_in=c_in, last=c_in - 1),
                              T('indices count from 0'), arg="connection_table")

    def weights(self, a, ins, out):
        w = {"weight": Weight((_kernels(a), *a.kernel_size))}
        if a.bias:
            w["bias"] = Weight((len(a.connection_table),), init="zeros", bias=True)
        return w

    def macs(self, a, ins, out):
        kh, kw = a.kernel_size
        return out[1] * out[2] * _kernels(a) * kh * kw

    def scratch(self, a, ins, out):
        return ins[0][0] * a.kernel_size[0] * a.kernel_size[1] * out[1] * out[2]  # the conv2d's im2col columns

    def forward(self, a, xs, w):
        """The connected kernels scattered into one zero-masked dense weight, then one conv2d:
        one sgemm beats C_out small ones, and the zeros cost far less than a Python loop."""
        import numpy as np

        x = xs[0]
        table = a.connection_table
        rows = np.repeat(np.arange(len(table)), [len(r) for r in table])
        flat = np.array([i for r in table for i in r], dtype=np.intp)
        dense = np.zeros((len(table), x.shape[1], *a.kernel_size), dtype=x.dtype)
        dense[rows, flat] = np.asarray(w["weight"], dtype=x.dtype)
        conv = REGISTRY["conv2d"]
        args = a.replace(out_channels=len(table), groups=1)
        return conv.forward(args, xs, {"weight": dense, **({"bias": w["bias"]} if "bias" in w else {})})


@register
class Subsample2d(WindowOp):
    name = "subsample2d"
    aliases = ("trainable_subsample", "Subsample2d", "subsampling")
    summary = "LeNet-5 trainable subsampling: k×k window sum × coefficient + bias, per map"
    window_name = T("subsampling window")
    spatial = 2
    args = (Arg("kernel_size", t.positive_int, 2, aliases=("kernel", "pool_size")),)

    def torch(self, a, ins, out):
        return TorchCode(f"Subsample2d({ins[0][0]}, {a.kernel_size[0]})", helpers=(SUBSAMPLE2D,))

    def bind(self, a, ins):
        k = a.kernel_size
        return a.replace(kernel_size=(k, k), stride=(k, k), padding=((0, 0), (0, 0)), dilation=(1, 1))

    def weights(self, a, ins, out):
        c = ins[0][0]
        return {"weight": Weight((c,), init="ones"), "bias": Weight((c,), init="zeros", bias=True)}

    def macs(self, a, ins, out):
        return out[0] * out[1] * out[2]

    def forward(self, a, xs, w):
        x = xs[0]
        n, c, h, wd = x.shape
        k = a.kernel_size[0]
        oh, ow = self.output_sizes(a, (h, wd))
        s = x[:, :, :oh * k, :ow * k].reshape(n, c, oh, k, ow, k).sum(axis=(3, 5))
        s *= w["weight"].astype(x.dtype, copy=False).reshape(1, c, 1, 1)
        s += w["bias"].astype(x.dtype, copy=False).reshape(1, c, 1, 1)
        return s


@register
class RBF(Op):
    name = "rbf"
    aliases = ("RBF", "euclidean_rbf", "rbf_output")
    summary = "Euclidean RBF units Σⱼ(xⱼ − wᵢⱼ)² with fixed parameter vectors (LeNet-5 output)"
    spatial = 0
    args = (
        Arg("units", t.positive_int, aliases=("out_features",)),
        Arg("in_features", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        return TorchCode(f"RBF({ins[0][0]}, {a.units})", helpers=(RBF_UNITS,))

    def infer(self, a, ins, ctx):
        if a.in_features is not None and is_concrete(ins[0][0]) and a.in_features != ins[0][0]:
            raise OpError("E203", T("in_features is {declared} but the input has {features} features",
                                    declared=a.in_features, features=ins[0][0]),
                          T("set in_features: {features}, or remove it (it is inferred)",
                            features=ins[0][0]), arg="in_features")
        return (a.units,)

    def weights(self, a, ins, out):
        return {"weight": Weight((a.units, ins[0][0]), trainable=False, init="uniform")}

    def macs(self, a, ins, out):
        return a.units * ins[0][0]

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        c = np.asarray(w["weight"], dtype=x.dtype)
        d = x[:, None, :] - c[None, :, :]
        return (d * d).sum(axis=2)
