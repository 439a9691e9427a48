"""The constant subgraphs of an ONNX export, evaluated: the sizes torch.onnx computes with
Shape/Gather/Unsqueeze/Concat/arithmetic (a Reshape's target, the ends of a chunk's Slices).

Only small integer vectors are computed; `fold` answers None when it cannot, and the node's
consumer then decides (an unknown Reshape target or Slice end is refused there, with E007).
"""

from __future__ import annotations

import numpy as np


def fold(op_type: str, attrs: dict, ins: list, input_dims: tuple | None):
    """The output value (a NumPy array) of a constant node, or None. ins: arrays or None per input."""
    try:
        return _fold(op_type, attrs, ins, input_dims)
    except (ValueError, IndexError, TypeError):
        return None


def _fold(op, attrs, ins, dims):
    if op == "Shape":
        if dims and dims[0] is None:  # a dynamic batch is one image, as cnncalc counts
            dims = (1, *dims[1:])
        if dims is None or any(d is None for d in dims):
            return None
        return np.array(dims, dtype=np.int64)
    if any(v is None for v in ins):
        return None
    if op == "Gather":
        return np.take(ins[0], ins[1], axis=int(attrs.get("axis", 0)))
    if op == "Unsqueeze":
        axes = [int(a) for a in (ins[1] if len(ins) > 1 else attrs["axes"])]
        out = ins[0]
        for a in sorted(axes):
            out = np.expand_dims(out, a)
        return out
    if op == "Squeeze":
        return np.squeeze(ins[0], axis=tuple(int(a) for a in ins[1])) if len(ins) > 1 else np.squeeze(ins[0])
    if op == "Concat":
        return np.concatenate([np.atleast_1d(v) for v in ins], axis=int(attrs.get("axis", 0)))
    if op == "Cast":
        return ins[0]
    if op in ("Add", "Sub", "Mul"):
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op](ins[0], ins[1])
    if op == "Div":
        if np.issubdtype(ins[0].dtype, np.integer) and np.issubdtype(ins[1].dtype, np.integer):
            return ins[0] // ins[1]  # ONNX integer Div truncates; sizes are non-negative
        return ins[0] / ins[1]
    if op == "ConstantOfShape":
        fill = attrs.get("value")
        fill = np.asarray(fill).reshape(-1)[0] if fill is not None else np.float32(0)
        return np.full([int(d) for d in ins[0]], fill, dtype=np.asarray(fill).dtype) if ins[0].size <= 64 else None
    if op == "Reshape":
        return ins[0].reshape([int(d) if d != 0 else ins[0].shape[k] for k, d in enumerate(ins[1])])
    if op == "Transpose":
        return np.transpose(ins[0], attrs.get("perm"))
    if op == "Slice":
        starts, ends = ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 else range(len(starts))
        steps = ins[4] if len(ins) > 4 else [1] * len(starts)
        index = [slice(None)] * ins[0].ndim
        for a, b, e, st in zip(axes, starts, ends, steps):
            index[int(a)] = slice(int(b), int(e), int(st))
        return ins[0][tuple(index)]
    if op == "ReduceProd":
        return np.prod(ins[0], keepdims=False)
    return None


SIZE_OPS = {"Shape", "Size"}  # their output is a size, folded even though their input is a layer's


def shuffle_step(op_type: str, attrs: dict, target, stage: int):
    """The channel shuffle of torch.onnx (ShuffleNet): Reshape(N, g, C/g, H, W) -> Transpose(0, 2, 1, 3, 4)
    -> Reshape(N, C, H, W). stage 0: a Reshape that may start it (returns g or None); stage 1: the
    Transpose (returns True if it matches); stage 2: the final Reshape (returns True if it matches)."""
    if stage == 0:
        return int(target[1]) if op_type == "Reshape" and target is not None and len(target) == 5 else None
    if stage == 1:
        return op_type == "Transpose" and list(attrs.get("perm", [])) == [0, 2, 1, 3, 4]
    return op_type == "Reshape" and target is not None and len(target) == 4


def shuffle_layer(groups: int):
    return "channel_shuffle", {"groups": groups}
