"""Worked formulas for one layer: what `cnncalc explain` and the calculators show.

Pure: gathers, for one bound layer, its op's worked formulas (Layer.worked), the
receptive-field step with numbers (receptive_field.worked) and the diagnostics that
concern the layer. Rendering is render/explain.py.
"""

from __future__ import annotations

from typing import NamedTuple


from .errors import Option, Pos, did_you_mean, fail
from .graph import INPUT
from .i18n import T
from .ops.base import Worked
from .receptive_field import input_field, merge, worked


class Explanation(NamedTuple):
    name: str
    op: str
    pos: Pos | None
    inputs: tuple
    input_shapes: tuple
    output_shape: tuple
    worked: Worked
    field: str  # the receptive-field step, or "" when space is gone
    diagnostics: tuple
    read: int = 0  # inputs whose values the layer reads; the rest lend their size (center_crop's like:)


def explain_layer(analysis, name: str, where=Option("LAYER")) -> Explanation:
    by_name = {r.name: r for r in analysis.layers}
    r = by_name.get(name)
    if r is None:
        hint = did_you_mean(name, by_name) or T("`cnncalc summarize SPEC` lists the layer names")
        raise fail("E004", T("no layer named '{layer}' in {model}", layer=name, model=analysis.name), where, hint)
    used = r.inputs[:r.op.field_inputs(len(r.inputs))]  # center_crop's like: lends its size, not its pixels
    fields = [input_field(analysis.input_shape) if i == INPUT else (by_name[i].rf if i in by_name else None)
              for i in used]
    known = [(f, s) for f, s in zip(fields, r.input_shapes) if f is not None]
    field = ""
    if known and r.rf is not None:
        before, _ = merge([f for f, _ in known], [s for _, s in known])
        field = worked(before, r.rf_step())
        if len(known) > 1:
            field = T("union of the inputs' fields: {union}; then {step}", union=before, step=field)
    diags = tuple(d for d in analysis.diagnostics if d.message.startswith(f"{name}: "))
    return Explanation(r.name, r.type, r.pos, r.inputs, r.input_shapes, r.output_shape, r.worked(), field, diags,
                       len(used))
