"""Upsampling by interpolation (nn.Upsample, F.interpolate; Keras UpSamplingND). Any rank.

The output is `size` (one per spatial dimension) or I·scale_factor (whole factors). The
value at output index o reads input coordinate x(o) (torch's area_pixel_compute_source_index):
    align_corners: false   x = (o + ½)·I/O − ½        (clamped at 0 for the linear modes)
    align_corners: true    x = o·(I − 1)/(O − 1)
    nearest                the input at ⌊o·I/O⌋ (align_corners does not apply)
    linear, bilinear, trilinear   (1 − t)·v[⌊x⌋] + t·v[⌊x⌋ + 1], t = x − ⌊x⌋, one dimension at a time
    bicubic (2-D)          Keys' cubic convolution with A = −0.75 over v[⌊x⌋ − 1 … ⌊x⌋ + 2],
                           indices clamped to the edge, as PyTorch
No parameters, no MACs. The receptive-field step divides the effective stride by the
factor; the interpolation's taps (2, or 4 for bicubic) bound the field's growth.
"""

from __future__ import annotations

from fractions import Fraction

from ..i18n import T
from . import argtypes as t
from .argtypes import per_dim
from .base import Arg, Op, OpError, TorchCode
from .kerascode import KerasCode, NoKeras
from .registry import register
from .window import Window

MODES = ("nearest", "linear", "bilinear", "trilinear", "bicubic")
_RANK_OF = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
_A = -0.75  # PyTorch's bicubic coefficient


def _cubic_weights(np, tt):
    """Keys' weights of the four taps at offsets −1, 0, 1, 2 for fractions tt (A = −0.75)."""
    a = _A

    def near(x):  # |x| ≤ 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return np.stack([far(tt + 1), near(tt), near(1 - tt), far(2 - tt)], axis=-1)


@register
class Upsample(Op):
    name = "upsample"
    aliases = ("Upsample", "UpSampling1D", "UpSampling2D", "UpSampling3D", "upsample_nearest", "UpsamplingNearest2d",
               "UpsamplingBilinear2d", "interpolate")
    summary = "upsampling to a size or by whole factors (nearest, linear, bilinear, trilinear, bicubic)"
    args = (Arg("scale_factor", t.optional_positive_sizes, None),
            Arg("size", t.optional_positive_sizes, None),
            Arg("mode", t.choice(*MODES), "nearest", aliases=("interpolation",)),
            Arg("align_corners", t.optional_boolean, None))

    def torch(self, a, ins, out):
        given = f"scale_factor={tuple(float(s) for s in a.scale_factor)}" if a.size is None else f"size={a.size}"
        corners = "" if a.align_corners is None else f", align_corners={a.align_corners}"
        return TorchCode(f"nn.Upsample({given}, mode={a.mode!r}{corners})")

    def keras(self, a, ins, out):
        n = len(ins[0]) - 1
        if a.size is not None or any(Fraction(s).denominator != 1 for s in a.scale_factor):
            raise NoKeras(T("Keras' UpSampling takes whole factors: give scale_factor as integers"))
        factors = tuple(int(s) for s in a.scale_factor)
        if a.mode == "nearest" and n == 1:  # UpSampling1D is channels last
            return KerasCode(f"ops.repeat({{0}}, {factors[0]}, axis=2)")
        if a.mode == "nearest" or (n == 2 and a.mode == "bilinear" and not a.align_corners):
            mode = f", interpolation={a.mode!r}" if n == 2 else ""
            return KerasCode(f"layers.UpSampling{n}D({factors}, data_format=CF{mode}, name={{name}})({{0}})")
        raise NoKeras(T("Keras' UpSampling interpolates nearest, or bilinear without align_corners"))

    def accepts(self, shape):
        return len(shape) >= 2

    def expected_input(self):
        return T("C×L, C×H×W or C×D×H×W")

    def bind(self, a, ins):
        n = len(ins[0]) - 1
        want = _RANK_OF.get(a.mode)
        if want is not None and want != n:
            if n == 1:
                message = T("mode {mode} interpolates {want}-D inputs; this one has {n} spatial dimension",
                            mode=a.mode, want=want, n=n)
            else:
                message = T("mode {mode} interpolates {want}-D inputs; this one has {n} spatial dimensions",
                            mode=a.mode, want=want, n=n)
            fits = next((m for m, r in _RANK_OF.items() if r == n and m != "bicubic"), None)
            raise OpError("E206", message, T("use mode: {mode}", mode=fits) if n in (1, 2, 3) else None, arg="mode")
        if a.align_corners is not None and a.mode == "nearest":
            raise OpError("E104", T('align_corners only applies to the linear and cubic modes'),
                          T('remove it, or choose mode: bilinear'), arg="align_corners")
        if a.size is not None and a.scale_factor is not None:
            raise OpError("E104", T("upsample takes size or scale_factor, not both"), T("keep one of them"),
                          arg="size")
        if a.size is not None:
            return a.replace(size=per_dim(a.size, n, "size"), scale_factor=None)
        return a.replace(scale_factor=per_dim(2 if a.scale_factor is None else a.scale_factor, n, "scale_factor"))

    def infer(self, a, ins, ctx):
        if a.size is not None:
            return (ins[0][0], *a.size)
        return (ins[0][0], *(i * s for i, s in zip(ins[0][1:], a.scale_factor)))

    def rf_window(self, a, ins):
        n = len(ins[0]) - 1
        if a.scale_factor is None:
            return None  # a ratio of sizes, not a whole factor: the field is left as it is
        # the transposed convolution reading the same inputs (receptive_field.py): nearest k = s,
        # p = 0; linear k = 2s, p = s/2; bicubic k = 4s, p = 3s/2 (align_corners=True is not
        # translation-invariant; it is given the same field)
        taps = {"nearest": 1, "bicubic": 4}.get(a.mode, 2)
        kernel = tuple(taps * s if s > 1 else 1 for s in a.scale_factor)  # ×1 copies its input
        pad = tuple(((taps - 1) * Fraction(s, 2) if s > 1 else 0,) * 2 for s in a.scale_factor)
        return Window(kernel, a.scale_factor, pad, (1,) * n, transposed=True)

    def forward(self, a, xs, w):
        import numpy as np

        y = xs[0]
        out = self.infer(a, [y.shape[1:]], None)[1:]
        for axis, o in enumerate(out, start=2):
            y = self._along(np, y, axis, o, a)
        return y

    def _along(self, np, x, axis: int, o: int, a):
        i = x.shape[axis]
        dst = np.arange(o)
        if a.mode == "nearest":
            scale = Fraction(1, a.scale_factor[axis - 2]) if a.scale_factor is not None else Fraction(i, o)
            idx = np.minimum((dst * scale.numerator) // scale.denominator, i - 1)
            return np.take(x, idx, axis=axis)
        if a.align_corners:
            src = dst * ((i - 1) / (o - 1) if o > 1 else 0.0)
        else:
            scale = 1 / a.scale_factor[axis - 2] if a.scale_factor is not None else i / o
            src = (dst + 0.5) * scale - 0.5
            if a.mode != "bicubic":
                src = np.maximum(src, 0.0)
        base = np.floor(src).astype(np.int64)
        frac = (src - base).astype(x.dtype)
        shape = [1] * x.ndim
        shape[axis] = o
        if a.mode == "bicubic":
            taps = np.clip(base[:, None] + np.arange(-1, 3)[None, :], 0, i - 1)
            weights = _cubic_weights(np, frac.astype(np.float64)).astype(x.dtype)
            return sum(np.take(x, taps[:, k], axis=axis) * weights[:, k].reshape(shape) for k in range(4))
        lo, hi = np.minimum(base, i - 1), np.minimum(base + 1, i - 1)
        t_ = frac.reshape(shape)
        return np.take(x, lo, axis=axis) * (x.dtype.type(1) - t_) + np.take(x, hi, axis=axis) * t_
