"""Ops that rearrange channels: shuffle, pieces of a split, a slice, pixel (un)shuffle. Any rank.

channel_shuffle (ChannelShuffle, ShuffleNet; Zhang et al. 2018): C = g·n channels read as
    g×n, transposed to n×g; groups must divide C.
chunk (torch.chunk along channels; `index` picks the piece): pieces of ⌈C/chunks⌉
    channels, the last smaller; there may be fewer than `chunks` pieces (torch's rule).
split (torch.split along channels): pieces of split_size channels (the last smaller), or
    the listed sizes, which must add up to C; `index` picks the piece.
channel_slice: channels start … end − 1, Python's slice rule (negative counts from the end).
pixel_shuffle (PixelShuffle, Shi et al. 2016), 2-D: C·r² × H × W → C × rH × rW;
pixel_unshuffle: C × rH × rW → C·r² × H × W (H and W must be multiples of r).
No parameters, no MACs. ShuffleNetV2's channel split is two chunk layers (index 0 and 1).
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, Op, OpError, TorchCode
from .kerascode import KerasCode
from .registry import register
from .window import DIM_NAMES, Window, is_concrete


def _pieces(c: int, sizes: list, index: int, what: str) -> tuple:
    """(start, end) of piece `index` among pieces of the given sizes."""
    if index >= len(sizes) or index < -len(sizes):
        pieces = ", ".join(map(str, sizes))
        if len(sizes) == 1:
            message = T("{what} gives {n} piece of the {c} channels ({pieces}); there is no piece {index}", what=what,
                        n=len(sizes), c=c, pieces=pieces, index=index)
        else:
            message = T("{what} gives {n} pieces of the {c} channels ({pieces}); there is no piece {index}", what=what,
                        n=len(sizes), c=c, pieces=pieces, index=index)
        raise OpError("E104", message, T("index counts from 0 to {last}", last=len(sizes) - 1), arg="index")
    index %= len(sizes)
    start = sum(sizes[:index])
    return start, start + sizes[index]


class _Piece(Op):
    """Channels start … end − 1 of the input (the rule chunk, split and channel_slice share)."""

    def torch(self, a, ins, out):
        start, end = self.span(a, ins[0][0])
        return TorchCode(call=f"{{0}}[:, {start}:{end}]")

    def keras(self, a, ins, out):
        start, end = self.span(a, ins[0][0])
        return KerasCode(f"{{0}}[:, {start}:{end}]")

    def span(self, a, c: int) -> tuple:
        raise NotImplementedError

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if not is_concrete(c):  # pragma: no cover - channel counts are never symbolic
            return ins[0]
        start, end = self.span(a, c)
        return (end - start, *ins[0][1:])

    def forward(self, a, xs, w):
        start, end = self.span(a, xs[0].shape[1])
        return xs[0][:, start:end]


@register
class Chunk(_Piece):
    name = "chunk"
    aliases = ("Chunk",)
    summary = "one of the pieces of torch.chunk along channels (ShuffleNetV2's channel split)"
    args = (Arg("chunks", t.positive_int), Arg("index", t.number_int, 0))

    def span(self, a, c):
        size = -(-c // a.chunks)
        sizes = [min(size, c - s) for s in range(0, c, size)]
        return _pieces(c, sizes, a.index, f"chunk({a.chunks})")


@register
class Split(_Piece):
    name = "split"
    aliases = ("Split",)
    summary = "one of the pieces of torch.split along channels (a size, or a list of sizes)"
    args = (Arg("split_size_or_sections", t.positive_sizes_any, aliases=("sections", "split_size")),
            Arg("index", t.number_int, 0))

    def span(self, a, c):
        v = a.split_size_or_sections
        if isinstance(v, tuple):
            if sum(v) != c:
                raise OpError("E203", T("split sizes {sizes} add up to {total}, the input has {c} channels",
                                        sizes=", ".join(map(str, v)), total=sum(v), c=c),
                              T("the sections must add up to the channels"),
                              arg="split_size_or_sections")
            sizes = list(v)
        else:
            sizes = [min(v, c - s) for s in range(0, c, v)]
        return _pieces(c, sizes, a.index, f"split({v if not isinstance(v, tuple) else list(v)})")


@register
class ChannelSlice(_Piece):
    name = "channel_slice"
    aliases = ("slice_channels", "narrow")
    summary = "channels start … end − 1 (Python's slice: negative counts from the end)"
    args = (Arg("start", t.number_int, 0), Arg("end", t.optional_int, None))

    def span(self, a, c):
        start, end, _ = slice(a.start, a.end).indices(c)
        if end <= start:
            raise OpError("E202", T('channels {start} … {end} of {c} select nothing', start=a.start, end=a.end, c=c),
                          T('choose start < end within 0 … {c}', c=c), arg="start")
        return start, end


@register
class ChannelShuffle(Op):
    name = "channel_shuffle"
    aliases = ("ChannelShuffle", "shuffle")
    summary = "interleaves the channels of groups (ShuffleNet)"
    args = (Arg("groups", t.positive_int),)

    def torch(self, a, ins, out):
        g = a.groups
        return TorchCode(call=f"{{0}}.unflatten(1, ({g}, -1)).transpose(1, 2).flatten(1, 2)")

    def keras(self, a, ins, out):
        c, g, sizes = ins[0][0], a.groups, tuple(ins[0][1:])
        return KerasCode(f"ops.reshape(ops.swapaxes(ops.reshape({{0}}, (-1, {g}, {c // g}, *{sizes})), 1, 2), "
                         f"(-1, {c}, *{sizes}))")

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if c % a.groups:
            raise OpError("E207", T("input channels {c} are not divisible by groups {groups}", c=c,
                                    groups=a.groups),
                          T('channel_shuffle needs groups dividing the channels'), arg="groups")
        return ins[0]

    def forward(self, a, xs, w):
        x = xs[0]
        n, c = x.shape[:2]
        g = a.groups
        return x.reshape(n, g, c // g, *x.shape[2:]).swapaxes(1, 2).reshape(x.shape)


@register
class PixelShuffle(Op):
    name = "pixel_shuffle"
    aliases = ("PixelShuffle", "depth_to_space")
    summary = "C·r²×H×W → C×rH×rW (sub-pixel convolution, Shi et al. 2016)"
    spatial = 2
    args = (Arg("upscale_factor", t.positive_int, aliases=("block_size",)),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.PixelShuffle({a.upscale_factor})")

    def keras(self, a, ins, out):  # PyTorch's channel order (c, i, j), which Keras' depth_to_space does not keep
        (c, h, w), r = ins[0], a.upscale_factor
        return KerasCode(f"ops.reshape(ops.transpose(ops.reshape({{0}}, (-1, {c // (r * r)}, {r}, {r}, {h}, {w})), "
                         f"(0, 1, 4, 2, 5, 3)), (-1, {c // (r * r)}, {h * r}, {w * r}))")

    def infer(self, a, ins, ctx):
        c, h, w = ins[0]
        r2 = a.upscale_factor ** 2
        if c % r2:
            raise OpError("E207", T('input channels {c} are not divisible by upscale_factor² = {r2}', c=c, r2=r2),
                          T('pixel_shuffle needs C·r² channels'), arg="upscale_factor")
        return (c // r2, h * a.upscale_factor, w * a.upscale_factor)

    def rf_window(self, a, ins):
        r = a.upscale_factor
        return Window((r, r), (r, r), ((0, 0), (0, 0)), (1, 1), transposed=True)  # output j reads input j // r

    def forward(self, a, xs, w):
        x = xs[0]
        n, c, h, wd = x.shape
        r = a.upscale_factor
        return x.reshape(n, c // (r * r), r, r, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r,
                                                                                           wd * r)


@register
class PixelUnshuffle(Op):
    name = "pixel_unshuffle"
    aliases = ("PixelUnshuffle", "space_to_depth")
    summary = "C×rH×rW → C·r²×H×W (the inverse of pixel_shuffle)"
    spatial = 2
    args = (Arg("downscale_factor", t.positive_int, aliases=("block_size",)),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.PixelUnshuffle({a.downscale_factor})")

    def keras(self, a, ins, out):  # PyTorch's channel order (c, i, j)
        (c, h, w), r = ins[0], a.downscale_factor
        return KerasCode(f"ops.reshape(ops.transpose(ops.reshape({{0}}, (-1, {c}, {h // r}, {r}, {w // r}, {r})), "
                         f"(0, 1, 3, 5, 2, 4)), (-1, {c * r * r}, {h // r}, {w // r}))")

    def infer(self, a, ins, ctx):
        c, h, w = ins[0]
        r = a.downscale_factor
        for dim, size in zip(DIM_NAMES[2], (h, w)):
            if is_concrete(size) and size % r:
                raise OpError("E204", T("input {dim} {size} is not a multiple of downscale_factor {r}", dim=dim,
                                        size=size, r=r),
                              T('pixel_unshuffle needs sizes divisible by {r}', r=r), arg="downscale_factor")
        return (c * r * r, h // r, w // r)

    def rf_window(self, a, ins):
        r = a.downscale_factor
        return Window((r, r), (r, r), ((0, 0), (0, 0)), (1, 1))

    def forward(self, a, xs, w):
        x = xs[0]
        n, c, h, wd = x.shape
        r = a.downscale_factor
        return x.reshape(n, c, h // r, r, wd // r, r).transpose(0, 1, 3, 5, 2, 4).reshape(n, c * r * r, h // r,
                                                                                          wd // r)
