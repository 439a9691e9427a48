"""Rendering of worked formulas (explain and the one-off calculators)."""

from __future__ import annotations

from . import fmt


def explanation_lines(e, layout: str = "chw") -> list:
    ins = ", ".join(f"{fmt.shape(s, layout)} (from {i})" for i, s in zip(e.inputs, e.input_shapes))
    where = f" — {e.pos}" if e.pos else ""
    lines = [f"{e.name} ({e.op}){where}", f"  input   {ins}", f"  output  {fmt.shape(e.output_shape, layout)}", ""]
    label = "shape"
    for line in e.worked.shape:
        lines.append(f"  {label:7} {line}")
        label = ""
    lines.append(f"  {'params':7} {e.worked.params.removeprefix('params = ')}")
    lines.append(f"  {'MACs':7} {e.worked.macs.removeprefix('MACs = ')}")
    if e.field:
        lines.append(f"  {'field':7} {e.field}")
    return lines


def explanation_dict(e) -> dict:
    return {"name": e.name, "type": e.op, "inputs": list(e.inputs), "input_shapes": [list(s) for s in e.input_shapes],
            "output_shape": list(e.output_shape), "shape": list(e.worked.shape), "params": e.worked.params,
            "macs": e.worked.macs, "receptive_field": e.field,
            "diagnostics": [d.as_dict() for d in e.diagnostics]}
