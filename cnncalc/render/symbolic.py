"""Rendering of `validate --input 3xHxW`: which sizes are valid and which never floor.

The symbolic summary itself (every size a formula) goes through the ordinary
renderers, whose value formatter (render/fmt.py) writes formulas.
"""

from __future__ import annotations

from ..i18n import _, tr
from .fmt import json_value as _value
from .fmt import shape


# -- validate ----------------------------------------------------------------------
def congruence(r) -> str:
    """'H ≡ 3 (mod 32)', 'H ≡ 1, 3 (mod 4)', 'every H' or 'no H' (None: not searched)."""
    if r.residues is None:
        return None
    if not r.residues:
        return _("no {symbol}").format(symbol=r.symbol)
    if r.modulus == 1:
        return _("every {symbol}").format(symbol=r.symbol)
    return f"{r.symbol} ≡ {', '.join(map(str, r.residues))} (mod {r.modulus})"


def range_lines(r) -> list:
    s = r.symbol
    if not r.searched:
        from ..symbolic import STUDY_BUDGET

        return [_("which {s} are valid was not searched: it would take more than {budget:,} layer analyses; "
                  "try sizes with `validate --input` and numbers").format(s=s, budget=STUDY_BUDGET)]
    if r.smallest is None:
        from ..symbolic import SEARCH_LIMIT

        return [_("no {s} up to {limit:,} gives every layer an output ≥ 1").format(s=s, limit=SEARCH_LIMIT)]
    if r.same_as:
        first = _("{s} ≥ {smallest}: every layer's output is ≥ 1 (as {other}: every layer treats both alike)").format(
            s=s, smallest=r.smallest, other=r.same_as)
    elif r.failure:
        first = _("{s} ≥ {smallest}: every layer's output is ≥ 1 ({s} = {below}: {failure})").format(
            s=s, smallest=r.smallest, below=r.smallest - 1, failure=tr(r.failure))
    else:
        first = _("{s} ≥ {smallest}: every layer's output is ≥ 1").format(s=s, smallest=r.smallest)
    if r.residues is None:
        from ..symbolic import STUDY_BUDGET

        second = _("which {s} avoid flooring was not searched: the strides repeat every {modulus:,} sizes, "
                   "more than {budget:,} layer analyses").format(s=s, modulus=r.modulus, budget=STUDY_BUDGET)
    elif not r.residues:
        second = _("no {s} avoids flooring: some division floors at every size").format(s=s)
    elif r.modulus == 1:
        second = _("every {s}: no division floors").format(s=s)
    else:
        second = _("{congruence}: no division floors; the smallest such {s} is {smallest}").format(
            congruence=congruence(r), s=s, smallest=r.smallest_exact)
    return [first, second]


def report_lines(spec: str, report) -> list:
    """The text `validate` prints for a symbolic input."""
    a = report.analysis
    given = shape(a.input_shape)
    if not a.ok:
        return [_("{spec}: {errors} error(s) for input {input}").format(spec=spec, errors=len(a.errors), input=given)]
    if report.ok:
        head = _("{spec}: valid for input {input} — {n} layers, output {output}").format(
            spec=spec, input=given, n=len(a.layers), output=shape(a.output_shape))
    else:
        head = _("{spec}: no valid size for input {input}").format(spec=spec, input=given)
    lines = [head]
    for r in report.ranges:
        lines.extend("  " + line for line in range_lines(r))
    return lines


def report_dict(report, spec: str | None = None) -> dict:
    """`validate --input 3xHxW --format json`: the envelope (cnncalc/schema) and, per symbol,
    which sizes are valid and which never floor."""
    from .reports import envelope

    a = report.analysis
    return envelope("validate", report.ok, a.diagnostics, spec=spec, name=a.name, **{
        "valid": report.ok,
        "input_shape": [_value(d) for d in a.input_shape],
        "output_shape": [_value(d) for d in a.output_shape] if a.ok else None,
        "sizes": {r.symbol: {"searched": r.searched, "smallest": r.smallest, "smallest_failure": r.failure,
                             "exact": {"congruence": congruence(r), "modulus": r.modulus,
                                       "residues": None if r.residues is None else list(r.residues),
                                       "smallest": r.smallest_exact},
                             "same_as": r.same_as}
                  for r in report.ranges},
    })


def report_json(report, spec: str | None = None) -> str:
    import json

    return json.dumps(report_dict(report, spec), indent=2) + "\n"
