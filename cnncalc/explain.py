"""Worked formulas for one layer: what `cnncalc explain` and the calculators show.

Pure: gathers, for one LayerResult, the op's own worked formulas (Op.explain), the
receptive-field step with numbers (receptive_field.worked) and the diagnostics that
concern the layer. Rendering is render/explain.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Pos, did_you_mean, fail
from .graph import INPUT
from .ops.base import Worked
from .receptive_field import INPUT_RF, merge, worked


@dataclass(frozen=True)
class Explanation:
    name: str
    op: str
    pos: Pos
    inputs: tuple
    input_shapes: tuple
    output_shape: tuple
    worked: Worked
    field: str  # the receptive-field step, or "" when space is gone
    diagnostics: tuple


def explain_layer(analysis, name: str) -> Explanation:
    by_name = {r.name: r for r in analysis.layers}
    r = by_name.get(name)
    if r is None:
        hint = did_you_mean(name, by_name) or "`cnncalc summarize SPEC` lists the layer names"
        raise fail("E004", f"no layer named '{name}' in {analysis.name}", Pos("<command line>", 1, 1), hint)
    fields = [INPUT_RF if i == INPUT and len(analysis.input_shape) == 3 else
              (by_name[i].rf if i in by_name else None) for i in r.inputs]
    known = [f for f in fields if f is not None]
    field = ""
    if known and r.rf is not None:
        before, _ = merge(known)
        field = worked(before, r.node.op.rf_window(r.args, list(r.input_shapes)))
        if len(known) > 1:
            field = f"union of the inputs' fields: {before}; then {field}"
    diags = tuple(d for d in analysis.diagnostics if d.message.startswith(f"{name}: "))
    return Explanation(r.name, r.op, r.node.pos, r.inputs, r.input_shapes, r.output_shape,
                       r.node.op.explain(r.args, list(r.input_shapes), r.output_shape), field, diags)
