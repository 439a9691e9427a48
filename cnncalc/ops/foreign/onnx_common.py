"""What the ONNX rules share: the reader's view of a node input, the refusal, and small helpers."""

from __future__ import annotations

from typing import NamedTuple

from ...i18n import T
from . import decimal


class Value(NamedTuple):
    """What the reader knows of a node input: kind 'act' (an activation), 'const' or 'derived'."""

    kind: str
    shape: tuple | None = None
    value: tuple | None = None  # flat values of a small constant
    length: int | None = None  # of a derived 1-D shape vector, when known
    perm: tuple | None = None  # an activation's axes as channels-first ones (0, 2, 3, 1: N×H×W×C); None: N×C×…
    param: bool = False  # a constant that is a model's weight (an initializer), not a number in the graph


class Unsupported(Exception):
    def __init__(self, why: str, hint: str):
        super().__init__(why)
        self.why, self.hint = why, hint


def _one(values):
    """[3, 3] -> 3 (as a spec writes it); [3, 5] -> [3, 5]."""
    values = [int(v) for v in values]
    return values[0] if len(set(values)) == 1 else values


def _need_const(value: Value, what: str) -> tuple:
    if value.kind != "const" or value.value is None:
        raise Unsupported(T("{what} is not a constant", what=what),
                          T("export with constant {what} (a fixed input size)", what=what))
    return value.value


def _eps(attrs, default=1e-5):
    return decimal(attrs.get("epsilon", default))


def lrn_args(size, alpha, beta, k) -> dict:
    """local_response_norm's arguments, from an ONNX LRN node or the subgraph torch.onnx writes for one."""
    return {"size": int(size), "alpha": decimal(alpha), "beta": decimal(beta), "k": decimal(k)}
