"""Plain-text formatting shared by every renderer (no rich here)."""

from __future__ import annotations


def shape(s: tuple, layout: str = "chw") -> str:
    """(96, 55, 55) -> '96×55×55' (chw) or '55×55×96' (hwc, as the papers write it)."""
    if len(s) == 3 and layout == "hwc":
        s = (s[1], s[2], s[0])
    return "×".join(str(d) for d in s)


def shape_list(s: tuple, layout: str = "chw") -> list:
    return [s[1], s[2], s[0]] if len(s) == 3 and layout == "hwc" else list(s)


def count(n: int) -> str:
    return f"{n:,}"


def si(n: int) -> str:
    """1_234_567_890 -> '1.23 G' (decimal, for MACs and FLOPs)."""
    for factor, unit in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= factor:
            return f"{n / factor:.2f} {unit}"
    return str(n)


def nbytes(n: int) -> str:
    """Binary units, as memory is usually budgeted: '232.56 MiB'."""
    for factor, unit in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n >= factor:
            return f"{n / factor:.2f} {unit}"
    return f"{n} B"


def window(w) -> str:
    """Window -> '11×11/4, pad 0' ; '' for ops without a window."""
    if w is None:
        return ""
    k = f"{w.kernel[0]}×{w.kernel[1]}"
    s = w.stride[0] if w.stride[0] == w.stride[1] else f"{w.stride[0]}×{w.stride[1]}"
    (t, b), (l, r) = w.pad
    if t == b == l == r:
        pad = str(t)
    elif t == b and l == r:
        pad = f"{t}×{l}"
    else:
        pad = f"{t},{b},{l},{r}"
    text = f"{k}/{s}, pad {pad}"
    if w.dilation != (1, 1):
        text += f", dil {w.dilation[0] if w.dilation[0] == w.dilation[1] else w.dilation}"
    if w.ceil_mode:
        text += ", ceil"
    return text


CONVENTION = "MACs: conv and linear multiply-accumulates, bias excluded; FLOPs = 2·MACs."



def rf(field) -> str:
    return "" if field is None else str(field)
