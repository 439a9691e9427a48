"""torch.fx nodes as cnncalc ops: which module class or function is which op, and its arguments.

The reader (cnncalc/interop/torch_fx.py) traces a model with torch.fx, propagates meta
shapes, and hands each node here. Modules are found by their class name, which is an op
alias (Conv2d, BatchNorm2d, ReLU, ...): the op's own arguments are PyTorch-named, so they
are read from the module's attributes of the same names. Functions and tensor methods
(operator.add, torch.cat, torch.flatten, x.view, F.relu, x.mean([2, 3]), ...) are mapped
here by name, with the output shape fx recorded deciding the cases where a call's meaning
depends on its arguments (a view that flattens, a mean that is a global pool).
`translate` answers ("layer", op type, args), ("alias", None, {}) or ("fold", None, {}),
or raises Unsupported: no node is ever dropped silently.
"""

from __future__ import annotations

import inspect
import operator

from ...i18n import T
from ..registry import find_op

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
        return float(f"{value:.6g}")
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


def module(module, out_shape) -> tuple:
    """A call_module node: its module's class is an op alias, or the identity at evaluation."""
    cls = type(module).__name__
    if cls in ALIAS_MODULES:
        return "alias", None, {}
    op = find_op(cls)
    if op is None:
        raise Unsupported(T("cnncalc has no layer for the module class {cls}", cls=cls),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    return "layer", cls, _from_module(op, module)


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


def function(target, args: list, kwargs: dict, acts: int, in_shapes: list, out_shape) -> tuple:
    """A call_function or call_method node; in_shapes: the shapes of its tensor inputs; out_shape: fx's."""
    name = _name(target)
    if name in FOLD_METHODS or (out_shape is None and name != "cat"):
        return "fold", None, {}
    if name in ALIAS_METHODS or name in ("dropout", "dropout2d", "identity"):
        return "alias", None, {}
    if target in ADD or name in ADD or target in MUL or name in MUL:
        if acts != 2 or len(args) != 2:
            raise Unsupported(T("{name} of a tensor and a constant is not supported", name=name),
                              T("cnncalc merges layer outputs; a constant operand has no cnncalc layer"))
        return "layer", "add" if (target in ADD or name in ADD) else "multiply", {}
    if name in CAT:
        dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
        tensors = args[0] if args else kwargs.get("tensors")
        if len(tensors) == 1:
            return "alias", None, {}
        if dim not in (1, -len(out_shape) + 1):
            raise Unsupported(T("concatenating along dimension {value} is not supported", value=dim),
                              T("cnncalc concatenates along channels (dimension 1)"))
        return "layer", "concat", {}
    if name in FLATTEN:
        if len(out_shape) == 2 and in_shapes and out_shape[0] == in_shapes[0][0]:
            return "layer", "flatten", {}
        raise Unsupported(T("only a {name} that flattens to (batch, features) is supported", name=name),
                          T("use torch.flatten(x, 1) before the classifier"))
    if name in MEAN:
        shape = in_shapes[0] if in_shapes else ()
        if len(shape) == 4 and tuple(out_shape[:2]) == tuple(shape[:2]) and all(d == 1 for d in out_shape[2:]):
            return "layer", "global_avgpool", {"keepdims": len(out_shape) == 4}
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
    return "layer", name.rstrip("_"), out
