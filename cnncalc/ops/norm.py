"""Normalisation layers.

batchnorm2d: γ and β per channel are trainable (2·C); the running mean and variance
are buffers (2·C non-trainable), as Keras reports them. torchvision's `num_params`
counts only the 2·C trainable ones. No MACs under the conv/linear convention.
local_response_norm (Krizhevsky et al. 2012, §3.3): no parameters; AlexNet uses
size 5, alpha 1e-4, beta 0.75, k 2.
"""

from __future__ import annotations

from . import argtypes as t
from .base import Arg, Op, OpError, Worked, register, shape_text


@register
class BatchNorm2d(Op):
    name = "batchnorm2d"
    aliases = ("BatchNorm2d", "BatchNormalization", "batch_norm", "bn")
    summary = "batch normalisation over channels (inference uses running statistics)"
    args = (
        Arg("eps", t.positive_number, 1e-5, aliases=("epsilon",)),
        Arg("momentum", t.probability, 0.1),
        Arg("affine", t.boolean, True, aliases=("scale",)),
        Arg("num_features", t.optional_positive_int, None),
    )

    def infer(self, a, ins, ctx):
        c = ins[0][0]
        if a.num_features is not None and a.num_features != c:
            raise OpError("E203", f"num_features is {a.num_features} but the input has {c} channels",
                          f"set num_features: {c}, or remove it (it is inferred)", arg="num_features")
        return ins[0]

    def weights(self, a, ins, out):
        c = ins[0][0]
        w = {"weight": ((c,), True), "bias": ((c,), True)} if a.affine else {}
        w.update(running_mean=((c,), False), running_var=((c,), False))
        return w

    def explain(self, a, ins, out):
        c = ins[0][0]
        t, n = self.params(a, ins, out)
        trainable = f"2·{c} trainable (γ, β)" if a.affine else "0 trainable (affine: false)"
        return Worked((f"output = input = {shape_text(out)}",),
                      f"params = {trainable} + 2·{c} non-trainable (running mean, variance) = {t + n:,}",
                      "MACs = 0 (only conv and linear multiply-accumulates are counted)")

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.batch_norm(xs[0], w.get("weight"), w.get("bias"), w["running_mean"], w["running_var"], a.eps)


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

    def infer(self, a, ins, ctx):
        return ins[0]

    def forward(self, a, xs, w):
        from ..backend import kernels as k

        return k.local_response_norm(xs[0], a.size, a.alpha, a.beta, a.k)
