"""What an op is: one entry holding its arguments, shape rule, counts, formulas and forward pass.

Every op is an `Op` registered once. Nothing outside `cnncalc/ops` looks at an op's
name or reads its arguments: the analysis binds an op to its input shapes (`bind`),
asks it for the output shape (`infer`), its weights (`weights`: shapes, whether they
train, how they are initialised), its multiply-accumulates (`macs`), its sliding
window (`window`, from which receptive fields and the kernel column follow), its worked
formulas (`worked`) and the counting variants papers use (`variants`); the NumPy
backend calls its `forward`. Downstream code holds the result, a bound layer
(cnncalc/layer.py), and talks only to it.

Shapes are tuples of exact Python ints, channels first, without the batch axis:
(F,) for a feature vector, (C, L), (C, H, W) or (C, D, H, W). An op written for any
number of spatial dimensions is registered once per rank under PyTorch's names
(conv1d, conv2d, conv3d); a `Family` is the rank-free spelling (`conv`,
`BatchNormalization`) that picks the member for the input it receives.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, NamedTuple

from ..i18n import Msg, T, tr
from .kerascode import KerasCode

REQUIRED = object()
OUTPUT = T("output")  # the name of a worked formula giving the output shape
SHAPE_NAMES = {1: "F", 2: "C×L", 3: "C×H×W", 4: "C×D×H×W"}


class OpError(Exception):
    """Raised by an op's rule; the analysis adds the file position of `arg`."""

    def __init__(self, code: str, message: str, hint: str | None = None, arg: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.arg = code, message, hint, arg


class Arg(NamedTuple):
    """One argument: canonical (PyTorch) name, coercer, default and accepted aliases."""

    name: str
    coerce: Callable[[Any], Any]
    default: Any = REQUIRED
    aliases: tuple = ()
    doc: str = ""
    ref: bool = False  # names a layer: the graph resolves it and passes that layer's shape as one more input


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

    def get(self, name: str, default=None):
        return self._values.get(name, default)

    def items(self):
        return self._values.items()

    def replace(self, **changes) -> Args:
        return Args({**self._values, **changes})

    def __eq__(self, other) -> bool:
        return isinstance(other, Args) and other._values == self._values

    def __hash__(self):  # pragma: no cover - Args are compared, not hashed
        return id(self)

    def __repr__(self) -> str:
        return f"Args({self._values!r})"


class Weight(NamedTuple):
    """One array a layer owns, in PyTorch's layout.

    init: how `verify` fills it when no real weights are given — "he" (normal, std
    √(2/fan_in), fan_in = Π shape[1:]), "zeros", "ones", "uniform" (in [−1, 1]), or a
    number every element starts at (PReLU's 0.25, ConvNeXt's layer scale 1e-6).
    bias: an additive term, left out by the "weights only" count some papers print.
    """

    shape: tuple
    trainable: bool = True
    init: str = "he"
    bias: bool = False


class Formula(NamedTuple):
    """One worked formula, numbers substituted: `name = step = … = value unit note`.

    grouped: print the value with thousands separators (counts, not sizes).
    Words in it (a name, a step, a unit or a note made with T()) are said in the chosen
    language when the formula is printed; the math is the same in every language.
    """

    name: str
    steps: tuple
    value: Any
    unit: str = ""
    note: str = ""
    grouped: bool = True

    def value_text(self) -> str:
        v = self.value
        if isinstance(v, tuple):
            text = "×".join(map(str, v))
        elif isinstance(v, int) and self.grouped:
            text = f"{v:,}"
        else:
            text = str(v)
        return f"{text} {_said(self.unit)}" if self.unit else text

    def expression(self) -> str:
        """Everything right of the name: 'step = … = value unit note'."""
        text = " = ".join((*map(_said, self.steps), self.value_text()))
        return f"{text} {_said(self.note)}" if self.note else text

    def __str__(self) -> str:
        return f"{_said(self.name)} = {self.expression()}"


def _said(text):
    """A formula's word in the chosen language (T() texts); math strings are printed as they are."""
    return tr(text) if isinstance(text, Msg) else text


class TorchCode(NamedTuple):
    """How `cnncalc export --to pytorch` writes one layer (cnncalc/export/).

    module: the constructor source of its nn.Module (exact: `nn.Conv2d(3, 96, kernel_size=(11, 11), ...)`), or ""
    for a parameter-free op written as a call. call: the forward expression, a format template: {m} the module
    (`self.get_submodule("features.0")`), {0}, {1}, ... the inputs, {xs} all of them joined by ", ".
    helpers: the sources of the helper functions or classes the module source uses (each op keeps its own),
    written once into the file's preamble. parameter: `module` is an nn.Parameter the layer's parent holds
    (a weight named "", as ConvNeXt's layer scale).
    """

    module: str = ""
    call: str = "{m}({0})"
    helpers: tuple = ()
    parameter: bool = False


TORCH_PADDED = '''def Padded(pad, conv):
    """A convolution that pads its input first (begin and end may differ, as Keras' 'same' with an even kernel)."""
    conv.register_forward_pre_hook(lambda module, args: (nn.functional.pad(args[0], pad), *args[1:]))
    return conv
'''


def torch_sizes(values) -> str:
    """A per-dimension tuple as PyTorch source: (3, 3)."""
    return repr(tuple(values))


def symmetric_padding(padding):
    """Per-dimension pads if both sides agree ((1, 1), (2, 2) -> (1, 2)), else None."""
    return None if any(p0 != p1 for p0, p1 in padding) else tuple(p0 for p0, _ in padding)


def torch_pad(padding) -> tuple:
    """F.pad's order: last dimension first, (begin, end) each."""
    return tuple(p for pair in reversed(padding) for p in pair)


class Worked(NamedTuple):
    """A layer's formulas as a student would write them: the size rule(s), params and MACs."""

    shape: tuple  # of Formula
    params: Formula
    macs: Formula


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


MACS_NOT_COUNTED = T("(only conv and linear multiply-accumulates are counted)")


class Op:
    """Base of all ops. Subclasses set the class attributes and override the rules.

    spatial: the number of spatial dimensions every input must have (None: any rank);
    an op written for any rank is instantiated once per rank (`Op(rank)`).
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple] = ()  # PyTorch class names, Keras layer names, spellings
    args: ClassVar[tuple] = ()
    summary: ClassVar[str] = ""
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 1
    spatial: int | None = None
    family = None  # the Family of its rank-free spelling, if any
    activation: ClassVar[bool] = False  # usable as Keras' `activation:` shortcut
    # acts on each value alone, or merges tensors alike: a reader may keep a transposed (channels-last)
    # tensor's axes through it (ConvNeXt's permute … permute, read from ONNX or torch.fx)
    layout_free: ClassVar[bool] = False

    def __init__(self, rank: int | None = None) -> None:
        if rank is not None:
            self.spatial = rank

    # -- binding -------------------------------------------------------------------
    def accepts(self, shape: tuple) -> bool:
        return self.spatial is None or len(shape) == self.spatial + 1

    def expected_input(self) -> str:
        return SHAPE_NAMES.get((self.spatial or 0) + 1, T("any"))

    def bind(self, a: Args, ins: list) -> Args:
        """The arguments resolved for these inputs (one value per spatial dimension, 'same'
        padding worked out), checked; the other rules read only what this returns."""
        return a

    # -- the rules -----------------------------------------------------------------
    def infer(self, a: Args, ins: list, ctx: Ctx) -> tuple:
        raise NotImplementedError

    def window(self, a: Args, ins: list):
        """Sliding-window geometry (ops/window.py Window), or None for pixel-to-pixel ops."""
        return None

    def rf_window(self, a: Args, ins: list):
        """The receptive-field step (receptive_field.py); by default the sliding window."""
        return self.window(a, ins)

    def weights(self, a: Args, ins: list, out: tuple) -> dict:
        """name -> Weight for the arrays this layer owns (PyTorch state_dict names)."""
        return {}

    def params(self, a: Args, ins: list, out: tuple) -> tuple:
        """(trainable, non_trainable) element counts; by default the weights' sizes."""
        trainable = non_trainable = 0
        for w in self.weights(a, ins, out).values():
            if w.trainable:
                trainable += numel(w.shape)
            else:
                non_trainable += numel(w.shape)
        return trainable, non_trainable

    def macs(self, a: Args, ins: list, out: tuple) -> int:
        """Multiply-accumulates of one forward pass (bias excluded); 0 unless conv/linear-like."""
        return 0

    def variants(self, a: Args) -> dict:
        """Other readings of this layer that published figures use: label -> Args."""
        return {}

    def torch(self, a: Args, ins: list, out: tuple) -> TorchCode:
        """PyTorch source for this layer (TorchCode); its module's state_dict is exactly `weights`."""
        raise NotImplementedError(self.name)

    def keras(self, a: Args, ins: list, out: tuple) -> KerasCode:
        """Keras 3 source for this layer (KerasCode), channels first; its weights count as `weights` do.
        Raises NoKeras (with a hint) for a setting Keras cannot follow, NotImplementedError if none is written."""
        raise NotImplementedError(self.name)

    def scratch(self, a: Args, ins: list, out: tuple) -> int:
        """Elements of the temporaries `forward` allocates beyond its output (for verify's memory guard)."""
        return 0

    def forward(self, a: Args, xs: list, w: dict):
        """NumPy forward pass on batched arrays (N, ...); numpy is imported inside."""
        raise NotImplementedError(f"{self.name} has no NumPy forward pass")

    def worked(self, a: Args, ins: list, out: tuple) -> Worked:
        """Worked formulas; ops with parameters or a window override the parts they own."""
        if len(ins) == 1 and ins[0] == out:
            shape = Formula(OUTPUT, (T("input"),), out, grouped=False)
        else:
            shape = Formula(OUTPUT, (), out, grouped=False)
        trainable, non_trainable = self.params(a, ins, out)
        return Worked((shape,), Formula("params", (), trainable + non_trainable),
                      Formula("MACs", (), self.macs(a, ins, out), note=MACS_NOT_COUNTED))

    def field_inputs(self, n: int) -> int:
        """How many of its n inputs its receptive field follows (a crop reading another's size: 1)."""
        return n

    def resolve(self, ins: list):
        return self

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def numel(shape) -> int:
    """Number of elements of a shape (exact; works on symbolic sizes too)."""
    n = 1
    for d in shape:
        n *= d
    return n


def product(*factors) -> str:
    """'11·11·3' for the factors of a count."""
    return "·".join(str(f) for f in factors)
