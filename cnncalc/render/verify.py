"""Rendering of `cnncalc verify`: per-layer inferred vs actual shapes and weight counts."""

from __future__ import annotations

from ..i18n import N_, _, tr
from . import fmt
from .rows import Column, translated
from .table import print_aligned

COLUMNS = [Column("name", N_("Layer")), Column("type", N_("Type")), Column("inferred", N_("Inferred")),
           Column("actual", N_("Actual")), Column("mark", ""), Column("counted", N_("Params counted"), True),
           Column("allocated", N_("Allocated"), True), Column("ms", "ms", True)]  # translated(): when shown


def render_verify(analysis, result, estimated_peak: int, notes: list, console) -> None:
    rows = []
    for c in result.layers:
        rows.append({"name": c.name, "type": c.op, "inferred": fmt.shape(c.inferred), "actual": fmt.shape(c.actual),
                     "mark": "✓" if c.ok else "✗", "counted": f"{c.counted:,}", "allocated": f"{c.allocated:,}",
                     "ms": f"{1000 * c.seconds:.2f}"})
    title = _("{name} — NumPy forward pass, batch {batch}, {dtype} (estimated peak {peak})").format(
        name=analysis.name, batch=result.batch, dtype=result.dtype, peak=fmt.nbytes(estimated_peak))
    print_aligned(console, title, translated(COLUMNS), rows)
    console.print()
    for note in notes:
        console.print(_("note: {note}").format(note=tr(note)), markup=False)
    bad = [c for c in result.layers if not c.ok]
    if bad:
        console.print(_("✗ {bad} of {n} layers differ from the analysis: {names}").format(
            bad=len(bad), n=len(result.layers), names=", ".join(c.name for c in bad[:8])),
            style="bold red", markup=False)
    else:
        console.print(_("✓ all {n} layers: every shape and weight count as inferred ({seconds:.3f} s)").format(
            n=len(result.layers), seconds=result.seconds), style="bold green", markup=False)


def verify_json(analysis, result, estimated_peak: int, notes: list, estimate: dict | None = None) -> str:
    """estimate: the parts of the estimated peak (runner.MemoryPlan.as_dict), when known."""
    import json

    from .reports import envelope

    return json.dumps(envelope("verify", result.ok, analysis.diagnostics, **{
        "name": analysis.name, "batch": result.batch, "dtype": result.dtype,
        "seconds": result.seconds, "estimated_peak_bytes": estimated_peak,
        **({"estimated_peak": estimate} if estimate is not None else {}), "notes": [tr(n) for n in notes],
        "layers": [{"name": c.name, "type": c.op, "inferred_shape": list(c.inferred), "actual_shape": list(c.actual),
                    "params_counted": c.counted, "weights_allocated": c.allocated, "ok": c.ok,
                    "seconds": c.seconds} for c in result.layers]}), indent=2) + "\n"
