"""Rendering of `cnncalc verify`: per-layer inferred vs actual shapes and weight counts."""

from __future__ import annotations

from . import fmt
from .rows import Column
from .table import print_aligned

COLUMNS = [Column("name", "Layer"), Column("type", "Type"), Column("inferred", "Inferred"),
           Column("actual", "Actual"), Column("mark", ""), Column("counted", "Params counted", True),
           Column("allocated", "Allocated", True), Column("ms", "ms", True)]


def render_verify(analysis, result, estimated_peak: int, notes: list, console) -> None:
    rows = []
    for c in result.layers:
        rows.append({"name": c.name, "type": c.op, "inferred": fmt.shape(c.inferred), "actual": fmt.shape(c.actual),
                     "mark": "✓" if c.ok else "✗", "counted": f"{c.counted:,}", "allocated": f"{c.allocated:,}",
                     "ms": f"{1000 * c.seconds:.2f}"})
    title = (f"{analysis.name} — NumPy forward pass, batch {result.batch}, {result.dtype} "
             f"(estimated peak {fmt.nbytes(estimated_peak)})")
    print_aligned(console, title, COLUMNS, rows)
    console.print()
    for note in notes:
        console.print(f"note: {note}", markup=False)
    bad = [c for c in result.layers if not c.ok]
    if bad:
        console.print(f"✗ {len(bad)} of {len(result.layers)} layers differ from the analysis: "
                      + ", ".join(c.name for c in bad[:8]), style="bold red", markup=False)
    else:
        console.print(f"✓ all {len(result.layers)} layers: every shape and weight count as inferred "
                      f"({result.seconds:.3f} s)", style="bold green", markup=False)


def verify_json(analysis, result, estimated_peak: int, notes: list, estimate: dict | None = None) -> str:
    """estimate: the parts of the estimated peak (runner.MemoryPlan.as_dict), when known."""
    import json

    from .reports import envelope

    return json.dumps(envelope("verify", result.ok, analysis.diagnostics, **{
        "name": analysis.name, "batch": result.batch, "dtype": result.dtype,
        "seconds": result.seconds, "estimated_peak_bytes": estimated_peak,
        **({"estimated_peak": estimate} if estimate is not None else {}), "notes": notes,
        "layers": [{"name": c.name, "type": c.op, "inferred_shape": list(c.inferred), "actual_shape": list(c.actual),
                    "params_counted": c.counted, "weights_allocated": c.allocated, "ok": c.ok,
                    "seconds": c.seconds} for c in result.layers]}), indent=2) + "\n"
