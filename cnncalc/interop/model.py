"""An imported model: what every reader (ONNX, torch.fx, Keras) produces, and its YAML spec.

A reader never builds a Graph itself: it lists layers in topological order with cnncalc
op types and arguments (from cnncalc/ops/foreign), and `to_yaml` writes them as a spec.
The spec is then parsed like any other, so the import is checked by the same rules as a
hand-written design and its line numbers are those of the file `cnncalc import` writes.
"""

from __future__ import annotations

from typing import NamedTuple

import yaml


class ImportedLayer(NamedTuple):
    """One layer: its name (state_dict prefix or the source's own), type, arguments and inputs.

    inputs: names of earlier layers (or "input"); () means the previous layer.
    origin: where it came from, written as a comment ("node 17: /layer1/layer1.0/conv1/Conv").
    """

    name: str
    type: str
    args: dict
    inputs: tuple = ()
    origin: str = ""


class Imported(NamedTuple):
    name: str
    input_shape: tuple  # channels first, no batch
    layers: tuple  # of ImportedLayer
    source: str = ""  # "torch.onnx export read by cnncalc import", shown as the spec's `source:`
    description: str = ""
    modules: tuple = ()  # (module path, class name) where the reader knows them: blocks are named after them


def unique_name(name: str, used: set) -> str:
    """`name`, or `name_2`, `name_3`, … when taken (and never `input`, the model input's name); marks it used."""
    out, k = name, 1
    while out in used or out == "input":
        k += 1
        out = f"{name}_{k}"
    used.add(out)
    return out


def _flow(value) -> str:
    """A value written inline in YAML flow style ([1, 2], {a: 1}, 'same')."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip()
    return text[:-4].strip() if text.endswith("\n...") else text


def to_yaml(model: Imported, blocks: bool = True) -> str:
    """The model as a readable spec: a block for each module that repeats (interop/spec_blocks.py; none
    with blocks=False, `cnncalc import --flat`), and one flow-style line per layer, its origin as a comment."""
    from .spec_blocks import Call, Plan, call_name, plan

    head = {"name": model.name}
    if model.description:
        head["description"] = model.description
    if model.source:
        head["source"] = model.source
    lines = [f"{key}: {_flow(value)}" for key, value in head.items()]
    lines.append(f"input: {_flow(list(model.input_shape))}")
    layout = plan(model.layers, dict(model.modules)) if blocks else Plan({}, list(model.layers))
    if layout.blocks:
        lines.append("blocks:")
        for name, block in layout.blocks.items():
            lines.append(f"  {name}:")
            if block.params:
                lines.append(f"    args: {_flow({p: None for p in block.params})}")
            lines.append("    layers:")
            for local, type_, args, inputs in block.layers:
                item = {"type": type_, "name": local, **({"inputs": list(inputs)} if inputs else {}), **args}
                lines.append(f"      - {_flow(item)}")
    lines.append("layers:")
    previous = "input"
    for entry in layout.items:
        if isinstance(entry, Call):
            inst, final = entry.instance, entry.last or entry.instance
            item = {"block": entry.block, "name": call_name(entry),
                    **({"repeat": entry.repeat} if entry.repeat > 1 else {}),
                    **({"inputs": [inst.source]} if inst.source != previous else {}), **entry.args}
            first, last = model.layers[inst.start], model.layers[final.end - 1]
            comment = f"  # {first.origin} … {last.origin}" if first.origin else ""
            lines.append(f"  - {_flow(item)}{comment}")
            previous = last.name
            continue
        item = {"type": entry.type, "name": entry.name}
        if entry.inputs and list(entry.inputs) != [previous]:
            item["inputs"] = list(entry.inputs)
        item.update(entry.args)
        comment = f"  # {entry.origin}" if entry.origin else ""
        lines.append(f"  - {_flow(item)}{comment}")
        previous = entry.name
    return "\n".join(lines) + "\n"
