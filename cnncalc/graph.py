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
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .errors import CnnError, Diagnostic, Pos, did_you_mean
from .expressions import Deferred, LayerRef, is_dynamic, parse_value, substitute
from .ops import all_spellings, find_op
from .ops.base import REQUIRED, Args, Op
from .names import INPUT, NameTable
from .spec import Item, Model, match_args

DEFAULT_MAX_LAYERS = 100_000
DEFAULT_MAX_DEPTH = 32
MAX_REPEAT = 1_000_000


@dataclass(frozen=True)
class Scope:
    """A block instance (or a repeat group) that encloses layers."""

    name: str
    block: str
    pos: Pos
    repeat: bool = False


@dataclass(frozen=True)
class Node:
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


@dataclass(frozen=True)
class Graph:
    name: str
    input_shape: tuple
    input_pos: Pos
    nodes: tuple
    file: str
    description: str = ""
    source: str = ""
    published: object = None
    block_published: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    diagnostics: tuple = ()  # problems found while parsing and expanding (the graph is still usable)


class _Run:
    """Mutable state of one expansion."""

    def __init__(self, model: Model, max_layers: int, max_depth: int) -> None:
        self.model = model
        self.max_layers = max_layers
        self.max_depth = max_depth
        self.nodes: list[Node] = []
        self.diags: list[Diagnostic] = []
        self.block_published: dict = {}
        self.where: dict[str, Pos] = {}  # qualified name -> where it was defined
        self._defaults: dict = {}

    def error(self, code, message, pos, hint=None, context=None) -> None:
        self.diags.append(Diagnostic(code, message, pos, hint, context))

    def add(self, node: Node, names: NameTable, name_pos: Pos | None = None) -> str:
        """Append a node; a name already taken anywhere in the network (a top-level `a.c`
        beside block `a`'s layer `c`) is E105 at the second, which becomes a placeholder."""
        first = self.where.get(node.name)
        if first is not None:
            where = f" (first defined at line {first.line})" if first.file == node.pos.file else f" (first at {first})"
            self.error("E105", f"duplicate layer name '{node.name}'{where}", name_pos or node.pos,
                       "give each layer a unique name", names.context())
            node = replace(node, name=f"{node.name}#{len(self.nodes)}", args=None)
        self.where[node.name] = name_pos or node.pos
        self.nodes.append(node)
        return node.name

    def placeholder(self, names: NameTable, item: Item, local: str, ins: tuple = ()) -> str:
        """A node standing for a layer that could not be built (already reported)."""
        node = Node(f"{names.prefix}{local}", None, None, ins, item.pos, MappingProxyType({}), names.chain)
        if node.name in self.where:
            node = replace(node, name=f"{node.name}#{len(self.nodes)}")
        self.where[node.name] = item.pos
        self.nodes.append(node)
        return node.name

    def coerced_defaults(self, op: Op) -> dict:
        if op.name not in self._defaults:
            self._defaults[op.name] = {
                a.name: (a.default if a.default is None or a.default is REQUIRED else a.coerce(a.default))
                for a in op.args}
        return self._defaults[op.name]


def expand(model: Model, max_layers: int = DEFAULT_MAX_LAYERS, max_depth: int = DEFAULT_MAX_DEPTH) -> Graph:
    """Model -> Graph. Problems are kept in Graph.diagnostics, with placeholders (args None)
    for the layers they make unusable, so the analysis can still report everything else."""
    run = _Run(model, max_layers, max_depth)
    top = NameTable("", INPUT, None, "", model.items, (), {})
    with contextlib.suppress(_Abort):  # a limit was hit; its diagnostic is recorded
        _expand_items(run, top, ())
    return Graph(model.name, model.input_shape, model.input_pos, tuple(run.nodes), model.file,
                 model.description, model.source, model.published, MappingProxyType(run.block_published),
                 tuple(_dedupe([*model.diagnostics, *run.diags])))


class _Abort(Exception):
    """A limit was hit; stop expanding (the diagnostic is recorded)."""


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.code, d.pos, d.message.split("'")[0])
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _eval(run: _Run, names: NameTable, value, pos: Pos, what: str, env: dict | None = None):
    try:
        v = substitute(value, names.env if env is None else env)
    except CnnError as e:
        for d in e.diagnostics:
            run.error(d.code, d.message, d.pos, d.hint, names.context())
        return None
    if isinstance(v, Deferred):
        run.error("E110", f"{what} cannot depend on the input shape ('{v.expr.text}')", pos,
                  "only op arguments may use in_channels/in_height/in_width", names.context())
        return None
    return v


def _expand_items(run: _Run, names: NameTable, block_stack: tuple) -> str:
    """Expand a layers list; return the qualified name of its last output."""
    prev = names.input
    for item in names.items:
        prev = _expand_item(run, names, item, prev, block_stack)
    return prev


def _condition(run: _Run, names: NameTable, item: Item):
    """`when:` as True, False or (reading the input size) a Deferred the analysis decides."""
    try:
        keep = substitute(item.when, names.env)
    except CnnError as e:
        for d in e.diagnostics:
            run.error(d.code, d.message, d.pos, d.hint, names.context())
        return True
    if isinstance(keep, Deferred):
        if item.block is None:
            return keep
        run.error("E110", f"when: of a block call cannot depend on the input size ('{keep.expr.text}')",
                  item.when_pos, "put the condition on the layers inside the block", names.context())
        return True
    if not isinstance(keep, bool):
        run.error("E104", f"when: must be true or false, got {keep!r}", item.when_pos, None, names.context())
        return True
    return keep


def _typed(run: _Run, names: NameTable, item: Item, env: dict) -> Item | None:
    """A layer whose `type:` is an expression, with its op chosen and its keys matched to the op's arguments."""
    value = _eval(run, names, item.type_expr, item.type_pos, "type:", env)
    op = find_op(value) if isinstance(value, str) else None
    if op is None:
        if value is not None:
            run.error("E101", f"unknown op {value!r} (from type: {getattr(item.type_expr, 'text', '')})",
                      item.type_pos, did_you_mean(str(value), all_spellings()) or "run `cnncalc ops`",
                      names.context())
        return None
    c = _Reporter(run, names.context())
    args, arg_pos, missing = match_args(op, item.raw_args, item.pos, c)
    return replace(item, op=op, args=args, arg_pos=arg_pos, broken=missing or c.failed, type_expr=None)


class _Reporter:
    """spec.match_args reports through this, inside the block instance being expanded."""

    def __init__(self, run: _Run, context: str | None) -> None:
        self.run, self.context, self.failed = run, context, False

    def add(self, code, message, pos, hint=None) -> None:
        self.failed = True
        self.run.error(code, message, pos, hint, self.context)


def _expand_item(run: _Run, names: NameTable, item: Item, prev: str, block_stack: tuple) -> str:
    ctx = names.context()
    deferred_when = None
    if item.when is not None:
        keep = _condition(run, names, item)
        if isinstance(keep, Deferred):
            deferred_when = keep
        elif not keep:
            return _drop(run, names, item, prev)
    count, repeated = 1, item.repeat is not None
    if repeated:
        count = _eval(run, names, item.repeat, item.repeat_pos, "repeat:")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            if count is not None:
                run.error("E104", f"repeat: must be a whole number ≥ 0, got {count!r}", item.repeat_pos, None, ctx)
            return prev
        if count > MAX_REPEAT or len(run.nodes) + count > run.max_layers:
            run.error("E301", f"repeat: {count:,} would exceed the limit of {run.max_layers:,} layers",
                      item.repeat_pos, "use --max-layers to raise the limit", ctx)
            raise _Abort
    static_name = item.name if isinstance(item.name, str) else None
    group = None
    if repeated and static_name is not None:
        group = static_name
    out = prev
    group_names = names
    if group is not None and item.block is not None:
        group_names = NameTable(f"{names.prefix}{group}.", prev, names, group, (), names.chain + (
            Scope(f"{names.prefix}{group}", item.block, item.pos, repeat=True),), names.env)
        if item.published is not None:
            run.block_published[f"{names.prefix}{group}"] = item.published
    for i in range(count):
        env = {**names.env, "i": i} if repeated else names.env
        local = _item_name(run, names, item, i, env, group)
        if local is None:
            continue
        layer = item
        if item.type_expr is not None:
            layer = _typed(run, names, item, env)
            if layer is None:
                out = run.placeholder(names, item, local)
                names.register(local, out, item.name_pos or item.pos, run)
                continue
        if i == 0 and item.inputs:
            ins = []
            for value, pos in item.inputs:
                ref = _eval(run, names, value, pos, "inputs")
                q = names.resolve(_ref(ref), pos, local, run) if ref is not None else None
                if q is None:  # reported; a placeholder keeps the layers that read this one quiet
                    out = run.placeholder(names, item, local)
                    names.register(local, out, item.name_pos or item.pos, run)
                    return out
                ins.append(q)
        else:
            ins = [out]
        if layer.op is None and layer.block is None:  # placeholder for a reported problem
            out = run.placeholder(names, layer, local, tuple(ins))
            names.register(local, out, layer.name_pos or layer.pos, run)
        elif layer.block is not None:
            out = _expand_block(run, names, group_names, layer, local, ins, env, block_stack)
        else:
            stand_in = _stand_in(run, names, layer, prev, ins) if deferred_when is not None else None
            out = _add_node(run, names, layer, local, ins, env, deferred_when, stand_in)
            if layer.activation:
                act = find_op(layer.activation)
                act_local = f"{local}_{act.name}"
                qualified = run.add(Node(f"{names.prefix}{act_local}", act, Args(run.coerced_defaults(act)), (out,),
                                         item.activation_pos, MappingProxyType({}), names.chain), names)
                names.register(act_local, qualified, item.activation_pos, run)
                out = qualified
    if group is not None:
        names.register(group, out, item.name_pos or item.pos, run)
    return out


def _ref(value):
    """A name to resolve: a block argument naming a layer keeps where it points (expressions.LayerRef)."""
    return value if isinstance(value, LayerRef) else str(value)


def _stand_in(run: _Run, names: NameTable, item: Item, prev: str, ins: list | None = None) -> str | None:
    """The layer that stands for `item` when its `when:` is false: `else:`, or its one input."""
    if item.otherwise is not None:
        value, pos = item.otherwise
        ref = _eval(run, names, value, pos, "else:")
        return names.resolve(_ref(ref), pos, "", run) if ref is not None else None
    if item.inputs and len(item.inputs) > 1:
        shown = ", ".join(f"${v.text}" if hasattr(v, "text") else str(v) for v, _ in item.inputs)
        run.error("E113", f"this layer has several inputs ({shown}); when it is dropped, which one stands in for it "
                          f"is not said", item.when_pos, f"add else: <name> (e.g. else: {shown.split(', ')[-1]}), "
                                                         f"the layer that replaces it when `when:` is false",
                  names.context())
        return None
    if ins:
        return ins[0]
    if item.inputs:
        value, pos = item.inputs[0]
        ref = _eval(run, names, value, pos, "inputs")
        return names.resolve(_ref(ref), pos, "", run) if ref is not None else None
    return prev


def _drop(run: _Run, names: NameTable, item: Item, prev: str) -> str:
    """A layer dropped by `when: false` stands for its input; one with several inputs says
    which with `else:` (otherwise E113); references to it then mean that layer."""
    stand_in = _stand_in(run, names, item, prev)
    if stand_in is None:  # reported: later references are quiet
        stand_in = run.placeholder(names, item, item.name if isinstance(item.name, str) else "dropped")
    if isinstance(item.name, str):
        names.register(item.name, stand_in, item.name_pos or item.pos, run)
    return stand_in


def _item_name(run, names: NameTable, item: Item, i: int, env: dict, group: str | None) -> str | None:
    if item.name is None:
        base = item.op.name if item.op is not None else item.block or "layer"
        return names.auto_name(base)
    if group is not None:
        return str(i) if item.block is not None else f"{group}.{i}"
    if is_dynamic(item.name):
        v = _eval(run, names, item.name, item.name_pos, "name:", env)
        if v is None:
            return None
        return str(v)
    return str(item.name)


def _check_limits(run: _Run, pos: Pos, names: NameTable) -> None:
    if len(run.nodes) >= run.max_layers:
        run.error("E301", f"the network expands to more than {run.max_layers:,} layers", pos,
                  "use --max-layers to raise the limit", names.context())
        raise _Abort


def _add_node(run: _Run, names: NameTable, item: Item, local: str, ins: list, env: dict, when=None,
              stand_in: str | None = None) -> str:
    _check_limits(run, item.pos, names)
    op = item.op
    qualified = f"{names.prefix}{local}"
    if local == INPUT:
        run.error("E105", "'input' is reserved for the model input", item.name_pos or item.pos,
                  "choose another name", names.context())
    n_in = len(ins)
    if n_in < op.min_inputs or (op.max_inputs is not None and n_in > op.max_inputs):
        want = (f"at least {op.min_inputs}" if op.max_inputs is None else
                str(op.min_inputs) if op.min_inputs == op.max_inputs else f"{op.min_inputs}–{op.max_inputs}")
        hint = "name them with inputs: [a, b]" if op.min_inputs > 1 else "give it one input"
        run.error("E112", f"{op.name} takes {want} input{'s' if want != '1' else ''}, got {n_in}",
                  item.pos, hint, names.context())
    values = dict(run.coerced_defaults(op))
    pending, ok = [], True
    ins = list(ins)
    for arg in op.args:
        if arg.name not in item.args:
            continue
        pos = item.arg_pos[arg.name]
        if arg.ref:  # `like: enc4`: a layer whose shape the op reads, passed as one more input
            ref = _eval(run, names, item.args[arg.name], pos, arg.name, env)
            target = names.resolve(_ref(ref), pos, local, run) if isinstance(ref, str) else None
            if target is None:
                if ref is not None and not isinstance(ref, str):
                    run.error("E104", f"{arg.name}: expected the name of a layer, got {ref!r}", pos, None,
                              names.context())
                ok = False
                continue
            values[arg.name] = target
            ins.append(target)
            continue
        try:
            raw = substitute(item.args[arg.name], env)
        except CnnError as e:
            for d in e.diagnostics:
                run.error(d.code, d.message, d.pos, d.hint, names.context())
            ok = False
            continue
        if isinstance(raw, Deferred):
            pending.append((arg.name, raw))
            values[arg.name] = None
            continue
        try:
            values[arg.name] = arg.coerce(raw)
        except OverflowError as e:
            run.error("E303", f"{arg.name}: {e}", pos, None, names.context())
            ok = False
        except ValueError as e:
            run.error("E104", f"{arg.name}: {e}", pos, None, names.context())
            ok = False
    qualified = run.add(Node(qualified, op, Args(values) if ok and not item.broken else None, tuple(ins),
                             item.pos, MappingProxyType(dict(item.arg_pos)), names.chain, tuple(pending),
                             item.published, item.allow, when, stand_in), names, item.name_pos)
    names.register(local, qualified, item.name_pos or item.pos, run)
    return qualified


def _expand_block(run: _Run, names: NameTable, parent: NameTable, item: Item, local: str, ins: list, env: dict,
                  block_stack: tuple) -> str:
    bdef = run.model.blocks[item.block]
    if item.block in block_stack:
        chain = " → ".join((*block_stack[block_stack.index(item.block):], item.block))
        run.error("E109", f"block '{item.block}' uses itself: {chain}", item.pos,
                  "a block cannot contain itself; use repeat: to stack copies", names.context())
        raise _Abort
    if len(block_stack) >= run.max_depth:
        run.error("E302", f"blocks are nested more than {run.max_depth} deep", item.pos, None, names.context())
        raise _Abort
    if len(ins) != 1:
        run.error("E112", f"a block takes one input, got {len(ins)}", item.pos, None, names.context())
        return ins[0] if ins else names.input
    benv, n_errors = {}, len(run.diags)
    for p, default in bdef.params.items():
        if p in item.args:
            benv[p] = _eval(run, names, item.args[p], item.arg_pos[p], f"argument '{p}'", env)
            target = names.lookup(benv[p]) if isinstance(benv[p], str) else None
            if target is not None:  # names a layer where the block is used: `{block: up, skip: enc4}`
                benv[p] = LayerRef(benv[p], target)
        elif default is not REQUIRED:
            benv[p] = _eval(run, names, parse_value(default, bdef.param_pos.get(p, bdef.pos)),
                            bdef.param_pos.get(p, bdef.pos), f"default of '{p}'", benv)
    if len(run.diags) > n_errors:
        return ins[0]  # an argument failed; its error is recorded, don't cascade
    qualified = f"{parent.prefix}{local}"
    scope = Scope(qualified, item.block, item.pos)
    if bdef.published is not None or item.published is not None:
        run.block_published[qualified] = item.published if item.published is not None else bdef.published
    inner = NameTable(f"{qualified}.", ins[0], parent, local, bdef.items, parent.chain + (scope,), benv)
    out = _expand_items(run, inner, block_stack + (item.block,))
    if bdef.output is not None:
        out = inner.table.get(bdef.output)
        if out is None:
            run.error("E106", f"block '{item.block}' names output '{bdef.output}', which is not one of its layers",
                      bdef.pos, did_you_mean(bdef.output, inner.table))
            out = ins[0]
    parent.register(local, out, item.name_pos or item.pos, run)
    return out


def single_layer(op: Op, args: Args, input_shape: tuple, name: str, arg_pos: dict, pos) -> Graph:
    """A network of one layer built directly (the calculators): no spec text is written or parsed."""
    node = Node(name, op, args, (INPUT,), pos, MappingProxyType(dict(arg_pos)))
    return Graph(name, tuple(input_shape), pos, (node,), "<command line>")
