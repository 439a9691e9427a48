"""Pools whose window follows from the input: adaptive (fixed output size) and global, any rank.

adaptive_{avg,max}poolNd: output_size bins per dimension; bin i covers
⌊i·I/O⌋ … ⌈(i+1)·I/O⌉ (PyTorch). Receptive field: exact when O divides I; otherwise
the widest bin, ⌈I/O⌉ + 1, bounds it.
global_{avg,max}poolNd: one value per channel, output (C,) like Keras'
GlobalAveragePoolingND (keepdims: true gives C×1×…×1 like AdaptiveAvgPoolNd(1)).
No parameters, no MACs.
"""

from __future__ import annotations

from . import argtypes as t
from .argtypes import per_dim
from .base import Arg, Op, torch_sizes, TorchCode
from .kerascode import KerasCode
from .registry import register_ranks
from .window import Window, is_concrete


class _Adaptive(Op):
    args = (Arg("output_size", t.positive_sizes),)

    def bind(self, a, ins):
        return a.replace(output_size=per_dim(a.output_size, len(ins[0]) - 1, "output_size"))

    def infer(self, a, ins, ctx):
        return (ins[0][0], *a.output_size)

    def window(self, a, ins):
        ks, ss = [], []
        for i, o in zip(ins[0][1:], a.output_size):
            if is_concrete(i):
                ks.append(-(-i // o) + (i % o != 0))
                ss.append(max(i // o, 1))
            else:  # symbolic size: whether O divides I is unknown, so the bound ⌈I/O⌉ + 1 (I when O = 1)
                ks.append(i if o == 1 else -(-i // o) + 1)
                ss.append(i if o == 1 else i // o)
        n = len(ks)
        return Window(tuple(ks), tuple(ss), ((0, 0),) * n, (1,) * n)

    def _pool(self, x, a, reduce, mean: bool):
        """Separable: bins along one axis at a time (a mean of means is the mean over a box)."""
        import numpy as np

        from ..backend import primitives as P

        for axis, o in enumerate(a.output_size, start=2):
            size = x.shape[axis]
            if size % o == 0:
                shape = x.shape[:axis] + (o, size // o) + x.shape[axis + 1:]
                x = reduce(x.reshape(shape), axis=axis + 1)
                continue
            idx, valid, lengths = P.adaptive_bins(size, o)
            g = np.take(x, idx, axis=axis)  # bins gathered: (..., o, kmax, ...)
            if mean:
                mask = valid.reshape((1,) * axis + valid.shape + (1,) * (x.ndim - axis - 1))
                g = np.where(mask, g, x.dtype.type(0)).sum(axis=axis + 1)
                x = g / lengths.reshape((1,) * axis + (o,) + (1,) * (x.ndim - axis - 1)).astype(x.dtype)
            else:
                x = g.max(axis=axis + 1)
        return x


class AdaptiveAvgPool(_Adaptive):
    summary = "{n}-D adaptive average pooling to a fixed output size"

    def torch(self, a, ins, out):
        return TorchCode(f"nn.AdaptiveAvgPool{len(ins[0]) - 1}d({torch_sizes(a.output_size)})")

    def keras(self, a, ins, out):
        return _keras_adaptive(a, ins, "Average")

    def forward(self, a, xs, w):
        import numpy as np

        return self._pool(xs[0], a, lambda v, axis: np.mean(v, axis=axis, dtype=v.dtype), True)


class AdaptiveMaxPool(_Adaptive):
    summary = "{n}-D adaptive max pooling to a fixed output size"

    def torch(self, a, ins, out):
        return TorchCode(f"nn.AdaptiveMaxPool{len(ins[0]) - 1}d({torch_sizes(a.output_size)})")

    def keras(self, a, ins, out):
        return _keras_adaptive(a, ins, "Max")

    def forward(self, a, xs, w):
        import numpy as np

        return self._pool(xs[0], a, np.max, False)


def _keras_adaptive(a, ins, kind: str):
    """To 1×1: Keras' global pool keeping the dims (the usual spelling); else its adaptive pool (PyTorch's bins)."""
    n = len(ins[0]) - 1
    if all(o == 1 for o in a.output_size):
        return KerasCode(f"layers.Global{kind}Pooling{n}D(data_format=CF, keepdims=True, name={{name}})({{0}})")
    return KerasCode(f"layers.Adaptive{kind}Pooling{n}D({torch_sizes(a.output_size)}, data_format=CF, "
                     "name={name})({0})")


class _Global(Op):
    args = (Arg("keepdims", t.boolean, False),)

    def infer(self, a, ins, ctx):
        c, n = ins[0][0], len(ins[0]) - 1
        return (c, *(1,) * n) if a.keepdims else (c,)

    def window(self, a, ins):
        return Window.whole(ins[0][1:])

    def _axes(self, x):
        return tuple(range(2, x.ndim))


class GlobalAvgPool(_Global):
    summary = "mean over the {n} spatial dimension(s): C×… → C (keepdims: C×1×…)"

    def torch(self, a, ins, out):
        dims = tuple(range(2, len(ins[0]) + 1))
        return TorchCode(call=f"{{0}}.mean(dim={dims}, keepdim={a.keepdims})")

    def keras(self, a, ins, out):
        return KerasCode(f"layers.GlobalAveragePooling{len(ins[0]) - 1}D(data_format=CF, keepdims={a.keepdims}, "
                         "name={name})({0})")

    def forward(self, a, xs, w):
        return xs[0].mean(axis=self._axes(xs[0]), keepdims=a.keepdims)


class GlobalMaxPool(_Global):
    summary = "max over the {n} spatial dimension(s): C×… → C (keepdims: C×1×…)"

    def torch(self, a, ins, out):
        dims = tuple(range(2, len(ins[0]) + 1))
        return TorchCode(call=f"torch.amax({{0}}, dim={dims}, keepdim={a.keepdims})")

    def keras(self, a, ins, out):
        return KerasCode(f"layers.GlobalMaxPooling{len(ins[0]) - 1}D(data_format=CF, keepdims={a.keepdims}, "
                         "name={name})({0})")

    def forward(self, a, xs, w):
        return xs[0].max(axis=self._axes(xs[0]), keepdims=a.keepdims)


register_ranks(AdaptiveAvgPool, {n: (f"adaptive_avgpool{n}d", f"AdaptiveAvgPool{n}d", f"adaptive_avg_pool{n}d")
                                 for n in (1, 2, 3)}, family=("adaptive_avgpool", "AdaptiveAvgPool"))
register_ranks(AdaptiveMaxPool, {n: (f"adaptive_maxpool{n}d", f"AdaptiveMaxPool{n}d", f"adaptive_max_pool{n}d")
                                 for n in (1, 2, 3)}, family=("adaptive_maxpool", "AdaptiveMaxPool"))
register_ranks(GlobalAvgPool, {n: (f"global_avgpool{n}d", f"GlobalAveragePooling{n}D", f"GlobalAvgPool{n}D",
                                   f"global_avg_pool{n}d") for n in (1, 2, 3)},
               family=("global_avgpool", "gap", "GlobalAveragePooling", "global_average_pooling"))
register_ranks(GlobalMaxPool, {n: (f"global_maxpool{n}d", f"GlobalMaxPooling{n}D", f"GlobalMaxPool{n}D",
                                   f"global_max_pool{n}d") for n in (1, 2, 3)},
               family=("global_maxpool", "GlobalMaxPooling", "global_max_pooling"))
