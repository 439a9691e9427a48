"""Markdown, CSV and JSON renderings (plain text, no rich)."""

from __future__ import annotations

import csv
import io
import json

from . import fmt
from .rows import columns, footer, layer_rows


def to_markdown(analysis, mem, layout: str = "chw", extra: tuple = ()) -> str:
    cols = columns(extra)
    lines = [f"**{analysis.name}** — input {fmt.shape(analysis.input_shape, layout)}", "",
             "| " + " | ".join(c.header for c in cols) + " |",
             "|" + "|".join("---:" if c.numeric else "---" for c in cols) + "|"]
    for row in layer_rows(analysis, mem, layout):
        lines.append("| " + " | ".join(row[c.key].replace("|", "\\|") for c in cols) + " |")
    lines.append("")
    lines.extend(f"- {label}: {value}" for label, value in footer(analysis, mem))
    lines.append("")
    lines.append(f"_{fmt.CONVENTION}_")
    return "\n".join(lines) + "\n"


def to_csv(analysis, mem, layout: str = "chw", extra: tuple = ()) -> str:
    cols = columns(extra)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.key for c in cols])
    for row in layer_rows(analysis, mem, layout, raw_numbers=True):
        w.writerow([row[c.key] for c in cols])
    return buf.getvalue()


def to_dict(analysis) -> dict:
    """The stable JSON interface (README "JSON output"); shapes channels-first, no batch."""
    t = analysis.totals
    return {
        "name": analysis.name,
        "input_shape": list(analysis.input_shape),
        "layers": [
            {
                "name": r.name,
                "type": r.op,
                "inputs": list(r.inputs),
                "output_shape": list(r.output_shape),
                "params": r.params,
                "trainable_params": r.trainable,
                "non_trainable_params": r.non_trainable,
                "macs": r.macs,
            }
            for r in analysis.layers
        ],
        "totals": {
            "params": t.params,
            "trainable_params": t.trainable_params,
            "non_trainable_params": t.non_trainable_params,
            "macs": t.macs,
            "flops": t.flops,
        },
    }


def to_json(analysis) -> str:
    return json.dumps(to_dict(analysis), indent=2) + "\n"
