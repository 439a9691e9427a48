"""Read an ONNX model as an Imported model (cnncalc import model.onnx, cnncalc summarize model.onnx).

The `onnx` package is optional (pip install 'cnncalc[onnx]') and is imported inside `read`.
Budgets are charged before parsing: the file size (MAX_BYTES: protobuf itself refuses
messages over 2 GiB, so a larger file is no ONNX model cnncalc could read in one piece) and
the node count (graph.DEFAULT_MAX_LAYERS, as a spec's layers). Nodes are walked in order;
each is translated by cnncalc/ops/foreign/onnx.py, which answers a layer, an alias
(Dropout, Identity) or a fold (the constant subgraphs that compute a Reshape's shape).
An unsupported node is E007 naming it, its op_type and its index: none is dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Option, fail
from ..graph import DEFAULT_MAX_LAYERS
from ..i18n import T
from ..ops.foreign import onnx as table
from ..ops.foreign import onnx_fold
from .model import Imported, ImportedLayer, unique_name

MAX_BYTES = 2 * 1024 ** 3  # protobuf's own limit for one message
SMALL = 64  # constants up to this many values are read (shapes, pads, scales, clip bounds)


def _load(path: Path, shown: str):
    try:
        import onnx
    except ImportError:
        raise fail("E009", T("reading {file} needs the onnx package", file=shown), Option(shown),
                   T("pip install 'cnncalc[onnx]'")) from None
    try:
        size = path.stat().st_size
    except OSError as e:
        raise fail("E008", T("cannot read {file}: {why}", file=shown, why=e.strerror or str(e)),
                   Option(shown)) from None
    if size > MAX_BYTES:
        raise fail("E008", T("{file} is {size} bytes, more than the {limit} an ONNX file can hold", file=shown,
                             size=size, limit=MAX_BYTES), Option(shown))
    try:
        model = onnx.load_model(str(path), load_external_data=False)
    except Exception as e:  # protobuf's DecodeError and friends: the file is not an ONNX model
        raise fail("E008", T("{file} is not an ONNX model ({why})", file=shown, why=type(e).__name__),
                   Option(shown), T("export it with torch.onnx.export, or check the file is complete")) from None
    if not model.graph.node:
        raise fail("E008", T("{file} is not an ONNX model (it has no graph nodes)", file=shown), Option(shown),
                   T("export it with torch.onnx.export, or check the file is complete"))
    return onnx, model


def _dims(value_info) -> tuple | None:
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    return tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)


def _attrs(onnx, node) -> dict:
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, onnx.TensorProto):  # ConstantOfShape's fill value
            v = onnx.numpy_helper.to_array(v) if a.t.ByteSize() <= 1024 else None
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _module_path(scope: list[str]) -> str:
    """torch.onnx scopes ['layer1', 'layer1.0', 'conv1'] -> 'layer1.0.conv1' (a state_dict prefix)."""
    path = ""
    for part in scope:
        path = part if (not path or part.startswith(path + ".")) else f"{path}.{part}"
    return path


def _sanitise(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "_", name).strip("_.") or "node"


def read(path: Path, shown: str) -> Imported:
    onnx, model = _load(path, shown)
    graph = model.graph
    if len(graph.node) > DEFAULT_MAX_LAYERS:
        raise fail("E008", T("{file} has {n} nodes, more than the {limit} cnncalc reads", file=shown,
                             n=len(graph.node), limit=DEFAULT_MAX_LAYERS), Option(shown))
    from onnx import numpy_helper

    values: dict[str, table.Value] = {}
    arrays: dict = {}  # name -> NumPy array of a small constant (folded sizes)
    for init in graph.initializer:
        shape = tuple(int(d) for d in init.dims)
        n = 1
        for d in shape:
            n *= d
        small = None
        if n <= SMALL:
            arrays[init.name] = numpy_helper.to_array(init)
            small = tuple(arrays[init.name].reshape(-1).tolist())
        values[init.name] = table.Value("const", shape, small)
    inputs = [i for i in graph.input if i.name not in values]
    if len(inputs) != 1:
        raise fail("E007", T("{file} has {n} graph inputs; cnncalc reads a model with one", file=shown,
                             n=len(inputs)), Option(shown), T("export the model with a single input tensor"))
    dims = _dims(inputs[0])
    if not dims or len(dims) < 2 or any(d is None for d in dims[1:]):
        raise fail("E007", T("the input of {file} has no fixed size (only the batch may be dynamic)", file=shown),
                   Option(shown), T("export with a fixed input size, e.g. torch.zeros(1, 3, 224, 224)"))
    produced = {inputs[0].name: "input"}  # activation value -> the layer that produces it
    values[inputs[0].name] = table.Value("act", dims)
    known = {inputs[0].name: dims}  # value -> dims, from shape inference (Shape nodes, Softmax's rank)
    inputs[0].type.tensor_type.shape.dim[0].dim_value = 1  # a dynamic batch: infer the sizes of one image
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True).graph.value_info
        known.update({v.name: _dims(v) for v in inferred})
    except Exception:  # ranks only refine Softmax; a model shape inference cannot follow is still read
        pass

    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1
    scopes = [[p for p in node.name.split("/") if p][:-1] if node.name.startswith("/") else [] for node in graph.node]
    paths = [_module_path(s) for s in scopes]

    layers: list[ImportedLayer] = []
    pending: dict = {}  # value -> (groups, source value, first node, next step) of a channel shuffle under way
    used: set[str] = set()
    skip_next: set[int] = set()
    for i, node in enumerate(graph.node):
        if i in skip_next:
            continue
        place = Option(f"{shown}:node {i}")
        label = node.name or node.op_type
        ins = [values.get(name, table.Value("derived")) if name else None for name in node.input]
        attrs = _attrs(onnx, node)
        target = ins[1].value if len(ins) > 1 and ins[1] is not None else None
        stage = pending.get(node.input[0]) if node.input else None
        if stage is not None:  # the middle or end of a channel shuffle
            groups, source, start, step = stage
            if not onnx_fold.shuffle_step(node.op_type, attrs, target, step):
                j = start
                raise fail("E007", T("'{name}' (Reshape): only a Reshape that flattens, or a channel shuffle, "
                                     "is supported", name=graph.node[j].name), Option(f"{shown}:node {j}"),
                           T("use torch.flatten(x, 1) before the classifier"))
            if step == 1:
                pending[node.output[0]] = (groups, source, start, 2)
                continue
            op, args = onnx_fold.shuffle_layer(groups)
            name = unique_name(_sanitise(paths[start] or f"shuffle_{start}"), used)
            layers.append(ImportedLayer(name, op, args, (produced[source],),
                                        f"node {start}: {graph.node[start].name} (Reshape, Transpose, Reshape)"))
            produced[node.output[0]] = name
            values[node.output[0]] = table.Value("act")
            continue
        if node.input and node.input[0] in produced and onnx_fold.shuffle_step(node.op_type, attrs, target, 0):
            pending[node.output[0]] = (onnx_fold.shuffle_step(node.op_type, attrs, target, 0), node.input[0], i, 1)
            continue
        if node.op_type in onnx_fold.SIZE_OPS or (node.op_type in table.FOLDABLE and not any(
                v is not None and v.kind == "act" for v in ins)):
            arr = _constant(node, numpy_helper) if not node.input else onnx_fold.fold(
                node.op_type, attrs, [arrays.get(n) if n else None for n in node.input],
                arrays[node.input[0]].shape if node.input[0] in arrays else known.get(node.input[0]))
            if arr is not None and arr.size <= SMALL:
                for out in node.output:
                    arrays[out] = arr
                    values[out] = table.Value("const", tuple(arr.shape), tuple(arr.reshape(-1).tolist()))
                continue
        try:
            kind, op, args = table.translate(node.op_type, attrs, ins,
                                             outputs=len([o for o in node.output if o]),
                                             rank=len(known.get(node.input[0]) or ()) or None if node.input else None)
        except table.Unsupported as e:
            raise fail("E007", T("'{name}' ({op}): {why}", name=label, op=node.op_type, why=e.why),
                       place, e.hint) from None
        except (KeyError, IndexError, TypeError, ValueError):
            raise fail("E007", T("'{name}' ({op}) has attributes or inputs cnncalc cannot read",
                                 name=label, op=node.op_type), place,
                       T("export with opset 17 (torch.onnx.export(..., opset_version=17))")) from None
        if kind == "fold":
            length = None
            if node.op_type == "Unsqueeze":
                length = 1
            elif node.op_type == "Concat":
                parts = [v.length if v.value is None else len(v.value) for v in ins if v is not None]
                length = sum(parts) if all(p is not None for p in parts) else None
            for out in node.output:
                values[out] = table.Value("derived", length=length)
            continue
        acts = [name for name in node.input if name and values.get(name, table.Value("derived")).kind == "act"]
        if kind == "alias":
            if node.input[0] in produced:
                produced[node.output[0]] = produced[node.input[0]]
                values[node.output[0]] = values[node.input[0]]
            else:
                values[node.output[0]] = values.get(node.input[0], table.Value("derived"))
            continue
        origin_name, out_name = node.name or node.op_type, node.output[0]
        if node.op_type == "MatMul" and consumers.get(out_name) == 1 and i + 1 < len(graph.node):
            nxt = graph.node[i + 1]
            nxt_ins = [values.get(n, table.Value("act")) for n in nxt.input]
            if nxt.op_type == "Add" and out_name in nxt.input and table.merges_bias(args["out_features"], nxt_ins):
                args["bias"] = True
                out_name = nxt.output[0]
                skip_next.add(i + 1)
        weight = next((n for n in node.input[1:] if n.endswith(".weight") and n in values), None)
        name = weight[: -len(".weight")] if weight else _layer_name(node, paths[i], paths, i)
        name = unique_name(_sanitise(name), used)
        layers.append(ImportedLayer(name, op, args, tuple(produced[a] for a in acts),
                                    f"node {i}: {origin_name} ({node.op_type})"))
        produced[out_name] = name
        values[out_name] = table.Value("act")
    return Imported(name=_sanitise(path.stem), input_shape=tuple(int(d) for d in dims[1:]),
                    layers=tuple(layers), source=str(T("ONNX model {file} read by cnncalc import", file=path.name)))


def _constant(node, numpy_helper):
    """A Constant node's value (its `value` tensor), or None."""
    for a in node.attribute:
        if a.name == "value":
            return numpy_helper.to_array(a.t)
    return None


def _layer_name(node, path: str, paths: list[str], i: int) -> str:
    """The module path when the node is the only one of a leaf module; else path + the node's own part."""
    if not node.name.startswith("/"):
        return node.name or f"{node.op_type}_{i}"
    leaf = sum(p == path for p in paths) == 1 and not any(p.startswith(path + ".") for p in paths)
    last = node.name.rstrip("/").split("/")[-1]
    if path and leaf:
        return path
    return f"{path}.{last}" if path else last
