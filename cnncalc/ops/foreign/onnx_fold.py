"""The constant subgraphs of an ONNX export, evaluated: the sizes torch.onnx computes with
Shape/Gather/Unsqueeze/Concat/arithmetic (a Reshape's target, the ends of a chunk's Slices).

Only small integer vectors are computed; `fold` answers None when it cannot, and the node's
consumer then decides (an unknown Reshape target or Slice end is refused there, with E007).
"""

from __future__ import annotations

import numpy as np

LIMIT = 4096  # the most values a folded constant may hold


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
    if op == "Mod":  # torch.onnx's dim wrapping ((d + 1) % rank); fmod=0 is Python's sign rule
        return np.fmod(ins[0], ins[1]) if int(attrs.get("fmod", 0)) else np.mod(ins[0], ins[1])
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
    if op == "Equal":
        return np.equal(ins[0], ins[1])
    if op == "Where":
        return np.where(ins[0], ins[1], ins[2])
    if op == "Expand":  # torch.onnx's broadcast of an index list (LeNet-5's C3 connections)
        shape = np.broadcast_shapes(ins[0].shape, tuple(int(d) for d in ins[1]))
        return np.broadcast_to(ins[0], shape).copy() if int(np.prod(shape)) <= LIMIT else None
    return None


def const_shape(op_type: str, attrs: dict, shapes: list) -> tuple | None:
    """The shape of a constant too large to evaluate that a node only transposes or casts (nn.Linear's
    weight as torch.onnx writes x @ Wᵀ), or None."""
    if not shapes or shapes[0] is None:
        return None
    if op_type in ("Identity", "Cast"):
        return tuple(shapes[0])
    if op_type == "Transpose":
        perm = attrs.get("perm") or list(range(len(shapes[0])))[::-1]
        return tuple(shapes[0][int(p)] for p in perm)
    return None


SIZE_OPS = {"Shape", "Size"}  # their output is a size, folded even though their input is a layer's
