"""Memory figures derived from an Analysis (pure; README "Memory").

    parameter memory      = total params × bytes(dtype)           (trainable + buffers)
    forward activations   = Σ over layers of output elements × batch × bytes(dtype)
                            i.e. every layer output held once, as in a forward pass that
                            keeps them for backward (torchinfo's "forward pass size");
                            the input itself is reported separately.
"""

from __future__ import annotations

from dataclasses import dataclass

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}


def numel(shape: tuple) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


@dataclass(frozen=True)
class Memory:
    dtype: str
    batch: int
    param_bytes: int
    input_bytes: int
    activation_bytes: int
    layer_bytes: tuple  # per layer, same order as Analysis.layers


def memory(analysis, batch: int = 1, dtype: str = "float32") -> Memory:
    size = DTYPE_BYTES[dtype]
    per_layer = tuple(numel(r.output_shape) * batch * size for r in analysis.layers)
    return Memory(dtype, batch, analysis.totals.params * size, numel(analysis.input_shape) * batch * size,
                  sum(per_layer), per_layer)
