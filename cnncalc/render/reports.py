"""The short reports: `validate`, `list` and `ops` as text, rich tables or JSON."""

from __future__ import annotations

import json

from . import fmt


def validate_line(spec: str, analysis) -> str:
    """'tiny.yaml: valid — 8 layers, output 10, 84,698 params, 2,883,584 MACs' (or the error count)."""
    n_warn = sum(d.severity == "warning" for d in analysis.diagnostics)
    if not analysis.ok:
        return f"{spec}: {len(analysis.errors)} error(s), {n_warn} warning(s)"
    t = analysis.totals
    n = len(analysis.layers)
    return (f"{spec}: valid — {n} layer{'s' * (n != 1)}, output {fmt.shape(analysis.output_shape)}, "
            f"{fmt.count(t.params)} params, {fmt.count(t.macs)} MACs" + (f", {n_warn} warning(s)" if n_warn else ""))


def diagnostics_json(valid: bool, diagnostics) -> str:
    return json.dumps({"valid": valid, "diagnostics": [d.as_dict() for d in diagnostics]}, indent=2) + "\n"


def model_rows(entries) -> list:
    """entries: (name, analysis) -> the dicts `list` prints."""
    return [{"name": name, "params": a.totals.params, "trainable_params": a.totals.trainable_params,
             "macs": a.totals.macs, "input_shape": list(a.input_shape), "source": a.graph.source}
            for name, a in entries]


def models_json(rows) -> str:
    return json.dumps(rows, indent=2) + "\n"


def render_models(rows, console) -> None:
    from rich import box
    from rich.table import Table

    from .console import as_rich

    console = as_rich(console)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h, right in (("Model", False), ("Input", False), ("Trainable params", True), ("MACs", True),
                     ("Source", False)):
        table.add_column(h, justify="right" if right else "left", no_wrap=h != "Source")
    for r in rows:
        table.add_row(r["name"], fmt.shape(tuple(r["input_shape"])), f"{r['trainable_params']:,}", fmt.si(r["macs"]),
                      r["source"])
    console.print(table)


def render_ops(registry, families, console) -> None:
    """Every op: canonical name, spellings, arguments (required*), what it does; then the rank-free spellings."""
    from rich import box
    from rich.table import Table

    from ..ops.base import REQUIRED
    from .console import as_rich

    console = as_rich(console)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h in ("Op", "Also accepted", "Arguments (required*)", "What it does"):
        table.add_column(h)
    for op in registry.values():
        args = ", ".join(a.name + ("*" if a.default is REQUIRED else "") for a in op.args)
        table.add_row(op.name, ", ".join(op.aliases), args, op.summary)
    console.print(table)
    fam = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Rank-free spellings (the op follows the input's rank)",
                title_justify="left")
    for h in ("Spelling", "Also accepted", "Becomes"):
        fam.add_column(h)
    for f in families.values():
        members = sorted({(r, op.name) for r, op in f.members.items()})
        fam.add_row(f.name, ", ".join(f.aliases), ", ".join(f"{name} ({fmt_rank(r)})" for r, name in members))
    console.print(fam)


def fmt_rank(tensor_rank: int) -> str:
    from ..ops.base import SHAPE_NAMES

    return SHAPE_NAMES[tensor_rank]
