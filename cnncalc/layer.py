"""A bound layer: one op with its arguments, input shapes and output shape, together.

This is what the analysis returns and what every consumer talks to: the renderers,
explain, compare, grading, memory, the symbolic sizes and the NumPy runner. It holds
the counts the analysis computed and asks its op for everything else, so no module
outside cnncalc/ops reads an op's arguments or knows an op by name. Immutable (a named
tuple: a network of 10,000 layers builds 10,000 of them, and a frozen dataclass costs
twice as much to construct); it never prints.
"""

from __future__ import annotations

from typing import NamedTuple

from .i18n import T
from .ops.base import Args, Op, Weight, Worked, numel


class Layer(NamedTuple):
    name: str
    op: Op
    args: Args  # bound: one value per spatial dimension, 'same' resolved
    inputs: tuple  # names of the layers (or `input`) it reads
    input_shapes: tuple
    output_shape: tuple
    trainable: int
    non_trainable: int
    macs: int
    window: object  # ops.window.Window | None: the kernel/stride/padding column
    node: object  # graph.Node: file position, block scope, published figures
    rf: object = None  # receptive_field.RF | None (None once space is gone, after a flatten)

    @property
    def type(self) -> str:
        return self.op.name

    @property
    def params(self) -> int:
        return self.trainable + self.non_trainable

    @property
    def scope(self) -> tuple:
        return self.node.scope

    @property
    def pos(self):
        return self.node.pos

    def _ins(self) -> list:
        return list(self.input_shapes)

    def weights(self) -> dict:
        """name -> Weight: the arrays this layer owns, in PyTorch's layout and state_dict names."""
        return self.op.weights(self.args, self._ins(), self.output_shape)

    def torch_code(self):
        """ops.base.TorchCode: how `cnncalc export --to pytorch` writes this layer."""
        return self.op.torch(self.args, self._ins(), self.output_shape)

    def keras_code(self):
        """ops.kerascode.KerasCode: how `cnncalc export --to keras` writes this layer."""
        return self.op.keras(self.args, self._ins(), self.output_shape)

    def worked(self) -> Worked:
        """The layer's formulas with its numbers substituted (ops.base.Formula)."""
        return self.op.worked(self.args, self._ins(), self.output_shape)

    def rf_step(self):
        """The window its receptive-field step uses (None: pixel to pixel)."""
        return self.op.rf_window(self.args, self._ins())

    def forward(self, xs: list, weights: dict):
        """NumPy forward pass of batched arrays."""
        return self.op.forward(self.args, xs, weights)

    def weights_only(self) -> int:
        """Trainable weights without the additive terms (biases, β): how Szegedy et al. count."""
        return sum(numel(w.shape) for w in self.weights().values() if w.trainable and not w.bias)

    def variants(self) -> dict:
        """label -> (params, MACs) of the other readings of this layer that papers use."""
        ins, out = self._ins(), self.output_shape
        return {label: (sum(self.op.params(a, ins, out)), self.op.macs(a, ins, out))
                for label, a in self.op.variants(self.args).items()}

    def counted_by(self, tool: str):
        """(count, params) of this layer as another tool (fvcore, thop, ...) reports them: ops/conventions.py."""
        from .ops.conventions import count

        return count(tool, self.op, self.args, self._ins(), self.output_shape, self.macs)

    def scratch(self) -> int:
        """Elements of the temporary arrays its forward pass allocates beyond its output (im2col columns)."""
        return self.op.scratch(self.args, self._ins(), self.output_shape)


def state_dict_key(layer: str, weight: str) -> str:
    """'conv1' + 'weight' -> 'conv1.weight'; a weight with no name is the layer's own parameter
    (torchvision's `features.1.0.layer_scale`)."""
    return f"{layer}.{weight}" if weight else layer


def describe_shape(shape: tuple) -> str:
    if len(shape) == 1:
        return T("a {n:,}-feature vector", n=shape[0])
    return T("a {shape} tensor", shape="×".join(map(str, shape)))


__all__ = ["Layer", "Weight", "describe_shape", "state_dict_key"]
