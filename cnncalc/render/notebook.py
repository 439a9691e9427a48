"""The API's objects as a notebook shows them (cnncalc/api.py): a repr that fits a screen and an
HTML table. Numbers and shapes go through render/fmt, so a symbolic size reads as the tables
write it (⌊(H − 11)/4⌋ + 1), never as sympy's floor(...)."""

from __future__ import annotations

import html

from ..i18n import tr
from .fmt import count, shape

HTML_MAX_ROWS = 1000  # a table beyond this ends with a "… more layers" row (.layers has them all)


def counted(n: int, word: str) -> str:
    """3, 'layer' -> '3 layers'; 1 -> '1 layer'."""
    return f"{n:,} {word}{'s' * (n != 1)}"


def status(a) -> str:
    """'ok', 'ok, 2 warnings' or '1 error: [E201] …' for an Analysis."""
    warnings = sum(d.severity == "warning" for d in a.diagnostics)
    tail = f", {counted(warnings, 'warning')}" if warnings else ""
    if a.ok:
        return f"ok{tail}"
    first = a.errors[0]
    more = f" (and {len(a.errors) - 1} more)" if len(a.errors) > 1 else ""
    return f"{counted(len(a.errors), 'error')}{tail}: [{first.code}] {tr(first.message)}{more}"


def summary_repr(a) -> str:
    t = a.totals
    return "\n".join((
        f"<cnncalc.Summary {a.name}: input {shape(a.input_shape)} → output {shape(a.output_shape)}, "
        f"{counted(len(a.layers), 'layer')}>",
        f"  params     {count(t.trainable_params)} trainable + {count(t.non_trainable_params)} non-trainable "
        f"= {count(t.params)}",
        f"  MACs       {count(t.macs)} (FLOPs {count(t.flops)})",
        f"  status     {status(a)}",
    ))


def summary_html(a) -> str:
    e = html.escape
    t = a.totals
    right = ' style="text-align:right"'
    head = "<th>Layer</th><th>Type</th><th>Output shape</th><th>Params</th><th>Trainable</th><th>MACs</th>"
    rows = [f"<tr><td>{e(r.name)}</td><td>{e(r.type)}</td><td>{e(shape(r.output_shape))}</td>"
            f"<td{right}>{e(count(r.params))}</td><td{right}>{e(count(r.trainable))}</td>"
            f"<td{right}>{e(count(r.macs))}</td></tr>" for r in a.layers[:HTML_MAX_ROWS]]
    if len(a.layers) > HTML_MAX_ROWS:
        rows.append(f'<tr><td colspan="6">… {len(a.layers) - HTML_MAX_ROWS:,} more layers (.layers has them all)'
                    f"</td></tr>")
    rows.append(f'<tr><th colspan="3">Total</th><th{right}>{e(count(t.params))}</th>'
                f"<th{right}>{e(count(t.trainable_params))}</th><th{right}>{e(count(t.macs))}</th></tr>")
    caption = (f"{e(a.name)}: input {e(shape(a.input_shape))} → output {e(shape(a.output_shape))}, "
               f"{counted(len(a.layers), 'layer')}; {e(status(a))}")
    return (f'<table class="cnncalc-summary"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def validation_repr(v) -> str:
    lines = [f"<cnncalc.Validation {'valid' if v.ok else 'invalid'}: {counted(len(v.errors), 'error')}, "
             f"{counted(len(v.warnings), 'warning')}>"]
    lines += [f"  {d.format()}" for d in v.diagnostics[:10]]
    if len(v.diagnostics) > 10:
        lines.append(f"  … {len(v.diagnostics) - 10} more (.diagnostics)")
    return "\n".join(lines)


def calculation_repr(c) -> str:
    lines = [f"<cnncalc.Calculation {c.type}: {shape(c.input_shape)} → {shape(c.output_shape)}, "
             f"params {c.params:,}, MACs {c.macs:,}>"]
    lines += [f"  {'shape' if k == 0 else '':7} {f}" for k, f in enumerate(c.shape_formulas)]
    lines += [f"  params  {c.params_formula}", f"  MACs    {c.macs_formula}"]
    lines += [f"  note    {n}" for n in c.notes]
    lines += [f"  {d.format()}" for d in c.diagnostics]
    return "\n".join(lines)
