"""Rendering of worked formulas (explain and the one-off calculators)."""

from __future__ import annotations

from ..i18n import _, tr
from . import fmt


def explanation_lines(e, layout: str = "chw") -> list:
    """The worked layer; the labels in the chosen language, padded to the longest so the formulas align."""
    read, lent = _("{shape} (from {layer})"), _("{shape} (the size of {layer})")
    ins = ", ".join((read if k < e.read else lent).format(shape=fmt.shape(s, layout), layer=i)
                    for k, (i, s) in enumerate(zip(e.inputs, e.input_shapes)))
    where = f" — {e.pos}" if e.pos else ""
    labels = {"input": _("input"), "output": _("output"), "shape": _("shape"), "params": _("params"),
              "macs": _("MACs"), "field": _("field")}
    width = max(7, *(len(v) for v in labels.values()))
    lines = [f"{e.name} ({e.op}){where}", f"  {labels['input']:{width}} {ins}",
             f"  {labels['output']:{width}} {fmt.shape(e.output_shape, layout)}", ""]
    label = labels["shape"]
    for f in e.worked.shape:
        lines.append(f"  {label:{width}} {_shape_line(f, layout)}")
        label = ""
    lines.append(f"  {labels['params']:{width}} {e.worked.params.expression()}")
    lines.append(f"  {labels['macs']:{width}} {e.worked.macs.expression()}")
    if e.field:
        lines.append(f"  {labels['field']:{width}} {tr(e.field)}")
    return lines


def _shape_line(f, layout: str) -> str:
    if isinstance(f.value, tuple):  # a whole shape is shown in the chosen layout
        steps = " = ".join((f.name, *f.steps, fmt.shape(f.value, layout)))
        return f"{steps} {f.note}".rstrip()
    return str(f)


def formula_dict(f) -> dict:
    """One size rule: its value (a number, or a channels-first list for a whole shape), the
    formula with numbers substituted (null when the value is given, not computed) and the line
    `explain` prints."""
    value = list(f.value) if isinstance(f.value, tuple) else f.value
    return {"name": f.name, "formula": " = ".join(f.steps) or None, "value": value, "text": str(f)}


def explanation_dict(e, command: str = "explain", **extra) -> dict:
    """`explain` and the calculators as JSON: the envelope (cnncalc/schema) and the layer;
    params and macs are numbers, their worked formulas strings beside them."""
    from .reports import envelope

    params, macs = e.worked.params, e.worked.macs
    return envelope(command, True, e.diagnostics, **extra, **{
        "name": e.name, "type": e.op, "inputs": list(e.inputs), "input_shapes": [list(s) for s in e.input_shapes],
        "output_shape": list(e.output_shape), "shape": [formula_dict(f) for f in e.worked.shape],
        "params": params.value, "params_formula": " = ".join(params.steps) or None, "params_text": str(params),
        "macs": macs.value, "macs_formula": " = ".join(macs.steps) or None, "macs_text": str(macs),
        "receptive_field": str(tr(e.field)) if e.field else None})


def reading_line(text: str, dims: tuple, layout: str, guessed: bool) -> str:
    """How a calculator read --input: 'input read as H×W×C = 32x32x3 (C = 3, H = 32, W = 32); …'."""
    from ..ops.base import SHAPE_NAMES

    if len(dims) == 1:
        return _("input read as a vector of {n:,} features").format(n=dims[0])
    names = SHAPE_NAMES[len(dims)].split("×")  # C, H, W
    written = "×".join((*names[1:], names[0])) if layout == "hwc" else "×".join(names)
    values = ", ".join(f"{n} = {d}" for n, d in zip(names, dims))
    if not guessed:
        return _("input read as {written} = {text} ({values})").format(written=written, text=text, values=values)
    other = "chw" if layout == "hwc" else "hwc"
    other_written = "×".join(names) if layout == "hwc" else "×".join((*names[1:], names[0]))
    return _("input read as {written} = {text} ({values}); --layout {other} to read it as {other_written}").format(
        written=written, text=text, values=values, other=other, other_written=other_written)
