"""Convolutions, one rule for every rank (conv1d/2d/3d, conv_transpose1d/2d/3d).

convNd (PyTorch ConvNd, Keras ConvND)
    shape   C_out × O_1 × … × O_n, each O from the window rule (ops/window.py)
    params  (Πk·C_in/groups)·C_out + C_out·bias       (CS231n; seed 000: (F·F·C₁)·K + K)
    MACs    ΠO·C_out·(Πk·C_in/groups)                 bias excluded, as in He et al. 2016
                                                      and torchvision's `_ops`
conv_transposeNd (PyTorch ConvTransposeNd, Keras ConvNDTranspose)
    shape   O = (I − 1)·S − 2P + D·(F − 1) + output_padding + 1
    params  (Πk·C_out/groups)·C_in + C_out·bias
    MACs    ΠI·C_in·(Πk·C_out/groups)                 every input pixel scatters one kernel
Counting variant "ungrouped": the same layer with groups = 1 (AlexNet's two-GPU
convolutions as one GPU would run them).
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .argtypes import per_dim
from .base import (Arg, Formula, numel, Op, OpError, product, symmetric_padding, torch_pad, torch_sizes, TORCH_PADDED,
                   TorchCode, Weight, Worked)
from .kerascode import keras_kernel, keras_options, keras_padding, keras_zero_pad, KerasCode, KerasWeight, NoKeras
from .registry import register_ranks
from .window import DIM_NAMES, SIZE_LABELS, Window, grouped_dims, is_concrete, transposed_out_size
from .windowed import WindowOp, bind_window


def check_channels(a, c_in: int, c_out: int) -> None:
    declared = a.get("in_channels")
    if declared is not None and declared != c_in:
        raise OpError("E203", T("in_channels is {declared} but the input has {c_in} channels", declared=declared,
                                c_in=c_in),
                      T('set in_channels: {c_in}, or remove it (it is inferred)', c_in=c_in), arg="in_channels")
    g = a.groups
    if c_in % g:
        raise OpError("E207", T('input channels {c_in} are not divisible by groups {g}', c_in=c_in, g=g),
                      T('groups must divide both in and out channels'), arg="groups")
    if c_out % g:
        raise OpError("E207", T('out_channels {c_out} is not divisible by groups {g}', c_out=c_out, g=g),
                      T('groups must divide both in and out channels'), arg="groups")


COMMON = (
    Arg("kernel_size", t.positive_sizes, aliases=("kernel",)),
    Arg("stride", t.positive_sizes, 1, aliases=("strides",)),
    Arg("dilation", t.positive_sizes, 1, aliases=("dilation_rate",)),
    Arg("groups", t.positive_int, 1),
    Arg("bias", t.boolean, True, aliases=("use_bias",)),
    Arg("in_channels", t.optional_positive_int, None),
)


def _with_bias(weights: dict, a, c_out: int) -> dict:
    if a.bias:
        weights["bias"] = Weight((c_out,), init="zeros", bias=True)
    return weights


def _counts(op, a, ins, out, shared: int, kernels: int, positions: tuple) -> tuple:
    """params = (Πk·shared/groups)·kernels + bias, MACs = Π positions·(Πk·shared/groups), written out."""
    per = product(*a.kernel_size, shared if a.groups == 1 else f"{shared}/{a.groups}")
    bias = f" + {a.out_channels}" if a.bias else ""
    return (Formula("params", (f"({per})·{kernels}{bias}",), sum(op.params(a, ins, out))),
            Formula("MACs", (f"{product(*positions)}·({per})",), op.macs(a, ins, out)))


def _variants(a) -> dict:
    return {"ungrouped": a.replace(groups=1)} if a.groups != 1 else {}


class Conv(WindowOp):
    summary = "{n}-D convolution (groups, depthwise, dilation, bias on/off)"
    args = (
        Arg("out_channels", t.positive_int, aliases=("filters",)),
        Arg("padding", t.padding, 0),
        *COMMON,
    )

    def torch(self, a, ins, out):
        n, pad = len(a.kernel_size), symmetric_padding(a.padding)
        opts = (f"kernel_size={torch_sizes(a.kernel_size)}, stride={torch_sizes(a.stride)}, "
                f"padding={torch_sizes(pad or (0,) * n)}, dilation={torch_sizes(a.dilation)}, groups={a.groups}, "
                f"bias={a.bias}")
        src = f"nn.Conv{n}d({ins[0][0]}, {a.out_channels}, {opts})"
        if pad is None:  # asymmetric ('same' with an even kernel, Keras): pad first, in the same module
            return TorchCode(f"Padded({torch_pad(a.padding)}, {src})", helpers=(TORCH_PADDED,))
        return TorchCode(src)

    def keras(self, a, ins, out):
        n = len(a.kernel_size)
        padding = keras_padding(a.padding, ins[0][1:], a.kernel_size, a.stride, a.dilation)
        groups = {"groups": a.groups} if a.groups != 1 else {}
        opts = keras_options(a.stride, padding or "valid", a.dilation, a.bias, **groups)
        call = (f"layers.Conv{n}D({a.out_channels}, {torch_sizes(a.kernel_size)}{opts}, data_format=CF, "
                "name={name})({0})")
        weights = (KerasWeight("weight", keras_kernel(n)), *((KerasWeight("bias"),) if a.bias else ()))
        return KerasCode(call, "" if padding else keras_zero_pad(a.padding), weights=weights)

    def out_channels(self, a, ins):
        return a.out_channels

    def check(self, a, ins):
        check_channels(a, ins[0][0], a.out_channels)

    def _per_filter(self, a, c_in):
        return numel(a.kernel_size) * c_in // a.groups

    def weights(self, a, ins, out):
        c_in = ins[0][0]
        return _with_bias({"weight": Weight((a.out_channels, c_in // a.groups, *a.kernel_size))}, a, a.out_channels)

    def params(self, a, ins, out):
        return self._per_filter(a, ins[0][0]) * a.out_channels + a.out_channels * a.bias, 0

    def macs(self, a, ins, out):
        return numel(out[1:]) * a.out_channels * self._per_filter(a, ins[0][0])

    def variants(self, a):
        return _variants(a)

    def scratch(self, a, ins, out):
        return ins[0][0] * numel(a.kernel_size) * numel(out[1:])  # the im2col columns

    def worked(self, a, ins, out):
        shape = super().worked(a, ins, out).shape
        return Worked(shape, *_counts(self, a, ins, out, ins[0][0], a.out_channels, (*out[1:], a.out_channels)))

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        x = xs[0]
        weight = P.param(w["weight"], x.dtype)
        n, c = x.shape[:2]
        k, s, d = a.kernel_size, a.stride, a.dilation
        out = self.output_sizes(a, x.shape[2:])
        g, c_out = a.groups, weight.shape[0]
        c_g = c // g
        if numel(k) == 1 and not any(p for pair in a.padding for p in pair):
            # 1×1: the (strided) input already is the column matrix
            src = x[(slice(None), slice(None), *(slice(0, (o - 1) * st + 1, st) for o, st in zip(out, s)))]
            cols = np.ascontiguousarray(src).reshape(n, g, c_g, numel(out))
        else:
            sizes = [P.reach(o, kk, st, dd) for o, kk, st, dd in zip(out, k, s, d)]
            xp = P.padded(x, tuple(p0 for p0, _ in a.padding), sizes, 0.0)
            cols = P.im2col(xp, k, s, d, out).reshape(n, g, c_g * numel(k), numel(out))
        wm = np.ascontiguousarray(weight).reshape(g, c_out // g, c_g * numel(k))
        y = np.matmul(wm, cols).reshape(n, c_out, *out)
        if "bias" in w:
            y += P.param(w["bias"], x.dtype).reshape(P.channel_shape(c_out, len(out)))
        return y


class ConvTranspose(Op):
    summary = "{n}-D transposed convolution (fractionally strided)"
    args = (
        Arg("out_channels", t.positive_int, aliases=("filters",)),
        Arg("padding", t.symmetric_padding, 0),
        Arg("output_padding", t.nonneg_sizes, 0),
        *COMMON,
    )

    def torch(self, a, ins, out):
        n = len(a.kernel_size)
        return TorchCode(f"nn.ConvTranspose{n}d({ins[0][0]}, {a.out_channels}, "
                         f"kernel_size={torch_sizes(a.kernel_size)}, "
                         f"stride={torch_sizes(a.stride)}, padding={torch_sizes(a.padding)}, "
                         f"output_padding={torch_sizes(a.output_padding)}, groups={a.groups}, bias={a.bias}, "
                         f"dilation={torch_sizes(a.dilation)})")

    def keras(self, a, ins, out):
        n = len(a.kernel_size)
        if a.groups != 1:
            raise NoKeras(T("Keras' ConvNDTranspose has no groups: use groups: 1"))
        # Keras' default output_padding (None) adds max(k − s, 0) at the end, PyTorch's k − s: written when they differ
        given = (any(a.output_padding) or any(k < s for k, s in zip(a.kernel_size, a.stride))
                 or any(d != 1 for d in a.dilation))
        extra = {"output_padding": tuple(a.output_padding)} if given else {}
        opts = keras_options(a.stride, "valid", a.dilation, a.bias, **extra)
        call = (f"layers.Conv{n}DTranspose({a.out_channels}, {torch_sizes(a.kernel_size)}{opts}, data_format=CF, "
                "name={name})({0})")
        if any(a.padding):  # PyTorch's padding crops the full output, p at both ends
            if n == 1:
                raise NoKeras(T("Keras' Cropping1D is channels last: give this layer padding 0 and crop after it"))
            call = f"layers.Cropping{n}D({tuple((p, p) for p in a.padding)}, data_format=CF)({call})"
        weights = (KerasWeight("weight", keras_kernel(n)), *((KerasWeight("bias"),) if a.bias else ()))
        return KerasCode(call, weights=weights)

    def bind(self, a, ins):
        n = len(ins[0]) - 1
        bound = bind_window(a.replace(padding=0), ins)
        return bound.replace(padding=per_dim(a.padding, n, "padding"),
                             output_padding=per_dim(a.output_padding, n, "output_padding"))

    def infer(self, a, ins, ctx):
        c_in, sizes = ins[0][0], ins[0][1:]
        check_channels(a, c_in, a.out_channels)
        out = []
        for j, dim in enumerate(DIM_NAMES[len(sizes)]):
            k, s, d, p, op_ = a.kernel_size[j], a.stride[j], a.dilation[j], a.padding[j], a.output_padding[j]
            if op_ >= max(s, d):
                raise OpError("E104", T("output_padding {extra} must be smaller than stride or dilation ({bound}) "
                                        "in {dim}", extra=op_, bound=max(s, d), dim=dim),
                              T('as in PyTorch: output_padding < max(stride, dilation)'), arg="output_padding")
            o = transposed_out_size(sizes[j], k, s, p, d, op_)
            if is_concrete(o) and o <= 0:  # a symbolic size is a formula, with no sign to check
                raise OpError("E202", T("output {dim} would be ({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {extra} + 1 "
                                        "= {o}", dim=dim, i=sizes[j], s=s, p=p, d=d, k=k, extra=op_, o=o),
                              T("reduce padding"), arg="padding")
            out.append(o)
        return (a.out_channels, *out)

    def window(self, a, ins):
        return Window(a.kernel_size, a.stride, tuple((p, p) for p in a.padding), a.dilation, transposed=True)

    def weights(self, a, ins, out):
        c_in = ins[0][0]
        return _with_bias({"weight": Weight((c_in, a.out_channels // a.groups, *a.kernel_size))}, a, a.out_channels)

    def params(self, a, ins, out):
        return numel(a.kernel_size) * a.out_channels // a.groups * ins[0][0] + a.out_channels * a.bias, 0

    def macs(self, a, ins, out):
        return numel(ins[0][1:]) * ins[0][0] * (numel(a.kernel_size) * a.out_channels // a.groups)

    def variants(self, a):
        return _variants(a)

    def scratch(self, a, ins, out):
        full = numel(o + 2 * p for o, p in zip(out[1:], a.padding))
        return a.out_channels * (numel(a.kernel_size) * numel(ins[0][1:]) + full)  # columns + uncropped buffer

    def worked(self, a, ins, out):
        sizes = ins[0][1:]
        labels = SIZE_LABELS[len(sizes)]
        steps = [(f"({sizes[j]} − 1)·{a.stride[j]} − 2·{a.padding[j]} + {a.dilation[j]}·({a.kernel_size[j]} − 1) + "
                  f"{a.output_padding[j]} + 1", out[1 + j]) for j in range(len(sizes))]
        shape = tuple(Formula(" = ".join(labels[j] for j in dims), (text[0],), text[1], grouped=False)
                      for dims, text in grouped_dims(steps))
        return Worked(shape, *_counts(self, a, ins, out, a.out_channels, ins[0][0], (*sizes, ins[0][0])))

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        x = xs[0]
        weight = P.param(w["weight"], x.dtype)
        n, c_in = x.shape[:2]
        sizes = x.shape[2:]
        k, s, d, g = a.kernel_size, a.stride, a.dilation, a.groups
        c_og = weight.shape[1]
        c_out = c_og * g
        full = [(i - 1) * st + dd * (kk - 1) + 1 + op_ for i, st, dd, kk, op_ in zip(sizes, s, d, k, a.output_padding)]
        cin_g = c_in // g
        wm = weight.reshape(g, cin_g, c_og * numel(k)).transpose(0, 2, 1)
        cols = np.matmul(wm, x.reshape(n, g, cin_g, numel(sizes))).reshape(n, c_out, *k, *sizes)
        buf = np.zeros((n, c_out, *full), dtype=x.dtype)
        P.scatter_add(buf, cols, k, s, d, sizes)
        y = buf if not any(a.padding) else np.ascontiguousarray(
            buf[(slice(None), slice(None), *(slice(p, f - p) for p, f in zip(a.padding, full)))])
        if "bias" in w:
            y += P.param(w["bias"], x.dtype).reshape(P.channel_shape(c_out, len(sizes)))
        return y


register_ranks(Conv, {n: (f"conv{n}d", f"Conv{n}d", f"Conv{n}D", f"Convolution{n}D") for n in (1, 2, 3)},
               family=("conv", "Conv", "convolution"))
register_ranks(ConvTranspose, {n: (f"conv_transpose{n}d", f"deconv{n}d", f"ConvTranspose{n}d",
                                   f"Conv{n}DTranspose", f"Deconvolution{n}D") for n in (1, 2, 3)},
               family=("conv_transpose", "deconv", "ConvTranspose"))
