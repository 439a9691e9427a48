"""Ops that change H×W without weights: nearest upsampling and zero padding.

upsample: O = I·scale_factor (integer factors; nearest neighbour, as
nn.Upsample(mode='nearest') and Keras UpSampling2D).
zeropad2d: O_h = I_h + top + bottom, O_w = I_w + left + right. Note the order
[top, bottom, left, right] used everywhere in cnncalc; PyTorch's ZeroPad2d takes
(left, right, top, bottom).
"""

from __future__ import annotations

from . import argtypes as t
from .base import Arg, Op, Window, register


@register
class Upsample(Op):
    name = "upsample"
    aliases = ("Upsample", "UpSampling2D", "upsample_nearest", "UpsamplingNearest2d")
    summary = "nearest-neighbour upsampling by an integer factor"
    args = (Arg("scale_factor", t.positive_pair, 2, aliases=("size",)),)

    def infer(self, a, ins, ctx):
        c, h, w = ins[0]
        return (c, h * a.scale_factor[0], w * a.scale_factor[1])

    def rf_window(self, a, ins):
        return Window((1, 1), a.scale_factor, ((0, 0), (0, 0)), transposed=True)

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.upsample_nearest(xs[0], a.scale_factor)


@register
class ZeroPad2d(Op):
    name = "zeropad2d"
    aliases = ("ZeroPad2d", "ZeroPadding2D", "pad", "zero_padding")
    summary = "zero padding [top, bottom, left, right]"
    args = (Arg("padding", t.padding, 1),)

    def infer(self, a, ins, ctx):
        (top, bottom), (left, right) = self._pad(a)
        c, h, w = ins[0]
        return (c, h + top + bottom, w + left + right)

    def rf_window(self, a, ins):
        (top, _), (left, _) = self._pad(a)
        return Window((1, 1), (1, 1), ((top, 0), (left, 0)))

    def _pad(self, a):
        return ((0, 0), (0, 0)) if a.padding == "same" else a.padding

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        (top, bottom), (left, right) = self._pad(a)
        return k.zero_pad(xs[0], (top, bottom, left, right))
