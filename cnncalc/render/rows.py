"""Turn an Analysis into rows of strings and footer lines, for table/markdown/csv.

Renderers differ only in how they draw rows; what a row says is decided here once,
for numeric and symbolic analyses alike (render/fmt.py formats both). Rows come from
blocks.rows(): one per layer, or one per block at a chosen depth.
"""

from __future__ import annotations

from typing import NamedTuple


from ..blocks import network_depth
from ..blocks import rows as group_rows
from ..i18n import N_, T, _, tr
from ..memory import Memory
from . import fmt

OPTIONAL_COLUMNS = ("kernel", "input", "trainable", "memory", "rf")  # "formula": --explain


class Column(NamedTuple):
    key: str
    header: str
    numeric: bool = False


def columns(extra: tuple = (), depth: int | None = None) -> list:
    """The columns of summarize's table and markdown, headed in the chosen language (CSV uses the keys)."""
    cols = [Column("name", _("Layer") if depth is None else _("Layer / block")), Column("type", _("Type"))]
    if "kernel" in extra:
        cols.append(Column("kernel", _("Kernel/stride, pad")))
    if "input" in extra:
        cols.append(Column("input", _("Input shape")))
    cols.append(Column("output", _("Output shape")))
    if depth is not None:
        cols.append(Column("depth", _("Depth"), True))
    cols.append(Column("params", _("Params"), True))
    if "trainable" in extra:
        cols.append(Column("trainable", _("Trainable"), True))
    cols.append(Column("macs", _("MACs"), True))
    if "memory" in extra:
        cols.append(Column("memory", _("Activations"), True))
    if "rf" in extra:
        cols.append(Column("rf", _("Receptive field"), True))
    if "formula" in extra:
        cols.append(Column("formula", _("Formula")))
    return cols


def translated(cols: list) -> list:
    """Columns declared at import (N_ headings) headed in the chosen language."""
    return [c._replace(header=_(c.header)) if c.header else c for c in cols]


def short_formula(r) -> str:
    """The size rule and the parameter count of a layer, numbers substituted, on one line."""
    w = r.worked()
    first = w.shape[0]
    parts = [] if first.name == "output" else [str(first).replace("O_h = O_w = ", "O = ").replace(
        "O_d = O_h = O_w = ", "O = ")]
    if w.params.value != 0:
        parts.append(str(w.params))
    return "; ".join(parts)


def layer_rows(analysis, mem: Memory | None, cols: list, layout: str = "chw", raw_numbers: bool = False,
               depth: int | None = None) -> list:
    """{column key: text} per row, for the given columns only (EfficientNet-B7's 864 rows: the
    receptive-field and kernel texts nobody asked for were a tenth of `summarize`)."""
    num = fmt.raw if raw_numbers else fmt.count
    index = {r.name: i for i, r in enumerate(analysis.layers)}

    def memory(row):
        if mem is None:
            return ""
        nbytes = sum(mem.layer_bytes[index[m.name]] for m in row.layers)
        return str(nbytes) if raw_numbers else fmt.nbytes(nbytes)

    cells = {
        "name": lambda row: row.name,
        "type": lambda row: row.type,
        "kernel": lambda row: fmt.window(row.layers[0].window) if row.kind == "layer" else "",
        "input": lambda row: ", ".join(fmt.shape(s, layout) for s in row.input_shapes),
        "output": lambda row: fmt.shape(row.output_shape, layout),
        "depth": lambda row: str(row.depth),
        "params": lambda row: num(row.params),
        "trainable": lambda row: num(row.trainable),
        "macs": lambda row: num(row.macs),
        "memory": memory,
        "rf": lambda row: fmt.rf(row.layers[-1].rf),
        "formula": lambda row: short_formula(row.layers[0]) if row.kind == "layer" else "",
    }
    wanted = [(c.key, cells[c.key]) for c in cols]
    return [{key: cell(row) for key, cell in wanted} for row in group_rows(analysis, depth)]


def footer(analysis, mem: Memory | None) -> list:
    """(label, value) lines under the table; a label is English (N_ or a T message), and
    fmt.total_label says it in the chosen language."""
    t = analysis.totals
    lines = [
        (N_("Total params"), fmt.count(t.params)),
        (N_("Trainable params"), fmt.count(t.trainable_params)),
        (N_("Non-trainable params"), fmt.count(t.non_trainable_params)),
        (N_("MACs"), fmt.count_si(t.macs)),
        (N_("FLOPs"), fmt.count_si(t.flops)),
        (N_("Depth (conv/linear layers, longest path)"), str(network_depth(analysis))),
    ]
    if mem is not None:
        b, d, o = mem.batch, mem.dtype, mem.optimizer
        lines += [
            (T("Parameter memory ({dtype})", dtype=d), fmt.nbytes(mem.param_bytes)),
            (T("Forward activations (batch {batch}, {dtype})", batch=b, dtype=d), fmt.nbytes(mem.activation_bytes)),
            (T("Training estimate ({optimizer}, batch {batch}, {dtype})", optimizer=o, batch=b, dtype=d),
             fmt.nbytes(mem.training_bytes)),
        ]
    return lines


def notes(analysis) -> list:
    """The lines under the footer: what the symbols mean (symbolic sizes), and the MAC convention."""
    return ([_(fmt.SYMBOLS_NOTE)] if analysis.symbols else []) + [_(fmt.CONVENTION)]


def comparison_rows(comparisons) -> list:
    marks = {"match": "✓", "assumption": "≈", "mismatch": "✗"}
    out = []
    for c in comparisons:
        out.append({
            "row": c.row,
            "quantity": c.quantity,
            "published": c.published,
            "computed": f"{c.computed:,} ({fmt.si(c.computed)})",
            "diff": f"{c.rel_diff:+.1%}",
            "verdict": f"{marks[c.verdict]} {tr(c.explanation)}"
                       + (f"; {c.note}" if c.note and c.verdict != "match" else ""),
        })
    return out


COMPARISON_COLUMNS = [Column("row", N_("Row")), Column("quantity", N_("Quantity")),
                      Column("published", N_("Published"), True), Column("computed", N_("Computed"), True),
                      Column("diff", "Δ", True), Column("verdict", N_("Verdict"))]  # translated(): when shown
COMPARISON_LEGEND = N_("✓ follows from the formulas · ≈ follows under the stated assumption · ✗ follows from none")


def comparison_title(comparisons) -> str:
    """'Published figures (Szegedy et al. 2015, Table 1)': the sources the compared figures cite."""
    sources = sorted({c.source for c in comparisons if c.source})
    return _("Published figures ({sources})").format(sources="; ".join(sources)) if sources else _(
        "Published figures")
