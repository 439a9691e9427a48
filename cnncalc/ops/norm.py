"""Normalisation layers.

batchnormNd: γ and β per channel are trainable (2·C); the running mean and variance
are buffers (2·C non-trainable), as Keras reports them. torchvision's `num_params`
counts only the 2·C trainable ones (PyTorch's num_batches_tracked counter is not a
weight and is not counted). No MACs under the conv/linear convention. batchnorm1d
takes a feature vector (F) or a sequence (C, L), like PyTorch's BatchNorm1d; the
rank-free spellings (`BatchNormalization`, `batch_norm`, `bn`) pick by the input.
Inference uses the running statistics:
    y = (x − mean)/√(var + eps)·γ + β, folded into one scale and shift per channel.
instance_normNd (InstanceNorm1d/2d/3d): each channel of each sample normalised over its
positions (Ulyanov et al. 2016); PyTorch's defaults: no affine weights, no running
statistics. affine: γ, β (2·C trainable); track_running_stats: running mean and variance
(2·C non-trainable), which inference then uses instead of the sample's statistics.
local_response_norm (Krizhevsky et al. 2012, §3.3): no parameters; AlexNet uses
size 5, alpha 1e-4, beta 0.75, k 2:
    b_c = a_c / (k + α/n·Σ_{c' ∈ window(c)} a_c'²)^β, the window c − n//2 … c + (n−1)//2,
    zero-padded at both ends (so the divisor is always n), as F.local_response_norm.
"""

from __future__ import annotations

from ..i18n import T
from . import argtypes as t
from .base import Arg, Formula, numel, Op, OpError, TorchCode, Weight, Worked
from .kerascode import KerasCode, KerasWeight
from .registry import register, register_family, register_ranks
from .window import is_concrete


NO_STEP_COUNT = '''def no_step_count(norm):
    """Batch norm without the num_batches_tracked buffer: its state_dict is the arrays cnncalc counts.

    A checkpoint's step counter (torchvision's) is dropped on loading, and none is asked for.
    """
    norm.num_batches_tracked = None
    norm.register_load_state_dict_pre_hook(
        lambda module, state, prefix, *rest: state.pop(prefix + "num_batches_tracked", None))
    return norm
'''


KERAS_LRN = '''@keras.saving.register_keras_serializable(package="cnncalc")
class LocalResponseNorm(keras.layers.Layer):
    """PyTorch's LocalResponseNorm across the channels (axis 1): x / (k + alpha/size·Σ x²)^beta, the sum over
    `size` neighbouring channels, zero beyond the ends. Keras has no such layer."""

    def __init__(self, size, alpha, beta, k, **kwargs):
        super().__init__(**kwargs)
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def call(self, x):
        c, n = x.shape[1], self.size
        squares = ops.pad(ops.square(x), [[0, 0], [n // 2, (n - 1) // 2]] + [[0, 0]] * (len(x.shape) - 2))
        total = sum(squares[:, i:i + c] for i in range(n))
        return x / (self.k + self.alpha / n * total) ** self.beta

    def get_config(self):
        return {**super().get_config(), "size": self.size, "alpha": self.alpha, "beta": self.beta, "k": self.k}
'''


def keras_batch_norm(a, ins) -> KerasCode:
    """Keras' BatchNormalization over axis 1; its momentum weighs the old statistics (PyTorch's the new batch)."""
    stats = (KerasWeight("running_mean"), KerasWeight("running_var"))
    affine = "" if a.affine else ", center=False, scale=False"
    return KerasCode(f"layers.BatchNormalization(axis=1, epsilon={a.eps!r}, momentum={round(1 - a.momentum, 12)!r}"
                     f"{affine}, name={{name}})({{0}})",
                     weights=((KerasWeight("weight"), KerasWeight("bias"), *stats) if a.affine else stats))


class BatchNorm(Op):
    summary = "{n}-D batch normalisation over channels (inference uses running statistics)"
    args = (
        Arg("eps", t.positive_number, 1e-5, aliases=("epsilon",)),
        Arg("momentum", t.probability, 0.1),
        Arg("affine", t.boolean, True, aliases=("scale",)),
        Arg("num_features", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        n = max(len(ins[0]) - 1, 1)
        return TorchCode(f"no_step_count(nn.BatchNorm{n}d({ins[0][0]}, eps={a.eps!r}, momentum={a.momentum!r}, "
                         f"affine={a.affine}))", helpers=(NO_STEP_COUNT,))

    def keras(self, a, ins, out):
        return keras_batch_norm(a, ins)

    def accepts(self, shape):
        return len(shape) == self.spatial + 1 or (self.spatial == 1 and len(shape) == 1)

    def expected_input(self):
        return T("F or C×L") if self.spatial == 1 else super().expected_input()

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if a.num_features is not None and a.num_features != c:
            raise OpError("E203", T("num_features is {declared} but the input has {c} channels",
                                    declared=a.num_features, c=c),
                          T('set num_features: {c}, or remove it (it is inferred)', c=c), arg="num_features")
        return ins[0]

    def weights(self, a, ins, out):
        c = ins[0][0]
        w = {"weight": Weight((c,), init="ones"), "bias": Weight((c,), init="zeros", bias=True)} if a.affine else {}
        w.update(running_mean=Weight((c,), False, "zeros"), running_var=Weight((c,), False, "ones"))
        return w

    def worked(self, a, ins, out):
        c = ins[0][0]
        trainable, non_trainable = self.params(a, ins, out)
        if a.affine:
            step = T("2·{c} trainable (γ, β) + 2·{c} non-trainable (running mean, variance)", c=c)
        else:
            step = T("0 trainable (affine: false) + 2·{c} non-trainable (running mean, variance)", c=c)
        base = super().worked(a, ins, out)
        return Worked(base.shape, Formula("params", (step,), trainable + non_trainable), base.macs)

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        x = xs[0]
        c = x.shape[1]
        scale = 1.0 / np.sqrt(P.param(w["running_var"], x.dtype) + x.dtype.type(a.eps))
        if "weight" in w:
            scale = scale * P.param(w["weight"], x.dtype)
        shift = -P.param(w["running_mean"], x.dtype) * scale
        if "bias" in w:
            shift = shift + P.param(w["bias"], x.dtype)
        shape = P.channel_shape(c, x.ndim - 2)
        y = x * scale.reshape(shape)
        y += shift.reshape(shape)
        return y


_BN = register_ranks(BatchNorm, {n: (f"batchnorm{n}d", f"BatchNorm{n}d", f"batch_norm{n}d") for n in (1, 2, 3)})
register_family("batch_norm", {1: _BN[2], **_BN}, ("BatchNormalization", "bn"))


class InstanceNorm(Op):
    summary = "{n}-D instance normalisation (per sample and channel)"
    args = (
        Arg("eps", t.positive_number, 1e-5, aliases=("epsilon",)),
        Arg("momentum", t.probability, 0.1),
        Arg("affine", t.boolean, False),
        Arg("track_running_stats", t.boolean, False),
        Arg("num_features", t.optional_positive_int, None),
    )

    def torch(self, a, ins, out):
        src = (f"nn.InstanceNorm{len(ins[0]) - 1}d({ins[0][0]}, eps={a.eps!r}, momentum={a.momentum!r}, "
               f"affine={a.affine}, track_running_stats={a.track_running_stats})")
        if a.track_running_stats:
            return TorchCode(f"no_step_count({src})", helpers=(NO_STEP_COUNT,))
        return TorchCode(src)

    def keras(self, a, ins, out):
        if a.track_running_stats:  # inference normalises with the running statistics, as batch norm does
            return keras_batch_norm(a, ins)
        affine = "" if a.affine else ", center=False, scale=False"
        return KerasCode(f"layers.GroupNormalization({ins[0][0]}, axis=1, epsilon={a.eps!r}{affine}, "
                         "name={name})({0})",  # one group per channel
                         weights=(KerasWeight("weight"), KerasWeight("bias")) if a.affine else ())

    def infer(self, a, ins, ctx):
        positions = numel(ins[0][1:])
        if not a.track_running_stats and is_concrete(positions) and positions == 1:
            raise OpError("E104", T('instance norm of a single position normalises one value per channel (it gives 0)'),
                          T('normalise a larger map, or set track_running_stats: true'), arg="track_running_stats")
        return BatchNorm.infer(self, a, ins, ctx)

    def weights(self, a, ins, out):
        c = ins[0][0]
        w = {"weight": Weight((c,), init="ones"), "bias": Weight((c,), init="zeros", bias=True)} if a.affine else {}
        if a.track_running_stats:
            w.update(running_mean=Weight((c,), False, "zeros"), running_var=Weight((c,), False, "ones"))
        return w

    def forward(self, a, xs, w):
        import numpy as np

        from ..backend import primitives as P

        if a.track_running_stats:
            return BatchNorm.forward(self, a, xs, w)
        x = xs[0]
        axes = tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        y = (x - mean) / np.sqrt(var + x.dtype.type(a.eps))
        shape = P.channel_shape(x.shape[1], x.ndim - 2)
        if "weight" in w:
            y = y * P.param(w["weight"], x.dtype).reshape(shape) + P.param(w["bias"], x.dtype).reshape(shape)
        return y


register_ranks(InstanceNorm, {n: (f"instance_norm{n}d", f"InstanceNorm{n}d", f"instancenorm{n}d") for n in (1, 2, 3)},
               family=("instance_norm", "InstanceNormalization"))


@register
class LocalResponseNorm(Op):
    name = "local_response_norm"
    aliases = ("lrn", "LocalResponseNorm", "LRN")
    summary = "local response normalisation across channels (AlexNet)"
    args = (
        Arg("size", t.positive_int, 5, aliases=("depth_radius",)),
        Arg("alpha", t.number, 1e-4),
        Arg("beta", t.number, 0.75),
        Arg("k", t.number, 2.0, aliases=("bias",)),
    )

    def torch(self, a, ins, out):
        return TorchCode(f"nn.LocalResponseNorm({a.size}, alpha={a.alpha!r}, beta={a.beta!r}, k={a.k!r})")

    def keras(self, a, ins, out):
        return KerasCode(f"LocalResponseNorm({a.size}, alpha={a.alpha!r}, beta={a.beta!r}, k={a.k!r}, "
                         "name={name})({0})", helpers=(KERAS_LRN,))

    def accepts(self, shape):
        return len(shape) >= 2

    def expected_input(self):
        return T("C×L, C×H×W or C×D×H×W")

    def infer(self, a, ins, ctx):
        return ins[0]

    def forward(self, a, xs, w):
        import numpy as np

        x = xs[0]
        n, c = a.size, x.shape[1]
        pad = [(0, 0)] * x.ndim
        pad[1] = (n // 2, (n - 1) // 2)
        sq = np.pad(x * x, pad)
        acc = sq[:, 0:c].copy()
        for i in range(1, n):
            acc += sq[:, i:i + c]
        acc /= x.dtype.type(n)
        return x / (acc * x.dtype.type(a.alpha) + x.dtype.type(a.k)) ** x.dtype.type(a.beta)
