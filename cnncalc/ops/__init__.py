"""The op registry. Importing this package registers every op exactly once."""

from . import (  # noqa: F401  (registration, in the order `cnncalc ops` lists the ops)
    activations, activations_smooth, passthrough, adaptive, channels, conv, layernorm, lenet, linear, merge, norm,
    pool, resize, separable, upsample)
from .base import Args, Op, OpError
from .registry import FAMILIES, REGISTRY, all_spellings, find_arg, find_op

# The layer hints show when a spec lacks one (spec.py never names an op itself).
EXAMPLE_LAYER = "{type: conv2d, out_channels: 16, kernel_size: 3}"
# Keras' `activation:` values that mean "no activation layer".
NO_ACTIVATION = ("linear", "none")

__all__ = ["EXAMPLE_LAYER", "NO_ACTIVATION", "FAMILIES", "REGISTRY", "Args", "Op", "OpError", "all_spellings",
           "find_arg", "find_op"]
