"""The base of every op whose output grid is a sliding window (convolutions and pools), any rank.

`bind` turns kernel_size, stride, dilation and padding into one value per spatial
dimension (and 'same' into TensorFlow's (begin, end) pairs, ops/window.py); `infer`
applies the window rule once for all dimensions; `worked` writes it out as the course
does, one line per dimension or one line for dimensions that read alike
("O_h = O_w = ⌊(27 − 5 + 2·2)/1⌋ + 1 = 27"). Subclasses give `out_channels` and `check`.

`window_count` is the forward passes' own statement of the output size: it counts
the positions where a window starts instead of evaluating the formula, so `verify`
checks the rule against an independent computation.
"""

from __future__ import annotations

from ..i18n import T
from .argtypes import pad_pairs, per_dim
from .base import Formula, Op, Worked
from .window import SIZE_LABELS, Window, apply_window, extent, floor_steps, grouped_dims, same_padding


def bind_window(a, ins, *, dilation: bool = True):
    """kernel_size, stride (None: the kernel), dilation and padding, one value per spatial dimension."""
    sizes = ins[0][1:]
    n = len(sizes)
    k = per_dim(a.kernel_size, n, "kernel_size")
    s = per_dim(k if a.stride is None else a.stride, n, "stride")
    d = per_dim(a.dilation, n, "dilation") if dilation else (1,) * n
    if a.padding == "same":
        pad = tuple(same_padding(sizes[j], k[j], s[j], d[j]) for j in range(n))
    else:
        pad = pad_pairs(a.padding, n)
    return a.replace(kernel_size=k, stride=s, dilation=d, padding=pad)


def size_formulas(w: Window, sizes: tuple, out: tuple) -> list:
    """One Formula per group of spatial dimensions that read alike."""
    labels = SIZE_LABELS[len(sizes)]
    steps = [floor_steps(sizes[j], w.kernel[j], w.stride[j], *w.pad[j], w.dilation[j], w.ceil_mode)
             for j in range(len(sizes))]
    return [Formula(" = ".join(labels[j] for j in dims), steps[dims[0]], out[dims[0]], grouped=False)
            for dims, _ in grouped_dims([(steps[j], out[j]) for j in range(len(sizes))])]


def window_count(i: int, k: int, s: int, p0: int, p1: int, d: int = 1, ceil_mode: bool = False) -> int:
    """How many windows fit: starts 0, S, 2S, … whose window ends inside the padded input
    (ceil mode: that start before its end, and inside the input or the left padding)."""
    span = i + p0 + p1 - extent(k, d)
    limit = min(span + s, i + p0) if ceil_mode else span + 1
    return len(range(0, max(limit, 0), s))


class WindowOp(Op):
    """Ops whose output grid is a sliding window over (C, *spatial): convs and pools."""

    window_name = T("kernel")

    def out_channels(self, a, ins) -> int:
        return ins[0][0]

    def check(self, a, ins) -> None:
        """Op-specific checks on the bound arguments (channels, groups)."""

    def bind(self, a, ins):
        return bind_window(a, ins)

    def window(self, a, ins):
        return Window(a.kernel_size, a.stride, a.padding, a.dilation, a.get("ceil_mode", False))

    def infer(self, a, ins, ctx):
        self.check(a, ins)
        sizes = apply_window(self.window(a, ins), ins[0][1:], ctx, what=self.window_name)
        return (self.out_channels(a, ins), *sizes)

    def output_sizes(self, a, spatial: tuple) -> tuple:
        """The output grid of a real array (forward passes), by counting window positions."""
        w = self.window(a, [(0, *spatial)])
        return tuple(window_count(spatial[j], w.kernel[j], w.stride[j], *w.pad[j], w.dilation[j], w.ceil_mode)
                     for j in range(len(spatial)))

    def worked(self, a, ins, out):
        base = super().worked(a, ins, out)
        shape = size_formulas(self.window(a, ins), ins[0][1:], out[1:])
        c = self.out_channels(a, ins)
        declared = c != ins[0][0] or a.get("out_channels", False) is not False
        shape.append(Formula("C_out", ("out_channels" if declared else "C_in",), c, grouped=False))
        return Worked(tuple(shape), base.params, base.macs)
