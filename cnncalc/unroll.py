"""Unrolling a `layers:` list into nodes: repeats, block instances, `when:`/`else:`, `type:` expressions.

graph.expand() runs this over the model's layers with the model's arguments. Each item
becomes one node or, for a block call, the nodes of a block instance whose names read
like torchvision's (`layer1.0.conv1`). Arguments are evaluated in the instance's
environment and coerced by the op's schema; those that read the input size are left
pending for the analysis. Problems are recorded, and a placeholder node keeps the
layers after a broken one quiet.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from .errors import CnnError, Pos, did_you_mean
from .expressions import Deferred, LayerRef, is_dynamic, parse_value, substitute
from .i18n import T
from .graph import MAX_REPEAT, Node, Scope
from .names import INPUT, NameTable
from .ops import all_spellings, find_op
from .ops.base import REQUIRED, Args
from .ops.registry import keras_base
from .nodes import Abort, Run, add_node, charge_step, evaluate, layer_ref
from .spec_items import Item, match_args


def expand_items(run: Run, names: NameTable, block_stack: tuple) -> str:
    """Expand a layers list; return the qualified name of its last output."""
    prev = names.input
    for item in names.items:
        prev = _expand_item(run, names, item, prev, block_stack)
    return prev


def _condition(run: Run, names: NameTable, item: Item):
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
        run.error("E110", T("when: of a block call cannot depend on the input size ('{text}')",
                            text=keep.expr.text), item.when_pos, T("put the condition on the layers inside the block"),
                  names.context())
        return True
    if not isinstance(keep, bool):
        run.error("E104", T("when: must be true or false, got {value!r}", value=keep), item.when_pos, None,
                  names.context())
        return True
    return keep


def _typed(run: Run, names: NameTable, item: Item, env: dict) -> Item | None:
    """A layer whose `type:` is an expression, with its op chosen and its keys matched to the op's arguments."""
    value = evaluate(run, names, item.type_expr, item.type_pos, "type:", env)
    op = find_op(value) if isinstance(value, str) else None
    if op is None:
        if value is not None:
            run.error("E101", T("unknown op {value!r} (from type: {text})", value=value,
                                text=getattr(item.type_expr, "text", "")),
                      item.type_pos, did_you_mean(str(value), all_spellings()) or T("run `cnncalc ops`"),
                      names.context())
        return None
    c = _Reporter(run, names.context())
    args, arg_pos, missing = match_args(op, item.raw_args, item.pos, c)
    return item._replace(op=op, args=args, arg_pos=arg_pos, broken=missing or c.failed, type_expr=None,
                         spelling=value)


class _Reporter:
    """spec.match_args reports through this, inside the block instance being expanded."""

    def __init__(self, run: Run, context: str | None) -> None:
        self.run, self.context, self.failed = run, context, False

    def add(self, code, message, pos, hint=None) -> None:
        self.failed = True
        self.run.error(code, message, pos, hint, self.context)


def _expand_item(run: Run, names: NameTable, item: Item, prev: str, block_stack: tuple) -> str:
    ctx = names.context()
    charge_step(run, item.pos, names)
    deferred_when = None
    if item.when is not None:
        keep = _condition(run, names, item)
        if isinstance(keep, Deferred):
            deferred_when = keep
        elif not keep:
            return _drop(run, names, item, prev)
    count, repeated = 1, item.repeat is not None
    if repeated:
        count = evaluate(run, names, item.repeat, item.repeat_pos, "repeat:")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            if count is not None:
                run.error("E104", T("repeat: must be a whole number ≥ 0, got {count!r}", count=count), item.repeat_pos,
                          None, ctx)
            return prev
        if count > MAX_REPEAT or len(run.nodes) + count > run.max_layers:
            run.error("E301", T("repeat: {count:,} would exceed the limit of {limit:,} layers", count=count,
                                limit=run.max_layers),
                      item.repeat_pos, T("use --max-layers to raise the limit"), ctx)
            raise Abort
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
        if i:
            charge_step(run, item.pos, names)
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
                ref = evaluate(run, names, value, pos, "inputs")
                q = names.resolve(layer_ref(ref), pos, local, run) if ref is not None else None
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
            out = add_node(run, names, layer, local, ins, env, deferred_when, stand_in)
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


def _block_arg(run: Run, names: NameTable, value, pos: Pos, name: str, env: dict, anchor: str | None):
    """A block argument; one that reads the input size waits for the shape of the block's input."""
    try:
        v = substitute(value, env)
    except CnnError as e:
        for d in e.diagnostics:
            run.error(d.code, d.message, d.pos, d.hint, names.context())
        return None
    return replace(v, anchor=anchor) if isinstance(v, Deferred) and v.anchor is None else v


def _stand_in(run: Run, names: NameTable, item: Item, prev: str, ins: list | None = None) -> str | None:
    """The layer that stands for `item` when its `when:` is false: `else:`, or its one input."""
    if item.otherwise is not None:
        value, pos = item.otherwise
        ref = evaluate(run, names, value, pos, "else:")
        return names.resolve(layer_ref(ref), pos, "", run) if ref is not None else None
    if item.inputs and len(item.inputs) > 1:
        shown = ", ".join(str(v) for v, _ in item.inputs)  # as written: conv.${e + 2}, $skip
        run.error("E113", T("this layer has several inputs ({inputs}); when it is dropped, which one stands in for it "
                            "is not said", inputs=shown), item.when_pos,
                  T("add else: <name> (e.g. else: {last}), the layer that replaces it when `when:` is false",
                    last=shown.split(", ")[-1]), names.context())
        return None
    if ins:
        return ins[0]
    if item.inputs:
        value, pos = item.inputs[0]
        ref = evaluate(run, names, value, pos, "inputs")
        return names.resolve(layer_ref(ref), pos, "", run) if ref is not None else None
    return prev


def _drop(run: Run, names: NameTable, item: Item, prev: str) -> str:
    """A layer dropped by `when: false` stands for its input; one with several inputs says
    which with `else:` (otherwise E113); references to it then mean that layer."""
    stand_in = _stand_in(run, names, item, prev)
    if stand_in is None:  # reported: later references are quiet
        stand_in = run.placeholder(names, item, item.name if isinstance(item.name, str) else "dropped")
    if isinstance(item.name, str):
        names.register(item.name, stand_in, item.name_pos or item.pos, run, dropped=True)
    return stand_in


def _item_name(run, names: NameTable, item: Item, i: int, env: dict, group: str | None) -> str | None:
    if item.name is None:
        keras = keras_base(item.spelling) if run.keras and item.op is not None else None
        if keras is not None:  # a Keras class in a Keras spec: model.summary()'s conv2d, conv2d_1, ...
            return names.auto_name(keras, run.keras_counts)
        base = item.op.name if item.op is not None else item.block or "layer"
        return names.auto_name(base)
    if group is not None:
        return str(i) if item.block is not None else f"{group}.{i}"
    if is_dynamic(item.name):
        v = evaluate(run, names, item.name, item.name_pos, "name:", env)
        if v is None:
            return None
        return str(v)
    return str(item.name)


def _expand_block(run: Run, names: NameTable, parent: NameTable, item: Item, local: str, ins: list, env: dict,
                  block_stack: tuple) -> str:
    bdef = run.model.blocks[item.block]
    if local == INPUT:  # `inputs: [input]` must keep meaning the model's input
        run.error("E105", T("'input' is reserved for the model input"), item.name_pos or item.pos,
                  T("choose another name for this block call"), names.context())
        return ins[0] if ins else names.input
    if item.block in block_stack:
        chain = " → ".join((*block_stack[block_stack.index(item.block):], item.block))
        run.error("E109", T("block '{block}' uses itself: {chain}", block=item.block, chain=chain), item.pos,
                  T("a block cannot contain itself; use repeat: to stack copies"), names.context())
        raise Abort
    if len(block_stack) >= run.max_depth:
        run.error("E302", T("blocks are nested more than {limit} deep", limit=run.max_depth), item.pos, None,
                  names.context())
        raise Abort
    if len(ins) != 1:
        run.error("E112", T("a block takes one input, got {count}", count=len(ins)), item.pos, None, names.context())
        return ins[0] if ins else names.input
    benv, n_errors = dict(run.globals), len(run.diags)  # the model's arguments, shadowed by the block's
    for p, default in bdef.params.items():
        if p in item.args:
            benv[p] = _block_arg(run, names, item.args[p], item.arg_pos[p], p, env, ins[0] if ins else None)
            target = names.lookup(benv[p]) if isinstance(benv[p], str) else None
            if target is not None:  # names a layer where the block is used: `{block: up, skip: enc4}`
                benv[p] = LayerRef(benv[p], target)
        elif default is not REQUIRED:
            benv[p] = evaluate(run, names, parse_value(default, bdef.param_pos.get(p, bdef.pos)),
                            bdef.param_pos.get(p, bdef.pos), T("default of '{arg}'", arg=p), benv)
    if len(run.diags) > n_errors:
        return ins[0]  # an argument failed; its error is recorded, don't cascade
    qualified = f"{parent.prefix}{local}"
    scope = Scope(qualified, item.block, item.pos)
    if bdef.published is not None or item.published is not None:
        run.block_published[qualified] = item.published if item.published is not None else bdef.published
    inner = NameTable(f"{qualified}.", ins[0], parent, local, bdef.items, parent.chain + (scope,), benv)
    out = expand_items(run, inner, block_stack + (item.block,))
    if bdef.output is not None:
        out = inner.table.get(bdef.output)
        if out is None:
            run.error("E106", T("block '{block}' names output '{output}', which is not one of its layers",
                                block=item.block, output=bdef.output),
                      bdef.pos, did_you_mean(bdef.output, inner.table))
            out = ins[0]
    parent.register(local, out, item.name_pos or item.pos, run)
    return out
