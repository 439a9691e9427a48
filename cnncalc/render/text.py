"""Markdown, CSV and JSON renderings (plain text, no rich), numeric and symbolic alike."""

from __future__ import annotations

import csv
import io
import json

from ..blocks import network_depth
from ..i18n import _, tr
from . import fmt
from .rows import COMPARISON_COLUMNS, columns, comparison_rows, footer, layer_rows, notes, translated


def to_markdown(analysis, mem, layout: str = "chw", extra: tuple = (), depth: int | None = None,
                comparisons: tuple = ()) -> str:
    cols = columns(extra, depth)
    lines = [_("**{name}** — input {shape}").format(name=analysis.name, shape=fmt.shape(analysis.input_shape, layout)),
             "",
             "| " + " | ".join(c.header for c in cols) + " |",
             "|" + "|".join("---:" if c.numeric else "---" for c in cols) + "|"]
    for row in layer_rows(analysis, mem, cols, layout, depth=depth):
        lines.append("| " + " | ".join(row[c.key].replace("|", "\\|") for c in cols) + " |")
    lines.append("")
    lines.extend(f"- {fmt.total_label(label)}: {value}" for label, value in footer(analysis, mem))
    for note in notes(analysis):
        lines += ["", f"_{note}_"]
    if comparisons:
        ccols = translated(COMPARISON_COLUMNS)
        lines += ["", "| " + " | ".join(c.header for c in ccols) + " |",
                  "|" + "|".join("---:" if c.numeric else "---" for c in ccols) + "|"]
        for row in comparison_rows(comparisons):
            lines.append("| " + " | ".join(row[c.key] for c in ccols) + " |")
    return "\n".join(lines) + "\n"


def to_csv(analysis, mem, layout: str = "chw", extra: tuple = (), depth: int | None = None) -> str:
    cols = columns(extra, depth)  # the header row is the column keys, in every language (like JSON keys)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.key for c in cols])
    for row in layer_rows(analysis, mem, cols, layout, raw_numbers=True, depth=depth):
        w.writerow([row[c.key] for c in cols])
    return buf.getvalue()


def summary_dict(analysis, comparisons=None, mem=None) -> dict:
    """`summarize --format json`, the one builder of it (the Python API's to_dict() too): the
    envelope of README "JSON output" (cnncalc/schema/cnncalc.schema.json) and the network.
    Shapes channels-first, no batch; params count the non-trainable buffers (README "Counting
    conventions"). With a symbolic input every size and count that depends on it is its formula
    as text. comparisons: `--compare`'s, listed as "published" (None: not asked for)."""
    from .reports import envelope

    data = envelope("summarize", analysis.ok, analysis.diagnostics, **to_dict(analysis, mem))
    if comparisons is not None:
        data["published"] = comparisons_to_list(comparisons)
    return data


def to_dict(analysis, mem=None) -> dict:
    """The network part of summary_dict (no envelope)."""
    t = analysis.totals
    v = fmt.json_value
    data = {
        "name": analysis.name,
        "input_shape": [v(d) for d in analysis.input_shape],
        "layers": [
            {
                "name": r.name,
                "type": r.type,
                "inputs": list(r.inputs),
                "output_shape": [v(d) for d in r.output_shape],
                "params": v(r.params),
                "trainable_params": v(r.trainable),
                "non_trainable_params": v(r.non_trainable),
                "macs": v(r.macs),
                "receptive_field": _field(r.rf),
            }
            for r in analysis.layers
        ],
        "totals": {
            "params": v(t.params),
            "trainable_params": v(t.trainable_params),
            "non_trainable_params": v(t.non_trainable_params),
            "macs": v(t.macs),
            "flops": v(t.flops),
            "depth": network_depth(analysis),
            **({"memory": mem.as_dict()} if mem is not None else {}),
        },
    }
    if analysis.symbols:  # each formula also in sympy's syntax, for programs
        data["symbols"] = [str(s) for s in analysis.symbols]
        for entry, r in zip(data["layers"], analysis.layers):
            entry["sympy"] = {"output_shape": [_sympy(d) for d in r.output_shape], "params": _sympy(r.params),
                              "macs": _sympy(r.macs)}
        data["totals"]["sympy"] = {k: _sympy(getattr(t, k)) for k in
                                   ("params", "trainable_params", "non_trainable_params", "macs", "flops")}
    return data


def _sympy(x):
    return x if isinstance(x, int) else str(x)


def _field(rf):
    if rf is None:
        return None
    try:
        return rf.as_dict()
    except TypeError:  # a symbolic field (after an adaptive pool of a symbolic size)
        return {k: [fmt.json_value(x) for x in getattr(rf, k)] for k in ("size", "stride", "padding")}


def comparisons_to_list(comparisons) -> list:
    return [{"row": c.row, "quantity": c.quantity, "published": c.published, "published_value": c.published_value,
             "computed": c.computed, "relative_difference": round(c.rel_diff, 6), "verdict": c.verdict,
             "explanation": tr(c.explanation), "source": c.source, "note": c.note} for c in comparisons]


def to_json(analysis, comparisons: tuple | None = None, mem=None) -> str:
    return json.dumps(summary_dict(analysis, comparisons, mem), indent=2) + "\n"
