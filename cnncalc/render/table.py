"""The table of `cnncalc summarize`: rows laid out here, rich only for a terminal's colours."""

from __future__ import annotations

from ..i18n import _, tr
from . import fmt
from .console import as_rich
from .rows import (COMPARISON_COLUMNS, COMPARISON_LEGEND, columns, comparison_rows, comparison_title, footer,
                   layer_rows, notes, translated)


def print_aligned(console, title: str, cols: list, rows: list) -> None:
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


def render_table(analysis, mem, console, layout: str = "chw", extra: tuple = (),
                 depth: int | None = None, comparisons: tuple = ()) -> None:
    shape = analysis.input_shape
    title = _("{name} — input {shape} ({layout})").format(name=analysis.name, shape=fmt.shape(shape, layout),
                                                          layout=layout_name(shape, layout))
    cols = columns(extra, depth)
    print_aligned(console, title, cols, layer_rows(analysis, mem, cols, layout, depth=depth))
    console.print()
    pairs = [(fmt.total_label(label), value) for label, value in footer(analysis, mem)]
    left = max(len(label) for label, _ in pairs)
    right = max(len(value) for _, value in pairs)
    for label, value in pairs:
        console.print(label.ljust(left + 2), style="bold", end="", markup=False)
        console.print(value.rjust(right), markup=False)
    for line in notes(analysis):
        console.print(line, style="dim", markup=False)
    if comparisons:
        render_comparisons(comparisons, console)


def render_comparisons(comparisons, console) -> None:
    from rich import box
    from rich.table import Table

    console = as_rich(console)
    table = Table(title=comparison_title(comparisons), box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    cols = translated(COMPARISON_COLUMNS)
    for c in cols:
        table.add_column(c.header, justify="right" if c.numeric else "left", no_wrap=c.key != "verdict")
    styles = {"match": None, "assumption": "yellow", "mismatch": "bold red"}
    for c, row in zip(comparisons, comparison_rows(comparisons)):
        table.add_row(*(row[col.key] for col in cols), style=styles[c.verdict])
    console.print()
    console.print(table)
    console.print(tr(COMPARISON_LEGEND), style="dim")
