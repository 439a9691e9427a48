"""What an op is: one entry holding its arguments, shape rule, counts and forward pass.

Every op is a subclass of `Op` registered with `@register`. Nothing outside an op's
own class looks at its name: the analysis asks the op for its output shape, its
parameters, its MACs and its sliding window (from which receptive fields and the
kernel/stride/padding column follow); the NumPy backend asks it for its weight shapes
and its forward pass. Ops that share a rule share a base class (`Elementwise`,
`WindowOp`), so the rule is written once.

Shapes are tuples of exact Python ints, channels first, without the batch axis:
(C, H, W) for images, (F,) for feature vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

Shape = tuple

REQUIRED = object()


class OpError(Exception):
    """Raised by an op's rule; the analysis adds the file position of `arg`."""

    def __init__(self, code: str, message: str, hint: str | None = None, arg: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.arg = code, message, hint, arg


@dataclass(frozen=True)
class Arg:
    """One argument: canonical (PyTorch) name, coercer, default and accepted aliases."""

    name: str
    coerce: Callable[[Any], Any]
    default: Any = REQUIRED
    aliases: tuple = ()
    doc: str = ""


class Args:
    """Bound, coerced arguments of one layer, read as attributes (`a.kernel_size`)."""

    __slots__ = ("_values",)

    def __init__(self, values: dict) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):  # frozen
        raise AttributeError("Args are read-only")

    def items(self):
        return self._values.items()

    def replace(self, **changes) -> Args:
        return Args({**self._values, **changes})

    def as_dict(self) -> dict:
        return dict(self._values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Args) and other._values == self._values

    def __repr__(self) -> str:
        return f"Args({self._values!r})"


@dataclass(frozen=True)
class Window:
    """Sliding-window geometry per spatial dimension (h, w).

    `pad` holds (begin, end) per dimension, already resolved from 'same'/'valid'.
    The analysis derives the receptive field from it and the table its
    kernel/stride/padding column.
    """

    kernel: tuple
    stride: tuple
    pad: tuple  # ((top, bottom), (left, right))
    dilation: tuple = (1, 1)
    ceil_mode: bool = False
    transposed: bool = False


@dataclass(frozen=True)
class Worked:
    """A layer's formulas with its numbers substituted, as a student would write them."""

    shape: tuple  # lines such as "O_h = ⌊(227 − 11 + 2·0)/4⌋ + 1 = 55"
    params: str
    macs: str


class Ctx:
    """Collects warnings an op's rule emits (errors are raised as OpError).

    strict: report every floored division as a warning (W101), even when only padding
    is left uncovered — what a homework checker wants; the default reports that as a note.
    """

    def __init__(self, input_names=(), strict: bool = False) -> None:
        self.warnings: list[tuple] = []
        self.input_names = tuple(input_names)
        self.strict = strict

    def warn(self, code: str, message: str, hint: str | None = None, arg: str | None = None) -> None:
        self.warnings.append((code, message, hint, arg))


class Op:
    """Base of all ops. Subclasses set the class attributes and override the rules."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple] = ()  # PyTorch class names, Keras layer names, spellings
    args: ClassVar[tuple] = ()
    summary: ClassVar[str] = ""
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 1
    in_rank: ClassVar[int | None] = 3  # rank of every input (3 = C,H,W; 1 = features; None = any)

    # -- the rules -----------------------------------------------------------------
    def infer(self, a: Args, ins: list, ctx: Ctx) -> Shape:
        raise NotImplementedError

    def window(self, a: Args, ins: list) -> Window | None:
        """Sliding-window geometry, or None for ops that map pixels one to one."""
        return None

    def rf_window(self, a: Args, ins: list) -> Window | None:
        """The receptive-field step (receptive_field.py); by default the sliding window."""
        return self.window(a, ins)

    def params(self, a: Args, ins: list, out: Shape) -> tuple:
        """(trainable, non_trainable) element counts; by default the weights' sizes."""
        trainable = non_trainable = 0
        for shape, is_trainable in self.weights(a, ins, out).values():
            n = numel(shape)
            if is_trainable:
                trainable += n
            else:
                non_trainable += n
        return trainable, non_trainable

    def macs(self, a: Args, ins: list, out: Shape) -> int:
        """Multiply-accumulates of one forward pass (bias excluded); 0 unless conv/linear-like."""
        return 0

    def weights(self, a: Args, ins: list, out: Shape) -> dict:
        """name -> (shape, trainable) of the arrays this layer owns (PyTorch layouts)."""
        return {}

    def forward(self, a: Args, xs: list, w: dict):
        """NumPy forward pass on batched arrays (N, ...); imported lazily by the backend."""
        raise NotImplementedError(f"{self.name} has no NumPy forward pass")

    def explain(self, a: Args, ins: list, out: Shape) -> Worked:
        """Worked formulas; ops with parameters or a window override the parts they own."""
        shape = f"output = input = {shape_text(out)}" if len(ins) == 1 and ins[0] == out else \
            f"output = {shape_text(out)}"
        trainable, non_trainable = self.params(a, ins, out)
        params = f"params = {trainable + non_trainable:,}"
        return Worked((shape,), params, "MACs = 0 (only conv and linear multiply-accumulates are counted)")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


class Elementwise(Op):
    """Ops that keep the shape and own no parameters (activations, dropout, identity)."""

    in_rank = None

    def infer(self, a, ins, ctx):
        return ins[0]


def numel(shape) -> int:
    """Number of elements of a shape (exact; works on symbolic sizes too)."""
    n = 1
    for d in shape:
        n *= d
    return n


def shape_text(shape: tuple) -> str:
    return "×".join(str(d) for d in shape)


def product(*factors) -> str:
    """'11·11·3' for the factors of a count."""
    return "·".join(str(f) for f in factors)


# -- registry ----------------------------------------------------------------------
REGISTRY: dict[str, Op] = {}
_LOOKUP: dict[str, Op] = {}


def _norm(name: str) -> str:
    return str(name).lower().replace("_", "").replace("-", "")


def register(cls: type) -> type:
    """Class decorator: add one instance of the op under its name and aliases."""
    op = cls()
    assert op.name and op.name not in REGISTRY, op.name
    REGISTRY[op.name] = op
    for key in (op.name, *op.aliases):
        k = _norm(key)
        assert k not in _LOOKUP or _LOOKUP[k] is op, f"alias clash: {key}"
        _LOOKUP[k] = op
    return cls


def find_op(name) -> Op | None:
    return _LOOKUP.get(_norm(name))


def find_arg(op: Op, key) -> Arg | None:
    """The op's argument called `key` or one of its aliases (exact spelling)."""
    for arg in op.args:
        if key == arg.name or key in arg.aliases:
            return arg
    return None


def all_spellings() -> list[str]:
    names = []
    for op in REGISTRY.values():
        names.extend((op.name, *op.aliases))
    return names
