"""torch.fx nodes as cnncalc ops: which module class or function is which op, and its arguments.

The reader (cnncalc/interop/torch_fx.py) traces a model with torch.fx, propagates meta
shapes, and hands each node here. Modules are found by their class name, which is an op
alias (Conv2d, BatchNorm2d, ReLU, ...): the op's own arguments are PyTorch-named, so they
are read from the module's attributes of the same names. Functions and tensor methods
(operator.add, torch.cat, torch.flatten, x.view, F.relu, x.mean([2, 3]), ...) are mapped
here by name, with the output shape fx recorded deciding the cases where a call's meaning
depends on its arguments (a view that flattens, a mean that is a global pool).
`module` and `function` answer a Read (a layer, an alias of their input, a fold of Python
values, or a tensor mid-way through a pattern) or raise Unsupported: no node is dropped silently.

Some torchvision code is not one call per cnncalc layer, so a tensor carries a state from
node to node (Read.state):
  - CHANNELS_LAST after permute(0, 2, 3, 1) (ConvNeXt's CNBlock): LayerNorm, Linear (then
    pointwise_linear) and activations apply to its channels, until permute(0, 3, 1, 2);
  - ("pieces", op, args) after x.chunk/x.split, whose getitem k is one chunk/split layer;
  - ("grouped", g) after a view N×C×H×W -> N×g×(C/g)×H×W, ("shuffled", g) after its
    transpose(1, 2), and the view back to N×C×H×W is channel_shuffle (ShuffleNetV2).
A parameter the model uses outside a module (ConvNeXt's `layer_scale * x`) is a layer_scale
layer named by the parameter's qualified name, which is its state_dict key.
"""

from __future__ import annotations

import inspect
import operator
from typing import NamedTuple

from ...i18n import T
from ..registry import find_op
from . import decimal

# Modules that are the identity when a model is evaluated (torchvision's StochasticDepth).
ALIAS_MODULES = {"Identity", "StochasticDepth"}
ALIAS_METHODS = {"contiguous", "clone", "detach", "float", "to"}
# Functions/methods that only compute Python values (sizes) from a tensor's shape.
FOLD_METHODS = {"size", "dim"}
IGNORED = {"inplace", "training", "_stacklevel", "dtype", "input", "self"}
ADD = {operator.add, operator.iadd, "add", "add_", "__add__", "__iadd__"}
MUL = {operator.mul, operator.imul, "mul", "mul_", "__mul__"}
CAT = {"cat", "concat", "concatenate"}
FLATTEN = {"flatten", "view", "reshape"}
MEAN = {"mean"}
PIECES = {"chunk": "chunk", "split": "split"}  # method/function -> the op of one of its pieces
TO_LAST, TO_FIRST = (0, 2, 3, 1), (0, 3, 1, 2)
CHANNELS_LAST = "channels-last"
KEEP = "keep"  # Read.state of an alias: its input's state


class Read(NamedTuple):
    kind: str  # "layer", "alias" (the input itself), "fold" (Python values only)
    op: str | None = None
    args: dict = {}
    state: object = None  # the output's: None, CHANNELS_LAST, or a pattern's tuple (module docstring)
    name: str | None = None  # the layer's name when it is not the node's module path


def pending(state) -> bool:
    """A tensor mid-way through a pattern: only the pattern's next call may use it."""
    return isinstance(state, tuple)


def is_leaf(module) -> bool:
    """Trace as one node: a subclass of a torch.nn layer under a class name cnncalc knows
    (torchvision's LayerNorm2d is nn.LayerNorm on the channels), or an identity at evaluation."""
    cls = type(module)
    if cls.__name__ in ALIAS_MODULES:
        return True
    return find_op(cls.__name__) is not None and any(
        base.__module__.startswith("torch.nn.") and base.__name__ != "Module" for base in cls.__mro__[1:])


class Unsupported(Exception):
    def __init__(self, why: str, hint: str):
        super().__init__(why)
        self.why, self.hint = why, hint


def _one(value):
    """(3, 3) -> 3 (as a spec writes it); (3, 5) -> [3, 5]; other values as they are."""
    if isinstance(value, (tuple, list)):
        values = [int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
        return values[0] if values and len(set(map(repr, values))) == 1 else values
    return value


def _plain(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return decimal(value)
    if isinstance(value, (tuple, list)):
        return _one([_plain(v) for v in value])
    return value


def _from_module(op, module) -> dict:
    """The op's arguments read from the module's attributes of the same (PyTorch) names."""
    if getattr(module, "padding_mode", "zeros") != "zeros":
        raise Unsupported(T("padding_mode {value} is not supported", value=module.padding_mode),
                          T("cnncalc pads with zeros only"))
    args = {}
    for arg in op.args:
        if arg.ref or not hasattr(module, arg.name):
            continue
        value = getattr(module, arg.name)
        if arg.name == "bias":
            value = value is not None
        elif arg.name in ("in_channels", "in_features", "num_features"):
            continue  # the input's shape gives them; the spec need not repeat them
        value = _plain(value)
        if callable(value) and not isinstance(value, (int, float, str)):
            continue
        if value == arg.default:
            continue
        args[arg.name] = value
    return args


def module(module, in_shapes: list, states: list) -> Read:
    """A call_module node: its module's class is an op alias, or the identity at evaluation."""
    cls = type(module).__name__
    if cls in ALIAS_MODULES:
        return Read("alias", state=KEEP)
    op = find_op(cls)
    if op is None:
        raise Unsupported(T("cnncalc has no layer for the module class {cls}", cls=cls),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    if any(pending(s) for s in states):
        raise _mid_pattern()
    args = _from_module(op, module)
    if CHANNELS_LAST in states:
        return _channels_last(cls, op, args, in_shapes[0])
    if cls == "LayerNorm" and in_shapes and len(in_shapes[0]) > 2:  # torch normalises the last dimension
        raise Unsupported(T("nn.LayerNorm normalises the last dimension of a {shape} tensor; cnncalc's "
                            "layer_norm normalises its channels", shape="x".join(map(str, in_shapes[0]))),
                          T("permute to channels-last before it (as ConvNeXt does), or use a LayerNorm2d"))
    return Read("layer", cls, args)


def _channels_last(cls: str, op, args: dict, shape: tuple) -> Read:
    """A module between permute(0, 2, 3, 1) and permute(0, 3, 1, 2): on the channels, or refused."""
    if op.name == "layer_norm" and args.get("normalized_shape", shape[-1]) == shape[-1]:
        return Read("layer", cls, args, CHANNELS_LAST)
    if op.name == "linear":  # nn.Linear on the last dimension: the same linear map at every position
        return Read("layer", "pointwise_linear", args, CHANNELS_LAST)
    if op.layout_free:
        return Read("layer", cls, args, CHANNELS_LAST)
    raise Unsupported(T("a {cls} on a channels-last tensor (after a permute) is not supported", cls=cls),
                      T("cnncalc reads LayerNorm, Linear and activations between permute(0, 2, 3, 1) and "
                        "permute(0, 3, 1, 2)"))


def _name(target) -> str:
    return target if isinstance(target, str) else getattr(target, "__name__", str(target))


def _bound(target, args, kwargs) -> dict:
    """The call's arguments by parameter name, leaving out the input tensor and defaults."""
    try:
        sig = inspect.signature(target)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        if len(args) > 1 or kwargs:
            raise Unsupported(T("the arguments of {name} cannot be read", name=_name(target)),
                              T("use the module form (torch.nn.{name})", name=_name(target))) from None
        return {}
    names = list(sig.parameters)
    out = {}
    for key, value in bound.arguments.items():
        if key == names[0] or key in IGNORED or value == sig.parameters[key].default:
            continue
        out[key] = value
    return out


def function(target, args: list, kwargs: dict, in_shapes: list, out_shape, states: list, params: list) -> Read:
    """A call_function or call_method node. in_shapes/states: its tensor inputs'; out_shape: fx's
    (None for a tuple); params: (qualified name, shape) of the parameters among its arguments."""
    name = _name(target)
    if params:
        return _parameter(target, name, args, in_shapes, states, params)
    state = states[0] if states else None
    if any(pending(s) for s in states[1:]):
        raise _mid_pattern()
    if state == CHANNELS_LAST or name == "permute":
        return _permuted(target, name, args, kwargs, in_shapes, out_shape, states)
    if pending(state) or name in PIECES or name == "transpose":
        return _pattern(name, args, kwargs, in_shapes, out_shape, state)
    return _plain_function(target, name, args, kwargs, len(states), in_shapes, out_shape)


def _parameter(target, name, args, in_shapes, states, params) -> Read:
    """`parameter * x` with a C×1×1 parameter: ConvNeXt's layer_scale, named by the parameter."""
    (qualified, shape), x = params[0], in_shapes[0] if len(in_shapes) == 1 else ()
    if (target in MUL or name in MUL) and len(args) == 2 and len(params) == 1 and states == [None] \
            and len(x) >= 2 and shape is not None and tuple(shape) == (x[1], *(1,) * (len(x) - 2)):
        return Read("layer", "layer_scale", {}, name=qualified)
    raise Unsupported(T("a tensor attribute used outside its module is not supported"),
                      T("cnncalc reads a C×1×1 parameter times a tensor (a layer scale); wrap other uses in a "
                        "module cnncalc knows"))


def _permuted(target, name, args, kwargs, in_shapes, out_shape, states) -> Read:
    """permute to channels-last and back, and the elementwise calls between them."""
    state = states[0]
    if name == "permute":
        dims = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:] or kwargs.get("dims", ())
        dims = tuple(int(d) % 4 for d in dims) if in_shapes and len(in_shapes[0]) == 4 else ()
        if state is None and dims == TO_LAST:
            return Read("alias", state=CHANNELS_LAST)
        if state == CHANNELS_LAST and dims == TO_FIRST:
            return Read("alias", state=None)
        raise Unsupported(T("permute {dims} is not supported", dims=list(args[1:])),
                          T("cnncalc reads permute(0, 2, 3, 1) to channels-last and permute(0, 3, 1, 2) back"))
    kind, op, out, _, _ = _plain_function(target, name, args, kwargs, len(states), in_shapes, out_shape)
    known = find_op(op) if op else None
    if all(s == CHANNELS_LAST for s in states) and (kind == "alias" or (known is not None and known.layout_free)):
        return Read(kind, op, out, CHANNELS_LAST if kind == "layer" else KEEP)
    raise Unsupported(T("{name} of a channels-last tensor (after a permute) is not supported", name=name),
                      T("cnncalc reads LayerNorm, Linear and activations between permute(0, 2, 3, 1) and "
                        "permute(0, 3, 1, 2)"))


def _pattern(name, args, kwargs, in_shapes, out_shape, state) -> Read:
    """chunk/split and getitem; view, transpose(1, 2), view: a channel shuffle (module docstring)."""
    shape = in_shapes[0] if in_shapes else ()
    if name in PIECES and not pending(state):
        size = args[1] if len(args) > 1 else kwargs.get("chunks", kwargs.get("split_size",
                                                                               kwargs.get("split_size_or_sections")))
        dim = args[2] if len(args) > 2 else kwargs.get("dim", 0)
        if len(shape) >= 2 and dim in (1, 1 - len(shape)) and size is not None:
            key = "chunks" if name == "chunk" else "split_size_or_sections"
            return Read("alias", state=("pieces", PIECES[name], {key: _plain(size)}))
        raise Unsupported(T("{name} along dimension {value} is not supported", name=name, value=dim),
                          T("cnncalc splits along channels (dimension 1)"))
    if name == "getitem" and pending(state) and state[0] == "pieces" and isinstance(args[1], int):
        return Read("layer", state[1], {**state[2], "index": args[1]})
    if name == "transpose" and pending(state) and state[0] == "grouped" and \
            sorted(int(d) % 5 for d in args[1:3]) == [1, 2]:
        return Read("alias", state=("shuffled", state[1]))
    if name in FLATTEN and pending(state) and state[0] == "shuffled" and out_shape is not None and \
            len(out_shape) == 4 and tuple(out_shape) == (shape[0], shape[1] * shape[2], *shape[3:]):
        return Read("layer", "channel_shuffle", {"groups": state[1]})
    if name in ALIAS_METHODS and pending(state):
        return Read("alias", state=KEEP)
    if pending(state):
        raise _mid_pattern()
    raise Unsupported(T("{name} of this tensor is not supported", name=name), _mid_pattern().hint)


def _mid_pattern() -> Unsupported:
    return Unsupported(T("a tensor mid-way through a split or a channel shuffle is used otherwise"),
                       T("cnncalc reads x.chunk/x.split along channels with [k], and a channel shuffle "
                         "(view, transpose(1, 2), view)"))


def _plain_function(target, name, args: list, kwargs: dict, acts: int, in_shapes: list, out_shape) -> Read:
    """A call of channels-first tensors."""
    if name in FOLD_METHODS or (out_shape is None and name != "cat"):
        return Read("fold")
    if name in ALIAS_METHODS or name in ("dropout", "dropout2d", "identity"):
        return Read("alias")
    x = in_shapes[0] if in_shapes else ()
    if name in FLATTEN and len(out_shape) == 5 and len(x) == 4 and out_shape[0] == x[0] \
            and tuple(out_shape[3:]) == tuple(x[2:]) and out_shape[1] * out_shape[2] == x[1]:
        return Read("alias", state=("grouped", out_shape[1]))  # the first view of a channel shuffle
    if target in ADD or name in ADD or target in MUL or name in MUL:
        if acts != 2 or len(args) != 2:
            raise Unsupported(T("{name} of a tensor and a constant is not supported", name=name),
                              T("cnncalc merges layer outputs; a constant operand has no cnncalc layer"))
        return Read("layer", "add" if (target in ADD or name in ADD) else "multiply", {})
    if name in CAT:
        dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
        tensors = args[0] if args else kwargs.get("tensors")
        if len(tensors) == 1:
            return Read("alias")
        if dim not in (1, -len(out_shape) + 1):
            raise Unsupported(T("concatenating along dimension {value} is not supported", value=dim),
                              T("cnncalc concatenates along channels (dimension 1)"))
        return Read("layer", "concat", {})
    if name in FLATTEN:
        if len(out_shape) == 2 and in_shapes and out_shape[0] == in_shapes[0][0]:
            return Read("layer", "flatten", {})
        raise Unsupported(T("only a {name} that flattens to (batch, features) is supported", name=name),
                          T("use torch.flatten(x, 1) before the classifier"))
    if name in MEAN:
        shape = in_shapes[0] if in_shapes else ()
        if len(shape) == 4 and tuple(out_shape[:2]) == tuple(shape[:2]) and all(d == 1 for d in out_shape[2:]):
            return Read("layer", "global_avgpool", {"keepdims": len(out_shape) == 4})
        raise Unsupported(T("only a mean over the spatial dimensions is supported"),
                          T("use x.mean([2, 3]) or nn.AdaptiveAvgPool2d(1)"))
    op = find_op(name.rstrip("_"))
    if op is None or acts != 1:
        raise Unsupported(T("cnncalc has no layer for the function {name}", name=name),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    bound = {} if isinstance(target, str) else _bound(target, args, kwargs)
    if isinstance(target, str) and (len(args) > 1 or kwargs):
        raise Unsupported(T("the arguments of {name} cannot be read", name=name),
                          T("use the module form (torch.nn.{name})", name=name))
    out = {}
    for key, value in bound.items():
        if not any(key == a.name or key in a.aliases for a in op.args):
            raise Unsupported(T("the argument {arg} of {name} is not supported", arg=key, name=name),
                              T("use the module form (torch.nn.{name})", name=name))
        out[key] = _plain(value)
    return Read("layer", name.rstrip("_"), out)
