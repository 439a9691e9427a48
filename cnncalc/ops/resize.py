"""Ops that change the spatial size without weights: nearest upsampling and zero padding, any rank.

upsample: O = I·scale_factor per dimension (integer factors; nearest neighbour, as
nn.Upsample(mode='nearest') and Keras UpSamplingND). Its receptive-field step divides
the effective stride by the factor.
zeropadNd: O = I + P_begin + P_end per dimension. Note the order used everywhere in
cnncalc, begin then end per dimension ([top, bottom, left, right] in 2-D); PyTorch's
ZeroPad2d takes (left, right, top, bottom).
"""

from __future__ import annotations

from . import argtypes as t
from .argtypes import pad_pairs, per_dim
from .base import Arg, Op, OpError
from .registry import register, register_ranks
from .window import Window


@register
class Upsample(Op):
    name = "upsample"
    aliases = ("Upsample", "UpSampling1D", "UpSampling2D", "UpSampling3D", "upsample_nearest", "UpsamplingNearest2d")
    summary = "nearest-neighbour upsampling by integer factors"
    args = (Arg("scale_factor", t.positive_sizes, 2, aliases=("size",)),)

    def accepts(self, shape):
        return len(shape) >= 2

    def expected_input(self):
        return "C×L, C×H×W or C×D×H×W"

    def bind(self, a, ins):
        return a.replace(scale_factor=per_dim(a.scale_factor, len(ins[0]) - 1, "scale_factor"))

    def infer(self, a, ins, ctx):
        return (ins[0][0], *(i * s for i, s in zip(ins[0][1:], a.scale_factor)))

    def rf_window(self, a, ins):
        n = len(a.scale_factor)
        return Window((1,) * n, a.scale_factor, ((0, 0),) * n, (1,) * n, transposed=True)

    def forward(self, a, xs, w):
        import numpy as np

        y = xs[0]
        for axis, s in enumerate(a.scale_factor, start=2):
            if s != 1:
                y = np.repeat(y, s, axis=axis)
        return y


class ZeroPad(Op):
    summary = "{n}-D zero padding, (begin, end) per dimension"
    args = (Arg("padding", t.padding, 1),)

    def bind(self, a, ins):
        if a.padding == "same":
            raise OpError("E104", "a padding layer needs explicit amounts; 'same' is a conv or pool setting",
                          "give an integer, one per dimension, or (begin, end) pairs", arg="padding")
        return a.replace(padding=pad_pairs(a.padding, len(ins[0]) - 1))

    def infer(self, a, ins, ctx):
        return (ins[0][0], *(i + b + e for i, (b, e) in zip(ins[0][1:], a.padding)))

    def rf_window(self, a, ins):
        n = len(a.padding)
        return Window((1,) * n, (1,) * n, tuple((b, 0) for b, _ in a.padding), (1,) * n)

    def forward(self, a, xs, w):
        from ..backend import primitives as P

        return P.crop_pad(xs[0], a.padding)


register_ranks(ZeroPad, {n: (f"zeropad{n}d", f"ZeroPad{n}d", f"ZeroPadding{n}D") for n in (1, 2, 3)},
               family=("pad", "zero_padding", "ZeroPad"))
