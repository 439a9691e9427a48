"""Ops that keep the shape and own no parameters: activations, dropout, identity.

They share one rule (`Elementwise`): output shape = input shape, 0 parameters,
0 MACs (the conv/linear counting convention), receptive field unchanged.
"""

from __future__ import annotations

import math

from . import argtypes as t
from .base import Arg, Elementwise, register


def _np():
    import numpy as np

    return np


@register
class ReLU(Elementwise):
    name = "relu"
    aliases = ("ReLU",)
    summary = "max(0, x)"

    def forward(self, a, xs, w):
        return _np().maximum(xs[0], 0)


@register
class LeakyReLU(Elementwise):
    name = "leaky_relu"
    aliases = ("LeakyReLU",)
    summary = "x if x > 0 else negative_slope·x"
    args = (Arg("negative_slope", t.number, 0.01, aliases=("alpha",)),)

    def forward(self, a, xs, w):
        x = xs[0]
        return _np().where(x > 0, x, x * x.dtype.type(a.negative_slope))


@register
class Sigmoid(Elementwise):
    name = "sigmoid"
    aliases = ("Sigmoid",)
    summary = "1/(1 + e^−x)"

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        return (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False)


@register
class Tanh(Elementwise):
    name = "tanh"
    aliases = ("Tanh",)
    summary = "hyperbolic tangent"

    def forward(self, a, xs, w):
        return _np().tanh(xs[0])


@register
class GELU(Elementwise):
    name = "gelu"
    aliases = ("GELU",)
    summary = "x·Φ(x) (exact erf form)"

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        erf = np.vectorize(math.erf, otypes=[x.dtype])  # small tensors only; exact like PyTorch
        return (0.5 * x * (1 + erf(x / math.sqrt(2)))).astype(x.dtype, copy=False)


@register
class Softmax(Elementwise):
    name = "softmax"
    aliases = ("Softmax",)
    summary = "softmax over the channel/feature axis"

    def forward(self, a, xs, w):
        np = _np()
        x = xs[0]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


@register
class Dropout(Elementwise):
    name = "dropout"
    aliases = ("Dropout", "Dropout2d", "SpatialDropout2D")
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
