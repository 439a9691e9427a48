"""Normalisation within one sample, and layer scale. Any rank.

layer_norm (LayerNorm; LayerNorm2d, torchvision's for ConvNeXt; Keras LayerNormalization):
    over the channel axis at every position of a feature map (LayerNorm2d's meaning, and
    Keras' default axis −1 of a channels-last tensor), over the features of a vector:
    y = (x − mean_c)/√(var_c + eps)·γ + β, the variance biased (divided by C).
    params  γ, β: 2·C trainable (elementwise_affine: false gives 0; bias: false gives C)
group_norm (GroupNorm): the channels in num_groups groups, each normalised over its
    channels and all positions (Wu & He 2018); num_groups must divide C.
    params  γ, β per channel: 2·C trainable (affine: false gives 0)
layer_scale (LayerScale, ConvNeXt's per-channel scale): y = γ_c·x, γ learned (init_values,
    1e-6 in Liu et al. 2022). Its one weight has no name of its own: torchvision keeps it
    on the block as `…layer_scale`, shaped C×1×1.
    params  C trainable
No MACs under the conv/linear convention.
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, numel, Op, OpError, TorchCode, Weight
from .kerascode import KerasCode, KerasWeight
from .registry import register
from .window import is_concrete


def _affine(c: int, affine: bool, bias: bool = True) -> dict:
    if not affine:
        return {}
    w = {"weight": Weight((c,), init="ones")}
    if bias:
        w["bias"] = Weight((c,), init="zeros", bias=True)
    return w


def _apply(y, w, c: int):
    from ..backend import primitives as P

    shape = P.channel_shape(c, y.ndim - 2)
    if "weight" in w:
        y = y * P.param(w["weight"], y.dtype).reshape(shape)
    if "bias" in w:
        y = y + P.param(w["bias"], y.dtype).reshape(shape)
    return y


KERAS_LAYER_SCALE = '''@keras.saving.register_keras_serializable(package="cnncalc")
class LayerScale(keras.layers.Layer):
    """A learned scale per channel (ConvNeXt's layer scale), shaped C×1×… as torchvision's. Keras has no such layer."""

    def __init__(self, init_values, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values

    def build(self, input_shape):
        shape = (input_shape[1],) + (1,) * (len(input_shape) - 2)
        self.gamma = self.add_weight(shape=shape, initializer=keras.initializers.Constant(self.init_values))

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values}
'''


def _keras_affine(affine: bool, bias: bool = True) -> tuple:
    return (KerasWeight("weight"), *((KerasWeight("bias"),) if bias else ())) if affine else ()


@register
class LayerNorm(Op):
    name = "layer_norm"
    aliases = ("LayerNorm", "LayerNorm2d", "LayerNormalization", "layernorm")
    summary = "normalises over the channels at every position (LayerNorm2d), or over a vector's features"
    args = (
        Arg("eps", t.positive_number, 1e-5, aliases=("epsilon",)),
        Arg("elementwise_affine", t.boolean, True, aliases=("affine",)),
        Arg("bias", t.boolean, True, aliases=("center",)),
        Arg("normalized_shape", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        src = f"nn.LayerNorm({ins[0][0]}, eps={a.eps!r}, elementwise_affine={a.elementwise_affine}, bias={a.bias})"
        if len(ins[0]) == 1:
            return TorchCode(src)
        return TorchCode(src, "{m}({0}.movedim(1, -1)).movedim(-1, 1)")  # over the channels at every position

    def keras(self, a, ins, out):
        affine, center = a.elementwise_affine, a.elementwise_affine and a.bias
        opts = f"epsilon={a.eps!r}" + ("" if center else ", center=False") + ("" if affine else ", scale=False")
        if len(ins[0]) == 1:
            return KerasCode(f"layers.LayerNormalization({opts}, name={{name}})({{0}})",
                             weights=_keras_affine(affine, a.bias))
        # over the channels, moved last: Keras 3's torch backend calls F.layer_norm for axis=1 as if it were last
        return KerasCode(f"ops.moveaxis(layers.LayerNormalization({opts}, name={{name}})(ops.moveaxis({{0}}, 1, -1)), "
                         "-1, 1)", weights=_keras_affine(affine, a.bias))

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if a.normalized_shape is not None and a.normalized_shape != c:
            raise OpError("E203", T("normalized_shape is {declared} but the input has {c} channels",
                                    declared=a.normalized_shape, c=c),
                          T('set normalized_shape: {c}, or remove it (it is inferred)', c=c), arg="normalized_shape")
        return ins[0]

    def weights(self, a, ins, out):
        return _affine(ins[0][0], a.elementwise_affine, a.bias)

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        mean = x.mean(axis=1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
        return _apply((x - mean) / np.sqrt(var + x.dtype.type(a.eps)), w, x.shape[1])


@register
class GroupNorm(Op):
    name = "group_norm"
    aliases = ("GroupNorm", "GroupNormalization", "groupnorm")
    summary = "normalises groups of channels over all positions (Wu & He 2018)"
    args = (
        Arg("num_groups", t.positive_int, aliases=("groups",)),
        Arg("eps", t.positive_number, 1e-5, aliases=("epsilon",)),
        Arg("affine", t.boolean, True),
        Arg("num_channels", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        return TorchCode(f"nn.GroupNorm({a.num_groups}, {ins[0][0]}, eps={a.eps!r}, affine={a.affine})")

    def keras(self, a, ins, out):
        affine = "" if a.affine else ", center=False, scale=False"
        return KerasCode(f"layers.GroupNormalization({a.num_groups}, axis=1, epsilon={a.eps!r}{affine}, "
                         "name={name})({0})", weights=_keras_affine(a.affine))

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if c % a.num_groups:
            raise OpError("E207", T("input channels {c} are not divisible by num_groups {groups}", c=c,
                                    groups=a.num_groups),
                          T('num_groups must divide the channels'), arg="num_groups")
        if a.num_channels is not None and a.num_channels != c:
            raise OpError("E203", T("num_channels is {declared} but the input has {c} channels",
                                    declared=a.num_channels, c=c),
                          T('set num_channels: {c}, or remove it (it is inferred)', c=c), arg="num_channels")
        values = c // a.num_groups * numel(ins[0][1:])
        if is_concrete(values) and values == 1:  # PyTorch refuses it: a single value normalises to 0
            raise OpError("E104", T("each of the {groups} groups holds one value ({per_group} channel × {positions} "
                                    "position); normalising it gives 0", groups=a.num_groups,
                                    per_group=c // a.num_groups, positions=numel(ins[0][1:])),
                          T('use fewer groups, or normalise a larger map'), arg="num_groups")
        return ins[0]

    def weights(self, a, ins, out):
        return _affine(ins[0][0], a.affine)

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        n, c = x.shape[:2]
        g = x.reshape(n, a.num_groups, -1)
        mean = g.mean(axis=2, keepdims=True)
        var = ((g - mean) ** 2).mean(axis=2, keepdims=True)
        y = ((g - mean) / np.sqrt(var + x.dtype.type(a.eps))).reshape(x.shape)
        return _apply(y, w, c)


@register
class LayerScale(Op):
    name = "layer_scale"
    aliases = ("LayerScale",)
    summary = "a learned scale per channel (ConvNeXt: init 1e-6)"
    args = (Arg("init_values", t.number, 1e-6, aliases=("layer_scale", "gamma", "init")),)

    def torch(self, a, ins, out):
        shape = (ins[0][0], *(1,) * (len(ins[0]) - 1))
        return TorchCode(f"nn.Parameter(torch.full({shape}, {float(a.init_values)!r}))", "{0} * {m}", parameter=True)

    def keras(self, a, ins, out):
        return KerasCode(f"LayerScale({float(a.init_values)!r}, name={{name}})({{0}})", helpers=(KERAS_LAYER_SCALE,),
                         weights=(KerasWeight(""),))

    def infer(self, a, ins, ctx):
        return ins[0]

    def weights(self, a, ins, out):
        shape = ins[0]
        return {"": Weight((shape[0], *(1,) * (len(shape) - 1)), init=a.init_values)}

    def forward(self, a, xs, w):
        from ..backend import primitives as P

        x = xs[0]
        return x * P.param(w[""], x.dtype).reshape(P.channel_shape(x.shape[1], x.ndim - 2))
