"""Memory figures derived from an Analysis (pure; README "Memory").

    parameter memory     = total params × bytes(dtype)             (trainable + buffers)
    forward activations  = Σ over layers of output elements × batch × bytes(dtype):
                           every layer output held once, as a forward pass that keeps them
                           for backward does (torchinfo's "forward pass size")
    input                = input elements × batch × bytes(dtype)
    training estimate    = parameters + gradients (trainable × bytes)
                           + optimizer state (trainable × bytes × 0 for SGD, 1 for SGD with
                             momentum, 2 for Adam: exp_avg and exp_avg_sq)
                           + forward activations + input
                           i.e. what one training step holds at its peak, before the
                           framework's own workspace and allocator slack
                           (benchmarks/bench_memory.py measures PyTorch against it).
"""

from __future__ import annotations

from typing import NamedTuple


from .ops.base import numel

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}
OPTIMIZER_STATES = {"sgd": 0, "momentum": 1, "adam": 2}




class Memory(NamedTuple):
    dtype: str
    batch: int
    param_bytes: int
    input_bytes: int
    activation_bytes: int
    layer_bytes: tuple  # per layer, same order as Analysis.layers
    optimizer: str = "adam"
    gradient_bytes: int = 0
    optimizer_bytes: int = 0

    @property
    def training_bytes(self) -> int:
        return (self.param_bytes + self.gradient_bytes + self.optimizer_bytes + self.activation_bytes
                + self.input_bytes)

    def as_dict(self) -> dict:
        return {"dtype": self.dtype, "batch": self.batch, "optimizer": self.optimizer,
                "parameter_bytes": self.param_bytes, "input_bytes": self.input_bytes,
                "activation_bytes": self.activation_bytes, "gradient_bytes": self.gradient_bytes,
                "optimizer_bytes": self.optimizer_bytes, "training_bytes": self.training_bytes}


def memory(analysis, batch: int = 1, dtype: str = "float32", optimizer: str = "adam") -> Memory:
    size = DTYPE_BYTES[dtype]
    per_layer = tuple(numel(r.output_shape) * batch * size for r in analysis.layers)
    trainable = analysis.totals.trainable_params * size
    return Memory(dtype, batch, analysis.totals.params * size, numel(analysis.input_shape) * batch * size,
                  sum(per_layer), per_layer, optimizer, trainable, trainable * OPTIMIZER_STATES[optimizer])
