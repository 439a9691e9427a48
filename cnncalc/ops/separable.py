"""Keras' depthwise and depthwise-separable convolutions (1-D, 2-D, and 3-D beyond Keras).

depthwise_convNd (Keras DepthwiseConvND): each input channel convolved with depth_multiplier
    kernels of its own (PyTorch: a ConvNd with groups = C_in).
    shape   C·dm × O…, O from the window rule
    params  Πk·C·dm + C·dm·bias                  (Keras' count)
    MACs    ΠO·C·dm·Πk
separable_convNd (Keras SeparableConvND; Chollet 2017): the depthwise convolution (no bias)
    then a 1×1 convolution to `filters` channels (with bias). Weights as two PyTorch convs:
    `depthwise.weight`, `pointwise.weight`, `pointwise.bias`.
    params  Πk·C·dm + C·dm·filters + filters·bias (Keras' count)
    MACs    ΠO·C·dm·Πk + ΠO·C·dm·filters
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import (Arg, Formula, numel, product, symmetric_padding, torch_pad, torch_sizes, TORCH_PADDED, TorchCode,
                   Weight, Worked)
from .kerascode import keras_kernel, keras_options, keras_padding, keras_zero_pad, KerasCode, KerasWeight, NoKeras
from .registry import REGISTRY, register_ranks
from .windowed import WindowOp

_WINDOW = (
    Arg("kernel_size", t.positive_sizes, aliases=("kernel",)),
    Arg("stride", t.positive_sizes, 1, aliases=("strides",)),
    Arg("padding", t.padding, 0),
    Arg("dilation", t.positive_sizes, 1, aliases=("dilation_rate",)),
    Arg("depth_multiplier", t.positive_int, 1),
)

SEPARABLE = '''def Separable(depthwise, pointwise):
    """A depthwise convolution, then a 1×1 one (Keras' SeparableConv): one module with the two as children."""
    module = nn.Sequential()
    module.add_module("depthwise", depthwise)
    module.add_module("pointwise", pointwise)
    return module
'''


class DepthwiseConv(WindowOp):
    summary = "{n}-D depthwise convolution: depth_multiplier kernels per input channel (Keras)"
    args = (*_WINDOW, Arg("bias", t.boolean, True, aliases=("use_bias",)))

    def torch(self, a, ins, out):
        c, n, pad = ins[0][0], len(a.kernel_size), symmetric_padding(a.padding)
        src = (f"nn.Conv{n}d({c}, {out[0]}, kernel_size={torch_sizes(a.kernel_size)}, "
               f"stride={torch_sizes(a.stride)}, "
               f"padding={torch_sizes(pad or (0,) * n)}, dilation={torch_sizes(a.dilation)}, groups={c}, "
               f"bias={a.bias})")
        if pad is None:
            return TorchCode(f"Padded({torch_pad(a.padding)}, {src})", helpers=(TORCH_PADDED,))
        return TorchCode(src)

    def keras(self, a, ins, out):
        return self._keras(a, ins, "DepthwiseConv", "", (KerasWeight("bias"),) if a.bias else ())

    def _keras(self, a, ins, cls, filters, pointwise):
        """Keras' DepthwiseConvND / SeparableConvND: the depthwise kernel is (*k, C, dm), PyTorch's (C·dm, 1, *k)."""
        n, c = len(a.kernel_size), ins[0][0]
        if n == 3:
            raise NoKeras(T("Keras has no 3-D {cls}: use a conv3d with groups equal to the input channels", cls=cls))
        padding = keras_padding(a.padding, ins[0][1:], a.kernel_size, a.stride, a.dilation)
        multiplier = {"depth_multiplier": a.depth_multiplier} if a.depth_multiplier != 1 else {}
        opts = keras_options(a.stride, padding or "valid", a.dilation, a.bias, **multiplier)
        call = f"layers.{cls}{n}D({filters}{torch_sizes(a.kernel_size)}{opts}, data_format=CF, name={{name}})({{0}})"
        depthwise = KerasWeight(f"{'depthwise.' if filters else ''}weight", (*range(2, n + 2), 0, 1),
                                (c, a.depth_multiplier, *a.kernel_size))
        return KerasCode(call, "" if padding else keras_zero_pad(a.padding), weights=(depthwise, *pointwise))

    def out_channels(self, a, ins):
        return ins[0][0] * a.depth_multiplier

    def weights(self, a, ins, out):
        c = self.out_channels(a, ins)
        w = {"weight": Weight((c, 1, *a.kernel_size))}
        if a.bias:
            w["bias"] = Weight((c,), init="zeros", bias=True)
        return w

    def macs(self, a, ins, out):
        return numel(out[1:]) * out[0] * numel(a.kernel_size)

    def worked(self, a, ins, out):
        shape = super().worked(a, ins, out).shape
        c, dm = ins[0][0], a.depth_multiplier
        bias = f" + {c}·{dm}" if a.bias else ""
        return Worked(shape, Formula("params", (f"({product(*a.kernel_size)})·{c}·{dm}{bias}",),
                                     sum(self.params(a, ins, out))),
                      Formula("MACs", (f"{product(*out[1:])}·{c}·{dm}·({product(*a.kernel_size)})",),
                              self.macs(a, ins, out)))

    def forward(self, a, xs, w):
        conv = REGISTRY[f"conv{self.spatial}d"]
        c = xs[0].shape[1]
        return conv.forward(a.replace(out_channels=c * a.depth_multiplier, groups=c), xs, w)


class SeparableConv(DepthwiseConv):
    summary = "{n}-D depthwise-separable convolution: depthwise, then 1×1 to out_channels (Keras)"
    args = (Arg("out_channels", t.positive_int, aliases=("filters",)), *_WINDOW,
            Arg("bias", t.boolean, True, aliases=("use_bias",)))

    def torch(self, a, ins, out):
        c, n, pad = ins[0][0], len(a.kernel_size), symmetric_padding(a.padding)
        mid = c * a.depth_multiplier
        depthwise = (f"nn.Conv{n}d({c}, {mid}, kernel_size={torch_sizes(a.kernel_size)}, "
                     f"stride={torch_sizes(a.stride)}, "
                     f"padding={torch_sizes(pad or (0,) * n)}, dilation={torch_sizes(a.dilation)}, groups={c}, "
                     f"bias=False)")
        if pad is None:
            depthwise = f"Padded({torch_pad(a.padding)}, {depthwise})"
        pointwise = f"nn.Conv{n}d({mid}, {a.out_channels}, kernel_size=1, bias={a.bias})"
        return TorchCode(f"Separable({depthwise}, {pointwise})",
                         helpers=(SEPARABLE, *((TORCH_PADDED,) if pad is None else ())))

    def keras(self, a, ins, out):
        pointwise = (KerasWeight("pointwise.weight", keras_kernel(len(a.kernel_size))),
                     *((KerasWeight("pointwise.bias"),) if a.bias else ()))
        return self._keras(a, ins, "SeparableConv", f"{a.out_channels}, ", pointwise)

    def out_channels(self, a, ins):
        return a.out_channels

    def weights(self, a, ins, out):
        mid = ins[0][0] * a.depth_multiplier
        w = {"depthwise.weight": Weight((mid, 1, *a.kernel_size)),
             "pointwise.weight": Weight((a.out_channels, mid, *(1,) * len(a.kernel_size)))}
        if a.bias:
            w["pointwise.bias"] = Weight((a.out_channels,), init="zeros", bias=True)
        return w

    def macs(self, a, ins, out):
        mid = ins[0][0] * a.depth_multiplier
        return numel(out[1:]) * mid * (numel(a.kernel_size) + a.out_channels)

    def worked(self, a, ins, out):
        shape = WindowOp.worked(self, a, ins, out).shape
        c, dm, f = ins[0][0], a.depth_multiplier, a.out_channels
        bias = f" + {f}" if a.bias else ""
        return Worked(shape, Formula("params", (f"({product(*a.kernel_size)})·{c}·{dm} + {c}·{dm}·{f}{bias}",),
                                     sum(self.params(a, ins, out))),
                      Formula("MACs", (f"{product(*out[1:])}·{c}·{dm}·({product(*a.kernel_size)} + {f})",),
                              self.macs(a, ins, out)))

    def forward(self, a, xs, w):
        conv = REGISTRY[f"conv{self.spatial}d"]
        c = xs[0].shape[1]
        mid = c * a.depth_multiplier
        n = self.spatial
        y = conv.forward(a.replace(out_channels=mid, groups=c), xs, {"weight": w["depthwise.weight"]})
        one = a.replace(kernel_size=(1,) * n, stride=(1,) * n, dilation=(1,) * n, padding=((0, 0),) * n,
                        out_channels=a.out_channels, groups=1)
        pointwise = {"weight": w["pointwise.weight"], **({"bias": w["pointwise.bias"]} if "pointwise.bias" in w
                                                        else {})}
        return conv.forward(one, [y], pointwise)


register_ranks(DepthwiseConv, {n: (f"depthwise_conv{n}d", f"DepthwiseConv{n}D") for n in (1, 2, 3)},
               family=("depthwise_conv",))
register_ranks(SeparableConv, {n: (f"separable_conv{n}d", f"SeparableConv{n}D", f"SeparableConvolution{n}D")
                               for n in (1, 2, 3)}, family=("separable_conv",))
