"""The op registry. Importing this package registers every op exactly once."""

from . import conv, elementwise, lenet, linear, merge, norm, pool, resize  # noqa: F401  (registration)
from .base import REGISTRY, Args, Op, OpError, Window, all_spellings, find_op

__all__ = ["REGISTRY", "Args", "Op", "OpError", "Window", "all_spellings", "find_op"]
