"""Ops that add or remove borders: zero padding, crops, the centre crop of U-Net. Any rank.

zeropadNd: O = I + P_begin + P_end per dimension. The order used everywhere in cnncalc
    is begin then end per dimension ([top, bottom, left, right] in 2-D); PyTorch's
    ZeroPad2d takes (left, right, top, bottom).
cropNd (Keras CroppingND): O = I − C_begin − C_end; `cropping` as Keras takes it: an int,
    one per dimension, or (begin, end) pairs.
center_crop: the middle `size` of every spatial dimension, or the size of another layer
    (`like: enc4`: U-Net's crop-and-concat, Ronneberger et al. 2015). The crop starts at
    round((I − O)/2) (round half to even, as torchvision.transforms.functional.center_crop).
No parameters, no MACs. Their receptive-field step moves the field's start (padding
before it, or a crop of the first rows).
"""

from __future__ import annotations

from fractions import Fraction

from ..i18n import T
from . import argtypes as t
from .argtypes import pad_pairs, per_dim
from .base import Arg, Op, OpError, torch_pad, TorchCode
from .kerascode import keras_zero_pad, KerasCode
from .registry import register, register_ranks
from .window import DIM_NAMES, Window, is_concrete


def _shift_window(pairs) -> Window:
    n = len(pairs)
    return Window((1,) * n, (1,) * n, tuple((b, 0) for b, _ in pairs), (1,) * n)


class ZeroPad(Op):
    summary = "{n}-D zero padding, (begin, end) per dimension"
    args = (Arg("padding", t.padding, 1),)

    def torch(self, a, ins, out):
        return TorchCode(call=f"nn.functional.pad({{0}}, {torch_pad(a.padding)})")

    def keras(self, a, ins, out):
        return KerasCode(keras_zero_pad(a.padding))

    def bind(self, a, ins):
        if a.padding == "same":
            raise OpError("E104", T("a padding layer needs explicit amounts; 'same' is a conv or pool setting"),
                          T('give an integer, one per dimension, or (begin, end) pairs'), arg="padding")
        return a.replace(padding=pad_pairs(a.padding, len(ins[0]) - 1))

    def infer(self, a, ins, ctx):
        return (ins[0][0], *(i + b + e for i, (b, e) in zip(ins[0][1:], a.padding)))

    def rf_window(self, a, ins):
        return _shift_window(a.padding)

    def forward(self, a, xs, w):
        from ..backend import primitives as P

        return P.crop_pad(xs[0], a.padding)


class Crop(Op):
    summary = "{n}-D crop, (begin, end) per dimension (Keras Cropping{n}D)"
    args = (Arg("cropping", t.padding, 1, aliases=("crop",)),)

    def torch(self, a, ins, out):
        return TorchCode(call=f"nn.functional.pad({{0}}, {tuple(-p for p in torch_pad(a.cropping))})")

    def keras(self, a, ins, out):
        n = len(a.cropping)
        if n == 1:  # Keras' Cropping1D is channels last
            (b, e), = a.cropping
            return KerasCode(f"{{0}}[:, :, {b}:{ins[0][1] - e}]")
        return KerasCode(f"layers.Cropping{n}D({tuple(tuple(p) for p in a.cropping)}, data_format=CF, "
                         "name={name})({0})")

    def bind(self, a, ins):
        if a.cropping == "same":
            raise OpError("E104", T("a crop needs explicit amounts"),
                          T("give an integer, one per dimension, or (begin, end) pairs"), arg="cropping")
        return a.replace(cropping=pad_pairs(a.cropping, len(ins[0]) - 1, "cropping"))

    def infer(self, a, ins, ctx):
        out = []
        for dim, i, (b, e) in zip(DIM_NAMES[len(ins[0]) - 1], ins[0][1:], a.cropping):
            o = i - b - e
            if is_concrete(o) and o <= 0:
                raise OpError("E202", T("cropping {b} + {e} leaves nothing of the input {dim} {i}", b=b, e=e, dim=dim,
                                        i=i),
                              T('crop less than {i} in all', i=i), arg="cropping")
            out.append(o)
        return (ins[0][0], *out)

    def rf_window(self, a, ins):
        return _shift_window(tuple((-b, -e) for b, e in a.cropping))

    def forward(self, a, xs, w):
        from ..backend import primitives as P

        return P.crop_pad(xs[0], tuple((-b, -e) for b, e in a.cropping))


@register
class CenterCrop(Op):
    name = "center_crop"
    aliases = ("CenterCrop", "crop_like")
    summary = "the middle of each spatial dimension, to a size or to another layer's size (U-Net)"
    args = (Arg("size", t.optional_positive_sizes, None, aliases=("output_size",)),
            Arg("like", t.layer_name, None, ref=True))

    def torch(self, a, ins, out):
        index = ", ".join(f"{b}:{b + o}" for b, o in zip(self.offsets(a, ins[0][1:]), a.size))
        return TorchCode(call=f"{{0}}[:, :, {index}]")

    def keras(self, a, ins, out):
        index = ", ".join(f"{b}:{b + o}" for b, o in zip(self.offsets(a, ins[0][1:]), a.size))
        return KerasCode(f"{{0}}[:, :, {index}]")

    def accepts(self, shape):
        return len(shape) >= 2

    def expected_input(self):
        return T("C×L, C×H×W or C×D×H×W")

    def field_inputs(self, n):
        return 1  # `like` lends its size, not its pixels

    def bind(self, a, ins):
        n = len(ins[0]) - 1
        if (a.size is None) == (a.like is None):
            raise OpError("E103", T("center_crop takes a size or the name of a layer to match (like:), not both")
                          if a.size is not None else T("center_crop needs a size or like: <layer>"),
                          T('e.g. like: enc4 (the size of layer enc4) or size: [392, 392]'),
                          arg="size" if a.size is not None else None)
        if a.like is not None:
            if len(ins) < 2 or len(ins[1]) != len(ins[0]):
                got = "×".join(map(str, ins[1])) if len(ins) > 1 else T("nothing")
                raise OpError("E206", T("like: {like} is {got}; it needs the rank of the input to crop", like=a.like,
                                        got=got),
                              T('name a feature map with the same number of dimensions'), arg="like")
            return a.replace(size=tuple(ins[1][1:]))
        return a.replace(size=per_dim(a.size, n, "size"))

    def offsets(self, a, sizes) -> tuple:
        return tuple(round(Fraction(i - o, 2)) for i, o in zip(sizes, a.size))

    def infer(self, a, ins, ctx):
        for dim, i, o in zip(DIM_NAMES[len(ins[0]) - 1], ins[0][1:], a.size):
            if is_concrete(i) and is_concrete(o) and o > i:
                raise OpError("E201", T('crop {dim} {o} is larger than the input {dim} {i}', dim=dim, o=o, i=i),
                              T('a centre crop can only make a map smaller'), arg="like" if a.like else "size")
        return (ins[0][0], *a.size)

    def rf_window(self, a, ins):
        if not all(is_concrete(d) for d in (*ins[0][1:], *a.size)):
            return None
        return _shift_window(tuple((-b, 0) for b in self.offsets(a, ins[0][1:])))

    def forward(self, a, xs, w):
        x = xs[0]
        index = tuple(slice(b, b + o) for b, o in zip(self.offsets(a, x.shape[2:]), a.size))
        return x[(slice(None), slice(None), *index)]


register_ranks(ZeroPad, {n: (f"zeropad{n}d", f"ZeroPad{n}d", f"ZeroPadding{n}D") for n in (1, 2, 3)},
               family=("pad", "zero_padding", "ZeroPad"))
register_ranks(Crop, {n: (f"crop{n}d", f"Cropping{n}D", f"Crop{n}d") for n in (1, 2, 3)}, family=("crop", "Cropping"))
