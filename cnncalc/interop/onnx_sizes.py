"""The sizes of one ONNX node's outputs from its inputs', where the model's shape inference stopped short.

onnx.shape_inference runs once over the whole model, and a single node it cannot follow leaves everything
after it unsized: torch.onnx writes Transpose perms such as [0, -1, 1, 2] (ConvNeXt's movedim), and computes
sizes with Mod (unflatten's dim wrap), which its data propagation does not evaluate. The reader knows those
values (it folds them), so it asks ONNX's own rule for the node with them (infer_node_outputs). A size is
used only to read the graph (a crop's ends, a channel shuffle's groups); cnncalc computes every layer's shape
again from its op.
"""

from __future__ import annotations


def infer(onnx, node, arrays: dict, size_of, opset: int) -> dict:
    """{output: dims} for the outputs ONNX's rule for this node sizes fully; {} when it cannot."""
    from onnx import numpy_helper

    types, data = {}, {}
    for name in node.input:
        if not name:
            continue
        if name in arrays:
            arr = arrays[name]
            data[name] = numpy_helper.from_array(arr, name)
            types[name] = onnx.helper.make_tensor_type_proto(onnx.helper.np_dtype_to_tensor_dtype(arr.dtype),
                                                             arr.shape)
        elif size_of(name):
            types[name] = onnx.helper.make_tensor_type_proto(onnx.TensorProto.FLOAT, size_of(name))
        else:
            return {}
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, node.domain)
        outs = onnx.shape_inference.infer_node_outputs(schema, _normalised(onnx, node), types, data)
    except Exception:  # no rule for the op, or one that cannot follow these inputs: the sizes stay unknown
        return {}
    sized = {}
    for name, t in outs.items():
        dims = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.tensor_type.shape.dim)
        if dims and None not in dims:
            sized[name] = dims
    return sized


def _normalised(onnx, node):
    """A Transpose with its perm in 0 … rank − 1, as ONNX's rule wants it (torch.onnx writes −1)."""
    perm = [list(a.ints) for a in node.attribute if a.name == "perm"] if node.op_type == "Transpose" else []
    if not perm or all(p >= 0 for p in perm[0]):
        return node
    rank = len(perm[0])
    return onnx.helper.make_node("Transpose", list(node.input), list(node.output), name=node.name,
                                 perm=[p % rank for p in perm[0]])
