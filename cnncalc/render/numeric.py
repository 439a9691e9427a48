"""`cnncalc convolve` and `cnncalc pooling` as text and JSON (the envelope of cnncalc/schema).

Text follows the slides: the feature map aligned, then one position's sum, per input channel
`(0·−1) + (2·1) + … = 308`, then `308 + (−498) + 164 + 1 = −25`; a pool's `max(1, 1, 5, 6) = 6`
or `(1 + 1 + 5 + 6)/4 = 13/4 = 3.25`. Integers print as integers, terminating decimals of at
most 6 places as decimals (0.5) and any other value as a fraction (1/3): exact either way.
Channels are numbered from 1 in text, as the slides do; indices in JSON count from 0.
JSON is exact: an integer is a JSON number and any other value the string "p/q" (with the
float beside it in `*_float`), so a grader compares without rounding.
"""

from __future__ import annotations

from fractions import Fraction

from ..i18n import _
from . import fmt

_PAD_MARK = "({value})"  # a padding cell in a window as printed


def number(v: Fraction) -> str:
    """3, −2, 0.25, 1/3 (a minus sign, as every formula of cnncalc writes it)."""
    sign = "−" if v < 0 else ""
    v = abs(v)
    if v.denominator == 1:
        return f"{sign}{v.numerator}"
    d, twos, fives = v.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    places = max(twos, fives)
    if d == 1 and places <= 6:
        whole, part = divmod(v.numerator * 10**places // v.denominator, 10**places)
        return f"{sign}{whole}.{part:0{places}d}"
    return f"{sign}{v.numerator}/{v.denominator}"


def _term(v: Fraction) -> str:
    """A term of a sum: negative values bracketed, 308 + (−498)."""
    return f"({number(v)})" if v < 0 else number(v)


def exact(v: Fraction):
    """JSON: an int, or "p/q"."""
    return v.numerator if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _nested(values: tuple, shape: tuple, leaf):
    if len(shape) == 1:
        return [leaf(v) for v in values]
    step = len(values) // shape[0]
    return [_nested(values[i * step:(i + 1) * step], shape[1:], leaf) for i in range(shape[0])]


def _padding(pad: tuple) -> str:
    if all(p0 == p1 for p0, p1 in pad):
        texts = [str(p0) for p0, _ in pad]
        return texts[0] if len(set(texts)) == 1 else ",".join(texts)
    return ", ".join(f"({p0}, {p1})" for p0, p1 in pad)


def _sizes(values: tuple) -> str:
    return str(values[0]) if len(set(values)) == 1 else ",".join(map(str, values))


def _grid(cells: list, shape: tuple, indent: str) -> list:
    """Texts laid out by `shape` (its last dimension a row), right-aligned; slices of 3-D apart."""
    width = max(map(len, cells), default=1)
    row = shape[-1]
    lines = []
    for r in range(0, len(cells), row):
        if len(shape) == 3 and r and r % (row * shape[1]) == 0:
            lines.append("")
        lines.append(indent + " ".join(c.rjust(width) for c in cells[r:r + row]))
    return lines


def _map_lines(output, label: str) -> list:
    channel = len(output.values) // output.shape[0]
    lines = []
    for c in range(output.shape[0]):
        lines.append(f"  {label.format(c=c + 1)}")
        lines += _grid([number(v) for v in output.values[c * channel:(c + 1) * channel]], output.shape[1:], "    ")
    return lines


def _header(g, rows: list) -> list:
    width = max(len(label) for label, _ in rows + [(_("shape"), "")])
    lines = [f"  {label:{width}} {value}" for label, value in rows]
    label = _("shape")
    for f in g.formulas:
        lines.append(f"  {label:{width}} {f}")
        label = ""
    return lines + [f"  {_('output'):{width}} {fmt.shape(g.output_shape)}", ""]


def _window_text(cells) -> str:
    """'rows −1…1, columns −1…1' (dilated: 'rows 0, 2, 4'): the coordinates the window's cells read."""
    spans = []
    for j in range(len(cells[0].index)):
        idx = sorted({c.index[j] for c in cells})
        steps = {b - a for a, b in zip(idx, idx[1:])}
        spans.append(f"{number(Fraction(idx[0]))}…{number(Fraction(idx[-1]))}" if steps == {1}
                     else ", ".join(number(Fraction(x)) for x in idx))
    template = {1: _("positions {0}"), 2: _("rows {0}, columns {1}"), 3: _("slices {0}, rows {1}, columns {2}")}
    return template[len(spans)].format(*spans)


def _cell(cell, pad: str = "0") -> str:
    if cell.kind == "input":
        return number(cell.value)
    return "·" if cell.kind == "outside" else _PAD_MARK.format(value=pad)


def _products(term, per_row: int) -> list:
    """'(0·−1) + (2·1) + (3·0) +' per kernel row, the last ending '= total'."""
    texts = [f"({number(c.value)}·{number(w)})" for c, w in zip(term.cells, term.weights)]
    rows = [" + ".join(texts[r:r + per_row]) for r in range(0, len(texts), per_row)]
    return [row + " +" for row in rows[:-1]] + [f"{rows[-1]} = {number(term.total)}"]


def channel_text(term) -> str:
    return " ".join(_products(term, len(term.cells)))


def total_text(w) -> str:
    """'308 + (−498) + 164 + 1 = −25'."""
    return " + ".join([_term(t.total) for t in w.terms] + [_term(w.bias)]) + f" = {number(w.value)}"


def pool_text(w, kind: str) -> str:
    real = w.counted
    if kind == "max":
        return f"max({', '.join(number(c.value) for c in real)}) = {number(w.value)}"
    text = f"({' + '.join(_term(c.value) for c in real)})/{w.divisor}"
    v = w.value
    if v.denominator == 1:
        return f"{text} = {number(v)}"
    fraction = ("−" if v < 0 else "") + f"{abs(v.numerator)}/{v.denominator}"
    shown = number(v)
    return f"{text} = {fraction} = {shown}" if shown != fraction else f"{text} = {fraction} ≈ {float(v):.6g}"


def convolve_lines(r) -> list:
    g, k = r.geometry, r.kernels[0]
    rows = [(_("input"), fmt.shape(g.input_shape)),
            (_("kernels"), _("{n} × {shape} (C_in×kernel), bias {bias}").format(
                n=len(r.kernels), shape=fmt.shape(k.shape), bias=", ".join(number(b) for b in r.bias))),
            (_("window"), _("stride {s}, padding {p}, dilation {d}").format(
                s=_sizes(g.stride), p=_padding(g.padding), d=_sizes(g.dilation)))]
    lines = [_("convolve (cross-correlation, as PyTorch and the slides: the kernel is not flipped)"),
             *_header(g, rows), _("output feature map")]
    lines += _map_lines(r.output, _("output channel {c}"))
    per_row = k.shape[-1]
    for w in r.worked:
        padded = any(c.kind != "input" for c in w.terms[0].cells)
        lines += ["", (_("output channel {o} at ({at}): input {window}; (0) is a padding zero") if padded else
                       _("output channel {o} at ({at}): input {window}")).format(
            o=w.out_channel + 1, at=", ".join(map(str, w.position)), window=_window_text(w.terms[0].cells))]
        for t in w.terms:
            lines.append("  " + _("input channel {c}: window, kernel").format(c=t.channel + 1))
            left = _grid([_cell(c) for c in t.cells], k.shape[1:], "      ")
            right = _grid([number(v) for v in t.weights], k.shape[1:], "")
            width = max(map(len, left))
            lines += [f"{a.ljust(width)}    {b}".rstrip() for a, b in zip(left, right)]
            lines += ["    " + p for p in _products(t, per_row)]
        if len(w.terms) > 1 or w.bias:
            lines.append("  " + _("channel sums + bias: {text}").format(text=total_text(w)))
    return lines


def pooling_lines(r) -> list:
    g = r.geometry
    kind = _("max pooling (padding is never the maximum, as in PyTorch)") if r.kind == "max" else (
        _("average pooling (padding zeros counted: count_include_pad)") if r.count_include_pad
        else _("average pooling (input cells only: no count_include_pad)"))
    rows = [(_("input"), fmt.shape(g.input_shape)),
            (_("window"), _("{k}, stride {s}, padding {p}, dilation {d}{ceil}").format(
                k=_sizes(g.kernel), s=_sizes(g.stride), p=_padding(g.padding), d=_sizes(g.dilation),
                ceil=", ceil_mode" if g.ceil_mode else ""))]
    lines = [kind, *_header(g, rows), _("output feature map")]
    lines += _map_lines(r.output, _("channel {c}"))
    pad = "−∞" if r.kind == "max" else "0"
    for w in r.worked:
        padded = any(c.kind != "input" for c in w.cells)
        lines += ["", (_("channel {c} at ({at}): input {window}; ({pad}) is padding, · beyond it") if padded else
                       _("channel {c} at ({at}): input {window}")).format(
            c=w.channel + 1, at=", ".join(map(str, w.position)), window=_window_text(w.cells), pad=pad)]
        lines += _grid([_cell(c, pad) for c in w.cells], g.kernel, "    ")
        lines.append("  " + pool_text(w, r.kind))
    return lines


def result_lines(r) -> list:
    return convolve_lines(r) if hasattr(r, "kernels") else pooling_lines(r)


def _geometry_dict(g) -> dict:
    from .explain import formula_dict

    return {"input_shape": list(g.input_shape), "kernel_size": list(g.kernel), "stride": list(g.stride),
            "padding": [list(p) for p in g.padding], "dilation": list(g.dilation), "ceil_mode": g.ceil_mode,
            "output_shape": list(g.output_shape), "shape": [formula_dict(f) for f in g.formulas]}


def _cells(cells, weights=None) -> list:
    out = []
    for i, c in enumerate(cells):
        d = {"index": list(c.index), "value": exact(c.value), "kind": c.kind}
        if weights is not None:
            d["weight"] = exact(weights[i])
        out.append(d)
    return out


def result_dict(r) -> dict:
    from .reports import envelope

    g = r.geometry
    out = {**_geometry_dict(g), "output": _nested(r.output.values, r.output.shape, exact),
           "output_float": _nested(r.output.values, r.output.shape, float), "at": list(r.at)}
    if hasattr(r, "kernels"):
        out["kernel_shape"] = [len(r.kernels), *r.kernels[0].shape]
        out["bias"] = [exact(b) for b in r.bias]
        out["worked"] = [{"output_channel": w.out_channel, "position": list(w.position),
                          "channels": [{"channel": t.channel, "cells": _cells(t.cells, t.weights),
                                        "sum": exact(t.total), "text": channel_text(t)} for t in w.terms],
                          "bias": exact(w.bias), "value": exact(w.value), "value_float": float(w.value),
                          "text": total_text(w)} for w in r.worked]
        return envelope("convolve", True, g.warnings, **out)
    out["kind"] = r.kind
    out["count_include_pad"] = r.count_include_pad if r.kind == "avg" else None
    out["worked"] = [{"channel": w.channel, "position": list(w.position), "cells": _cells(w.cells),
                      "divisor": w.divisor, "value": exact(w.value), "value_float": float(w.value),
                      "text": pool_text(w, r.kind)} for w in r.worked]
    return envelope("pooling", True, g.warnings, **out)
