"""The rich table of `cnncalc summarize` (the only module that imports rich)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from . import fmt
from .rows import COMPARISON_COLUMNS, columns, comparison_rows, footer, layer_rows


def render_table(analysis, mem, console: Console, layout: str = "chw", extra: tuple = (),
                 depth: int | None = None, comparisons: tuple = ()) -> None:
    shape = fmt.shape(analysis.input_shape, layout)
    title = f"{analysis.name} — input {shape} ({'H×W×C' if layout == 'hwc' else 'C×H×W'})"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    cols = columns(extra, depth)
    for c in cols:
        table.add_column(c.header, justify="right" if c.numeric else "left", no_wrap=True)
    for row in layer_rows(analysis, mem, layout, depth=depth, wanted=extra):
        table.add_row(*(row[c.key] for c in cols))
    console.print(table)
    foot = Table.grid(padding=(0, 2))
    foot.add_column(style="bold")
    foot.add_column(justify="right")
    for label, value in footer(analysis, mem):
        foot.add_row(label, value)
    console.print(foot)
    console.print(fmt.CONVENTION, style="dim")
    if comparisons:
        render_comparisons(comparisons, console)


def render_comparisons(comparisons, console: Console) -> None:
    sources = sorted({c.source for c in comparisons if c.source})
    title = "Published figures" + (f" ({'; '.join(sources)})" if sources else "")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for c in COMPARISON_COLUMNS:
        table.add_column(c.header, justify="right" if c.numeric else "left", no_wrap=c.key != "verdict")
    styles = {"match": None, "assumption": "yellow", "mismatch": "bold red"}
    for c, row in zip(comparisons, comparison_rows(comparisons)):
        table.add_row(*(row[col.key] for col in COMPARISON_COLUMNS), style=styles[c.verdict])
    console.print()
    console.print(table)
    console.print("✓ follows from the formulas · ≈ follows under the stated assumption · ✗ follows from none",
                  style="dim")


def print_diagnostics(diagnostics, console: Console) -> None:
    styles = {"error": "bold red", "warning": "yellow", "note": "cyan"}
    for d in diagnostics:
        console.print(d.format(), style=styles[d.severity], markup=False, highlight=False, soft_wrap=True)
