"""Rendering of symbolic sizes (`--input 3xHxW`): formulas written as a student would.

`formula` turns sympy's floor((H - 11)/4) + 1 into ⌊(H − 11)/4⌋ + 1 (⌊ ⌋ floor, ⌈ ⌉
ceiling, · for products, − for minus, ² for squares). Ints print as they are. JSON gives
every formula as such a string, and the sympy form beside it (`sympy`) for programs.
"""

from __future__ import annotations

import csv
import io
import json

from ..ops.window import is_concrete
from . import fmt

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
NOTE = ("⌊x⌋ rounds down, ⌈x⌉ rounds up; the names are positive whole numbers. "
        "`cnncalc validate` with the same --input says which sizes are valid and which floor.")


def formula(x) -> str:
    """floor((H - 11)/4) + 1 -> '⌊(H − 11)/4⌋ + 1'; 34944 -> '34,944'."""
    if is_concrete(x):
        return f"{x:,}"
    return _expr(x)


def _expr(e) -> str:
    import sympy as sp  # only reached with a sympy expression in hand

    if e.is_Integer:
        n = int(e)
        return f"−{-n}" if n < 0 else str(n)
    if e.is_Rational:
        return f"{_expr(sp.Integer(e.p))}/{e.q}"
    if e.is_Symbol:
        return e.name
    if isinstance(e, (sp.floor, sp.ceiling)):
        lo, hi = ("⌊", "⌋") if isinstance(e, sp.floor) else ("⌈", "⌉")
        num, den = sp.fraction(sp.together(sp.expand(e.args[0])))
        inner = _expr(num)
        if den != 1:
            inner = (f"({inner})" if num.is_Add else inner) + f"/{_factor(den)}"
        return f"{lo}{inner}{hi}"
    if e.is_Add:
        terms = e.as_ordered_terms()
        out = _expr(terms[0])
        for t in terms[1:]:
            out += f" − {_expr(-t)}" if t.could_extract_minus_sign() else f" + {_expr(t)}"
        return out
    if e.is_Mul:
        if e.could_extract_minus_sign():
            return "−" + _factor(-e)
        c, rest = e.as_coeff_Mul()
        if c.is_Rational and not c.is_Integer:  # p·x/q
            return f"{_expr(c.p * rest)}/{c.q}"
        parts = [] if c == 1 else [_expr(c)]
        parts += [_factor(f) for f in rest.as_ordered_factors()]
        return "·".join(parts)
    if e.is_Pow and e.exp.is_Integer and e.exp > 0:
        return _factor(e.base) + str(int(e.exp)).translate(_SUP)
    if isinstance(e, (sp.Min, sp.Max)):
        return f"{type(e).__name__.lower()}({', '.join(_expr(a) for a in e.args)})"
    return str(e)


def _factor(e) -> str:
    text = _expr(e)
    return f"({text})" if (e.is_Add or e.is_Mul or (e.is_Rational and not e.is_Integer)) else text


def shape(s: tuple, layout: str = "chw") -> str:
    """(3, H, W) -> '3×H×W'; a dimension that is a sum is bracketed."""
    if len(s) == 3 and layout == "hwc":
        s = (s[1], s[2], s[0])
    return "×".join(str(d) if is_concrete(d) else
                    (f"({_expr(d)})" if d.is_Add else _expr(d)) for d in s)


def _columns(layout: str) -> list:
    space = ["height", "width", "channels"] if layout == "hwc" else ["channels", "height", "width"]
    return ["name", "type", *space, "params", "macs"]


HEADERS = {"name": "Layer", "type": "Type", "channels": "Channels / features", "height": "Height",
           "width": "Width", "params": "Params", "macs": "MACs"}
NUMERIC = ("channels", "params", "macs")


def layer_rows(analysis) -> list:
    """One dict of strings per layer: name, type, channels (or features), height, width, params, MACs."""
    rows = []
    for r in analysis.layers:
        out = r.output_shape
        space = (out[1], out[2]) if len(out) == 3 else ("", "")
        rows.append({"name": r.name, "type": r.op, "channels": formula(out[0]),
                     "height": space[0] if space[0] == "" else formula(space[0]),
                     "width": space[1] if space[1] == "" else formula(space[1]),
                     "params": formula(r.params), "macs": formula(r.macs)})
    return rows


def footer(analysis) -> list:
    t = analysis.totals
    return [("Total params", formula(t.params)), ("Trainable params", formula(t.trainable_params)),
            ("Non-trainable params", formula(t.non_trainable_params)), ("MACs", formula(t.macs)),
            ("FLOPs", formula(_twice(t.macs)))]


def _twice(x):
    if is_concrete(x):
        return 2 * x
    from ..symbolic import simplify

    return simplify(2 * x)


def render_table(analysis, console, layout: str = "chw") -> None:
    from rich import box
    from rich.table import Table

    title = f"{analysis.name} — input {shape(analysis.input_shape, layout)} ({'H×W×C' if layout == 'hwc' else 'C×H×W'})"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    cols = _columns(layout)
    for c in cols:
        table.add_column(HEADERS[c], justify="right" if c in NUMERIC else "left", no_wrap=True)
    for row in layer_rows(analysis):
        table.add_row(*(row[c] for c in cols))
    console.print(table)
    foot = Table.grid(padding=(0, 2))
    foot.add_column(style="bold")
    foot.add_column()
    for label, value in footer(analysis):
        foot.add_row(label, value)
    console.print(foot)
    console.print(NOTE, style="dim", markup=False)
    console.print(fmt.CONVENTION, style="dim", markup=False)


def to_markdown(analysis, layout: str = "chw") -> str:
    cols = _columns(layout)
    lines = [f"**{analysis.name}** — input {shape(analysis.input_shape, layout)}", "",
             "| " + " | ".join(HEADERS[c] for c in cols) + " |",
             "|" + "|".join("---:" if c in NUMERIC else "---" for c in cols) + "|"]
    for row in layer_rows(analysis):
        lines.append("| " + " | ".join(row[c] for c in cols) + " |")
    lines.append("")
    lines.extend(f"- {label}: {value}" for label, value in footer(analysis))
    lines += ["", f"_{NOTE}_", "", f"_{fmt.CONVENTION}_"]
    return "\n".join(lines) + "\n"


def to_csv(analysis, layout: str = "chw") -> str:
    cols = _columns(layout)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in layer_rows(analysis):
        w.writerow([row[c].replace(",", "") if c in NUMERIC and row[c].replace(",", "").isdigit() else row[c]
                    for c in cols])
    return buf.getvalue()


def _value(x):
    """JSON value: an int, or the formula as a string."""
    return x if is_concrete(x) else formula(x)


def _sympy_value(x):
    return x if is_concrete(x) else str(x)


def to_dict(analysis) -> dict:
    """Like the numeric JSON (render/text.py), with formulas as strings and their sympy forms."""
    from ..symbolic import symbols_of

    t = analysis.totals

    def counts(f) -> dict:
        return {"params": f(t.params), "trainable_params": f(t.trainable_params),
                "non_trainable_params": f(t.non_trainable_params), "macs": f(t.macs), "flops": f(_twice(t.macs))}

    return {
        "name": analysis.name,
        "input_shape": [_value(d) for d in analysis.input_shape],
        "symbols": [str(s) for s in symbols_of(analysis.input_shape)],
        "layers": [
            {
                "name": r.name,
                "type": r.op,
                "inputs": list(r.inputs),
                "output_shape": [_value(d) for d in r.output_shape],
                "params": _value(r.params),
                "trainable_params": _value(r.trainable),
                "non_trainable_params": _value(r.non_trainable),
                "macs": _value(r.macs),
                "sympy": {"output_shape": [_sympy_value(d) for d in r.output_shape],
                          "params": _sympy_value(r.params), "macs": _sympy_value(r.macs)},
            }
            for r in analysis.layers
        ],
        "totals": {**counts(_value), "sympy": counts(_sympy_value)},
    }


def to_json(analysis, layout: str = "chw") -> str:
    return json.dumps(to_dict(analysis), indent=2, ensure_ascii=False) + "\n"


# -- validate ----------------------------------------------------------------------
def congruence(r) -> str:
    """'H ≡ 3 (mod 32)', 'H ≡ 1, 3 (mod 4)', 'every H' or 'no H'."""
    if not r.residues:
        return f"no {r.symbol}"
    if r.modulus == 1:
        return f"every {r.symbol}"
    return f"{r.symbol} ≡ {', '.join(map(str, r.residues))} (mod {r.modulus})"


def range_lines(r) -> list:
    s = r.symbol
    if r.smallest is None:
        from ..symbolic import SEARCH_LIMIT

        return [f"no {s} up to {SEARCH_LIMIT:,} gives every layer an output ≥ 1"]
    first = f"{s} ≥ {r.smallest}: every layer's output is ≥ 1"
    if r.same_as:
        first += f" (as {r.same_as}: every layer treats both alike)"
    elif r.failure:
        first += f" ({s} = {r.smallest - 1}: {r.failure})"
    if not r.residues:
        second = f"no {s} avoids flooring: some division floors at every size"
    elif r.modulus == 1:
        second = f"every {s}: no division floors"
    else:
        second = f"{congruence(r)}: no division floors; the smallest such {s} is {r.smallest_exact}"
    return [first, second]


def report_lines(spec: str, report) -> list:
    """The text `validate` prints for a symbolic input."""
    a = report.analysis
    head = f"{spec}: "
    if not a.ok:
        return [head + f"{len(a.errors)} error(s) for input {shape(a.input_shape)}"]
    out = shape(a.output_shape)
    head += (f"valid for input {shape(a.input_shape)} — {len(a.layers)} layers, output {out}"
             if report.ok else f"no valid size for input {shape(a.input_shape)}")
    lines = [head]
    for r in report.ranges:
        lines.extend("  " + line for line in range_lines(r))
    return lines


def report_dict(report) -> dict:
    a = report.analysis
    return {
        "valid": report.ok,
        "input_shape": [_value(d) for d in a.input_shape],
        "output_shape": [_value(d) for d in a.output_shape] if a.ok else None,
        "sizes": {r.symbol: {"smallest": r.smallest, "smallest_failure": r.failure,
                             "exact": {"congruence": congruence(r), "modulus": r.modulus,
                                       "residues": list(r.residues), "smallest": r.smallest_exact},
                             "same_as": r.same_as}
                  for r in report.ranges},
        "diagnostics": [d.as_dict() for d in a.diagnostics],
    }
