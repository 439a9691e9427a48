"""Convolutions.

conv2d (PyTorch Conv2d, Keras Conv2D)
    shape   C_out × O_h × O_w, O from the window rule (ops/window.py)
    params  (F_h·F_w·C_in/groups)·C_out + C_out·bias      (CS231n; seed 000: (F·F·C₁)·K + K)
    MACs    O_h·O_w·C_out·(F_h·F_w·C_in/groups)            bias excluded, as in He et al. 2016
                                                          and torchvision's `_ops`
conv_transpose2d (PyTorch ConvTranspose2d, Keras Conv2DTranspose)
    shape   O = (I − 1)·S − 2P + D·(F − 1) + output_padding + 1
    params  (F_h·F_w·C_out/groups)·C_in + C_out·bias
    MACs    I_h·I_w·C_in·(F_h·F_w·C_out/groups)            every input pixel scatters one kernel
"""

from __future__ import annotations

from . import argtypes as t
from .base import Arg, Op, OpError, Window, Worked, product, register
from .window import WindowOp, is_concrete, resolve_padding, transposed_out_size


def _check_channels(a, c_in: int, c_out: int) -> None:
    declared = getattr(a, "in_channels", None)
    if declared is not None and declared != c_in:
        raise OpError("E203", f"in_channels is {declared} but the input has {c_in} channels",
                      f"set in_channels: {c_in}, or remove it (it is inferred)", arg="in_channels")
    g = a.groups
    if c_in % g:
        raise OpError("E207", f"input channels {c_in} are not divisible by groups {g}",
                      "groups must divide both in and out channels", arg="groups")
    if c_out % g:
        raise OpError("E207", f"out_channels {c_out} is not divisible by groups {g}",
                      "groups must divide both in and out channels", arg="groups")


_COMMON = (
    Arg("kernel_size", t.positive_pair, aliases=("kernel",)),
    Arg("stride", t.positive_pair, 1, aliases=("strides",)),
    Arg("dilation", t.positive_pair, 1, aliases=("dilation_rate",)),
    Arg("groups", t.positive_int, 1),
    Arg("bias", t.boolean, True, aliases=("use_bias",)),
    Arg("in_channels", t.optional_positive_int, None),
)


@register
class Conv2d(WindowOp):
    name = "conv2d"
    aliases = ("conv", "Conv2D", "Convolution2D", "Conv2d")
    summary = "2-D convolution (groups, depthwise, dilation, bias on/off)"
    args = (
        Arg("out_channels", t.positive_int, aliases=("filters",)),
        Arg("padding", t.padding, 0),
        *_COMMON,
    )

    def out_channels(self, a, ins):
        return a.out_channels

    def check(self, a, ins):
        _check_channels(a, ins[0][0], a.out_channels)

    def window(self, a, ins):
        pad = resolve_padding(a.padding, ins[0][1:], a.kernel_size, a.stride, a.dilation)
        return Window(a.kernel_size, a.stride, pad, a.dilation)

    def weights(self, a, ins, out):
        (kh, kw), c_in = a.kernel_size, ins[0][0]
        w = {"weight": ((a.out_channels, c_in // a.groups, kh, kw), True)}
        if a.bias:
            w["bias"] = ((a.out_channels,), True)
        return w

    def params(self, a, ins, out):
        (kh, kw), c_in = a.kernel_size, ins[0][0]
        return (kh * kw * c_in // a.groups) * a.out_channels + a.out_channels * a.bias, 0

    def macs(self, a, ins, out):
        (kh, kw), c_in = a.kernel_size, ins[0][0]
        return out[1] * out[2] * a.out_channels * (kh * kw * c_in // a.groups)

    def explain(self, a, ins, out):
        shape = super().explain(a, ins, out).shape
        (kh, kw), c_in, g = a.kernel_size, ins[0][0], a.groups
        per = product(kh, kw, c_in if g == 1 else f"{c_in}/{g}")
        bias = f" + {a.out_channels}" if a.bias else ""
        params = f"params = ({per})·{a.out_channels}{bias} = {sum(self.params(a, ins, out)):,}"
        macs = f"MACs = {product(out[1], out[2], a.out_channels)}·({per}) = {self.macs(a, ins, out):,}"
        return Worked(shape, params, macs)

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        win = self.window(a, [xs[0].shape[1:]])
        (t_, b_), (l_, r_) = win.pad
        return k.conv2d(xs[0], w["weight"], w.get("bias"), a.stride, (t_, b_, l_, r_), a.dilation, a.groups)


@register
class ConvTranspose2d(Op):
    name = "conv_transpose2d"
    aliases = ("deconv2d", "ConvTranspose2d", "Conv2DTranspose", "Deconvolution2D")
    summary = "2-D transposed convolution (fractionally strided)"
    args = (
        Arg("out_channels", t.positive_int, aliases=("filters",)),
        Arg("padding", t.symmetric_padding, 0),
        Arg("output_padding", t.nonneg_pair, 0),
        *_COMMON,
    )

    def infer(self, a, ins, ctx):
        c_in = ins[0][0]
        _check_channels(a, c_in, a.out_channels)
        out = []
        for j, dim in enumerate(("height", "width")):
            s, d, op_ = a.stride[j], a.dilation[j], a.output_padding[j]
            if op_ >= max(s, d):
                raise OpError("E104", f"output_padding {op_} must be smaller than stride or dilation "
                                      f"({max(s, d)}) in {dim}",
                              "as in PyTorch: output_padding < max(stride, dilation)",
                              arg="output_padding")
            o = transposed_out_size(ins[0][1 + j], a.kernel_size[j], s, a.padding[j], d, op_)
            if is_concrete(o) and o <= 0:  # a symbolic size is a formula, with no sign to check
                raise OpError("E202", f"output {dim} would be ({ins[0][1 + j]} − 1)·{s} − 2·{a.padding[j]} + "
                                      f"{d}·({a.kernel_size[j]} − 1) + {op_} + 1 = {o}",
                              "reduce padding", arg="padding")
            out.append(o)
        return (a.out_channels, *out)

    def window(self, a, ins):
        pad = tuple((p, p) for p in a.padding)
        return Window(a.kernel_size, a.stride, pad, a.dilation, transposed=True)

    def explain(self, a, ins, out):
        lines = []
        for j, label in enumerate(("O_h", "O_w")):
            i, k, s, p, d, op_ = (ins[0][1 + j], a.kernel_size[j], a.stride[j], a.padding[j], a.dilation[j],
                                  a.output_padding[j])
            lines.append(f"{label} = ({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op_} + 1 = {out[1 + j]}")
        (kh, kw), c_in, g = a.kernel_size, ins[0][0], a.groups
        per = product(kh, kw, a.out_channels if g == 1 else f"{a.out_channels}/{g}")
        bias = f" + {a.out_channels}" if a.bias else ""
        params = f"params = ({per})·{c_in}{bias} = {sum(self.params(a, ins, out)):,}"
        macs = f"MACs = {product(ins[0][1], ins[0][2], c_in)}·({per}) = {self.macs(a, ins, out):,}"
        return Worked(tuple(lines), params, macs)

    def weights(self, a, ins, out):
        (kh, kw), c_in = a.kernel_size, ins[0][0]
        w = {"weight": ((c_in, a.out_channels // a.groups, kh, kw), True)}
        if a.bias:
            w["bias"] = ((a.out_channels,), True)
        return w

    def params(self, a, ins, out):
        (kh, kw), c_in = a.kernel_size, ins[0][0]
        return (kh * kw * a.out_channels // a.groups) * c_in + a.out_channels * a.bias, 0

    def macs(self, a, ins, out):
        (kh, kw), (c_in, h, w) = a.kernel_size, ins[0]
        return h * w * c_in * (kh * kw * a.out_channels // a.groups)

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.conv_transpose2d(xs[0], w["weight"], w.get("bias"), a.stride, a.padding,
                                  a.output_padding, a.dilation, a.groups)
