"""Ops that keep the shape: activations, dropout, stochastic depth, identity. Any rank.

They share one rule (`Elementwise`): output shape = input shape, 0 MACs (the
conv/linear counting convention), receptive field unchanged. Only PReLU has weights
(its learned slopes, trainable). Each forward is torch.nn.functional's definition,
computed in the input's dtype and written so that it cannot overflow (exp only of
non-positive numbers, softplus through logaddexp):

    relu6        min(max(0, x), 6)                hardtanh    clip(x, min_val, max_val)
    hardsigmoid  relu6(x + 3)/6                   hardswish   x·relu6(x + 3)/6
    silu, swish  x·σ(x)                           mish        x·tanh(softplus(x))
    elu          x if x > 0 else α·(eˣ − 1)       celu        max(0, x) + min(0, α·(e^(x/α) − 1))
    selu         λ·(max(0, x) + min(0, α·(eˣ − 1))), α = 1.6732632…, λ = 1.0507009…
    softplus     log(1 + e^(βx))/β, x where βx > threshold
    softsign     x/(1 + |x|)                      prelu       x if x > 0 else a_c·x
"""

from __future__ import annotations

import math

from ..i18n import T
from . import argtypes as t
from .base import Arg, Op, OpError, TorchCode, Weight
from .kerascode import KerasCode, KerasWeight, NoKeras
from .registry import register


def _activation(name: str):
    """Keras' Activation layer for a function keras.activations has as PyTorch defines it."""
    return KerasCode(f'layers.Activation("{name}", name={{name}})({{0}})')


class Elementwise(Op):
    """Shape in = shape out, no weights: the rule every activation shares."""

    activation = True

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


@register
class Softplus(Elementwise):
    name = "softplus"
    aliases = ("Softplus",)
    summary = "log(1 + e^(βx))/β (linear above the threshold)"
    args = (Arg("beta", t.positive_number, 1.0), Arg("threshold", t.number, 20.0))

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Softplus({a.beta!r}, {a.threshold!r})")

    def keras(self, a, ins, out):
        if a.beta != 1:
            raise NoKeras(T("Keras' softplus has no beta: use beta: 1"))
        return _activation("softplus")  # PyTorch's threshold only avoids overflow

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        bx = x * x.dtype.type(a.beta)
        return np.where(bx > a.threshold, x, np.logaddexp(x.dtype.type(0), bx) / x.dtype.type(a.beta))


@register
class Softsign(Elementwise):
    name = "softsign"
    aliases = ("Softsign",)
    summary = "x/(1 + |x|)"

    def torch(self, a, ins, out):
        return TorchCode('nn.Softsign()')

    def keras(self, a, ins, out):
        return _activation('softsign')

    def forward(self, a, xs, w):
        x = xs[0]
        return x / (x.dtype.type(1) + _np().abs(x))


def _sigmoid(x):
    np = _np()
    e = np.exp(-np.abs(x))  # never overflows: e ≤ 1
    one = x.dtype.type(1)
    return np.where(x >= 0, one / (one + e), e / (one + e))


@register
class Sigmoid(Elementwise):
    name = "sigmoid"
    aliases = ("Sigmoid",)
    summary = "1/(1 + e^−x)"

    def torch(self, a, ins, out):
        return TorchCode('nn.Sigmoid()')

    def keras(self, a, ins, out):
        return _activation('sigmoid')

    def forward(self, a, xs, w):
        return _sigmoid(xs[0])


@register
class Hardsigmoid(Elementwise):
    name = "hardsigmoid"
    aliases = ("Hardsigmoid", "hard_sigmoid")
    summary = "relu6(x + 3)/6 (MobileNetV3)"

    def torch(self, a, ins, out):
        return TorchCode('nn.Hardsigmoid()')

    def keras(self, a, ins, out):
        return _activation('hard_sigmoid')  # relu6(x + 3)/6, as PyTorch's

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().clip(x + x.dtype.type(3), x.dtype.type(0), x.dtype.type(6)) / x.dtype.type(6)


@register
class SiLU(Elementwise):
    name = "silu"
    aliases = ("SiLU", "swish", "Swish")
    summary = "x·σ(x) (EfficientNet)"

    def torch(self, a, ins, out):
        return TorchCode('nn.SiLU()')

    def keras(self, a, ins, out):
        return _activation('silu')

    def forward(self, a, xs, w):
        return xs[0] * _sigmoid(xs[0])


@register
class Hardswish(Elementwise):
    name = "hardswish"
    aliases = ("Hardswish", "hard_swish", "hard_silu")
    summary = "x·relu6(x + 3)/6 (MobileNetV3)"

    def torch(self, a, ins, out):
        return TorchCode('nn.Hardswish()')

    def keras(self, a, ins, out):
        return _activation('hard_swish')

    def forward(self, a, xs, w):
        x = xs[0]
        return x * (_np().clip(x + x.dtype.type(3), x.dtype.type(0), x.dtype.type(6)) / x.dtype.type(6))


@register
class Mish(Elementwise):
    name = "mish"
    aliases = ("Mish",)
    summary = "x·tanh(softplus(x))"

    def torch(self, a, ins, out):
        return TorchCode('nn.Mish()')

    def keras(self, a, ins, out):
        return _activation('mish')

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        return x * np.tanh(np.logaddexp(x.dtype.type(0), x))


@register
class Tanh(Elementwise):
    name = "tanh"
    aliases = ("Tanh",)
    summary = "hyperbolic tangent"

    def torch(self, a, ins, out):
        return TorchCode('nn.Tanh()')

    def keras(self, a, ins, out):
        return _activation('tanh')

    def forward(self, a, xs, w):
        return _np().tanh(xs[0])


@register
class GELU(Elementwise):
    name = "gelu"
    aliases = ("GELU",)
    summary = "x·Φ(x): the exact erf form, or the tanh approximation"
    args = (Arg("approximate", t.choice("none", "tanh"), "none"),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.GELU(approximate={a.approximate!r})")

    def keras(self, a, ins, out):
        if a.approximate == "tanh":
            return KerasCode("ops.gelu({0}, approximate=True)")
        return _activation("gelu")  # keras.activations.gelu is the exact erf form by default

    def forward(self, a, xs, w):
        np = _np()
        from ..backend.primitives import SQRT_HALF, erf

        x = xs[0]
        half, one = x.dtype.type(0.5), x.dtype.type(1)
        if a.approximate == "tanh":
            inner = x.dtype.type(math.sqrt(2.0 / math.pi)) * (x + x.dtype.type(0.044715) * x * x * x)
            return half * x * (one + np.tanh(inner))
        return x * half * (one + erf(x * x.dtype.type(SQRT_HALF)))


@register
class Softmax(Elementwise):
    name = "softmax"
    aliases = ("Softmax",)
    summary = "softmax over the channel/feature axis"

    def torch(self, a, ins, out):
        return TorchCode("nn.Softmax(dim=1)")

    def keras(self, a, ins, out):
        return KerasCode('layers.Softmax(axis=1, name={name})({0})')

    def forward(self, a, xs, w):
        x = xs[0]
        e = _np().exp(x - x.max(axis=1, keepdims=True))  # max-shifted: no overflow
        e /= e.sum(axis=1, keepdims=True)
        return e


class _Identity(Elementwise):
    """Identity at inference."""

    activation = False

    def torch(self, a, ins, out):
        return TorchCode('nn.Identity()')

    def keras(self, a, ins, out):
        return KerasCode('layers.Identity(name={name})({0})')

    def forward(self, a, xs, w):
        return xs[0]


@register
class Dropout(_Identity):
    name = "dropout"
    aliases = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "SpatialDropout1D", "SpatialDropout2D",
               "SpatialDropout3D", "AlphaDropout", "FeatureAlphaDropout", "GaussianDropout")
    summary = "identity at inference (p = drop probability)"
    args = (Arg("p", t.probability, 0.5, aliases=("rate",)),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Dropout({a.p!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'layers.Dropout({a.p!r}, name={{name}})({{0}})')


@register
class StochasticDepth(_Identity):
    name = "stochastic_depth"
    aliases = ("StochasticDepth", "DropPath", "drop_path")
    summary = "identity at inference: drops whole residual branches in training (Huang et al. 2016)"
    args = (Arg("p", t.probability, 0.0, aliases=("drop_prob", "rate")), Arg("mode", t.choice("row", "batch"), "row"))

    def torch(self, a, ins, out):
        return TorchCode("nn.Identity()")  # the identity at inference, as cnncalc computes it

    def keras(self, a, ins, out):
        return KerasCode('layers.Identity(name={name})({0})')  # the identity at inference


@register
class Identity(_Identity):
    name = "identity"
    aliases = ("Identity",)
    summary = "passes its input through"
