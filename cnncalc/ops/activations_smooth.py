"""Smooth and gated activations: softplus, softsign, sigmoid and hardsigmoid, SiLU, hardswish, Mish, tanh,
GELU, softmax. Any rank; the Elementwise rule of activations.py (shape kept, 0 MACs). Each forward is
torch.nn.functional's definition, in the input's dtype, written so that it cannot overflow (exp only of
non-positive numbers, softplus through logaddexp):

    hardsigmoid  relu6(x + 3)/6                   hardswish   x·relu6(x + 3)/6
    silu, swish  x·σ(x)                           mish        x·tanh(softplus(x))
    softplus     log(1 + e^(βx))/β, x where βx > threshold
    softsign     x/(1 + |x|)                      gelu        x·Φ(x) (erf, or the tanh approximation)
"""

from __future__ import annotations

import math

from ..i18n import T
from . import argtypes as t
from .activations import Elementwise, _activation, _np
from .base import Arg, TorchCode
from .kerascode import KerasCode, NoKeras
from .registry import register


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
    layout_free = False  # over one axis: which one depends on the layout

    def torch(self, a, ins, out):
        return TorchCode("nn.Softmax(dim=1)")

    def keras(self, a, ins, out):
        return KerasCode('layers.Softmax(axis=1, name={name})({0})')

    def forward(self, a, xs, w):
        x = xs[0]
        e = _np().exp(x - x.max(axis=1, keepdims=True))  # max-shifted: no overflow
        e /= e.sum(axis=1, keepdims=True)
        return e
