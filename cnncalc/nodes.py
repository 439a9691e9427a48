"""The state of one graph expansion, and how one layer item becomes a Node.

`Run` collects the nodes and the problems of an expansion and checks that every name is
taken once in the whole network. `add_node` evaluates a layer's arguments in its block
instance's environment and coerces them with the op's schema; an argument that reads
the input size stays pending for the analysis, and one that names a layer (`like:`) is
resolved and passed as one more input.
"""

from __future__ import annotations

from types import MappingProxyType

from .errors import CnnError, Diagnostic, Pos
from .expressions import Deferred, LayerRef, message_of, substitute
from .i18n import T
from .graph import Node
from .names import INPUT, NameTable
from .ops.base import REQUIRED, Args, Op
from .ops.registry import keras_only
from .spec import Model
from .spec_items import Item


class Run:
    """Mutable state of one expansion."""

    def __init__(self, model: Model, max_layers: int, max_depth: int) -> None:
        self.model = model
        self.max_layers = max_layers
        self.max_depth = max_depth
        self.nodes: list[Node] = []
        self.steps = 0  # items visited: every layer, block call, repeat copy and layer dropped by `when: false`
        self.diags: list[Diagnostic] = []
        self.block_published: dict = {}
        self.where: dict[str, Pos] = {}  # qualified name -> where it was defined
        self.globals: dict = {}  # the model's arguments, visible in every block
        self._defaults: dict = {}
        # a spec written with Keras layer classes (Conv2D, Dense) names its unnamed layers as Keras does
        self.keras = uses_keras(model)
        self.keras_counts: dict = {}  # Keras counts each name across the whole network

    def error(self, code, message, pos, hint=None, context=None) -> None:
        self.diags.append(Diagnostic(code, message, pos, hint, context))

    def add(self, node: Node, names: NameTable, name_pos: Pos | None = None) -> str:
        """Append a node; a name already taken anywhere in the network (a top-level `a.c`
        beside block `a`'s layer `c`) is E105 at the second, which becomes a placeholder."""
        first = self.where.get(node.name)
        if first is not None:
            message = (T("duplicate layer name '{name}' (first defined at line {line})", name=node.name,
                         line=first.line) if first.file == node.pos.file else
                       T("duplicate layer name '{name}' (first at {first})", name=node.name, first=str(first)))
            self.error("E105", message, name_pos or node.pos, T("give each layer a unique name"), names.context())
            node = node._replace(name=f"{node.name}#{len(self.nodes)}", args=None)
        self.where[node.name] = name_pos or node.pos
        self.nodes.append(node)
        return node.name

    def placeholder(self, names: NameTable, item: Item, local: str, ins: tuple = ()) -> str:
        """A node standing for a layer that could not be built (already reported)."""
        node = Node(f"{names.prefix}{local}", None, None, ins, item.pos, MappingProxyType({}), names.chain)
        if node.name in self.where:
            node = node._replace(name=f"{node.name}#{len(self.nodes)}")
        self.where[node.name] = item.pos
        self.nodes.append(node)
        return node.name

    def coerced_defaults(self, op: Op) -> dict:
        if op.name not in self._defaults:
            self._defaults[op.name] = {
                a.name: (a.default if a.default is None or a.default is REQUIRED else a.coerce(a.default))
                for a in op.args}
        return self._defaults[op.name]


def uses_keras(model: Model) -> bool:
    """True when a layer of the model or of one of its blocks is written with a class only Keras has."""
    items = [*model.items, *(it for b in model.blocks.values() for it in b.items)]
    return any(keras_only(it.spelling) for it in items)


class Abort(Exception):
    """A limit was hit; stop expanding (the diagnostic is recorded)."""


def evaluate(run: Run, names: NameTable, value, pos: Pos, what: str, env: dict | None = None):
    try:
        v = substitute(value, names.env if env is None else env)
    except CnnError as e:
        for d in e.diagnostics:
            run.error(d.code, d.message, d.pos, d.hint, names.context())
        return None
    if isinstance(v, Deferred):
        run.error("E110", T("{what} cannot depend on the input shape ('{text}')", what=what, text=v.expr.text),
                  pos,
                  T("only op arguments may use in_channels/in_height/in_width"), names.context())
        return None
    return v


def layer_ref(value):
    """A name to resolve: a block argument naming a layer keeps where it points (expressions.LayerRef)."""
    return value if isinstance(value, LayerRef) else str(value)


STEPS_PER_LAYER = 2  # the expansion may visit twice as many items as it keeps layers


def charge_step(run: Run, pos: Pos, names: NameTable, n: int = 1) -> None:
    """Charge the expansion for visiting n more items, before visiting them: a layer dropped by
    `when: false` or a block call that adds nothing costs time too, and would otherwise escape
    the layer limit (32 nested blocks of repeat: 2 add no layer until 2^32 visits)."""
    run.steps += n
    if run.steps > STEPS_PER_LAYER * run.max_layers:
        run.error("E301", T("the expansion visits more than {steps:,} items (layers, block calls, repeats and layers "
                            "dropped by `when: false`), {factor}× the limit of {limit:,} layers",
                            steps=STEPS_PER_LAYER * run.max_layers, factor=STEPS_PER_LAYER, limit=run.max_layers), pos,
                  T("use --max-layers to raise the limit"), names.context())
        raise Abort


def check_limits(run: Run, pos: Pos, names: NameTable) -> None:
    if len(run.nodes) >= run.max_layers:
        run.error("E301", T("the network expands to more than {limit:,} layers", limit=run.max_layers), pos,
                  T("use --max-layers to raise the limit"), names.context())
        raise Abort


def add_node(run: Run, names: NameTable, item: Item, local: str, ins: list, env: dict, when=None,
              stand_in: str | None = None) -> str:
    check_limits(run, item.pos, names)
    op = item.op
    qualified = f"{names.prefix}{local}"
    if local == INPUT:
        run.error("E105", T("'input' is reserved for the model input"), item.name_pos or item.pos,
                  T("choose another name"), names.context())
    n_in = len(ins)
    if n_in < op.min_inputs or (op.max_inputs is not None and n_in > op.max_inputs):
        if op.max_inputs is None:
            message = T("{op} takes at least {least} inputs, got {count}", op=op.name, least=op.min_inputs, count=n_in)
        elif op.min_inputs != op.max_inputs:
            message = T("{op} takes {least}–{most} inputs, got {count}", op=op.name, least=op.min_inputs,
                        most=op.max_inputs, count=n_in)
        elif op.min_inputs == 1:
            message = T("{op} takes 1 input, got {count}", op=op.name, count=n_in)
        else:
            message = T("{op} takes {exactly} inputs, got {count}", op=op.name, exactly=op.min_inputs, count=n_in)
        hint = T("name them with inputs: [a, b]") if op.min_inputs > 1 else T("give it one input")
        run.error("E112", message, item.pos, hint, names.context())
    values = dict(run.coerced_defaults(op))
    pending, ok = [], True
    ins = list(ins)
    for arg in op.args:
        if arg.name not in item.args:
            continue
        pos = item.arg_pos[arg.name]
        if arg.ref:  # `like: enc4`: a layer whose shape the op reads, passed as one more input
            ref = evaluate(run, names, item.args[arg.name], pos, arg.name, env)
            target = names.resolve(layer_ref(ref), pos, local, run) if isinstance(ref, str) else None
            if target is None:
                if ref is not None and not isinstance(ref, str):
                    run.error("E104", T("{arg}: expected the name of a layer, got {ref!r}", arg=arg.name, ref=ref), pos,
                              None, names.context())
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
            run.error("E303", T("{arg}: {problem}", arg=arg.name, problem=message_of(e)), pos, None, names.context())
            ok = False
        except ValueError as e:
            run.error("E104", T("{arg}: {problem}", arg=arg.name, problem=message_of(e)), pos, None, names.context())
            ok = False
    qualified = run.add(Node(qualified, op, Args(values) if ok and not item.broken else None, tuple(ins),
                             item.pos, MappingProxyType(dict(item.arg_pos)), names.chain, tuple(pending),
                             item.published, item.allow, when, stand_in), names, item.name_pos)
    names.register(local, qualified, item.name_pos or item.pos, run)
    return qualified
