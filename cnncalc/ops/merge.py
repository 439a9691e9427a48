"""Ops that merge several inputs (named with `inputs:`).

add: elementwise sum; every input must have the same shape (ResNet shortcuts).
concat: along the channel axis; heights and widths must agree (Inception, DenseNet).
"""

from __future__ import annotations

from .base import Op, OpError, Worked, register, shape_text


def _describe(names, shapes) -> str:
    return ", ".join(f"{n} {'×'.join(map(str, s))}" for n, s in zip(names, shapes))


@register
class Add(Op):
    name = "add"
    aliases = ("Add", "sum", "residual")
    summary = "elementwise sum of its inputs"
    min_inputs, max_inputs, in_rank = 2, None, None

    def infer(self, a, ins, ctx):
        first = ins[0]
        for s in ins[1:]:
            if len(s) != len(first):
                raise OpError("E206", "add inputs have different ranks: " + _describe(ctx.input_names, ins))
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
    min_inputs, max_inputs, in_rank = 2, None, None

    def infer(self, a, ins, ctx):
        first = ins[0]
        for s in ins[1:]:
            if len(s) != len(first):
                raise OpError("E206", "concat inputs have different ranks: " + _describe(ctx.input_names, ins))
            if s[1:] != first[1:]:
                raise OpError("E204", "concat inputs have different heights/widths: " + _describe(ctx.input_names, ins),
                              "only the channel count may differ between concatenated tensors")
        return (sum(s[0] for s in ins), *first[1:])

    def explain(self, a, ins, out):
        return Worked((f"C = {' + '.join(str(s[0]) for s in ins)} = {out[0]}", f"output = {shape_text(out)}"),
                      "params = 0", "MACs = 0")

    def forward(self, a, xs, w):
        import numpy as np

        return np.concatenate(xs, axis=1)
