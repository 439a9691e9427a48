"""Ops that merge several inputs (named with `inputs:`), any rank.

add: elementwise sum; every input must have the same shape (ResNet shortcuts).
concat: along the channel axis; every other dimension must agree (Inception, DenseNet).
No parameters, no MACs (additions are not multiply-accumulates).
"""

from __future__ import annotations

from .base import Formula, Op, OpError, Worked
from .registry import register


def _describe(names, shapes) -> str:
    return ", ".join(f"{n} {'×'.join(map(str, s))}" for n, s in zip(names, shapes))


def _same_rank(what: str, ins, ctx) -> None:
    if any(len(s) != len(ins[0]) for s in ins[1:]):
        raise OpError("E206", f"{what} inputs have different ranks: " + _describe(ctx.input_names, ins))


@register
class Add(Op):
    name = "add"
    aliases = ("Add", "sum", "residual")
    summary = "elementwise sum of its inputs"
    min_inputs, max_inputs = 2, None

    def infer(self, a, ins, ctx):
        _same_rank("add", ins, ctx)
        first = ins[0]
        for s in ins[1:]:
            if s[0] != first[0]:
                raise OpError("E203", "add inputs have different channels: " + _describe(ctx.input_names, ins),
                              "a 1×1 conv on the shortcut can match the channels (as in ResNet's downsample)")
            if s != first:
                raise OpError("E204", "add inputs have different sizes: " + _describe(ctx.input_names, ins),
                              "a strided 1×1 conv or a pool on the shortcut can match the sizes")
        return first

    def forward(self, a, xs, w):
        y = xs[0] + xs[1]
        for x in xs[2:]:
            y = y + x
        return y


@register
class Concat(Op):
    name = "concat"
    aliases = ("Concatenate", "cat", "concatenate")
    summary = "concatenation along channels"
    min_inputs, max_inputs = 2, None

    def infer(self, a, ins, ctx):
        _same_rank("concat", ins, ctx)
        first = ins[0]
        for s in ins[1:]:
            if s[1:] != first[1:]:
                what = "heights/widths" if len(first) == 3 else "sizes"
                raise OpError("E204", f"concat inputs have different {what}: " + _describe(ctx.input_names, ins),
                              "only the channel count may differ between concatenated tensors")
        return (sum(s[0] for s in ins), *first[1:])

    def worked(self, a, ins, out):
        return Worked((Formula("C", (" + ".join(str(s[0]) for s in ins),), out[0], grouped=False),
                       Formula("output", (), out, grouped=False)), Formula("params", (), 0), Formula("MACs", (), 0))

    def forward(self, a, xs, w):
        import numpy as np

        return np.concatenate(xs, axis=1)
