"""Pooling: fixed windows (max, average), adaptive bins and global pools. No parameters.

maxpool2d / avgpool2d: the window rule of ops/window.py with symmetric padding and
PyTorch's ceil_mode (the last window must start inside the input or its left
padding). As in PyTorch, padding may be at most half the kernel, and stride defaults
to the kernel size (Keras: pool_size).
adaptive_*pool2d: output_size bins, bin i covers ⌊i·I/O⌋ … ⌈(i+1)·I/O⌉ (PyTorch).
global_*pool2d: one value per channel, output (C,) like Keras'
GlobalAveragePooling2D (keepdims: true gives C×1×1 like AdaptiveAvgPool2d(1)).
"""

from __future__ import annotations

from . import argtypes as t
from .base import Arg, Op, OpError, Window, register
from .window import WindowOp, is_concrete, resolve_padding


def _pre_pad(x, win, fill: float):
    """Symmetric padding stays the kernel's job; asymmetric ('same') padding is applied first."""
    (t, b), (l, r) = win.pad
    if t == b and l == r:
        return x, (t, l)
    import numpy as np

    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=fill), (0, 0)


class _Pool(WindowOp):
    window_name = "pool window"
    args = (
        Arg("kernel_size", t.positive_pair, aliases=("pool_size", "kernel")),
        Arg("stride", t.optional_positive_pair, None, aliases=("strides",)),
        Arg("padding", t.padding, 0),
        Arg("ceil_mode", t.boolean, False),
    )

    def window(self, a, ins):
        stride = a.stride or a.kernel_size
        dilation = getattr(a, "dilation", (1, 1))
        pad = resolve_padding(a.padding, ins[0][1:], a.kernel_size, stride, dilation)
        return Window(a.kernel_size, stride, pad, dilation, a.ceil_mode)

    def check(self, a, ins):
        if a.padding == "same":
            return
        for j, dim in enumerate(("height", "width")):
            p0, p1 = a.padding[j]
            if p0 != p1:
                raise OpError("E104", f"pool padding must be the same on both sides of {dim}, got {p0} and {p1}",
                              "use a zeropad2d layer before the pool for asymmetric padding", arg="padding")
            if 2 * p0 > a.kernel_size[j]:
                raise OpError("E104", f"padding {p0} is more than half the kernel {a.kernel_size[j]} in {dim}",
                              f"as in PyTorch, pool padding must be ≤ kernel_size/2 (here ≤ {a.kernel_size[j] // 2})",
                              arg="padding")


@register
class MaxPool2d(_Pool):
    name = "maxpool2d"
    aliases = ("max_pool2d", "MaxPool2d", "MaxPooling2D", "MaxPool2D", "maxpool")
    summary = "2-D max pooling (padding, dilation, ceil_mode)"
    args = (*_Pool.args, Arg("dilation", t.positive_pair, 1))

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        win = self.window(a, [xs[0].shape[1:]])
        x, pad = _pre_pad(xs[0], win, -float("inf"))
        return k.max_pool2d(x, win.kernel, win.stride, pad, win.dilation, win.ceil_mode)


@register
class AvgPool2d(_Pool):
    name = "avgpool2d"
    aliases = ("avg_pool2d", "AvgPool2d", "AveragePooling2D", "AvgPool2D", "avgpool")
    summary = "2-D average pooling (padding, ceil_mode, count_include_pad)"
    args = (*_Pool.args, Arg("count_include_pad", t.boolean, True))

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        win = self.window(a, [xs[0].shape[1:]])
        x, pad = _pre_pad(xs[0], win, 0.0)
        y = k.avg_pool2d(x, win.kernel, win.stride, pad, win.ceil_mode, a.count_include_pad)
        if x is not xs[0] and not a.count_include_pad:  # 'same' (TensorFlow): divide by real pixels only
            import numpy as np

            ones, _ = _pre_pad(np.ones_like(xs[0][:1, :1]), win, 0.0)
            y = y / k.avg_pool2d(ones, win.kernel, win.stride, pad, win.ceil_mode, True)
        return y


class _Adaptive(Op):
    args = (Arg("output_size", t.positive_pair),)

    def infer(self, a, ins, ctx):
        return (ins[0][0], *a.output_size)

    def window(self, a, ins):
        # Exact only when the input divides evenly; the widest bin bounds the field.
        ks, ss = [], []
        for j in range(2):
            i, o = ins[0][1 + j], a.output_size[j]
            if is_concrete(i):
                ks.append(-(-i // o) + (i % o != 0))
                ss.append(max(i // o, 1))
            else:  # symbolic size: whether O divides I is unknown, so the bound ⌈I/O⌉ + 1 (I when O = 1)
                ks.append(i if o == 1 else -(-i // o) + 1)
                ss.append(i if o == 1 else i // o)
        return Window(tuple(ks), tuple(ss), ((0, 0), (0, 0)))


@register
class AdaptiveAvgPool2d(_Adaptive):
    name = "adaptive_avgpool2d"
    aliases = ("AdaptiveAvgPool2d", "adaptive_avg_pool2d")
    summary = "adaptive average pooling to a fixed output size"

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.adaptive_avg_pool2d(xs[0], a.output_size)


@register
class AdaptiveMaxPool2d(_Adaptive):
    name = "adaptive_maxpool2d"
    aliases = ("AdaptiveMaxPool2d", "adaptive_max_pool2d")
    summary = "adaptive max pooling to a fixed output size"

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.adaptive_max_pool2d(xs[0], a.output_size)


class _Global(Op):
    args = (Arg("keepdims", t.boolean, False),)

    def infer(self, a, ins, ctx):
        return (ins[0][0], 1, 1) if a.keepdims else (ins[0][0],)

    def window(self, a, ins):
        return Window(tuple(ins[0][1:]), (1, 1), ((0, 0), (0, 0)))


@register
class GlobalAvgPool2d(_Global):
    name = "global_avgpool2d"
    aliases = ("GlobalAveragePooling2D", "GlobalAvgPool2D", "global_avg_pool2d", "gap")
    summary = "mean over H×W: C×H×W → C (keepdims: C×1×1)"

    def forward(self, a, xs, w):
        return xs[0].mean(axis=(2, 3), keepdims=a.keepdims)


@register
class GlobalMaxPool2d(_Global):
    name = "global_maxpool2d"
    aliases = ("GlobalMaxPooling2D", "GlobalMaxPool2D", "global_max_pool2d")
    summary = "max over H×W: C×H×W → C (keepdims: C×1×1)"

    def forward(self, a, xs, w):
        return xs[0].max(axis=(2, 3), keepdims=a.keepdims)
