"""Ops that keep the shape: the piecewise activations (ReLU and its kin, the ELU family). Any rank. The
smooth ones (sigmoid, tanh, GELU, softmax, …) are in activations_smooth.py; dropout, stochastic depth and
identity in passthrough.py.

They share one rule (`Elementwise`): output shape = input shape, 0 MACs (the
conv/linear counting convention), receptive field unchanged. Only PReLU has weights
(its learned slopes, trainable). Each forward is torch.nn.functional's definition,
computed in the input's dtype and written so that it cannot overflow (exp only of
non-positive numbers):

    relu6        min(max(0, x), 6)                hardtanh    clip(x, min_val, max_val)
    elu          x if x > 0 else α·(eˣ − 1)       celu        max(0, x) + min(0, α·(e^(x/α) − 1))
    selu         λ·(max(0, x) + min(0, α·(eˣ − 1))), α = 1.6732632…, λ = 1.0507009…
    prelu        x if x > 0 else a_c·x
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, Op, OpError, TorchCode, Weight
from .kerascode import KerasCode, KerasWeight
from .registry import register


def _activation(name: str):
    """Keras' Activation layer for a function keras.activations has as PyTorch defines it."""
    return KerasCode(f'layers.Activation("{name}", name={{name}})({{0}})')


class Elementwise(Op):
    """Shape in = shape out, no weights: the rule every activation shares."""

    activation = True
    layout_free = True

    def infer(self, a, ins, ctx):
        return ins[0]


def _np():
    import numpy as np

    return np


def _exp_neg(x):
    """e^min(x, 0) − 1 without overflow (the negative branch of ELU-like functions)."""
    np = _np()
    return np.expm1(np.minimum(x, x.dtype.type(0)))


@register
class ReLU(Elementwise):
    name = "relu"
    aliases = ("ReLU",)
    summary = "max(0, x)"

    def torch(self, a, ins, out):
        return TorchCode('nn.ReLU()')

    def keras(self, a, ins, out):
        return _activation('relu')

    def forward(self, a, xs, w):
        return _np().maximum(xs[0], xs[0].dtype.type(0))


@register
class ReLU6(Elementwise):
    name = "relu6"
    aliases = ("ReLU6",)
    summary = "min(max(0, x), 6) (MobileNet)"

    def torch(self, a, ins, out):
        return TorchCode('nn.ReLU6()')

    def keras(self, a, ins, out):
        return KerasCode('layers.ReLU(max_value=6.0, name={name})({0})')

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().clip(x, x.dtype.type(0), x.dtype.type(6))


@register
class Hardtanh(Elementwise):
    name = "hardtanh"
    aliases = ("Hardtanh",)
    summary = "clip(x, min_val, max_val)"
    args = (Arg("min_val", t.number, -1.0), Arg("max_val", t.number, 1.0))

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Hardtanh({a.min_val!r}, {a.max_val!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'ops.clip({{0}}, {a.min_val!r}, {a.max_val!r})')

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().clip(x, x.dtype.type(a.min_val), x.dtype.type(a.max_val))


@register
class LeakyReLU(Elementwise):
    name = "leaky_relu"
    aliases = ("LeakyReLU",)
    summary = "x if x > 0 else negative_slope·x"
    args = (Arg("negative_slope", t.number, 0.01, aliases=("alpha",)),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.LeakyReLU({a.negative_slope!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'layers.LeakyReLU(negative_slope={a.negative_slope!r}, name={{name}})({{0}})')

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().where(x > 0, x, x * x.dtype.type(a.negative_slope))


@register
class PReLU(Elementwise):
    name = "prelu"
    aliases = ("PReLU",)
    summary = "x if x > 0 else a·x, a learned (one slope, or one per channel)"
    args = (Arg("num_parameters", t.positive_int, 1), Arg("init", t.number, 0.25))

    def torch(self, a, ins, out):
        return TorchCode(f"nn.PReLU({a.num_parameters}, init={a.init!r})")

    def keras(self, a, ins, out):
        rank = len(ins[0])
        shared = list(range(1 if a.num_parameters == 1 else 2, rank + 1)) or None
        shape = (a.num_parameters,) if rank == 1 else (a.num_parameters, *(1,) * (rank - 1))
        return KerasCode(f"layers.PReLU(alpha_initializer=keras.initializers.Constant({float(a.init)!r}), "
                         f"shared_axes={shared}, name={{name}})({{0}})", weights=(KerasWeight("weight", None, shape),))

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if a.num_parameters not in (1, c):
            raise OpError("E203", T("num_parameters is {declared}; PReLU takes 1 (one slope) or the {c} channels "
                                    "of its input", declared=a.num_parameters, c=c),
                          T("use num_parameters: 1 or {c}", c=c), arg="num_parameters")
        return ins[0]

    def weights(self, a, ins, out):
        return {"weight": Weight((a.num_parameters,), init=a.init)}

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        slope = np.asarray(w["weight"], dtype=x.dtype).reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.where(x > 0, x, x * slope)


@register
class ELU(Elementwise):
    name = "elu"
    aliases = ("ELU",)
    summary = "x if x > 0 else α·(eˣ − 1)"
    args = (Arg("alpha", t.number, 1.0),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.ELU({a.alpha!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'layers.ELU(alpha={a.alpha!r}, name={{name}})({{0}})')

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().where(x > 0, x, x.dtype.type(a.alpha) * _exp_neg(x))


@register
class SELU(Elementwise):
    name = "selu"
    aliases = ("SELU",)
    summary = "λ·elu(x, α) with Klambauer et al.'s α, λ"
    ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def torch(self, a, ins, out):
        return TorchCode('nn.SELU()')

    def keras(self, a, ins, out):
        return _activation('selu')

    def forward(self, a, xs, w):
        x = xs[0]
        return x.dtype.type(self.SCALE) * _np().where(x > 0, x, x.dtype.type(self.ALPHA) * _exp_neg(x))


@register
class CELU(Elementwise):
    name = "celu"
    aliases = ("CELU",)
    summary = "max(0, x) + min(0, α·(e^(x/α) − 1))"
    args = (Arg("alpha", t.positive_number, 1.0),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.CELU({a.alpha!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'ops.celu({{0}}, alpha={a.alpha!r})')

    def forward(self, a, xs, w):
        x = xs[0]
        alpha = x.dtype.type(a.alpha)
        return _np().where(x > 0, x, alpha * _exp_neg(x / alpha))
