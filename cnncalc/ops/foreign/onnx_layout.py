"""ONNX nodes around a transposed activation: Transpose itself, and what reads a channels-last tensor.

PyTorch code that normalises or projects the channels of a feature map moves them last (ConvNeXt's
x.permute(0, 2, 3, 1), then nn.LayerNorm and nn.Linear over the last axis) and torch.onnx writes Transpose
nodes around them. The reader keeps, for each activation, its axes as channels-first ones (Value.perm):
a Transpose only changes that; LayerNormalization and MatMul over the last axis of a channels-last tensor
are cnncalc's channel-wise layer_norm and pointwise_linear; an elementwise layer keeps the layout; any
other layer needs channels first and refuses a transposed input, naming the axes.
"""

from __future__ import annotations

from ...i18n import T
from ..registry import find_op
from .onnx_common import Unsupported, _eps

def channels_last(perm, rank: int) -> bool:
    return perm is not None and list(perm) == [0, *range(2, rank), 1]


def transpose(attrs, ins):
    """The new axes of a transposed activation (None when it is channels first again)."""
    rank = len(attrs["perm"])
    before = list(ins[0].perm or range(rank))
    after = tuple(before[int(p) % rank] for p in attrs["perm"])
    return "layout", None, {"perm": None if list(after) == list(range(rank)) else after}


def layer_norm(attrs, ins, dims=None):
    rank = len(dims) if dims else None
    axis = int(attrs.get("axis", -1))
    over_last = rank is not None and axis % rank == rank - 1
    if not over_last or not (channels_last(ins[0].perm, rank) or (rank == 2 and ins[0].perm is None)):
        raise Unsupported(T("a LayerNormalization from axis {axis} of this tensor is not supported", axis=axis),
                          T("cnncalc's layer_norm normalises the channels at every position (or a vector)"))
    affine = len(ins) > 1 and ins[1] is not None
    return "layer", "layer_norm", {"eps": _eps(attrs), "elementwise_affine": affine,
                                   "bias": affine and len(ins) > 2 and ins[2] is not None}


def matmul(attrs, ins, dims=None):
    """An activation times a 2-D weight: a linear layer, over the features or a channels-last map's channels."""
    b = ins[1].shape
    if ins[0].kind != "act" or ins[1].kind != "const" or not b or len(b) != 2:
        raise Unsupported(T("only an activation times a 2-D weight is supported"),
                          T("export the layer as torch.nn.Linear"))
    rank = len(dims) if dims else 2
    if rank == 2 and ins[0].perm is None:
        return "layer", "linear", {"out_features": int(b[1]), "bias": False}
    if channels_last(ins[0].perm, rank):
        return "layer", "pointwise_linear", {"out_features": int(b[1]), "bias": False}
    raise Unsupported(T("a MatMul over an axis other than the features or the channels is not supported"),
                      T("move the channels last (x.permute(0, 2, 3, 1)) before nn.Linear"))


def check(op: str, ins) -> None:
    """A layer reading transposed activations: elementwise ones keep the layout; others are refused."""
    perms = {v.perm for v in ins if v is not None and v.kind == "act"}
    if perms == {None} or not perms:
        return
    if find_op(op).layout_free and len(perms) == 1:  # an elementwise layer keeps the layout (Op.layout_free)
        return
    if op in ("layer_norm", "pointwise_linear"):
        return
    shown = ["channels first" if p is None else ", ".join(map(str, p)) for p in perms]
    raise Unsupported(T("its input is transposed (axes {perm}); cnncalc's {op} reads channels first",
                        perm="; ".join(sorted(shown)), op=op),
                      T("transpose back to channels first (x.permute(0, 3, 1, 2)) before this layer"))
