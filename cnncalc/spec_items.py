"""One entry of a `layers:` list: a layer of an op, or a block call, positions kept.

Accepted layer forms (README "The spec language"):
    - {type: conv2d, name: c1, out_channels: 16, kernel_size: 3}   canonical
    - {conv2d: {out_channels: 16, kernel_size: 3}}                  op as the key
    - relu                                                          bare op name
    - {block: bottleneck, name: layer1, repeat: 3, planes: 64}      a block call
    - {type: $act, …}                                               the op chosen by an expression

Keys are checked against the op's argument schema here (`match_args`); a `type:` that is an
expression is checked once the graph has evaluated it. Values stay as written, with
`$expressions` parsed, not evaluated.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple


from .errors import Pos, did_you_mean
from .expressions import is_dynamic, parse_value
from .i18n import T
from .ops import EXAMPLE_LAYER, NO_ACTIVATION, REGISTRY, all_spellings, find_arg, find_op
from .ops.base import REQUIRED
from .yamlsource import LList, LMap


LAYER_KEYS = ("type", "name", "inputs", "repeat", "when", "else", "activation", "published", "note", "allow")
BLOCK_CALL_KEYS = ("block", "name", "inputs", "repeat", "when", "else", "published", "note")


def activations() -> list:
    """The ops Keras' `activation:` shortcut may name."""
    return [op.name for op in REGISTRY.values() if op.activation]


class Item(NamedTuple):
    """One entry of a `layers:` list: an op layer (op set) or a block call (block set)."""

    pos: Pos
    op: object = None  # an ops.base.Op or Family
    block: str | None = None
    name: object = None  # str | Expr | Template | None
    name_pos: Pos | None = None
    args: dict = MappingProxyType({})  # key as written -> value (maybe Expr)
    arg_pos: dict = MappingProxyType({})
    inputs: tuple | None = None  # ((value, Pos), ...)
    repeat: object = None
    repeat_pos: Pos | None = None
    when: object = None
    when_pos: Pos | None = None
    otherwise: tuple | None = None  # `else:` (value, Pos): the layer standing in when `when:` is false
    type_expr: object = None  # `type: $expr`: the op is chosen when the block is expanded
    type_pos: Pos | None = None
    raw_args: tuple = ()  # with type_expr: (key, value, key Pos, value Pos) to match once the op is known
    activation: str | None = None
    activation_pos: Pos | None = None
    published: dict | None = None
    broken: bool = False  # reported already; expanded as a placeholder so later layers stay quiet
    allow: tuple = ()  # warning codes this layer acknowledges (`allow: [W102]`), like a linter's noqa
    spelling: str | None = None  # the `type:` as written (Conv2D or conv2d): a Keras class gets Keras's names


def parse_items(raw, pos, block_names, c) -> tuple:
    if not isinstance(raw, LList):
        c.add("E111", T("`layers:` must be a list"), pos, T("each entry starts with '- '"))
        return ()
    if not raw:
        c.add("E111", T("`layers:` is empty"), pos, T("add at least one layer"))
    items = []
    for i, entry in enumerate(raw):
        item = _parse_item(entry, raw.at(i), block_names, c)
        if item is not None:
            items.append(item)
    return tuple(items)


def _unknown_type(type_name, pos, block_names, c, what="op") -> None:
    hint = did_you_mean(type_name, [*all_spellings(), *block_names]) or T("run `cnncalc ops` for the list of ops")
    if what == "op":
        c.add("E101", T("unknown op '{name}'", name=type_name), pos, hint)
    else:
        c.add("E108", T("unknown block '{name}'", name=type_name), pos, hint)


def _parse_item(entry, pos, block_names, c) -> Item | None:
    # sugar: bare op name, or {op: {args}}
    if isinstance(entry, str):
        entry_map = LMap({"type": entry})
        entry_map.pos, entry_map.key_pos, entry_map.val_pos = pos, {"type": pos}, {"type": pos}
        entry = entry_map
    elif isinstance(entry, LMap) and "type" not in entry and "block" not in entry and len(entry) == 1:
        (key, val), = entry.items()
        if val is None:
            inner = LMap()
        elif isinstance(val, LMap):
            inner = val
        else:
            c.add("E111", T("'{key}:' must be followed by a mapping of arguments", key=key), entry.at(key),
                  T("e.g. - {key}: {{...}}, or the canonical - {{type: {key}, ...}}", key=key))
            return None
        merged = LMap({"type": key, **inner})
        merged.pos = entry.pos
        merged.key_pos = {"type": entry.key_at(key), **getattr(inner, "key_pos", {})}
        merged.val_pos = {"type": entry.key_at(key), **getattr(inner, "val_pos", {})}
        entry = merged
    if not isinstance(entry, LMap):
        c.add("E111", T("each layer must be a mapping like {example}", example=EXAMPLE_LAYER), pos)
        return None
    if "block" in entry:
        return _parse_block_call(entry, block_names, c)
    if "type" not in entry:
        c.add("E103", T("this layer has no `type:`"), entry.pos, T("e.g. {example}", example=EXAMPLE_LAYER))
        return _placeholder(entry, c)
    type_name = entry["type"]
    type_value = parse_value(type_name, entry.at("type")) if isinstance(type_name, str) else type_name
    raw = [(k, v, entry.key_at(k), entry.at(k)) for k, v in entry.items() if k not in LAYER_KEYS]
    if is_dynamic(type_value):  # `type: $act`: the op, and so its arguments, are known once expanded
        op, args, arg_pos, missing = None, {}, {}, False
    else:
        op = find_op(type_name) if isinstance(type_name, str) else None
        if op is None:
            if isinstance(type_name, str) and type_name in block_names:
                c.add("E101", T("'{type_name}' is a block, not an op", type_name=type_name), entry.at("type"),
                      T("write {{block: {type_name}, ...}}", type_name=type_name))
            else:
                _unknown_type(type_name, entry.at("type"), block_names, c)
            return _placeholder(entry, c)
        args, arg_pos, missing = match_args(op, raw, entry.pos, c)
    activation = entry.get("activation")
    if activation is not None and not isinstance(activation, str):
        c.add("E104", T("activation must be an op name such as relu"), entry.at("activation"))
        activation = None
    if isinstance(activation, str) and activation.lower() not in NO_ACTIVATION:
        act_op = find_op(activation)
        if act_op is None or not act_op.activation:
            known = activations()
            c.add("E101", T("unknown activation '{activation}'", activation=activation), entry.at("activation"),
                  did_you_mean(activation, known) or T("use one of {names}", names=", ".join(known)))
            activation = None
    else:
        activation = None
    return Item(
        pos=entry.pos, op=op, name=_name_value(entry), name_pos=entry.at("name") if "name" in entry else None,
        args=args, arg_pos=arg_pos, inputs=_inputs(entry, c), type_expr=type_value if op is None else None,
        type_pos=entry.at("type"), raw_args=tuple(raw) if op is None else (),
        repeat=parse_value(entry.get("repeat"), entry.at("repeat")),
        repeat_pos=entry.at("repeat") if "repeat" in entry else None,
        when=parse_value(entry.get("when"), entry.at("when")), when_pos=entry.at("when") if "when" in entry else None,
        otherwise=_otherwise(entry), activation=activation,
        activation_pos=entry.at("activation") if activation else None,
        published=entry.get("published"), broken=missing, allow=_allow(entry, c),
        spelling=type_name if op is not None else None,
    )


def _otherwise(entry: LMap) -> tuple | None:
    if "else" not in entry:
        return None
    v = entry["else"]
    return parse_value(v if isinstance(v, str) else str(v), entry.at("else")), entry.at("else")


def match_args(op, raw, pos, c) -> tuple:
    """The layer's keys matched to the op's arguments (PyTorch and Keras names): (args, arg_pos,
    missing); unknown and repeated keys and missing required arguments are reported to c."""
    args, arg_pos, seen = {}, {}, {}
    for key, value, key_pos, value_pos in raw:
        arg = find_arg(op, key)
        if arg is None:
            names = [a.name for a in op.args] + [al for a in op.args for al in a.aliases] + list(LAYER_KEYS)
            hint = did_you_mean(key, names)
            if not hint:
                hint = (T("{op} takes {args}", op=op.name, args=", ".join(a.name for a in op.args)) if op.args
                        else T("{op} takes no arguments", op=op.name))
            c.add("E102", T("unknown key '{key}' for {op}", key=key, op=op.name), key_pos, hint)
            continue
        if arg.name in seen:
            c.add("E102", T("'{key}' repeats '{first}' (both mean {arg})", key=key, first=seen[arg.name], arg=arg.name),
                  key_pos, T("keep one of them"))
            continue
        seen[arg.name] = key
        args[arg.name] = parse_value(value, value_pos)
        arg_pos[arg.name] = value_pos
    missing = False
    for arg in op.args:
        if arg.default is REQUIRED and arg.name not in args:
            message = (T("{op} needs '{arg}' (Keras: {alias})", op=op.name, arg=arg.name, alias=arg.aliases[0])
                       if arg.aliases else T("{op} needs '{arg}'", op=op.name, arg=arg.name))
            c.add("E103", message, pos, T("add {arg}: ... to this layer", arg=arg.name))
            missing = True
    return args, arg_pos, missing


def _allow(entry: LMap, c) -> tuple:
    """`allow: [W101, W102]`: warnings the author has checked and wants silenced for this layer."""
    raw = entry.get("allow")
    if raw is None:
        return ()
    codes = raw if isinstance(raw, list) else [raw]
    from .errors import CATALOGUE

    out = []
    for code in codes:
        if isinstance(code, str) and code in CATALOGUE and code[0] in "WN":
            out.append(code)
        else:
            c.add("E104", T("allow: {code!r} is not a warning code", code=code), entry.at("allow"),
                  T("list warning codes such as W101 (see docs/errors.md); errors cannot be allowed"))
    return tuple(out)


def _placeholder(entry: LMap, c) -> Item:
    """An unusable layer keeps its name and inputs so that layers after it are not blamed."""
    return Item(pos=entry.pos, name=_name_value(entry), name_pos=entry.at("name") if "name" in entry else None,
                inputs=_inputs(entry, c), broken=True)


def _name_value(entry: LMap):
    if "name" not in entry:
        return None
    v = entry["name"]
    return parse_value(v if isinstance(v, str) else str(v), entry.at("name"))


def _inputs(entry: LMap, c) -> tuple | None:
    if "inputs" not in entry:
        return None
    raw = entry["inputs"]
    if isinstance(raw, (str, int)):
        return ((parse_value(str(raw), entry.at("inputs")), entry.at("inputs")),)
    if isinstance(raw, LList) and raw:
        out = []
        for i, r in enumerate(raw):
            if not isinstance(r, (str, int)) or isinstance(r, bool):
                c.add("E104", T("each entry of inputs: must be a layer name"), raw.at(i))
                continue
            out.append((parse_value(str(r), raw.at(i)), raw.at(i)))
        return tuple(out)
    c.add("E104", T("inputs: must be a layer name or a list of layer names"), entry.at("inputs"),
          T("e.g. inputs: [c1, c2]"))
    return None


def _parse_block_call(entry: LMap, block_names, c) -> Item | None:
    block = entry["block"]
    if not isinstance(block, str) or block not in block_names:
        _unknown_type(block, entry.at("block"), block_names, c, what="block")
        return _placeholder(entry, c)
    args, arg_pos = {}, {}
    for key, value in entry.items():
        if key in BLOCK_CALL_KEYS:
            continue
        args[str(key)] = parse_value(value, entry.at(key))
        arg_pos[str(key)] = entry.at(key)
    return Item(
        pos=entry.pos, block=block, name=_name_value(entry), name_pos=entry.at("name") if "name" in entry else None,
        args=args, arg_pos=arg_pos, inputs=_inputs(entry, c),
        repeat=parse_value(entry.get("repeat"), entry.at("repeat")),
        repeat_pos=entry.at("repeat") if "repeat" in entry else None,
        when=parse_value(entry.get("when"), entry.at("when")), when_pos=entry.at("when") if "when" in entry else None,
        otherwise=_otherwise(entry), published=entry.get("published"),
    )
