"""The sliding-window size rule shared by convolutions and pools, in exact integers, any rank.

    O = ⌊(I + P_begin + P_end − D·(F − 1) − 1) / S⌋ + 1

in every spatial dimension is the course formula O = (I − F + 2P)/S + 1 (CS231n; seeds
000, 002, 003) written for asymmetric padding and dilation; it is also PyTorch's
ConvNd/MaxPoolNd rule. With ceil_mode the division rounds up, but, as in PyTorch, a
last window that would start beyond the input and its left padding is dropped:
if (O − 1)·S ≥ I + P_begin then O −= 1.

'same' padding follows TensorFlow: O = ⌈I/S⌉, total padding
max((O − 1)·S + D·(F − 1) + 1 − I, 0), the odd pixel at the end (bottom/right).
At stride 1 this equals PyTorch's padding='same'.

Transposed convolution (PyTorch ConvTransposeNd):
    O = (I − 1)·S − 2P + D·(F − 1) + output_padding + 1

Symbolic sizes (cnncalc/symbolic.py): an input size may be a sympy expression instead
of an int. The same rules then give formulas (`(H − 11)//4` is sympy's
floor((H − 11)/4)); the checks that need a number (kernel too large, floor warnings)
are skipped for such sizes (`is_concrete`), and the two rules that depend on I mod S
are written in closed form or refused (E104): see `out_size` and `same_padding`.
Kernels, strides, paddings and dilations are always ints.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from ..i18n import T
from .base import Ctx, OpError

# Names of the spatial dimensions and of the lines of input they count, by rank.
# They are words of messages too (Msg: tr() says them in the chosen language; as str they are English).
_LENGTH, _DEPTH, _HEIGHT, _WIDTH = T("length"), T("depth"), T("height"), T("width")
DIM_NAMES = {1: (_LENGTH,), 2: (_HEIGHT, _WIDTH), 3: (_DEPTH, _HEIGHT, _WIDTH)}
_ROWS, _COLUMNS = (T("row"), T("rows")), (T("column"), T("columns"))
_LINES = {1: ((T("position"), T("positions")),), 2: (_ROWS, _COLUMNS), 3: ((T("slice"), T("slices")), _ROWS, _COLUMNS)}
DIM_SUFFIXES = {1: ("",), 2: ("_h", "_w"), 3: ("_d", "_h", "_w")}  # O_h, r_w, …; one dimension needs none
SIZE_LABELS = {n: tuple(f"O{s}" for s in suffixes) for n, suffixes in DIM_SUFFIXES.items()}


class Window(NamedTuple):
    """Sliding-window geometry, one entry per spatial dimension.

    `pad` holds (begin, end) per dimension, already resolved from 'same'/'valid'. The
    analysis derives the receptive field from it and the table its kernel column.
    """

    kernel: tuple
    stride: tuple
    pad: tuple
    dilation: tuple
    ceil_mode: bool = False
    transposed: bool = False

    @staticmethod
    def whole(sizes: tuple) -> Window:
        """A window covering the whole input once (global pools, flatten)."""
        n = len(sizes)
        return Window(tuple(sizes), (1,) * n, ((0, 0),) * n, (1,) * n)


def is_concrete(x) -> bool:
    """True for an exact int size; False for a symbolic one (a sympy expression)."""
    return isinstance(x, int)


def extent(kernel: int, dilation: int = 1) -> int:
    """Span of a dilated kernel: D·(F − 1) + 1."""
    return dilation * (kernel - 1) + 1


def out_size(i: int, k: int, s: int, p0: int, p1: int, d: int = 1, ceil_mode: bool = False) -> int:
    span = i + p0 + p1 - extent(k, d)
    if ceil_mode:
        if not is_concrete(i):
            return _symbolic_ceil_out_size(i, s, p0, span, extent(k, d) - p1)
        o = -(-span // s) + 1
        if (o - 1) * s >= i + p0:
            o -= 1
        return o
    return span // s + 1


def _symbolic_ceil_out_size(i, s: int, p0: int, span, c: int):
    """ceil_mode's size for a symbolic I, the last-window adjustment in closed form.

    With N = I + P_begin and c = D·(F − 1) + 1 − P_end (so span = N − c), the last
    window is dropped iff ⌈span/S⌉·S ≥ N, i.e. iff no multiple of S lies in [N − c, N − 1]:
        c ≥ S       never dropped          O = ⌈span/S⌉ + 1
        1 ≤ c < S   O = min(⌈span/S⌉ + 1, ⌈N/S⌉) = ⌈N/S⌉, as ⌈(N − c)/S⌉ ≥ ⌈N/S⌉ − 1
        c ≤ 0       always dropped         O = ⌈span/S⌉
    Equal to the integer rule above for every I (tests/test_symbolic.py checks it).
    """
    if c >= s:
        return -(-span // s) + 1
    if c >= 1:
        return -(-(i + p0) // s)
    return -(-span // s)


def same_padding(i: int, k: int, s: int, d: int = 1) -> tuple:
    """TensorFlow's SAME padding (begin, end) for one dimension."""
    if not is_concrete(i):
        # The total (O − 1)·S + D·(F − 1) + 1 − I depends on I mod S unless S = 1.
        if s != 1:
            raise OpError("E104", T("padding 'same' with stride {s} depends on the input size modulo {s}; it cannot be "
                                    "written for a symbolic size", s=s),
                          T('give the input size as a number, or explicit padding'), arg="padding")
        total = max(extent(k, d) - 1, 0)
        return (total // 2, total - total // 2)
    o = -(-i // s)
    total = max((o - 1) * s + extent(k, d) - i, 0)
    return (total // 2, total - total // 2)


def transposed_out_size(i: int, k: int, s: int, p: int, d: int = 1, output_padding: int = 0) -> int:
    return (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def _fmt(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.2f}".rstrip("0").rstrip(".")


def _kernel_text(k: int, d: int) -> str:
    return f"{d}·({k} − 1) + 1" if d != 1 else str(k)


def worked_formula(i: int, k: int, s: int, p0: int, p1: int, d: int = 1) -> str:
    """The course form of the division, e.g. '(10 − 3 + 2·0)/2 + 1 = 4.5'."""
    pad = ("0" if p0 == 0 else f"2·{p0}") if p0 == p1 else f"{p0} + {p1}"
    value = Fraction(i + p0 + p1 - extent(k, d), s) + 1
    return f"({i} − {_kernel_text(k, d)} + {pad})/{s} + 1 = {_fmt(value)}"


def floor_steps(i: int, k: int, s: int, p0: int, p1: int, d: int = 1, ceil_mode: bool = False) -> tuple:
    """('⌊(227 − 11 + 2·0)/4⌋ + 1',) — with the fraction as a second step when the division is not exact."""
    pad = f"2·{p0}" if p0 == p1 else f"{p0} + {p1}"
    num = i + p0 + p1 - extent(k, d)
    lo, hi = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    steps = [f"{lo}({i} − {_kernel_text(k, d)} + {pad})/{s}{hi} + 1"]
    if num % s:
        steps.append(f"{lo}{_fmt(Fraction(num, s))}{hi} + 1")
    o = out_size(i, k, s, p0, p1, d, ceil_mode)
    if ceil_mode and o != -(-num // s) + 1:
        steps[-1] = T("{step} − 1 (the last window would start in the right padding)", step=steps[-1])
    return tuple(steps)


def grouped_dims(texts: list) -> list:
    """Dimensions whose worked formula reads the same, grouped: [([0, 1], text)] for a square window."""
    groups: dict = {}
    for j, text in enumerate(texts):
        groups.setdefault(text, []).append(j)
    return [(dims, text) for text, dims in groups.items()]


def apply_window(w: Window, sizes: tuple, ctx: Ctx, *, what: str = T("kernel")) -> tuple:
    """Output sizes of a window over an input of `sizes` (one per spatial dimension), with the course's checks.

    Errors: the (dilated) kernel is larger than the padded input (E201), or the
    output is not positive (E202). Warnings: floor division leaves input
    rows/columns uncovered (W101; N101 when only padding is left), stride larger
    than the kernel extent (W102).
    """
    n = len(sizes)
    names = DIM_NAMES[n]
    out, notes = [], []
    for j in range(n):
        i, k, s, d = sizes[j], w.kernel[j], w.stride[j], w.dilation[j]
        p0, p1 = w.pad[j]
        ext = extent(k, d)
        if not is_concrete(i):  # a symbolic size: the formula only; checks need a number
            out.append(out_size(i, k, s, p0, p1, d, w.ceil_mode))
            if s > ext:
                notes.append((j, "skip", s, ext))
            continue
        o = out_size(i, k, s, p0, p1, d, w.ceil_mode)
        # in ceil mode PyTorch lets the last window hang over the end: only an empty output is wrong
        if ext > i + p0 + p1 and not (w.ceil_mode and o >= 1):
            span = T("{extent} (dilated)", extent=ext) if d != 1 else str(k)
            raise OpError("E201", T("{what} {dim} {span} is larger than the padded input {dim} {size} + {pad} = "
                                    "{padded}", what=what, dim=names[j], span=span, size=i, pad=p0 + p1,
                                    padded=i + p0 + p1),
                          T("use a smaller kernel_size, or padding ≥ {pad} on each side", pad=-(-(ext - i) // 2)),
                          arg="kernel_size")
        if o <= 0:  # pragma: no cover - unreachable for valid windows, kept as a guard
            raise OpError("E202", T("output {dim} would be {o}", dim=names[j], o=o), arg="kernel_size")
        leftover = (i + p0 + p1 - ext) % s
        if leftover and not w.ceil_mode:
            notes.append((j, "floor", worked_formula(i, k, s, p0, p1, d), o, leftover - p1, leftover, i, s))
        if s > ext:
            notes.append((j, "skip", s, ext))
        out.append(o)
    _warn_once_per_kind(notes, ctx, what, n)
    return tuple(out)


def _lines(dims: list, count: int, rank: int) -> str:
    """'row', '2 columns', 'row and column' for the dimensions in `dims`."""
    text = both([(_LINES[rank][j][0] if count == 1 else _LINES[rank][j][1]) for j in dims])
    return text if count == 1 else T("{count} {lines}", count=count, lines=text)


def both(words: list):
    """'height', 'height and width', 'depth and height and width' as one translatable text."""
    text = words[0]
    for word in words[1:]:
        text = T("{first} and {second}", first=text, second=word)
    return text


def _warn_once_per_kind(notes: list, ctx: Ctx, what: str, rank: int) -> None:
    """Emit floor/skip warnings, once for all dimensions that agree."""
    names = DIM_NAMES[rank]
    by_key: dict = {}
    for note in notes:
        by_key.setdefault((note[1], *note[2:]), []).append(note[0])
    for key, dims in by_key.items():
        sizes = both([names[j] for j in dims])
        if key[0] == "floor":
            _, formula, o, uncovered, leftover, i, s = key
            hint = T("choose padding or stride so that (I − F + 2P) is a multiple of S (e.g. input {dims} {up} or "
                     "{down})", dims=sizes, up=i + s - leftover, down=i - leftover)
            if uncovered > 0:
                lines = _lines(dims, uncovered, rank)
                if uncovered == 1 and len(dims) == 1:
                    message = T("{formula} → {o}: the last {lines} of the input is never covered", formula=formula,
                                o=o, lines=lines)
                else:  # 'the last 2 rows', 'the last row and column'
                    message = T("{formula} → {o}: the last {lines} of the input are never covered", formula=formula,
                                o=o, lines=lines)
                ctx.warn("W101", message, hint, arg="stride")
            elif ctx.strict:  # homework view: the stride does not fit, even if only padding is lost
                ctx.warn("W101", T("{formula} → {o}: the stride does not fit; {lines} of padding left over",
                                   formula=formula, o=o, lines=_lines(dims, leftover, rank)), hint, arg="stride")
            else:
                ctx.warn("N101", T("{formula} → {o}: only padding is left uncovered ({lines} at the end)",
                                   formula=formula, o=o, lines=_lines(dims, leftover, rank)), None, arg="stride")
        else:
            _, s, ext = key
            skipped = both([_LINES[rank][j][1] for j in dims])
            ctx.warn("W102", T("stride {s} is larger than the {what} extent {extent} in {dims}: {skip} of every {s} "
                               "input {lines} are skipped", s=s, what=what, extent=ext, dims=sizes, skip=s - ext,
                               lines=skipped),
                     T("use stride ≤ kernel_size"), arg="stride")
