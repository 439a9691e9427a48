"""Parse a spec document into a `Model`: layers and block definitions, positions kept.

This stage checks what can be checked without evaluating anything: the document's
structure, op and block names, and argument keys. Values stay as written (with
`$expressions` parsed, not evaluated); graph.py evaluates and binds them.

The entries of a `layers:` list (layers and block calls) are spec_items.py's.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple


from .errors import CnnError, Diagnostic, Pos, did_you_mean, fail
from .expressions import is_dynamic, parse_value
from .i18n import T
from .ops import EXAMPLE_LAYER
from .ops.base import REQUIRED
from .shapes import parse_shape
from .spec_items import parse_items
from .yamlsource import LList, LMap

TOP_KEYS = ("name", "input", "args", "variants", "layers", "blocks", "description", "source", "published", "note")
VARIANT_META = ("published", "description", "source", "note")
BLOCK_KEYS = ("args", "layers", "output", "description", "published", "note")


class BlockDef(NamedTuple):
    name: str
    params: dict  # name -> default value or REQUIRED
    param_pos: dict
    items: tuple
    output: str | None
    pos: Pos
    published: dict | None = None


class Model(NamedTuple):
    name: str
    input_shape: tuple  # () when `input:` uses the model's arguments (then `input_value`)
    input_pos: Pos
    items: tuple
    blocks: dict
    file: str
    description: str = ""
    source: str = ""
    published: dict | None = None
    diagnostics: tuple = ()  # problems that do not stop expansion (unknown keys, ops, ...)
    params: dict = MappingProxyType({})  # the model's arguments: name -> default (REQUIRED: none)
    param_pos: dict = MappingProxyType({})
    variants: dict = MappingProxyType({})  # name -> LMap of argument values (and published, source)
    input_value: object = None  # `input: [3, $resolution, $resolution]`, evaluated with the arguments


class _Collector:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []

    def add(self, code, message, pos, hint=None) -> None:
        self.diags.append(Diagnostic(code, message, pos, hint))

    def take(self, err: CnnError) -> None:
        self.diags.extend(err.diagnostics)


def parse_document(doc, filename: str) -> Model:
    c = _Collector()
    if not isinstance(doc, LMap):
        raise fail("E111", T("a spec must be a mapping with at least `input:` and `layers:`"),
                   getattr(doc, "pos", Pos(filename, 1, 1)),
                   T("start from: name: tiny / input: [3, 32, 32] / layers: [...]"))
    for key in doc:
        if key not in TOP_KEYS:
            c.add("E102", T("unknown top-level key '{key}'", key=key), doc.key_at(key),
                  did_you_mean(key, TOP_KEYS) or T("top-level keys are {keys}", keys=", ".join(TOP_KEYS)))
    input_shape, input_pos, input_value = (), doc.pos, None
    if "input" not in doc:
        c.add("E111", T("the spec has no `input:` shape"), doc.pos, T("add e.g. input: [3, 224, 224] (C, H, W)"))
    else:
        input_pos = doc.at("input")
        value = parse_value(doc["input"], input_pos)
        if is_dynamic(value):
            input_value = value  # `[3, $resolution, $resolution]`: once the arguments are known (graph.py)
        else:
            try:
                input_shape = parse_shape(doc["input"], input_pos)
            except CnnError as e:
                c.take(e)
    params, param_pos = _parse_args(doc.get("args"), doc.at("args") if "args" in doc else doc.pos, T("the model"), c)
    variants = _parse_variants(doc, params, c)
    blocks = {}
    raw_blocks = doc.get("blocks") or LMap()
    if not isinstance(raw_blocks, LMap):
        c.add("E111", T("`blocks:` must be a mapping of block name to definition"), doc.at("blocks"))
        raw_blocks = LMap()
    block_names = tuple(str(k) for k in raw_blocks)
    for bname in raw_blocks:
        blocks[str(bname)] = _parse_block(str(bname), raw_blocks[bname], raw_blocks.at(bname), block_names, c)
    items = ()
    if "layers" not in doc:
        c.add("E111", T("the spec has no `layers:` list"), doc.pos,
              T("add layers: [ {example}, ... ]", example=EXAMPLE_LAYER))
    else:
        items = parse_items(doc["layers"], doc.at("layers"), block_names, c)
    name = doc.get("name")
    if name is not None and not isinstance(name, str):  # a tag or a list must not become a name
        c.add("E111", T("`name:` must be a string, got {kind}", kind=_kind(name)), doc.at("name"),
              T("e.g. name: my_net"))
        name = None
    model = Model(
        name=str(name) if name is not None else filename.rsplit("/", 1)[-1].rsplit(".", 1)[0],
        input_shape=input_shape, input_pos=input_pos, items=items, blocks=blocks, file=filename,
        description=str(doc.get("description") or ""), source=str(doc.get("source") or ""),
        published=doc.get("published"), params=params, param_pos=param_pos, variants=variants,
        input_value=input_value,
    )
    c.diags.extend(check_block_args(model))
    if not (input_shape or input_value is not None) or "layers" not in doc:
        raise CnnError(c.diags)  # nothing can be analysed without an input and layers
    return model._replace(diagnostics=tuple(c.diags))


def _kind(value) -> str:
    if isinstance(value, dict):
        return T("a mapping")
    return T("a list") if isinstance(value, list) else T("the {type} {value!r}", type=type(value).__name__,
                                                          value=value)


def _parse_args(args, pos: Pos, owner: str, c) -> tuple:
    """`args: {planes: null, stride: 1}` (null: required) or a list of names -> (defaults, positions)."""
    params, param_pos = {}, {}
    if isinstance(args, LMap):
        for k, v in args.items():
            params[str(k)] = REQUIRED if v is None else v
            param_pos[str(k)] = args.key_at(k)
    elif isinstance(args, LList):
        for i, entry in enumerate(args):
            if isinstance(entry, str):
                params[entry], param_pos[entry] = REQUIRED, args.at(i)
            elif isinstance(entry, LMap) and len(entry) == 1:
                (k, v), = entry.items()
                params[str(k)], param_pos[str(k)] = v, entry.key_at(k)
            else:
                c.add("E111", T("args are names, or name: default"), args.at(i))
    elif args is not None:
        c.add("E111", T("`args:` of {owner} must map argument names to defaults (null = required)", owner=owner),
              pos, T("e.g. args: {planes: null, stride: 1}"))
    return params, param_pos


def _parse_variants(doc, params: dict, c) -> dict:
    """`variants: {efficientnet_b3: {width: 1.2, depth: 1.4, resolution: 300}, …}`: named sets of arguments."""
    raw = doc.get("variants")
    if raw is None:
        return {}
    if not isinstance(raw, LMap):
        c.add("E111", T("`variants:` maps a model name to its argument values"), doc.at("variants"),
              T("e.g. variants: {net_small: {width: 0.5}}"))
        return {}
    out = {}
    for name, values in raw.items():
        if values is None:
            values = LMap()
            values.pos, values.key_pos, values.val_pos = raw.at(name), {}, {}
        if not isinstance(values, LMap):
            c.add("E111", T("variant '{name}' must map arguments to values", name=name), raw.at(name))
            continue
        for key in values:
            if key not in params and key not in VARIANT_META:
                c.add("E102", T("variant '{name}' sets '{key}', which is not an argument of the model", name=name,
                                key=key),
                      values.key_at(key), did_you_mean(key, params) or T("the model's args: {args}",
                                                                         args=", ".join(params)))
        out[str(name)] = values
    return out


def _parse_block(name, raw, pos, block_names, c) -> BlockDef:
    if not isinstance(raw, LMap):
        c.add("E111", T("block '{name}' must be a mapping with `layers:` (and optionally `args:`)", name=name), pos)
        return BlockDef(name, {}, {}, (), None, pos)
    for key in raw:
        if key not in BLOCK_KEYS:
            c.add("E102", T("unknown key '{key}' in block '{name}'", key=key, name=name), raw.key_at(key),
                  did_you_mean(key, BLOCK_KEYS) or T("a block has {keys}", keys=", ".join(BLOCK_KEYS)))
    params, param_pos = _parse_args(raw.get("args"), raw.at("args") if "args" in raw else pos,
                                    T("block '{name}'", name=name), c)
    if "layers" not in raw:
        c.add("E111", T("block '{name}' has no `layers:`", name=name), pos)
        items = ()
    else:
        items = parse_items(raw["layers"], raw.at("layers"), block_names, c)
    output = raw.get("output")
    return BlockDef(name, params, param_pos, items, str(output) if output is not None else None, pos,
                    raw.get("published"))


def check_block_args(model: Model) -> list[Diagnostic]:
    """Block calls must use only declared arguments and give every required one."""
    diags = []

    def visit(items):
        for it in items:
            if it.block is None or it.broken:
                continue
            bdef = model.blocks[it.block]
            for key in it.args:
                if key not in bdef.params:
                    hint = did_you_mean(key, bdef.params) or (
                        T("block '{block}' takes {args}", block=it.block, args=", ".join(bdef.params)) if bdef.params
                        else T("block '{block}' takes no arguments", block=it.block))
                    diags.append(Diagnostic("E102", T("unknown argument '{key}' for block '{block}'", key=key,
                                                      block=it.block), it.arg_pos[key], hint))
            for p, default in bdef.params.items():
                if default is REQUIRED and p not in it.args:
                    diags.append(Diagnostic("E103", T("block '{block}' needs argument '{arg}'", block=it.block, arg=p),
                                            it.pos, T("add {arg}: ... to this block call", arg=p)))

    visit(model.items)
    for b in model.blocks.values():
        visit(b.items)
    return diags
