"""Blocks in an imported spec: where the graph repeats, the layers of one module become one block call.

An imported layer's name is its module path (`layer3.2.conv1`, `layer3.2.bn1`, …). A prefix is an
instance of a block when its layers stand together, read one value from outside (the block's `input`),
and only the last of them is read from outside (the block's output, known by the instance's name).
Instances whose layers are the same (local names, types, arguments and wiring) share one block
definition: ResNet-50's layer3.1 … layer3.5 become five one-line calls of one block, and their layers
keep their names (`layer3.2.conv1`), so the figures, the state_dict keys and a checkpoint check are
those of the flat list. A module that occurs once stays flat. One level of blocks is written: the prefix
depth at which repeated instances cover the most layers.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .model import unique_name


class Instance(NamedTuple):
    prefix: str  # `layer3.2`: the call's name
    start: int  # the layers [start, end) it holds
    end: int
    source: str  # the layer (or "input") it reads
    layers: tuple  # its layers' (local name, type, argument names, local inputs): the block's shape
    values: tuple  # its layers' argument values, frozen


class Block(NamedTuple):
    layers: tuple  # (local name, type, {arg: value or "$param"}, local inputs) per layer
    params: tuple  # the block's argument names, in order


class Call(NamedTuple):
    block: str
    instance: Instance  # the first copy
    args: dict  # block argument -> value
    repeat: int = 1  # copies named prefix.k, prefix.k+1, …, each reading the one before
    last: Instance | None = None  # the last copy


def call_name(call: Call) -> str:
    """The call's `name:` in the spec: the instance's prefix, or for copies `layer3` (layer3.0, layer3.1, …)
    or `layer3.${i + 1}` (layer3.1, layer3.2, …)."""
    if call.repeat == 1:
        return call.instance.prefix
    parent, first = call.instance.prefix.rsplit(".", 1)
    return parent if first == "0" else f"{parent}.${{i + {first}}}"


class Plan(NamedTuple):
    blocks: dict  # block name -> Block
    items: list  # ImportedLayer or Call, in order


def wiring(layers) -> list[tuple]:
    """Each layer's inputs by name: an empty `inputs` is the layer before (the model input for the first)."""
    out, previous = [], "input"
    for layer in layers:
        out.append(tuple(layer.inputs) or (previous,))
        previous = layer.name
    return out


def plan(layers, modules: dict | None = None) -> Plan:
    """The spec's block definitions and items, or every layer flat when nothing repeats."""
    inputs = wiring(layers)
    best: list[Instance] = []
    depths = {name.count(".") for name in (layer.name for layer in layers)}
    for depth in sorted(d for d in depths if d >= 1):
        found = _repeated(_instances(layers, inputs, depth))
        if sum(i.end - i.start for i in found) > sum(i.end - i.start for i in best):
            best = found
    groups: dict = {}
    for inst in best:
        groups.setdefault(inst.layers, []).append(inst)
    blocks, calls, taken = {}, {}, {layer.name for layer in layers}
    for shape, members in groups.items():
        name = _block_name([m.prefix for m in members], set(blocks) | taken, modules or {})
        blocks[name], args = _parametrised(shape, [m.values for m in members])
        for member, values in zip(members, args):
            calls[member.start] = Call(name, member, values)
    items, k = [], 0
    while k < len(layers):
        if k in calls:
            items.append(calls[k])
            k = calls[k].instance.end
        else:
            items.append(layers[k])
            k += 1
    return Plan(blocks, _repeats(items, {layer.name for layer in layers}, layers))


def _repeats(items: list, names: set, layers) -> list:
    """Consecutive calls of one block with the same arguments, numbered k, k+1, … and each reading the one
    before, as one call with `repeat:` (ResNet-50's layer3.1 … layer3.5)."""
    out: list = []
    for item in items:
        before = out[-1] if out and isinstance(out[-1], Call) else None
        if isinstance(item, Call) and before is not None and _continues(before, item, layers):
            merged = before._replace(repeat=before.repeat + 1, last=item.instance)
            if call_name(merged) not in names:  # a repeat's plain name (layer1) is a name of its own
                out[-1] = merged
                continue
        out.append(item)
    return out


def _continues(before: Call, item: Call, layers) -> bool:
    last = before.last or before.instance
    parent, _, number = last.prefix.rpartition(".")
    parent2, _, number2 = item.instance.prefix.rpartition(".")
    return (item.block == before.block and item.args == before.args and parent == parent2 and parent != ""
            and number.isdigit() and number2 == str(int(number) + 1)
            and item.instance.source == layers[last.end - 1].name)


def _parametrised(shape: tuple, values: list) -> tuple:
    """The block for instances of one shape, and each instance's block arguments: the argument values all
    instances share are written in the block; each set of those that differ alike becomes one argument."""
    columns = [(k, arg) for k, (_, _, names, _) in enumerate(shape) for arg in names]
    flat = [[dict(v[k])[arg] for k, arg in columns] for v in values]
    params: dict = {}  # column pattern -> parameter name
    chosen: dict = {}  # column -> parameter name
    for c, (k, arg) in enumerate(columns):
        pattern = tuple(row[c] for row in flat)
        if len(set(map(repr, pattern))) == 1:
            continue
        if pattern not in params:
            local = shape[k][0] if not shape[k][0][0].isdigit() else f"{shape[k][1]}{shape[k][0]}"  # conv0
            params[pattern] = _identifier(f"{local}_{arg}", set(params.values()))
        chosen[(k, arg)] = params[pattern]
    body = []
    for k, (local, type_, names, refs) in enumerate(shape):
        args = {arg: f"${chosen[(k, arg)]}" if (k, arg) in chosen else thawed(dict(values[0][k])[arg])
                for arg in names}
        body.append((local, type_, args, refs))
    per_call = [{chosen[col]: thawed(row[c]) for c, col in enumerate(columns) if col in chosen} for row in flat]
    return Block(tuple(body), tuple(params.values())), per_call


def _identifier(text: str, taken: set) -> str:
    """`downsample.0_out_channels` -> `downsample_0_out_channels`: a name a `$` expression can read, unused."""
    base = "".join(ch if ch.isalnum() else "_" for ch in text).strip("_") or "arg"
    return unique_name(base if not base[0].isdigit() else f"arg_{base}", set(taken))


def _instances(layers, inputs, depth: int) -> list[Instance]:
    """The prefixes of `depth` + 1 name pieces whose layers form a block instance, in order."""
    names = {layer.name for layer in layers}
    runs: list[list] = []
    for k, layer in enumerate(layers):
        pieces = layer.name.split(".")
        prefix = ".".join(pieces[:depth]) if len(pieces) > depth else None
        if runs and runs[-1][0] == prefix and prefix is not None:
            runs[-1][2] = k + 1
        else:
            runs.append([prefix, k, k + 1])
    seen: set = set()
    found = []
    for prefix, start, end in runs:
        if prefix is None or prefix in seen or prefix in names or prefix == "input":
            seen.add(prefix)
            continue  # not contiguous, or the prefix names a layer too: it cannot name a block call
        seen.add(prefix)
        inst = _instance(layers, inputs, prefix, start, end)
        if inst is not None:
            found.append(inst)
    return found


def _instance(layers, inputs, prefix: str, start: int, end: int) -> Instance | None:
    inside = {layers[k].name: k for k in range(start, end)}
    outside = {ref for k in range(start, end) for ref in inputs[k] if ref not in inside}
    if len(outside) != 1:
        return None
    last = layers[end - 1].name
    if any(ref in inside and ref != last for k in range(end, len(layers)) for ref in inputs[k]):
        return None  # a layer after the instance reads one of its inner layers
    if end < len(layers) and not any(last in inputs[k] for k in range(end, len(layers))):
        return None  # the instance's output is not used, while the network goes on: not a block
    cut = len(prefix) + 1
    local, values, previous = [], [], "input"
    source = next(iter(outside))
    for k in range(start, end):
        refs = tuple("input" if ref == source else layers[inside[ref]].name[cut:] for ref in inputs[k])
        name = layers[k].name[cut:]
        if name == "input":
            return None
        local.append((name, layers[k].type, tuple(layers[k].args), () if refs == (previous,) else refs))
        values.append(_frozen(layers[k].args))
        previous = name
    return Instance(prefix, start, end, source, tuple(local), tuple(values))


def _repeated(instances: list[Instance]) -> list[Instance]:
    count: dict = {}
    for inst in instances:
        count[inst.layers] = count.get(inst.layers, 0) + 1
    return [inst for inst in instances if count[inst.layers] > 1]


def _frozen(value):
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ("__list__", tuple(_frozen(v) for v in value))
    return value


def thawed(value):
    """A frozen argument (hashable, to compare instances) as it was."""
    if isinstance(value, tuple) and value and value[0] == "__list__":
        return [thawed(v) for v in value[1]]
    if isinstance(value, tuple):
        return {k: thawed(v) for k, v in value}
    return value


def _block_name(prefixes: list, taken: set, modules: dict) -> str:
    """The instances' module class when the reader knows it (`BasicBlock` -> `basic_block`); else after the
    module holding them: `layer3.1`, `layer3.2` -> `layer3_block`; `layer1.1`, `layer2.1` -> `layer_block`.
    Made unique."""
    classes = {modules.get(p) for p in prefixes}
    if len(classes) == 1 and None not in classes:
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", classes.pop()).lower()
        return _identifier(snake, taken)
    parents = [p.rsplit(".", 1)[0] if "." in p else p for p in prefixes]
    common = parents[0]
    for p in parents[1:]:
        while not p.startswith(common):
            common = common[:-1]
    if len(set(parents)) > 1:
        common = common.rstrip("0123456789._")
    return _identifier((common or "repeated") + "_block", taken)
