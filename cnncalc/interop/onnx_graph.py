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
from ..ops.foreign import onnx_fold, onnx_patterns
from . import onnx_sizes
from .model import Imported, ImportedLayer, unique_name

MAX_BYTES = 2 * 1024 ** 3  # protobuf's own limit for one message
SMALL = 64  # initializers up to this many values are read (shapes, pads, scales, clip bounds)


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
    """torch.onnx scopes -> a state_dict prefix: ['layer1', 'layer1.0', 'conv1'] -> 'layer1.0.conv1'.

    A scope part is named within its parent's parent at times: ['stage2', 'stage2.0', 'branch1', 'branch1.4']
    is stage2.0.branch1.4, the part repeating the end of the path so far."""
    path = ""
    for part in scope:
        pieces = path.split(".") if path else []
        for k in range(len(pieces)):
            if part.startswith(".".join(pieces[k:]) + "."):
                path = ".".join([*pieces[:k], part])
                break
        else:
            path = f"{path}.{part}" if path else part
    return path


def _sanitise(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "_", name).strip("_.") or "node"


def read(path: Path, shown: str) -> Imported:
    onnx, model = _load(path, shown)
    if len(model.graph.node) > DEFAULT_MAX_LAYERS:
        raise fail("E008", T("{file} has {n} nodes, more than the {limit} cnncalc reads", file=shown,
                             n=len(model.graph.node), limit=DEFAULT_MAX_LAYERS), Option(shown))
    reader = _Reader(onnx, model, shown)
    for i in range(len(reader.nodes)):
        reader.step(i)
    return Imported(name=_sanitise(path.stem), input_shape=reader.input_shape, layers=tuple(reader.layers),
                    source=str(T("ONNX model {file} read by cnncalc import", file=path.name)))


class _Reader:
    """The walk over the nodes: what each value is (an activation and its layout, or a constant), and the
    layers so far. A node is skipped when a subgraph rule (onnx_patterns) already covered it, folded when it
    only computes constants, else translated by the op table into one layer."""

    def __init__(self, onnx, model, shown: str):
        from onnx import numpy_helper

        self.onnx, self.numpy_helper, self.shown = onnx, numpy_helper, shown
        graph = model.graph
        self.nodes = list(graph.node)
        self.values: dict[str, table.Value] = {}
        self.arrays: dict = {}  # name -> NumPy array of a constant the reader evaluated (sizes, small weights)
        for init in graph.initializer:
            shape = tuple(int(d) for d in init.dims)
            small = None
            if _numel(shape) <= SMALL:
                self.arrays[init.name] = numpy_helper.to_array(init)
                small = tuple(self.arrays[init.name].reshape(-1).tolist())
            self.values[init.name] = table.Value("const", shape, small, param=True)
        initializers = {init.name for init in graph.initializer}
        self.containers = {".".join(name.split(".")[:k]) for name in initializers  # modules holding weights
                           for k in range(1, name.count(".") + 1)}
        inputs = [i for i in graph.input if i.name not in self.values]
        if len(inputs) != 1:
            raise fail("E007", T("{file} has {n} graph inputs; cnncalc reads a model with one", file=shown,
                                 n=len(inputs)), Option(shown), T("export the model with a single input tensor"))
        dims = _dims(inputs[0])
        if not dims or len(dims) < 2 or any(d is None for d in dims[1:]):
            raise fail("E007", T("the input of {file} has no fixed size (only the batch may be dynamic)",
                                 file=shown), Option(shown),
                       T("export with a fixed input size, e.g. torch.zeros(1, 3, 224, 224)"))
        self.input_shape = tuple(int(d) for d in dims[1:])
        self.produced = {inputs[0].name: "input"}  # activation value -> the layer that produces it
        self.values[inputs[0].name] = table.Value("act", dims)
        self.known = {inputs[0].name: dims}  # value -> dims, from shape inference (Shape nodes, ranks)
        inputs[0].type.tensor_type.shape.dim[0].dim_value = 1  # a dynamic batch: infer the sizes of one image
        try:
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True).graph.value_info
            self.known.update({v.name: _dims(v) for v in inferred})
        except Exception:  # sizes only refine ranks and patterns; a model inference cannot follow is still read
            pass
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 17)
        self.known = {k: v for k, v in self.known.items() if v}
        self.view = onnx_patterns.View(self.nodes, self._const, lambda v: v in self.produced, self._size,
                                       initializers)
        scopes = [[p for p in n.name.split("/") if p][:-1] if n.name.startswith("/") else [] for n in self.nodes]
        self.paths = [_module_path(s) for s in scopes]
        self.layers: list[ImportedLayer] = []
        self.used: set[str] = set()
        self.skip: set[int] = set()

    def _const(self, name: str):
        if name in self.arrays:
            return self.arrays[name]
        j = self.view.producer.get(name)
        if j is not None and self.nodes[j].op_type == "Constant":
            return _constant(self.nodes[j], self.numpy_helper)
        return None

    def _size(self, name: str):
        value = self.values.get(name)
        if value is not None and value.kind == "const":
            return value.shape
        return self.known.get(name)

    def step(self, i: int) -> None:
        node = self.nodes[i]
        self._read(i, node)
        if any(o and (not self.known.get(o) or None in self.known[o]) for o in node.output):
            self.known.update(onnx_sizes.infer(self.onnx, node, self.arrays, self._size, self.opset))

    def _read(self, i: int, node) -> None:
        if i in self.skip:
            return
        ins = [self.values.get(name, table.Value("derived")) if name else None for name in node.input]
        attrs = _attrs(self.onnx, node)
        if self._fold(node, ins, attrs):
            return
        found = onnx_patterns.match(self.view, i)
        if found is not None:
            self._subgraph(i, found)
            return
        place = Option(f"{self.shown}:node {i}")
        try:
            kind, op, args = table.translate(node.op_type, attrs, ins, outputs=len([o for o in node.output if o]),
                                             dims=self._size(node.input[0]) if node.input else None)
        except table.Unsupported as e:
            raise fail("E007", T("'{name}' ({op}): {why}", name=node.name or node.op_type, op=node.op_type,
                                 why=e.why), place, e.hint) from None
        except (KeyError, IndexError, TypeError, ValueError):
            raise fail("E007", T("'{name}' ({op}) has attributes or inputs cnncalc cannot read",
                                 name=node.name or node.op_type, op=node.op_type), place,
                       T("export with opset 17 (torch.onnx.export(..., opset_version=17))")) from None
        if kind == "fold":
            self._derived(node, ins)
        elif kind in ("alias", "layout"):
            source = node.input[0]
            if source in self.produced:
                self.produced[node.output[0]] = self.produced[source]
                value = self.values[source]
                self.values[node.output[0]] = value._replace(perm=args["perm"]) if kind == "layout" else value
            else:
                self.values[node.output[0]] = self.values.get(source, table.Value("derived"))
        elif kind == "layers":  # one layer per output (a Split)
            for k, (piece, piece_args) in enumerate(args["each"]):
                self._add(_layer_name(node, self.paths[i], self.paths, i) + f"_{k}", piece, piece_args,
                          [node.input[0]], node.output[k], self.values[node.input[0]].perm,
                          f"node {i}: {node.name or node.op_type} ({node.op_type}, output {k})")
        else:
            self._layer(i, node, ins, op, args)

    def _fold(self, node, ins, attrs) -> bool:
        """Evaluate a node that computes constants only (a Reshape's target, a Slice's ends, an index table)."""
        if not (node.op_type in onnx_fold.SIZE_OPS or (node.op_type in table.FOLDABLE and not any(
                v is not None and v.kind == "act" for v in ins))):
            return False
        if not node.input:
            arr = _constant(node, self.numpy_helper)
        else:
            first = node.input[0]
            arr = onnx_fold.fold(node.op_type, attrs, [self.arrays.get(n) if n else None for n in node.input],
                                 self.arrays[first].shape if first in self.arrays else self.known.get(first))
        if arr is not None and arr.size <= onnx_fold.LIMIT:
            for out in node.output:
                self.arrays[out] = arr
                self.values[out] = table.Value("const", tuple(arr.shape), tuple(arr.reshape(-1).tolist()))
            return True
        shape = onnx_fold.const_shape(node.op_type, attrs, [v.shape if v is not None else None for v in ins])
        if shape is not None:  # a weight too large to evaluate, transposed or cast: its shape is what counts
            self.values[node.output[0]] = table.Value("const", shape, param=ins[0].param)
            return True
        return False

    def _derived(self, node, ins) -> None:
        length = None
        if node.op_type == "Unsqueeze":
            length = 1
        elif node.op_type == "Concat":
            parts = [v.length if v.value is None else len(v.value) for v in ins if v is not None]
            length = sum(parts) if all(p is not None for p in parts) else None
        for out in node.output:
            self.values[out] = table.Value("derived", length=length)

    def _subgraph(self, i: int, found) -> None:
        perm = self.values[found.source].perm
        try:
            table.check_layout(found.op, [self.values[found.source]])
        except table.Unsupported as e:
            raise fail("E007", T("'{name}' ({op}): {why}", name=self.nodes[i].name or self.nodes[i].op_type,
                                 op=self.nodes[i].op_type, why=e.why), Option(f"{self.shown}:node {i}"),
                       e.hint) from None
        self.skip |= found.nodes
        path = self.paths[i]
        if found.weight:
            name = _weight_name(found.weight)
        elif path and path not in self.containers:  # a module of its own (nn.LocalResponseNorm, nn.GELU)
            name = path
        else:  # code in a module's forward (ShuffleNet's shuffle): the module path and the node's name
            name = _layer_name(self.nodes[i], path, self.paths, i)
        self._add(name, found.op, found.args, (found.source,), found.output, perm,
                  f"node {i}: {self.nodes[i].name or self.nodes[i].op_type} ({found.label})")

    def _layer(self, i: int, node, ins, op, args) -> None:
        out_name = node.output[0]
        acts = [n for n in node.input if n and self.values.get(n, table.Value("derived")).kind == "act"]
        if node.op_type == "MatMul" and i + 1 < len(self.nodes):
            j, nxt = self.view.only_user(out_name)
            if j == i + 1 and nxt.op_type == "Add" and table.merges_bias(
                    args["out_features"], [self.values.get(n, table.Value("act")) for n in nxt.input]):
                args["bias"] = True
                out_name = nxt.output[0]
                self.skip.add(i + 1)
        weights = [self.view.origin(n) for n in node.input if n and self.values.get(n) is not None
                   and self.values[n].param]  # any operand: torchvision writes self.layer_scale * x
        weight = next((w for w in weights if w and _PARAMETER.fullmatch(w)), None)
        name = _weight_name(weight) if weight else _layer_name(node, self.paths[i], self.paths, i)
        self._add(name, op, args, acts, out_name, self.values[acts[0]].perm if acts else None,
                  f"node {i}: {node.name or node.op_type} ({node.op_type})")

    def _add(self, name, op, args, acts, out_name, perm, origin) -> None:
        name = unique_name(_sanitise(name), self.used)
        self.layers.append(ImportedLayer(name, op, args, tuple(self.produced[a] for a in acts), origin))
        self.produced[out_name] = name
        self.values[out_name] = table.Value("act", perm=perm)


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


_PARAMETER = re.compile(r"[A-Za-z_]\w*(\.\w+)*")  # a state_dict name (torch.onnx names others onnx::…)


def _weight_name(weight: str) -> str:
    """'layer1.0.conv1.weight' -> 'layer1.0.conv1'; a layer's own parameter ('features.1.0.layer_scale') is
    the layer's name."""
    for suffix in (".weight", ".bias"):
        if weight.endswith(suffix):
            return weight[: -len(suffix)]
    return weight


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
