"""Shape inference and counting over a Graph: pure, returns frozen results, never prints.

For each layer, in topological order: its input shapes, the op's output shape, its
trainable and non-trainable parameters, its multiply-accumulates and its sliding
window. Problems are collected (with the file position of the argument at fault)
instead of stopping at the first; a layer whose input could not be computed is
skipped silently, so one mistake gives one message, not a cascade.

Counting conventions (README "Counting conventions"):
    MACs  multiply-accumulates of conv and linear layers, bias excluded
          (He et al. 2016 Table 1 "FLOPs"; Szegedy et al. 2015 "ops"; torchvision `_ops`)
    FLOPs 2·MACs
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CnnError, Diagnostic
from .graph import INPUT, Graph, Node
from .ops.base import Args, Ctx, OpError, Window, find_arg
from .ops.window import is_concrete
from .receptive_field import INPUT_RF, RF, merge, step


@dataclass(frozen=True)
class LayerResult:
    name: str
    op: str
    inputs: tuple
    input_shapes: tuple
    output_shape: tuple
    trainable: int
    non_trainable: int
    macs: int
    window: Window | None
    args: Args
    node: Node
    rf: RF | None = None  # None for layers after which space is gone (after a flatten)

    @property
    def params(self) -> int:
        return self.trainable + self.non_trainable

    @property
    def scope(self) -> tuple:
        return self.node.scope


@dataclass(frozen=True)
class Totals:
    params: int
    trainable_params: int
    non_trainable_params: int
    macs: int

    @property
    def flops(self) -> int:
        return 2 * self.macs


@dataclass(frozen=True)
class Analysis:
    graph: Graph
    input_shape: tuple
    layers: tuple
    totals: Totals
    diagnostics: tuple

    @property
    def name(self) -> str:
        return self.graph.name

    @property
    def errors(self) -> tuple:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def output_shape(self) -> tuple:
        return self.layers[-1].output_shape if self.layers else self.input_shape

    def raise_for_errors(self) -> None:
        if not self.ok:
            raise CnnError(list(self.diagnostics))


def _context(node: Node) -> str | None:
    if not node.scope:
        return None
    inner = node.scope[-1]
    return f"in {inner.name}, block '{inner.block}' used at line {inner.pos.line}"


def _shape_env(shape: tuple) -> dict:
    if len(shape) == 3:
        return {"in_channels": shape[0], "in_height": shape[1], "in_width": shape[2]}
    return {"in_features": shape[0], "in_channels": shape[0]}


def _describe(shape: tuple) -> str:
    if len(shape) == 1:
        return f"a {shape[0]:,}-feature vector"
    return "a " + "×".join(map(str, shape)) + " tensor"


def _resolve_pending(node: Node, ins: list, diags: list) -> Args | None:
    args = node.args
    if not node.pending:
        return args
    env = _shape_env(ins[0])
    changes = {}
    for name, deferred in node.pending:
        try:
            value = deferred.resolve(env)
        except CnnError as e:
            diags.extend(Diagnostic(d.code, d.message, d.pos, d.hint, _context(node)) for d in e.diagnostics)
            return None
        arg = find_arg(node.op, name)
        try:
            changes[name] = arg.coerce(value)
        except (ValueError, OverflowError) as e:
            diags.append(Diagnostic("E104", f"{name} = {deferred.expr.text} = {value!r}: {e}", node.arg_pos.get(name),
                                    None, _context(node)))
            return None
    return args.replace(**changes)


def analyze(graph: Graph, input_shape: tuple | None = None, strict: bool = False) -> Analysis:
    """Infer every layer's shape and counts. Never raises for design problems.

    strict: every floored division is a warning (the homework view), see ops.base.Ctx.
    """
    shape0 = tuple(input_shape) if input_shape is not None else graph.input_shape
    shapes = {INPUT: shape0}
    fields = {INPUT: INPUT_RF if len(shape0) == 3 else None}
    results, diags = [], []
    for node in graph.nodes:
        if node.args is None or any(i not in shapes for i in node.inputs):
            continue  # already reported, or downstream of a reported problem
        ins = [shapes[i] for i in node.inputs]
        op = node.op
        if op.in_rank is not None and any(len(s) != op.in_rank for s in ins):
            bad = next(s for s in ins if len(s) != op.in_rank)
            hint = ("this op works on C×H×W feature maps; it cannot follow a flatten or linear layer"
                    if op.in_rank == 3 else None)
            diags.append(Diagnostic("E206", f"{op.name} needs a C×H×W input, got {_describe(bad)}", node.pos, hint,
                                    _context(node)))
            continue
        args = _resolve_pending(node, ins, diags)
        if args is None:
            continue
        ctx = Ctx(node.inputs, strict)
        try:
            out = tuple(op.infer(args, ins, ctx))
            # Symbolic sizes (cnncalc/symbolic.py) have no sign to test; only ints are checked.
            if any(is_concrete(d) and d <= 0 for d in out):
                raise OpError("E202", f"the output would be {'×'.join(map(str, out))}", "check sizes and padding")
            trainable, non_trainable = op.params(args, ins, out)
            macs = op.macs(args, ins, out)
            window = op.window(args, ins)
            rf_step = op.rf_window(args, ins)
        except OpError as e:
            pos = node.arg_pos.get(e.arg, node.pos) if e.arg else node.pos
            diags.append(Diagnostic(e.code, f"{node.name}: {e.message}", pos, e.hint, _context(node)))
            continue
        for code, message, hint, arg in ctx.warnings:
            if code in node.allow:
                continue
            pos = node.arg_pos.get(arg, node.pos) if arg else node.pos
            diags.append(Diagnostic(code, f"{node.name}: {message}", pos, hint, _context(node)))
        shapes[node.name] = out
        rf = _field(node, [fields[i] for i in node.inputs], rf_step, diags)
        fields[node.name] = rf
        results.append(LayerResult(node.name, op.name, node.inputs, tuple(ins), out, trainable, non_trainable, macs,
                                   window, args, node, rf))
    totals = Totals(
        params=sum(r.params for r in results),
        trainable_params=sum(r.trainable for r in results),
        non_trainable_params=sum(r.non_trainable for r in results),
        macs=sum(r.macs for r in results),
    )
    everything = [*graph.diagnostics, *_dedupe(diags)]
    everything.sort(key=lambda d: (d.pos.file, d.pos.line, d.pos.col) if d.pos else ("", 0, 0))
    return Analysis(graph, shape0, tuple(results), totals, tuple(everything))


def _field(node: Node, inputs: list, rf_step, diags: list) -> RF | None:
    """Receptive field of a layer from its inputs' fields (receptive_field.py)."""
    known = [f for f in inputs if f is not None]
    if not known:
        return None
    try:
        merged, aligned = merge(known)
    except TypeError:  # symbolic fields whose order sympy cannot decide: no field rather than a refusal
        return None
    if not aligned:
        parts = "; ".join(f"{name}: {f.describe()}" for name, f in zip(node.inputs, inputs) if f is not None)
        diags.append(Diagnostic("W103", f"{node.name}: the receptive fields of its inputs are not aligned ({parts})",
                                node.pos, "their centres or strides differ, so outputs mix off-centre regions; "
                                          "the union is reported", _context(node)))
    return step(merged, rf_step)


def _dedupe(diags: list) -> list:
    """A mistake inside a block repeated 36 times is reported once (first instance)."""
    seen, out = set(), []
    for d in diags:
        body = d.message.split(": ", 1)[-1]
        key = (d.code, d.pos, body)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
