"""Plain-text formatting shared by every renderer (no rich here).

Every value a table shows goes through one of these, and each knows formulas: a
size or count is an exact int ('34,944') or, with a symbolic input (`--input 3xHxW`),
a sympy expression written as a student would ('⌊(H − 11)/4⌋ + 1': ⌊ ⌋ floor, ⌈ ⌉
ceiling, · for products, − for minus, ² for squares). sympy is never imported here:
an expression arrives with its own class.
"""

from __future__ import annotations

from ..i18n import N_, _, tr

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def concrete(x) -> bool:
    return isinstance(x, int)


def count(n) -> str:
    """34944 -> '34,944'; a formula as text."""
    return f"{n:,}" if concrete(n) else formula(n)


def raw(n) -> str:
    """34944 -> '34944' (CSV); a formula as text."""
    return str(n) if concrete(n) else formula(n)


def json_value(x):
    """An int stays a JSON number; a formula becomes its text."""
    return x if concrete(x) or x is None else formula(x)


def si(n) -> str:
    """1_234_567_890 -> '1.23 G' (decimal, for MACs and FLOPs)."""
    if not concrete(n):
        return formula(n)
    for factor, unit in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= factor:
            return f"{n / factor:.2f} {unit}"
    return str(n)


def count_si(n) -> str:
    """'724,406,816 (724.41 M)'; a formula alone."""
    return f"{n:,} ({si(n)})" if concrete(n) else formula(n)


def nbytes(n: int) -> str:
    """Binary units, as memory is usually budgeted: '232.56 MiB'."""
    for factor, unit in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n >= factor:
            return f"{n / factor:.2f} {unit}"
    return f"{n} B"


def dim(d) -> str:
    """One dimension of a shape; a sum is bracketed (6×(H − 4)×(W − 4))."""
    if concrete(d):
        return str(d)
    text = formula(d)
    return f"({text})" if d.is_Add else text


def shape(s: tuple, layout: str = "chw") -> str:
    """(96, 55, 55) -> '96×55×55' (chw) or '55×55×96' (hwc, as the papers write it)."""
    if len(s) > 1 and layout == "hwc":
        s = (*s[1:], s[0])
    return "×".join(dim(d) for d in s)


def _one(values) -> str:
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "×".join(texts)


def window(w) -> str:
    """Window -> '11×11/4, pad 0'; '' for ops without a window."""
    if w is None:
        return ""
    k = "×".join(map(str, w.kernel))
    pairs = w.pad
    if len({p for pair in pairs for p in pair}) == 1:
        pad = str(pairs[0][0])
    elif all(b == e for b, e in pairs):
        pad = "×".join(str(b) for b, _ in pairs)
    else:
        pad = ",".join(str(p) for pair in pairs for p in pair)
    text = _("{kernel}/{stride}, pad {pad}").format(kernel=k, stride=_one(w.stride), pad=pad)
    if any(d != 1 for d in w.dilation):
        text += _(", dil {dilation}").format(dilation=w.dilation[0] if len(set(w.dilation)) == 1 else w.dilation)
    if w.ceil_mode:
        text += _(", ceil")
    return text


def rf(field) -> str:
    return "" if field is None else str(field)


PARAMS_HEADER = N_("Params (all)")  # `list`: with the non-trainable buffers, as Keras's "Total params"
TOTAL_LABELS = {  # the footer's parameter lines say what they count (README "Counting conventions")
    "Total params": N_("Total params (incl. non-trainable)"),
    "Trainable params": N_("Trainable params"),
    "Non-trainable params": N_("Non-trainable params (buffers)"),
}


def total_label(label) -> str:
    """A footer label (render/rows.footer) as printed, in the chosen language."""
    return tr(TOTAL_LABELS.get(label, label))


def params_total(params, trainable, non_trainable) -> str:
    """'25,610,152 params incl. 53,120 non-trainable (25,557,032 trainable)', or
    '84,698 params (all trainable)': the total counts buffers such as batch norm's running
    statistics, as Keras's "Total params" does; the trainable figure is torchvision's."""
    if concrete(non_trainable) and non_trainable == 0:
        if params != 0:
            return _("{params} params (all trainable)").format(params=count(params))
        return _("{params} params").format(params=count(params))
    return _("{params} params incl. {non_trainable} non-trainable ({trainable} trainable)").format(
        params=count(params), non_trainable=count(non_trainable), trainable=count(trainable))


CONVENTION = N_("MACs: conv and linear multiply-accumulates, bias excluded; FLOPs = 2·MACs.")
SYMBOLS_NOTE = N_("⌊x⌋ rounds down, ⌈x⌉ rounds up; the names are positive whole numbers. "
                  "`cnncalc validate` with the same --input says which sizes are valid and which floor.")


# -- formulas ------------------------------------------------------------------------
def formula(e) -> str:
    """floor((H - 11)/4) + 1 -> '⌊(H − 11)/4⌋ + 1'; 34944 -> '34,944'."""
    if concrete(e):
        return f"{e:,}"
    from ..symbolic import charge_time

    charge_time()
    return _expr(e)


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
