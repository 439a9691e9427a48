"""Expand a parsed `Model` into a flat, topologically ordered graph of named layers.

Blocks are instantiated with their arguments, `repeat:` is unrolled, `when:` drops
layers, `$expressions` are evaluated and arguments are coerced by their op's schema.
Names read like torchvision's: a block used as `layer1` with `repeat: 3` gives
`layer1.0.conv1`, `layer1.1.conv1`, ...; unnamed layers are `conv2d_1`, `relu_2`, ...
numbered per op within their block.

A layer may only take inputs from earlier layers (or `input`), so the spec order is a
topological order and a cycle shows up as a reference to a later layer. A layer
dropped by `when: false` stands for its own input, so `inputs: [bn3, downsample.1]`
reads the block input when there is no downsample branch; a dropped layer with several
inputs must say which stands in for it (`else: name`). Names are unique across the
whole network after expansion.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple
from types import MappingProxyType

from .errors import CnnError, Diagnostic, Option, Pos, did_you_mean, fail
from .expressions import Deferred, parse_value, substitute
from .i18n import T
from .ops.base import REQUIRED, Args, Op
from .names import INPUT, NameTable
from .shapes import parse_shape

if TYPE_CHECKING:  # the expansion machinery imports this module's types
    from .nodes import Run
from .spec import Model

DEFAULT_MAX_LAYERS = 10_000
DEFAULT_MAX_DEPTH = 32
MAX_REPEAT = 1_000_000


class Scope(NamedTuple):
    """A block instance (or a repeat group) that encloses layers."""

    name: str
    block: str
    pos: Pos
    repeat: bool = False


class Node(NamedTuple):
    name: str
    op: Op
    args: Args | None  # None when the arguments could not be bound (the error is reported)
    inputs: tuple
    pos: Pos
    arg_pos: MappingProxyType
    scope: tuple = ()
    pending: tuple = ()  # ((arg name, Deferred), ...) resolved by the analysis
    published: object = None
    allow: tuple = ()  # warning codes acknowledged in the spec
    when: object = None  # a `when:` that reads the input size (Deferred), decided by the analysis
    stand_in: str | None = None  # the layer that stands for this one when that `when:` is false


class Graph(NamedTuple):
    name: str
    input_shape: tuple
    input_pos: Pos
    nodes: tuple
    file: str
    description: str = ""
    source: str = ""
    published: object = None
    block_published: MappingProxyType = MappingProxyType({})
    diagnostics: tuple = ()  # problems found while parsing and expanding (the graph is still usable)


def expand(model: Model, max_layers: int = DEFAULT_MAX_LAYERS, max_depth: int = DEFAULT_MAX_DEPTH,
           variant: str | None = None, overrides: dict | None = None) -> Graph:
    """Model -> Graph. Problems are kept in Graph.diagnostics, with placeholders (args None)
    for the layers they make unusable, so the analysis can still report everything else.

    variant: one of the model's `variants:` (its argument values, and its published figures);
    overrides: {argument: value} given on the command line (`--arg width=1.1`)."""
    from .nodes import Abort, Run
    from .unroll import expand_items

    run = Run(model, max_layers, max_depth)
    chosen = model.variants.get(variant) if variant else None
    run.globals = _model_args(run, model, chosen, overrides or {}, variant or model.name)
    input_shape = model.input_shape
    if model.input_value is not None:
        input_shape = _input_shape(run, model)
        if not input_shape:  # nothing can be analysed without an input; its error is recorded
            raise CnnError(tuple(_dedupe([*model.diagnostics, *run.diags])))
    top = NameTable("", INPUT, None, "", model.items, (), run.globals)
    with contextlib.suppress(Abort):  # a limit was hit; its diagnostic is recorded
        expand_items(run, top, ())

    def meta(key, default):
        return chosen[key] if chosen is not None and key in chosen else default

    return Graph(variant or model.name, input_shape, model.input_pos, tuple(run.nodes), model.file,
                 str(meta("description", model.description)), str(meta("source", model.source)),
                 meta("published", model.published), MappingProxyType(run.block_published),
                 tuple(_dedupe([*model.diagnostics, *run.diags])))


def _model_args(run: Run, model: Model, chosen, overrides: dict, shown: str) -> dict:
    """The model's `args:`: defaults, then the variant's values, then the command line's, in that order.
    An unknown `--arg` is a usage error (exit 2), raised before anything is expanded."""
    env = {}
    for name in overrides:
        if name not in model.params:
            raise fail("E004", T("{model} has no argument '{name}'", model=shown, name=name), Option("--arg"),
                       did_you_mean(name, model.params) or (T("its arguments: {args}", args=", ".join(model.params))
                                                            if model.params else T("this model takes no arguments")))
    for name, default in model.params.items():
        pos = model.param_pos.get(name, model.input_pos)
        if name in overrides:
            env[name] = overrides[name]
            if default is not REQUIRED:
                _same_kind(name, overrides[name], _eval_top(run, parse_value(default, pos), pos, dict(env)), shown)
        elif chosen is not None and name in chosen:
            env[name] = _eval_top(run, parse_value(chosen[name], chosen.at(name)), chosen.at(name), env)
        elif default is not REQUIRED:
            env[name] = _eval_top(run, parse_value(default, pos), pos, env)
        else:
            hint = (T("or choose one of its variants: {variants}", variants=", ".join(model.variants))
                    if model.variants else None)
            run.error("E103", T("the model needs argument '{name}' (--arg {name}=…)", name=name), pos, hint)
    return env


def _kind(value) -> str | None:
    if isinstance(value, bool):
        return T("true or false")
    if isinstance(value, (int, float, Fraction)):
        return T("a number")
    return T("a list") if isinstance(value, list) else None


def _same_kind(name: str, given, default, shown: str) -> None:
    """`--arg width=abc` is a usage error at the option (exit 2), not an expression failing in the spec."""
    want = _kind(default)
    if want is not None and _kind(given) != want:
        raise fail("E004", T("{model}'s argument '{name}' is {want} (its default is {default!r}), got {given!r}",
                             model=shown, name=name, want=want, default=default, given=given),
                   Option("--arg"), T("e.g. --arg {name}={default!r}", name=name, default=default))


def _eval_top(run: Run, value, pos: Pos, env: dict):
    try:
        return substitute(value, env)
    except CnnError as e:
        run.diags.extend(e.diagnostics)
        return None


def _input_shape(run: Run, model: Model) -> tuple:
    value = _eval_top(run, model.input_value, model.input_pos, run.globals)
    if isinstance(value, Deferred):  # `input: [$in_channels, …]`: the input has no input to read
        run.error("E111", T("the model input cannot use the sizes of its own input ('{text}')",
                            text=value.expr.text), model.input_pos,
                  T("give numbers, or the model's `args:` (e.g. [3, $size, $size])"))
        return ()
    try:
        return parse_shape(value, model.input_pos) if value is not None else ()
    except CnnError as e:
        run.diags.extend(e.diagnostics)
        return ()


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.code, d.pos, d.message.split("'")[0])
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def single_layer(op: Op, args: Args, input_shape: tuple, name: str, arg_pos: dict, pos) -> Graph:
    """A network of one layer built directly (the calculators): no spec text is written or parsed."""
    node = Node(name, op, args, (INPUT,), pos, MappingProxyType(dict(arg_pos)))
    return Graph(name, tuple(input_shape), pos, (node,), "<command line>")
