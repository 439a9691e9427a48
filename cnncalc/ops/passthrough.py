"""Ops that pass their input through at inference: dropout (every framework's spelling), stochastic depth
(a residual branch dropped whole in training), identity. Any rank; the Elementwise rule of activations.py
(shape kept, 0 MACs, receptive field unchanged), but not activations: a Keras `activation:` never names them.
"""

from __future__ import annotations

from . import argtypes as t
from .activations import Elementwise
from .base import Arg, TorchCode
from .kerascode import KerasCode
from .registry import register


class _Identity(Elementwise):
    """Identity at inference."""

    activation = False

    def torch(self, a, ins, out):
        return TorchCode('nn.Identity()')

    def keras(self, a, ins, out):
        return KerasCode('layers.Identity(name={name})({0})')

    def forward(self, a, xs, w):
        return xs[0]


@register
class Dropout(_Identity):
    name = "dropout"
    aliases = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "SpatialDropout1D", "SpatialDropout2D",
               "SpatialDropout3D", "AlphaDropout", "FeatureAlphaDropout", "GaussianDropout")
    summary = "identity at inference (p = drop probability)"
    args = (Arg("p", t.probability, 0.5, aliases=("rate",)),)

    def torch(self, a, ins, out):
        return TorchCode(f"nn.Dropout({a.p!r})")

    def keras(self, a, ins, out):
        return KerasCode(f'layers.Dropout({a.p!r}, name={{name}})({{0}})')


@register
class StochasticDepth(_Identity):
    name = "stochastic_depth"
    aliases = ("StochasticDepth", "DropPath", "drop_path")
    summary = "identity at inference: drops whole residual branches in training (Huang et al. 2016)"
    args = (Arg("p", t.probability, 0.0, aliases=("drop_prob", "rate")), Arg("mode", t.choice("row", "batch"), "row"))

    def torch(self, a, ins, out):
        return TorchCode("nn.Identity()")  # the identity at inference, as cnncalc computes it

    def keras(self, a, ins, out):
        return KerasCode('layers.Identity(name={name})({0})')  # the identity at inference


@register
class Identity(_Identity):
    name = "identity"
    aliases = ("Identity",)
    summary = "passes its input through"
