"""Ops that keep the shape and own no parameters: activations, dropout, identity. Any rank.

They share one rule (`Elementwise`): output shape = input shape, 0 parameters,
0 MACs (the conv/linear counting convention), receptive field unchanged. Each forward
is torch.nn.functional's definition, computed in the input's dtype and written so that
it cannot overflow (sigmoid at x = −1000 is 0, not a warning and NaN).
"""

from __future__ import annotations

import math

from . import argtypes as t
from .base import Arg, Op
from .registry import register


class Elementwise(Op):
    """Shape in = shape out, no weights: the rule every activation shares."""

    def infer(self, a, ins, ctx):
        return ins[0]


@register
class ReLU(Elementwise):
    name = "relu"
    aliases = ("ReLU",)
    summary = "max(0, x)"
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

        return np.maximum(xs[0], xs[0].dtype.type(0))


@register
class LeakyReLU(Elementwise):
    name = "leaky_relu"
    aliases = ("LeakyReLU",)
    summary = "x if x > 0 else negative_slope·x"
    args = (Arg("negative_slope", t.number, 0.01, aliases=("alpha",)),)
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        return np.where(x > 0, x, x * x.dtype.type(a.negative_slope))


@register
class Sigmoid(Elementwise):
    name = "sigmoid"
    aliases = ("Sigmoid",)
    summary = "1/(1 + e^−x)"
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        e = np.exp(-np.abs(x))  # never overflows: e ≤ 1
        one = x.dtype.type(1)
        return np.where(x >= 0, one / (one + e), e / (one + e))


@register
class Tanh(Elementwise):
    name = "tanh"
    aliases = ("Tanh",)
    summary = "hyperbolic tangent"
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

        return np.tanh(xs[0])


@register
class GELU(Elementwise):
    name = "gelu"
    aliases = ("GELU",)
    summary = "x·Φ(x): the exact erf form, or the tanh approximation"
    args = (Arg("approximate", t.choice("none", "tanh"), "none"),)
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

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
    activation = True

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        e = np.exp(x - x.max(axis=1, keepdims=True))  # max-shifted: no overflow
        e /= e.sum(axis=1, keepdims=True)
        return e


@register
class Dropout(Elementwise):
    name = "dropout"
    aliases = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "SpatialDropout1D", "SpatialDropout2D",
               "SpatialDropout3D", "AlphaDropout")
    summary = "identity at inference (p = drop probability)"
    args = (Arg("p", t.probability, 0.5, aliases=("rate",)),)

    def forward(self, a, xs, w):
        return xs[0]


@register
class Identity(Elementwise):
    name = "identity"
    aliases = ("Identity",)
    summary = "passes its input through"

    def forward(self, a, xs, w):
        return xs[0]
