"""Rendering of `validate --input 3xHxW`: which sizes are valid and which never floor.

The symbolic summary itself (every size a formula) goes through the ordinary
renderers, whose value formatter (render/fmt.py) writes formulas.
"""

from __future__ import annotations

from .fmt import json_value as _value
from .fmt import shape


# -- validate ----------------------------------------------------------------------
def congruence(r) -> str:
    """'H ≡ 3 (mod 32)', 'H ≡ 1, 3 (mod 4)', 'every H' or 'no H' (None: not searched)."""
    if r.residues is None:
        return None
    if not r.residues:
        return f"no {r.symbol}"
    if r.modulus == 1:
        return f"every {r.symbol}"
    return f"{r.symbol} ≡ {', '.join(map(str, r.residues))} (mod {r.modulus})"


def range_lines(r) -> list:
    s = r.symbol
    if not r.searched:
        from ..symbolic import STUDY_BUDGET

        return [f"which {s} are valid was not searched: it would take more than {STUDY_BUDGET:,} layer analyses; "
                f"try sizes with `validate --input` and numbers"]
    if r.smallest is None:
        from ..symbolic import SEARCH_LIMIT

        return [f"no {s} up to {SEARCH_LIMIT:,} gives every layer an output ≥ 1"]
    first = f"{s} ≥ {r.smallest}: every layer's output is ≥ 1"
    if r.same_as:
        first += f" (as {r.same_as}: every layer treats both alike)"
    elif r.failure:
        first += f" ({s} = {r.smallest - 1}: {r.failure})"
    if r.residues is None:
        from ..symbolic import STUDY_BUDGET

        second = (f"which {s} avoid flooring was not searched: the strides repeat every {r.modulus:,} sizes, "
                  f"more than {STUDY_BUDGET:,} layer analyses")
    elif not r.residues:
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
