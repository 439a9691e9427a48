"""Ops that merge several inputs (named with `inputs:`), any rank.

add, multiply: elementwise, with PyTorch's broadcasting for inputs of the same rank:
every dimension is equal or 1 in all but one input, so squeeze-and-excitation's
C×1×1 scale multiplies a C×H×W map (output: the largest size in each dimension).
Inputs of different ranks are an error (C against C×H×W would align C with W, as
NumPy and PyTorch do, which is never what a network means; keep the pool's dims with
keepdims: true). A channel or size mismatch other than 1 is an error naming both.
concat: along the channel axis; every other dimension must agree (Inception, DenseNet).
No parameters, no MACs (additions and elementwise products are not multiply-accumulates
of a conv or linear layer).
"""

from __future__ import annotations

from ..i18n import T
from .base import Formula, Op, OpError, OUTPUT, TorchCode, Worked
from .kerascode import KerasCode
from .registry import register
from .window import is_concrete


def _describe(names, shapes) -> str:
    return ", ".join(f"{n} {'×'.join(map(str, s))}" for n, s in zip(names, shapes))


def _same_rank(what: str, ins, ctx) -> None:
    if any(len(s) != len(ins[0]) for s in ins[1:]):
        raise OpError("E206", T("{op} inputs have different ranks: {inputs}", op=what,
                                inputs=_describe(ctx.input_names, ins)),
                      T("a global pool with keepdims: true keeps C×1×1 for broadcasting") if what != "concat" else None)


def broadcast(what: str, ins, ctx) -> tuple:
    """The broadcast shape of same-rank inputs (each dimension equal, or 1)."""
    _same_rank(what, ins, ctx)
    out = []
    for j in range(len(ins[0])):
        sizes = {s[j] for s in ins} - {1}
        if len(sizes) > 1:
            inputs = _describe(ctx.input_names, ins)
            if j == 0:
                raise OpError("E203", T("{op} inputs have different channels: {inputs}", op=what, inputs=inputs),
                              T("a 1×1 conv on the shortcut can match the channels (as in ResNet's downsample)"))
            raise OpError("E204", T("{op} inputs have different sizes: {inputs}", op=what, inputs=inputs),
                          T("a strided 1×1 conv or a pool on the shortcut can match the sizes"))
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


class _Elementwise2(Op):
    min_inputs, max_inputs = 2, None
    layout_free = True

    def infer(self, a, ins, ctx):
        return broadcast(self.name, ins, ctx)


@register
class Add(_Elementwise2):
    name = "add"
    aliases = ("Add", "sum", "residual")
    summary = "elementwise sum of its inputs (broadcasting dimensions of size 1)"

    def torch(self, a, ins, out):
        return TorchCode(call=" + ".join(f"{{{i}}}" for i in range(len(ins))))

    def keras(self, a, ins, out):
        return KerasCode("layers.Add(name={name})([{xs}])")

    def forward(self, a, xs, w):
        y = xs[0] + xs[1]
        for x in xs[2:]:
            y = y + x
        return y


@register
class Multiply(_Elementwise2):
    name = "multiply"
    aliases = ("Multiply", "mul", "prod", "scale")
    summary = "elementwise product of its inputs, broadcasting (squeeze-and-excitation's C×1×1 scale)"

    def torch(self, a, ins, out):
        return TorchCode(call=" * ".join(f"{{{i}}}" for i in range(len(ins))))

    def keras(self, a, ins, out):
        return KerasCode("layers.Multiply(name={name})([{xs}])")

    def forward(self, a, xs, w):
        y = xs[0] * xs[1]
        for x in xs[2:]:
            y = y * x
        return y


def _concat_hint(names, first, other, j: int):
    """What fixes concatenated maps of different sizes; with U-Net's fix when one map is larger in
    every dimension: crop it to the other's size."""
    only = T("only the channel count may differ between concatenated tensors")
    if not names or len(names) <= j or not all(is_concrete(d) for d in (*first[1:], *other[1:])):
        return only
    if all(a >= b for a, b in zip(first[1:], other[1:])):
        big, small = names[0], names[j]
    elif all(a <= b for a, b in zip(first[1:], other[1:])):
        big, small = names[j], names[0]
    else:
        return only
    return T("only the channel count may differ between concatenated tensors; crop {big} to {small}'s size with "
             "{{type: center_crop, inputs: [{big}], like: {small}}} and concatenate that (U-Net's copy and crop), "
             "or bring {small} to {big}'s size (upsample, pad)", big=big, small=small)


@register
class Concat(Op):
    name = "concat"
    aliases = ("Concatenate", "cat", "concatenate")
    summary = "concatenation along channels"
    min_inputs, max_inputs = 2, None

    def torch(self, a, ins, out):
        return TorchCode(call="torch.cat([{xs}], 1)")

    def keras(self, a, ins, out):
        return KerasCode("layers.Concatenate(axis=1, name={name})([{xs}])")

    def infer(self, a, ins, ctx):
        _same_rank("concat", ins, ctx)
        first = ins[0]
        for j, s in enumerate(ins[1:], start=1):
            if s[1:] != first[1:]:
                inputs = _describe(ctx.input_names, ins)
                message = (T("concat inputs have different heights/widths: {inputs}", inputs=inputs)
                           if len(first) == 3 else T("concat inputs have different sizes: {inputs}", inputs=inputs))
                raise OpError("E204", message, _concat_hint(ctx.input_names, first, s, j))
        return (sum(s[0] for s in ins), *first[1:])

    def worked(self, a, ins, out):
        return Worked((Formula("C", (" + ".join(str(s[0]) for s in ins),), out[0], grouped=False),
                       Formula(OUTPUT, (), out, grouped=False)), Formula("params", (), 0), Formula("MACs", (), 0))

    def forward(self, a, xs, w):
        import numpy as np

        return np.concatenate(xs, axis=1)
