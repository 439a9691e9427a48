"""The rich table of `cnncalc summarize` (the only module that imports rich)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from . import fmt
from .rows import COMPARISON_COLUMNS, columns, comparison_rows, footer, layer_rows, notes


def print_aligned(console: Console, title: str, cols: list, rows: list) -> None:
    """A column-aligned table in the look of rich's SIMPLE_HEAD box.

    rich.Table measures and wraps every cell, which costs about a millisecond per row;
    a DenseNet-201 has 700 rows and `summarize` must stay under 0.3 s, so long tables
    are laid out here: the title and header go through rich (styled), the rows are
    written as plain lines (cells never wrap; every character we print is one column wide).
    """
    widths = [max([len(c.header), *(len(r[c.key]) for r in rows)]) for c in cols]

    def line(cells) -> str:
        return " " + "   ".join(cell.rjust(w) if c.numeric else cell.ljust(w)
                                for c, cell, w in zip(cols, cells, widths)) + " "

    if title:
        console.print(title + "\n", markup=False, highlight=False, crop=False)
    console.print(line([c.header for c in cols]), style="bold", markup=False, highlight=False, crop=False)
    console.print(" " + "─" * (sum(widths) + 3 * (len(cols) - 1)) + " ", style="dim", crop=False)
    console.file.write("".join(line([r[c.key] for c in cols]) + "\n" for r in rows))
    console.file.flush()


def layout_name(shape: tuple, layout: str) -> str:
    """'C×H×W', 'H×W×C', 'C×L', 'L×C', … for the title line."""
    from ..ops.base import SHAPE_NAMES

    name = SHAPE_NAMES[len(shape)]
    if layout == "hwc" and len(shape) > 1:
        parts = name.split("×")
        name = "×".join((*parts[1:], parts[0]))
    return name


def render_table(analysis, mem, console: Console, layout: str = "chw", extra: tuple = (),
                 depth: int | None = None, comparisons: tuple = ()) -> None:
    title = f"{analysis.name} — input {fmt.shape(analysis.input_shape, layout)} ({layout_name(analysis.input_shape, layout)})"
    cols = columns(extra, depth)
    print_aligned(console, title, cols, layer_rows(analysis, mem, layout, depth=depth, wanted=extra))
    console.print()
    foot = Table.grid(padding=(0, 2))
    foot.add_column(style="bold")
    foot.add_column(justify="right")
    for label, value in footer(analysis, mem):
        foot.add_row(label, value)
    console.print(foot)
    for line in notes(analysis):
        console.print(line, style="dim", markup=False)
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
