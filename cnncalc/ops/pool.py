"""Pooling with a fixed window, any rank: maxpool1d/2d/3d and avgpool1d/2d/3d. No parameters.

The window rule of ops/window.py with PyTorch's ceil_mode (the last window must start
inside the input or its left padding). As in PyTorch, explicit padding is the same on
both sides and at most half the kernel, and stride defaults to the kernel size (Keras:
pool_size). 'same' follows TensorFlow (the odd pixel at the end); average pooling then
divides by the real pixels of each window when count_include_pad is false. PyTorch's
avg_pool3d alone also refuses an unpadded input smaller than the window; avgpool3d does too.
Average divisor (PyTorch avg_poolNd): the window clipped to the padded input
(count_include_pad: true) or to the input (false), a product of per-axis lengths.
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, OpError, symmetric_padding, torch_sizes, TorchCode
from .kerascode import keras_padding, keras_zero_pad, KerasCode, NoKeras
from .registry import register_ranks
from .window import DIM_NAMES, is_concrete
from .windowed import WindowOp

POOL_ARGS = (
    Arg("kernel_size", t.positive_sizes, aliases=("pool_size", "kernel")),
    Arg("stride", t.optional_positive_sizes, None, aliases=("strides",)),
    Arg("padding", t.padding, 0),
    Arg("ceil_mode", t.boolean, False),
)


class _Pool(WindowOp):
    window_name = T("pool window")
    args = POOL_ARGS

    def bind(self, a, ins):
        bound = super().bind(a, ins)
        if a.padding == "same":
            return bound
        n = len(ins[0]) - 1
        for j, dim in enumerate(DIM_NAMES[n]):
            p0, p1 = bound.padding[j]
            if p0 != p1:
                raise OpError("E104", T("pool padding must be the same on both sides of {dim}, got {p0} and {p1}",
                                        dim=dim, p0=p0, p1=p1),
                              T('use a zeropad{n}d layer before the pool for asymmetric padding', n=n), arg="padding")
            if 2 * p0 > bound.kernel_size[j]:
                raise OpError("E104", T("padding {p0} is more than half the kernel {k} in {dim}", p0=p0,
                                        k=bound.kernel_size[j], dim=dim),
                              T("as in PyTorch, pool padding must be ≤ kernel_size/2 (here ≤ {half})",
                                half=bound.kernel_size[j] // 2), arg="padding")
        return bound

    def _keras_pads(self, a, ins, out) -> tuple:
        """(begin, end) per dimension that a 'valid' Keras pool needs for this output: the end grown to the
        last window ceil_mode keeps."""
        return tuple((p0, max(p1, (o - 1) * s + k - i - p0)) for i, o, k, s, (p0, p1)
                     in zip(ins[0][1:], out[1:], a.kernel_size, a.stride, a.padding))

    def _keras(self, a, ins, cls, padding, pre=""):
        n = len(a.kernel_size)
        opts = f", strides={torch_sizes(a.stride)}" if a.stride != a.kernel_size else ""  # Keras' default: the pool
        opts += f', padding="{padding}"' if padding != "valid" else ""
        return KerasCode(f"layers.{cls}{n}D({torch_sizes(a.kernel_size)}{opts}, data_format=CF, name={{name}})({{0}})",
                         pre)

    def _windows(self, a, x, fill):
        from ..backend import primitives as P

        out = self.output_sizes(a, x.shape[2:])
        sizes = [P.reach(o, k, s, d) for o, k, s, d in zip(out, a.kernel_size, a.stride, a.dilation)]
        xp = P.padded(x, tuple(p0 for p0, _ in a.padding), sizes, fill)
        return P.windows(xp, a.kernel_size, a.stride, a.dilation, out), out


class MaxPool(_Pool):
    summary = "{n}-D max pooling (padding, dilation, ceil_mode)"
    args = (*POOL_ARGS, Arg("dilation", t.positive_sizes, 1))

    def torch(self, a, ins, out):
        n = len(a.kernel_size)
        return TorchCode(f"nn.MaxPool{n}d({torch_sizes(a.kernel_size)}, stride={torch_sizes(a.stride)}, "
                         f"padding={torch_sizes(symmetric_padding(a.padding))}, dilation={torch_sizes(a.dilation)}, "
                         f"ceil_mode={a.ceil_mode})")

    def keras(self, a, ins, out):
        if any(d != 1 for d in a.dilation):
            raise NoKeras(T("Keras' MaxPooling has no dilation: use dilation: 1"))
        pads = self._keras_pads(a, ins, out)
        padding = keras_padding(pads, ins[0][1:], a.kernel_size, a.stride)
        if padding:
            return self._keras(a, ins, "MaxPooling", padding)
        widths = [[0, 0], [0, 0], *map(list, pads)]  # PyTorch pads a max pool with −∞
        return self._keras(a, ins, "MaxPooling", "valid", f'ops.pad({{0}}, {widths}, constant_values=float("-inf"))')

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        win, _ = self._windows(a, xs[0], -np.inf)
        return P.reduce_windows(win, a.kernel_size, np.maximum)


class AvgPool(_Pool):
    summary = "{n}-D average pooling (padding, ceil_mode, count_include_pad)"
    args = (*POOL_ARGS, Arg("count_include_pad", t.boolean, True))

    def torch(self, a, ins, out):
        n = len(a.kernel_size)
        return TorchCode(f"nn.AvgPool{n}d({torch_sizes(a.kernel_size)}, stride={torch_sizes(a.stride)}, "
                         f"padding={torch_sizes(symmetric_padding(a.padding))}, ceil_mode={a.ceil_mode}, "
                         f"count_include_pad={a.count_include_pad})")

    def keras(self, a, ins, out):
        pads = self._keras_pads(a, ins, out)
        if pads != tuple(a.padding):
            raise NoKeras(T("Keras' AveragePooling has no ceil_mode: use ceil_mode: false, or pad the input first"))
        padding = keras_padding(pads, ins[0][1:], a.kernel_size, a.stride)
        if padding == "valid" or (padding == "same" and not a.count_include_pad):  # 'same' averages the real pixels
            return self._keras(a, ins, "AveragePooling", padding)
        if a.count_include_pad:  # the zeros count in every window: pad first
            return self._keras(a, ins, "AveragePooling", "valid", keras_zero_pad(pads))
        raise NoKeras(T("Keras averages padded windows over their real pixels only with 'same' padding: "
                        "use count_include_pad: true or padding: same"))

    def bind(self, a, ins):
        bound = super().bind(a.replace(dilation=1), ins)
        if self.spatial == 3:  # PyTorch's avg_pool3d (not 1-D or 2-D) wants the window inside the unpadded input
            for dim, i, k in zip(DIM_NAMES[3], ins[0][1:], bound.kernel_size):
                if is_concrete(i) and i < k:
                    raise OpError("E201", T("pool window {dim} {k} is larger than the input {dim} {i}; PyTorch's "
                                            "avg_pool3d needs the window inside the unpadded input", dim=dim, k=k, i=i),
                                  T("use a smaller kernel_size, or a zeropad3d layer before the pool"),
                                  arg="kernel_size")
        return bound

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        x = xs[0]
        win, out = self._windows(a, x, 0.0)
        y = P.reduce_windows(win, a.kernel_size, np.add)
        # PyTorch's divisor: the window clipped to [−P_begin, I + P_end), or to the input
        lengths = []
        for i, k, s, (p0, p1), o in zip(x.shape[2:], a.kernel_size, a.stride, a.padding, out):
            start = np.arange(o, dtype=np.int64) * s - p0
            end = np.minimum(start + k, i + p1)
            if not a.count_include_pad:
                start, end = np.maximum(start, 0), np.minimum(end, i)
            lengths.append(end - start)
        y /= P.outer(lengths).astype(x.dtype)
        return y


register_ranks(MaxPool, {n: (f"maxpool{n}d", f"max_pool{n}d", f"MaxPool{n}d", f"MaxPooling{n}D", f"MaxPool{n}D")
                         for n in (1, 2, 3)}, family=("maxpool", "MaxPool", "max_pooling"))
register_ranks(AvgPool, {n: (f"avgpool{n}d", f"avg_pool{n}d", f"AvgPool{n}d", f"AveragePooling{n}D",
                             f"AvgPool{n}D") for n in (1, 2, 3)}, family=("avgpool", "AvgPool", "average_pooling"))
