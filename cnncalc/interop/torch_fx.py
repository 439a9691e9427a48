"""Read a PyTorch model factory as an Imported model (cnncalc import --torch package.module:factory).

torch is optional and imported inside `read_factory`. The factory is called under
`torch.device("meta")`, so no weight is allocated: a ResNet-152 imports in the memory of its
graph, not its 230 MB of parameters. torch.fx traces it symbolically, ShapeProp runs a meta
tensor of the input shape through the trace (default 3×224×224), and each node is
translated by cnncalc/ops/foreign/torch.py. Layer names are the modules' qualified names
(their state_dict prefixes), so the spec's weights are named as the model's state_dict.
An untraceable model or an unmapped node is E007 naming what could not be read.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import sys

from ..errors import Option, fail
from ..graph import DEFAULT_MAX_LAYERS
from ..i18n import T
from ..ops.foreign import torch as table
from .model import Imported, ImportedLayer, unique_name

DEFAULT_INPUT = (3, 224, 224)
PLACE = Option("--torch")


def _torch():
    try:
        import torch
        import torch.fx  # noqa: F401
        from torch.fx.passes.shape_prop import ShapeProp  # noqa: F401
    except ImportError:
        raise fail("E009", T("importing a PyTorch model needs the torch package"), PLACE,
                   T("pip install 'cnncalc[torch]'")) from None
    return torch


def _factory(ref: str):
    module_name, _, attr = ref.partition(":")
    if not module_name or not attr or not re.fullmatch(r"[A-Za-z_][\w.]*", module_name + "." + attr):
        raise fail("E004", T("--torch {ref} is not package.module:factory", ref=ref), PLACE,
                   T("e.g. --torch torchvision.models:resnet18"))
    added = os.getcwd() not in sys.path  # as `python -c` does: a module in the current directory imports
    if added:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # the user's module raised, or does not exist
        raise fail("E004", T("--torch {ref}: importing {module} failed: {why}", ref=ref, module=module_name,
                             why=f"{type(e).__name__}: {e}"), PLACE,
                   T("check the module imports in Python (python -c 'import {module}')", module=module_name)) from None
    finally:
        if added:
            sys.path.remove(os.getcwd())
    factory = module
    for part in attr.split("."):
        factory = getattr(factory, part, None)
    if not callable(factory):
        raise fail("E004", T("--torch {ref}: {module} has no function {name}", ref=ref, module=module_name,
                             name=attr), PLACE, T("e.g. --torch torchvision.models:resnet18"))
    return factory


def read_factory(ref: str, input_shape: tuple | None) -> Imported:
    torch = _torch()
    factory = _factory(ref)
    try:
        with torch.device("meta"):
            model = factory()
    except Exception as e:
        raise fail("E004", T("--torch {ref}: calling the factory failed: {why}", ref=ref,
                             why=f"{type(e).__name__}: {e}"), PLACE,
                   T("the factory is called with no arguments and must return a torch.nn.Module")) from None
    if not isinstance(model, torch.nn.Module):
        raise fail("E004", T("--torch {ref} returned {kind}, not a torch.nn.Module", ref=ref,
                             kind=type(model).__name__), PLACE,
                   T("the factory is called with no arguments and must return a torch.nn.Module"))
    return read_module(model, input_shape, ref.partition(":")[2].split(".")[-1],
                       str(T("PyTorch {ref} traced by torch.fx in cnncalc import", ref=ref)))


def read_module(model, input_shape: tuple | None, name: str, source: str) -> Imported:
    """A torch.nn.Module (on meta, or with real weights: `cnncalc.summarize(model)`) as an Imported model.

    The trace runs on fake tensors (torch's FakeTensorMode): shapes only, no arithmetic, and the module
    itself is left as it was (neither moved nor copied: ShapeProp fakes its tensors)."""
    torch = _torch()
    from torch.fx.passes.shape_prop import ShapeProp

    shape = tuple(int(d) for d in (input_shape or DEFAULT_INPUT))
    modes = {m: m.training for m in model.modules()}  # traced in eval mode, then left as it was
    model.eval()
    try:
        gm = _trace(model, torch)
    except Exception as e:
        raise fail("E007", T("torch.fx cannot trace {model}: {why}", model=type(model).__name__,
                             why=_first_line(e)), PLACE,
                   T("a model whose control flow depends on tensor values cannot be traced; "
                     "export it to ONNX instead")) from None
    finally:
        for m, training in modes.items():
            m.training = training
    from torch._subclasses.fake_tensor import FakeTensorMode

    try:  # ShapeProp prints the traceback of a failing node itself: it is kept from the user's terminal
        with torch.no_grad(), contextlib.redirect_stderr(io.StringIO()):
            mode = FakeTensorMode(allow_non_fake_inputs=True)
            device = next(iter((*model.parameters(), *model.buffers())), torch.empty(0, device="meta")).device
            ShapeProp(gm, fake_mode=mode).propagate(mode.from_tensor(torch.empty((1, *shape), device=device)))
    except Exception as e:
        raise fail("E007", T("running {model} on an input of {shape} failed: {why}", model=type(model).__name__,
                             shape="x".join(map(str, shape)), why=_first_line(e)), Option("--input"),
                   T("give the input size the model expects, e.g. --input 3x224x224")) from None
    layers = _walk(gm, torch)
    notes = [str(T("input {shape} (the default; give --input for another)", shape="x".join(map(str, shape))))
             ] if input_shape is None else []
    unused, count = _unused(model, gm)
    if unused:
        notes.append(str(T("not in the traced forward, so not in this spec: {modules} ({n:,} parameters)",
                           modules=", ".join(unused), n=count)))
    return Imported(name=_sanitise(name), input_shape=shape, layers=tuple(layers), source=source,
                    description="; ".join(notes),
                    modules=tuple((path, type(m).__name__) for path, m in model.named_modules() if path))


def _trace(model, torch):
    """torch.fx's trace, with the modules table.is_leaf names kept whole (LayerNorm2d, StochasticDepth)."""

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m, qualified_name):
            return super().is_leaf_module(m, qualified_name) or table.is_leaf(m)

    return torch.fx.GraphModule(model, Tracer().trace(model), type(model).__name__)


def _unused(model, gm) -> tuple:
    """The outermost modules whose parameters and buffers the traced forward never touches (GoogLeNet's
    aux1 and aux2, used in training only), and their parameter count: said in the spec, not dropped silently."""
    touched = {n.target for n in gm.graph.nodes if n.op in ("call_module", "get_attr")}
    inside = {".".join(t.split(".")[:k]) for t in touched for k in range(1, t.count(".") + 2)}  # touched or above
    parameters = dict(model.named_parameters())
    tensors = {**parameters, **{k: v for k, v in model.named_buffers() if not k.endswith("num_batches_tracked")}}
    owners: dict = {}
    for key, tensor in tensors.items():
        prefixes = [".".join(key.split(".")[:k]) for k in range(1, key.count(".") + 2)]
        if any(p in touched for p in prefixes):
            continue
        owner = next(p for p in prefixes if p not in inside)
        owners[owner] = owners.get(owner, 0) + (tensor.numel() if key in parameters else 0)
    return list(owners), sum(owners.values())


def _first_line(e: Exception) -> str:
    """What went wrong, in a line: ShapeProp wraps the error torch raised (with its traceback in the text)
    naming the fx node, so the cause's first line is said, at that node."""
    node = re.search(r"ShapeProp error for: node=%(\w+)", str(e))
    root = e
    while root.__cause__ is not None and root.__cause__ is not root:
        root = root.__cause__
    text = str(root).strip().splitlines()
    return f"{type(root).__name__}: {text[0] if text else ''}" + (f" (at {node.group(1)})" if node else "")


def _shape(node):
    meta = node.meta.get("tensor_meta")
    return tuple(int(d) for d in meta.shape) if meta is not None and hasattr(meta, "shape") else None


def _nodes_in(value):
    import torch.fx

    if isinstance(value, torch.fx.Node):
        return [value]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _nodes_in(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _nodes_in(v)]
    return []


def _walk(gm, torch) -> list:
    nodes = list(gm.graph.nodes)
    if len(nodes) > DEFAULT_MAX_LAYERS:
        raise fail("E008", T("the traced model has {n} nodes, more than the {limit} cnncalc reads", n=len(nodes),
                             limit=DEFAULT_MAX_LAYERS), PLACE)
    produced: dict = {}  # fx node -> the cnncalc layer (or "input") whose output it is
    states: dict = {}  # fx node -> its tensor's state (table.Read.state: channels-last, mid-pattern)
    params: dict = {}  # get_attr node -> (qualified name, shape)
    layers: list[ImportedLayer] = []
    used: set[str] = set()
    for node in nodes:
        if node.op == "placeholder":
            if produced:
                raise fail("E007", T("the model takes more than one input ({name})", name=node.name), PLACE,
                           T("cnncalc reads a model with one input tensor"))
            produced[node], states[node] = "input", None
            continue
        if node.op == "get_attr":  # a parameter used outside a module: its use decides (table._parameter)
            params[node] = (node.target, _shape(node))
            continue
        acts = [n for n in _nodes_in((node.args, node.kwargs)) if n in produced]
        path = node.target if node.op == "call_module" else ""
        try:
            if node.op == "output":
                if any(states[a] is not None for a in acts):
                    raise table.Unsupported(T("the model's output is a tensor mid-way through a permute, "
                                              "split or shuffle"), T("cnncalc reads a channels-first output"))
                continue
            read = _read(gm, node, acts, states, params)
        except table.Unsupported as e:
            target = node.target if isinstance(node.target, str) else getattr(node.target, "__name__", node.target)
            where = type(gm.get_submodule(path)).__name__ if path else str(target)
            raise fail("E007", T("fx node {node} ({target}{module}): {why}", node=node.name, target=where,
                                 module=f" at {path}" if path else "", why=e.why), Option(f"--torch:{node.name}"),
                       e.hint) from None
        if read.kind == "fold":
            continue
        if read.kind == "alias":
            if acts:
                produced[node] = produced[acts[0]]
                states[node] = states[acts[0]] if read.state == table.KEEP else read.state
            continue
        name = unique_name(read.name or path or _scoped(node), used)
        inputs = tuple(produced[a] for a in acts)
        origin = f"{node.op} {node.target if isinstance(node.target, str) else node.target.__name__}"
        layers.append(ImportedLayer(name, read.op, read.args, inputs, origin if not path else ""))
        produced[node], states[node] = name, read.state
    return layers


def _read(gm, node, acts: list, states: dict, params: dict):
    """The table's reading of one call node (a table.Read)."""
    in_shapes = [_shape(n) for n in acts if _shape(n) is not None]
    if node.op == "call_module":
        return table.module(gm.get_submodule(node.target), in_shapes, [states[a] for a in acts])
    used = [params[n] for n in _nodes_in((node.args, node.kwargs)) if n in params]
    if not acts:
        if used:
            raise table.Unsupported(T("a tensor attribute used outside its module is not supported"),
                                    T("wrap the computation in a module cnncalc knows"))
        return table.Read("fold")
    return table.function(node.target, list(node.args), dict(node.kwargs), in_shapes, _shape(node),
                          [states[a] for a in acts], used)


def _scoped(node) -> str:
    """A call outside a module, named under the module whose forward makes it (fx's `add_3` in layer2.1's
    forward is `layer2.1.add`): the layers of each BasicBlock then read alike, and repeat as one block."""
    stack = node.meta.get("nn_module_stack") or {}
    base = re.sub(r"_\d+$", "", node.name)
    inner = next(reversed(stack.values()), None) if stack else None
    path = inner[0] if isinstance(inner, tuple) and inner and isinstance(inner[0], str) else ""
    return f"{path}.{base}" if path else node.name


def _sanitise(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "_", name).strip("_.") or "model"
