"""Fully connected layers and flattening.

linear (PyTorch Linear, Keras Dense) on a feature vector F_in:
    params  F_in·F_out + F_out·bias
    MACs    F_in·F_out                      bias excluded
An input with spatial dimensions is an error with the size flatten would give (E205),
because PyTorch's Linear would silently act on the last axis only.
pointwise_linear: a Linear applied to the channel vector at every position — ConvNeXt's
MLP (torchvision permutes to channels-last, then nn.Linear), and what Keras' Dense does
to a feature map. Weights as nn.Linear: (out_features, in_features).
    params  C_in·C_out + C_out·bias
    MACs    (positions)·C_in·C_out
flatten: C×… → C·… features, any rank; every feature may depend on the whole input,
so its receptive-field step is a window over all of it.
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, Formula, numel, Op, OpError, OUTPUT, TorchCode, Weight, Worked
from .kerascode import keras_kernel, keras_options, KerasCode, KerasWeight
from .registry import register
from .window import Window, is_concrete


@register
class Linear(Op):
    name = "linear"
    aliases = ("Linear", "Dense", "fc", "fully_connected")
    summary = "fully connected layer"
    args = (
        Arg("out_features", t.positive_int, aliases=("units",)),
        Arg("bias", t.boolean, True, aliases=("use_bias",)),
        Arg("in_features", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Linear({ins[0][0]}, {a.out_features}, bias={a.bias})")

    def keras(self, a, ins, out):
        return KerasCode(f"layers.Dense({a.out_features}{keras_options(bias=a.bias)}, name={{name}})({{0}})",
                         weights=(KerasWeight("weight", (1, 0)), *((KerasWeight("bias"),) if a.bias else ())))

    def infer(self, a, ins, ctx):
        shape = ins[0]
        if len(shape) != 1:
            n = numel(shape)
            dims = "×".join(map(str, shape))
            n = f"{n:,}" if is_concrete(n) else str(n)
            raise OpError("E205", T('linear receives a {dims} tensor; it needs a feature vector', dims=dims),
                          T("add {{type: flatten}} before it (it would give {dims} = {n} features), or a "
                            "global_avgpool{rank}d ({c} features); pointwise_linear applies it at every position",
                            dims=dims, n=n, rank=len(shape) - 1, c=shape[0]))
        # A symbolic feature count (after a flatten) cannot be checked against a declared number.
        if a.in_features is not None and is_concrete(shape[0]) and a.in_features != shape[0]:
            raise OpError("E203", T("in_features is {declared} but the input has {features} features",
                                    declared=a.in_features, features=shape[0]),
                          T("set in_features: {features}, or remove it (it is inferred)", features=shape[0]),
                          arg="in_features")
        return (a.out_features,)

    def weights(self, a, ins, out):
        w = {"weight": Weight((a.out_features, ins[0][0]))}
        if a.bias:
            w["bias"] = Weight((a.out_features,), init="zeros", bias=True)
        return w

    def params(self, a, ins, out):
        return ins[0][0] * a.out_features + a.out_features * a.bias, 0

    def macs(self, a, ins, out):
        return ins[0][0] * a.out_features

    def worked(self, a, ins, out):
        f_in, f_out = ins[0][0], a.out_features
        bias = f" + {f_out}" if a.bias else ""
        return Worked((Formula(OUTPUT, ("out_features",), f_out, grouped=False),),
                      Formula("params", (f"{f_in}·{f_out}{bias}",), sum(self.params(a, ins, out))),
                      Formula("MACs", (f"{f_in}·{f_out}",), self.macs(a, ins, out)))

    def forward(self, a, xs, w):
        from ..backend import primitives as P

        x = xs[0]
        y = x @ P.param(w["weight"], x.dtype).T
        if "bias" in w:
            y += P.param(w["bias"], x.dtype)
        return y


@register
class PointwiseLinear(Linear):
    name = "pointwise_linear"
    aliases = ("channel_linear",)
    summary = "a linear layer on the channels at every position (ConvNeXt; Keras Dense on a feature map)"

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Linear({ins[0][0]}, {a.out_features}, bias={a.bias})",
                         "{m}({0}.movedim(1, -1)).movedim(-1, 1)")

    def keras(self, a, ins, out):
        n = len(ins[0]) - 1  # a 1×1 convolution: the same linear map of the channels at every position
        return KerasCode(f"layers.Conv{n}D({a.out_features}, 1{keras_options(bias=a.bias)}, data_format=CF, "
                         "name={name})({0})",
                         weights=(KerasWeight("weight", keras_kernel(n), (a.out_features, ins[0][0], *(1,) * n)),
                                  *((KerasWeight("bias"),) if a.bias else ())))

    def accepts(self, shape):
        return len(shape) >= 2

    def expected_input(self):
        return T("C×L, C×H×W or C×D×H×W")

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if a.in_features is not None and a.in_features != c:
            raise OpError("E203", T("in_features is {declared} but the input has {c} channels",
                                    declared=a.in_features, c=c),
                          T('set in_features: {c}, or remove it (it is inferred)', c=c), arg="in_features")
        return (a.out_features, *ins[0][1:])

    def macs(self, a, ins, out):
        return numel(ins[0][1:]) * ins[0][0] * a.out_features

    def worked(self, a, ins, out):
        f_in, f_out = ins[0][0], a.out_features
        bias = f" + {f_out}" if a.bias else ""
        positions = "·".join(map(str, ins[0][1:]))
        return Worked((Formula(OUTPUT, (T("out_features × the input's positions"),), out, grouped=False),),
                      Formula("params", (f"{f_in}·{f_out}{bias}",), sum(self.params(a, ins, out))),
                      Formula("MACs", (f"{positions}·{f_in}·{f_out}",), self.macs(a, ins, out)))

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        x = xs[0]
        y = np.moveaxis(np.moveaxis(x, 1, -1) @ P.param(w["weight"], x.dtype).T, -1, 1)
        if "bias" in w:
            y = y + P.param(w["bias"], x.dtype).reshape(P.channel_shape(y.shape[1], y.ndim - 2))
        return np.ascontiguousarray(y)


@register
class Flatten(Op):
    name = "flatten"
    aliases = ("Flatten",)
    summary = "C×… → C·… features"

    def torch(self, a, ins, out):
        return TorchCode(call="torch.flatten({0}, 1)")

    def keras(self, a, ins, out):  # in memory order, as torch.flatten (Flatten(data_format=CF) would reorder)
        return KerasCode(f"layers.Reshape(({numel(ins[0])},), name={{name}})({{0}})")

    def infer(self, a, ins, ctx):
        return (numel(ins[0]),)

    def worked(self, a, ins, out):
        return Worked((Formula(OUTPUT, ("·".join(map(str, ins[0])),), out[0], unit=T("features")),),
                      Formula("params", (), 0), Formula("MACs", (), 0))

    def rf_window(self, a, ins):
        return Window.whole(ins[0][1:]) if len(ins[0]) > 1 else None

    def forward(self, a, xs, w):
        return xs[0].reshape(xs[0].shape[0], -1)
