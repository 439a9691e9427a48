"""Shape inference and counting over a Graph: pure, returns bound layers, never prints.

For each layer, in topological order: its input shapes, the op that serves them (a
rank-free spelling such as `conv` picks conv1d/2d/3d here), its arguments bound to
those shapes, the output shape, its trainable and non-trainable parameters, its
multiply-accumulates, its sliding window and its receptive field. The result is a
tuple of `Layer`s (cnncalc/layer.py). Problems are collected (with the file position
of the argument at fault) instead of stopping at the first; a layer whose input could
not be computed is skipped silently, so one mistake gives one message, not a cascade.

Counting conventions (README "Counting conventions"):
    MACs  multiply-accumulates of conv and linear layers, bias excluded
          (He et al. 2016 Table 1 "FLOPs"; Szegedy et al. 2015 "ops"; torchvision `_ops`)
    FLOPs 2·MACs
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CnnError, Diagnostic, sort_key
from .graph import INPUT, Graph, Node
from .i18n import T
from .layer import Layer, describe_shape
from .ops import find_arg
from .ops.argtypes import MAX_SIZE
from .ops.base import SHAPE_NAMES, Args, Ctx, OpError
from .ops.registry import declared_channels
from .ops.window import DIM_NAMES, is_concrete
from .receptive_field import input_field, merge, step
from .shapes import looks_channels_last, to_chw


@dataclass(frozen=True)
class Totals:
    params: int
    trainable_params: int
    non_trainable_params: int
    macs: int
    flops: int = None  # 2·MACs unless given (a symbolic total is given simplified)

    def __post_init__(self) -> None:
        if self.flops is None:
            object.__setattr__(self, "flops", 2 * self.macs)


@dataclass(frozen=True)
class Analysis:
    graph: Graph
    input_shape: tuple
    layers: tuple  # of Layer
    totals: Totals
    diagnostics: tuple
    output: str = ""  # the layer whose output is the model's (the last, or what stands for it)

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
    def symbols(self) -> tuple:
        """The names of a symbolic input's sizes (cnncalc/symbolic.py); () for numbers."""
        return tuple(dict.fromkeys(d for d in self.input_shape if not is_concrete(d)))

    @property
    def output_layer(self) -> Layer | None:
        return self.layer(self.output) if self.output else (self.layers[-1] if self.layers else None)

    @property
    def output_shape(self) -> tuple:
        last = self.output_layer
        return last.output_shape if last is not None else self.input_shape

    def layer(self, name: str) -> Layer | None:
        return next((r for r in self.layers if r.name == name), None)

    def raise_for_errors(self) -> None:
        if not self.ok:
            raise CnnError(list(self.diagnostics))


def _context(node: Node) -> str | None:
    if not node.scope:
        return None
    inner = node.scope[-1]
    return T("in {layer}, block '{block}' used at line {line}", layer=inner.name, block=inner.block,
             line=inner.pos.line)


def shape_env(shape: tuple) -> dict:
    """The names an expression may use for a layer's input: in_channels, in_height, …"""
    if len(shape) == 1:
        return {"in_features": shape[0], "in_channels": shape[0]}
    return {"in_channels": shape[0], **{f"in_{name}": d for name, d in zip(DIM_NAMES[len(shape) - 1], shape[1:])}}


def _resolve_pending(node: Node, op, ins: list, diags: list, shape_env_of) -> Args | None:
    args = node.args
    if not node.pending:
        return args
    env = shape_env(ins[0])
    changes = {}
    for name, deferred in node.pending:
        try:
            value = deferred.resolve(env, shape_env_of)
        except CnnError as e:
            diags.extend(Diagnostic(d.code, d.message, d.pos, d.hint, _context(node)) for d in e.diagnostics)
            return None
        arg = find_arg(op, name)
        try:
            changes[name] = arg.coerce(value)
        except (ValueError, OverflowError) as e:
            diags.append(Diagnostic("E104", T("{arg} = {expression} = {value!r}: {problem}", arg=name,
                                              expression=deferred.expr.text, value=value, problem=e.args[0]),
                                    node.arg_pos.get(name), None, _context(node)))
            return None
    return args.replace(**changes)


def _decide(node: Node, ins: list, diags: list, shape_env_of):
    """A `when:` that reads the input size, now that it is known: True, False, or None (reported)."""
    try:
        keep = node.when.resolve(shape_env(ins[0]), shape_env_of)
    except CnnError as e:
        diags.extend(Diagnostic(d.code, d.message, d.pos, d.hint, _context(node)) for d in e.diagnostics)
        return None
    if not isinstance(keep, bool):
        diags.append(Diagnostic("E104", T("when: must be true or false, got {value!r}", value=keep), node.when.expr.pos,
                                None, _context(node)))
        return None
    return keep


def _op_for(node: Node, ins: list, diags: list):
    """The op serving these inputs (a family's member for their rank), or None after reporting why not."""
    op = node.op.resolve(ins)
    if op is not None and all(op.accepts(s) for s in ins):
        return op
    which = next((j for j, s in enumerate(ins) if op is None or not op.accepts(s)), 0)
    bad = ins[which]
    want = (op or node.op).expected_input()
    family = getattr(op, "family", None)
    sibling = family.resolve([bad]) if family is not None else None
    hint = None
    if node.inputs[which] == INPUT:
        hint = T("it reads the model input, which is {shape}; give the input as {want}", shape="×".join(map(str, bad)),
                 want=want)
    elif sibling is not None:
        hint = T("use {sibling} for {shape} inputs (or {family}, which follows its input)", sibling=sibling.name,
                 shape=SHAPE_NAMES[len(bad)], family=family.name)
    elif op is not None and op.spatial is not None and len(bad) == 1:
        hint = T("this op works on {want} feature maps; it cannot follow a flatten or linear layer", want=want)
    diags.append(Diagnostic("E206", T("{op} needs a {want} input, got {shape}", op=node.op.name, want=want,
                                      shape=describe_shape(bad)), node.pos, hint, _context(node)))
    return None


def analyze(graph: Graph, input_shape: tuple | None = None, strict: bool = False, each_layer=None,
            input_from: str | None = None) -> Analysis:
    """Infer every layer's shape and counts. Never raises for design problems.

    strict: every floored division is a warning (the homework view), see ops.base.Ctx.
    each_layer: called before each layer (symbolic.py charges its CPU budget there).
    input_from: where the input shape was written, for the hint of a shape error it causes when
    it reads more naturally channels last: "--input" (the default when input_shape is given),
    "input:" (the spec's, the default otherwise) or "" (no such hint: the caller gives its own).
    """
    shape0 = tuple(input_shape) if input_shape is not None else graph.input_shape
    shapes = {INPUT: shape0}
    fields = {INPUT: input_field(shape0)}
    alias: dict = {}  # a layer dropped by a `when:` on its input size -> the layer standing for it
    results, diags = [], []

    def shape_env_of(anchor: str) -> dict:
        """The shape names of a block's input (for block arguments that read it)."""
        return shape_env(shapes[alias.get(anchor, anchor)])

    for node in graph.nodes:
        if each_layer is not None:
            each_layer()
        if node.args is None or any(i not in shapes for i in node.inputs):
            continue  # already reported, or downstream of a reported problem
        names = tuple(alias.get(i, i) for i in node.inputs)
        ins = [shapes[i] for i in names]
        if node.when is not None:
            keep = _decide(node, ins, diags, shape_env_of)
            if keep is None:
                continue
            if not keep:
                target = alias.get(node.stand_in, node.stand_in)
                if target in shapes:
                    alias[node.name] = target
                    shapes[node.name], fields[node.name] = shapes[target], fields[target]
                continue
        op = _op_for(node, ins, diags)
        if op is None:
            continue
        args = _resolve_pending(node, op, ins, diags, shape_env_of)
        if args is None:
            continue
        ctx = Ctx(node.inputs, strict)
        try:
            args = op.bind(args, ins)
            out = tuple(op.infer(args, ins, ctx))
            # Symbolic sizes (cnncalc/symbolic.py) have no sign to test; only ints are checked.
            if any(is_concrete(d) and d <= 0 for d in out):
                raise OpError("E202", T("the output would be {shape}", shape="×".join(map(str, out))),
                              T("check sizes and padding"))
            if any(is_concrete(d) and d > MAX_SIZE for d in out):  # 30 upsamples by 2⁴⁰ are not a network
                raise OpError("E303", T("the output would be {shape}, beyond the supported range (at most 2⁴⁰ in any "
                                        "dimension)", shape=_shown(out)), T("check the scale factors and sizes"))
            trainable, non_trainable = op.params(args, ins, out)
            macs = op.macs(args, ins, out)
            window = op.window(args, ins)
            rf_step = op.rf_window(args, ins)
        except OpError as e:
            pos = node.arg_pos.get(e.arg, node.pos) if e.arg else node.pos
            diags.append(Diagnostic(e.code, T("{layer}: {message}", layer=node.name, message=e.message), pos, e.hint,
                                    _context(node)))
            continue
        for code, message, hint, arg in ctx.warnings:
            if code in node.allow:
                continue
            pos = node.arg_pos.get(arg, node.pos) if arg else node.pos
            diags.append(Diagnostic(code, T("{layer}: {message}", layer=node.name, message=message), pos, hint,
                                    _context(node)))
        shapes[node.name] = out
        used = names[:op.field_inputs(len(names))]
        rf = _field(node, [fields[i] for i in used], [shapes[i] for i in used], rf_step, diags)
        fields[node.name] = rf
        results.append(Layer(node.name, op, args, names, tuple(ins), out, trainable, non_trainable, macs,
                             window, node, rf))
    totals = Totals(
        params=_total([r.params for r in results]),
        trainable_params=_total([r.trainable for r in results]),
        non_trainable_params=_total([r.non_trainable for r in results]),
        macs=_total([r.macs for r in results]),
    )
    last = graph.nodes[-1].name if graph.nodes else INPUT
    reached = alias.get(last, last) in {r.name for r in results}
    output = alias.get(last, last) if reached else (results[-1].name if results else "")
    # W104 only when the model output was reached: after an error upstream of it, "unused" would
    # blame layers that feed the broken one
    unused = _unused(graph, results, output) if reached else []
    diags = _dedupe(diags)
    if input_from is None:
        input_from = "--input" if input_shape is not None else "input:" if graph.input_pos is not None else ""
    if input_from:
        _hint_layout(graph, shape0, diags, input_from)
    everything = [*graph.diagnostics, *diags, *unused]
    everything.sort(key=sort_key)
    return Analysis(graph, shape0, tuple(results), totals, tuple(everything), output)


def first_channels(graph: Graph) -> int | None:
    """The input channels the first layer reading the model input declares (`in_channels: 3`), if any."""
    node = next((n for n in graph.nodes if INPUT in n.inputs), None)
    return declared_channels(node.op, node.args) if node is not None and node.op is not None else None


def layout_fix(shape: tuple, input_from: str) -> str:
    """The hint for an input that reads more naturally channels last, written where it came from."""
    chw = to_chw(shape)
    shown = "×".join(map(str, shape))
    if input_from == "--input":
        return T("the input {shape} looks channels-last: write it as {chw}, or pass --layout hwc", shape=shown,
                 chw="x".join(map(str, chw)))
    return T("the input {shape} looks channels-last: write input: [{chw}] (cnncalc reads {order})", shape=shown,
             chw=", ".join(map(str, chw)), order=SHAPE_NAMES[len(shape)].replace("×", ", "))


def _hint_layout(graph: Graph, shape: tuple, diags: list, input_from: str) -> None:
    """When a shape error follows an input that reads more naturally channels last (its last size small
    and smaller than its first, or, read so, the channels the first layer declares), the first such
    error's hint says so and gives the fix."""
    if looks_channels_last(shape, first_channels(graph)):
        hint_first_shape_error(diags, layout_fix(shape, input_from))


def hint_first_shape_error(diags: list, fix: str) -> bool:
    """Put `fix` before the hint of the first shape error (E2xx) in diags, in place; False if none."""
    first = next((i for i, d in enumerate(diags) if d.severity == "error" and d.code.startswith("E2")), None)
    if first is None:
        return False
    d = diags[first]
    diags[first] = d._replace(hint=T("{fix}; otherwise {hint}", fix=fix, hint=d.hint) if d.hint else fix)
    return True


def _shown(shape: tuple) -> str:
    dims = [str(d) for d in shape]
    return "×".join(d if len(d) <= 20 else T("{start}…({n} digits)", start=d[:6], n=len(d)) for d in dims)


def _total(values: list):
    """A sum; formulas (symbolic sizes) are added in one step, since adding them one at a time
    re-flattens the growing sum each time (1,500 layers: 25 s instead of 0.1 s)."""
    whole = [v for v in values if is_concrete(v)]
    if len(whole) == len(values):
        return sum(whole)
    from .symbolic import add_all

    return add_all([v for v in values if not is_concrete(v)]) + sum(whole)


def _unused(graph: Graph, results: list, output: str) -> list:
    """W104 for each layer no path to the model output reads."""
    if not results or any(d.severity == "error" for d in graph.diagnostics):
        return []
    needed = {output}
    for r in reversed(results):
        if r.name in needed:
            needed.update(r.inputs)
    out = []
    for r in results:
        if r.name not in needed and "W104" not in r.node.allow:
            out.append(Diagnostic("W104", T("{layer}: its output is never used on the way to the model output "
                                            "({output})", layer=r.name, output=output), r.pos,
                                  T("name it in a later layer's inputs:, drop it, or add allow: [W104]"),
                                  _context(r.node)))
    return _dedupe(out)


def _field(node: Node, inputs: list, in_shapes: list, rf_step, diags: list):
    """Receptive field of a layer from its inputs' fields (receptive_field.py)."""
    known = [(f, s) for f, s in zip(inputs, in_shapes) if f is not None]
    if not known:
        return None
    try:
        merged, misaligned = merge([f for f, _ in known], [s for _, s in known])
    except TypeError:  # symbolic fields whose order sympy cannot decide: no field rather than a refusal
        return None
    if misaligned and "W103" not in node.allow:
        parts = "; ".join(f"{name}: {f.describe()}" for name, f in zip(node.inputs, inputs) if f is not None)
        diags.append(Diagnostic("W103", T("{layer}: the receptive fields of its inputs are not aligned, {misaligned} "
                                          "({fields})", layer=node.name, misaligned=misaligned, fields=parts), node.pos,
                                T("outputs mix regions that are off-centre to each other (the union is reported); "
                                  "pad or crop one path to match, or add allow: [W103] if it is intended"),
                                _context(node)))
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
