"""Convolutions and pools of small matrices, computed exactly and worked out as the slides do.

The output size is not computed here: each problem is bound to the project's own op (the
convolution or pool of the image's rank, cnncalc/ops) as a one-layer network and analysed in
the homework view, exactly as `cnncalc conv` and `cnncalc pool` do, so the window rule of
ops/window.py, 'same'/'valid', the pools' padding limits and every diagnostic (kernel larger
than the padded input, strides that do not fit) are the ones the rest of cnncalc gives. The
resolved window (kernel, stride, (begin, end) padding, dilation, ceil_mode) is then slid over
the values:

    conv   y[o, q] = b[o] + Σ_c Σ_m x[c, q·S − P_begin + m·D] · w[o, c, m]     (cross-correlation,
                     as PyTorch's conv2d and the slides: the kernel is not flipped; padding is 0)
    max    y[c, q] = max of the input cells of the window (padding is never the maximum: PyTorch)
    avg    y[c, q] = Σ cells / N, N = the window's cells inside the padded input
                     (count_include_pad, PyTorch's default) or inside the input alone

Values are Fractions; the sums are taken in integers over each matrix's common denominator
(bounded by cnncalc/numeric_input.py), so a 10,000-position map costs integer arithmetic only.
Budgets, charged before the sums: MAX_POSITIONS output values and MAX_PRODUCTS window reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from .errors import Option, fail
from .i18n import T
from .numeric_input import Tensor

MAX_POSITIONS = 10_000  # output values, every channel
MAX_PRODUCTS = 1_000_000  # input cells read by all the windows together


@dataclass(frozen=True)
class Geometry:
    """The window the op resolved, its output, and the size rule worked out (ops.base.Formula)."""

    input_shape: tuple
    kernel: tuple
    stride: tuple
    padding: tuple  # (begin, end) per spatial dimension
    dilation: tuple
    ceil_mode: bool
    output_shape: tuple
    formulas: tuple
    warnings: tuple  # Diagnostics (floored divisions, strides beyond the kernel)


@dataclass(frozen=True)
class Cell:
    """One cell a window reads: its input coordinates (negative or past the end in the padding)."""

    index: tuple
    value: Fraction
    kind: str  # "input", "padding", or "outside" (beyond the padded input: ceil_mode's last window)


@dataclass(frozen=True)
class ChannelSum:
    channel: int
    cells: tuple  # Cells in the kernel's row-major order
    weights: tuple  # the kernel values they are multiplied by
    total: Fraction


@dataclass(frozen=True)
class ConvAt:
    out_channel: int
    position: tuple
    terms: tuple  # one ChannelSum per input channel
    bias: Fraction
    value: Fraction


@dataclass(frozen=True)
class PoolAt:
    channel: int
    position: tuple
    cells: tuple  # every cell of the window
    counted: tuple  # the cells the max or the sum takes: input cells, and padding for count_include_pad
    value: Fraction
    divisor: int | None  # average pooling's N, len(counted) (None: max)


@dataclass(frozen=True)
class ConvResult:
    geometry: Geometry
    kernels: tuple  # Tensors, one per output channel
    bias: tuple
    output: Tensor
    at: tuple
    worked: tuple  # ConvAt per output channel


@dataclass(frozen=True)
class PoolResult:
    geometry: Geometry
    kind: str  # "max" or "avg"
    count_include_pad: bool
    output: Tensor
    at: tuple
    worked: tuple  # PoolAt per channel


def _op(kind: str, rank: int):
    """The registered op of this rank (found by class: no module outside cnncalc/ops names an op)."""
    from .ops import REGISTRY
    from .ops.conv import Conv
    from .ops.pool import AvgPool, MaxPool

    cls = {"convolution": Conv, "max": MaxPool, "avg": AvgPool}[kind]
    return next(op for op in REGISTRY.values() if type(op) is cls and op.spatial == rank)


def geometry(kind: str, shape: tuple, given: dict, places: dict, where, name: str) -> Geometry:
    """Bind the op to `shape` with the values `given` ({argument: value as read}) and analyse it
    (calculator.one_layer, as `cnncalc conv` does). places: {argument: Pos or Option} for messages;
    where: the place of the whole problem."""
    from .calculator import one_layer

    if not 1 <= len(shape) - 1 <= 3:
        raise fail("E004" if isinstance(where, Option) else "E104",
                   T("the image has {n} spatial dimensions; 1, 2 or 3 are supported", n=len(shape) - 1), where)
    analysis = one_layer(_op(kind, len(shape) - 1), given, shape, name, places, where)
    layer = analysis.layers[0]
    w = layer.window
    return Geometry(tuple(shape), tuple(w.kernel), tuple(w.stride), tuple(tuple(p) for p in w.pad),
                    tuple(w.dilation), bool(w.ceil_mode), tuple(layer.output_shape), tuple(layer.worked().shape),
                    tuple(analysis.diagnostics))


def charge(g: Geometry, reads_per_value: int, where) -> None:
    """The positions and window reads this map costs, before it is computed."""
    positions = math.prod(g.output_shape)
    code = "E004" if isinstance(where, Option) else "E104"
    if positions > MAX_POSITIONS:
        raise fail(code, T("the output has {n:,} values, more than the {limit:,} these calculators compute",
                           n=positions, limit=MAX_POSITIONS), where,
                   T("use a smaller image or a larger stride"))
    if positions * reads_per_value > MAX_PRODUCTS:
        raise fail(code, T("computing the output reads {n:,} values, more than the {limit:,} these calculators "
                           "allow", n=positions * reads_per_value, limit=MAX_PRODUCTS), where,
                   T("use a smaller image or kernel"))


def check_at(g: Geometry, at: tuple | None, where) -> tuple:
    """The output position to work out (default the first), checked against the output's size."""
    sizes = g.output_shape[1:]
    at = tuple(at) if at is not None else (0,) * len(sizes)
    code = "E004" if isinstance(where, Option) else "E104"
    if len(at) != len(sizes) or any(i >= n for i, n in zip(at, sizes)):
        ranges = ", ".join(f"0–{n - 1}" for n in sizes)
        raise fail(code, T("position {at} is outside the output {shape}", at=",".join(map(str, at)),
                           shape="×".join(map(str, sizes))), where,
                   T("give {n} index(es) counted from 0, within {ranges}", n=len(sizes), ranges=ranges))
    return at


# -- sliding ------------------------------------------------------------------------------------
def _strides(shape: tuple) -> tuple:
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= n
    return tuple(reversed(out))


def _scaled(t: Tensor) -> tuple:
    """(integer values, their common denominator)."""
    d = math.lcm(*(v.denominator for v in t.values)) if t.values else 1
    return tuple(int(v * d) for v in t.values), d


def _taps(g: Geometry, q: tuple) -> list:
    """Per dimension, [(offset m, input coordinate, kind)] of the window at output position q."""
    sizes = g.input_shape[1:]
    out = []
    for j, i in enumerate(q):
        start = i * g.stride[j] - g.padding[j][0]
        taps = []
        for m in range(g.kernel[j]):
            x = start + m * g.dilation[j]
            kind = "input" if 0 <= x < sizes[j] else "padding" if x < sizes[j] + g.padding[j][1] else "outside"
            taps.append((m, x, kind))
        out.append(taps)
    return out


def _window(g: Geometry, q: tuple) -> list:
    """[(kernel offsets, input coordinates, kind)] in the kernel's row-major order."""
    rows = []
    for taps in product(*_taps(g, q)):
        kinds = {t[2] for t in taps}
        kind = "outside" if "outside" in kinds else "padding" if "padding" in kinds else "input"
        rows.append((tuple(t[0] for t in taps), tuple(t[1] for t in taps), kind))
    return rows


def _positions(g: Geometry):
    return product(*(range(n) for n in g.output_shape[1:]))


def convolve(g: Geometry, image: Tensor, kernels: tuple, bias: tuple, at: tuple) -> ConvResult:
    xs, dx = _scaled(image)
    scaled = [_scaled(k) for k in kernels]
    dw = math.lcm(*(d for _, d in scaled))
    ws = [tuple(v * (dw // d) for v in k) for k, d in scaled]
    sx, sw = _strides(image.shape), _strides(kernels[0].shape)
    channels = image.shape[0]
    values = []
    for o, w in enumerate(ws):
        for q in _positions(g):
            acc = 0
            for m, x, kind in _window(g, q):
                if kind != "input":
                    continue
                xi = sum(a * b for a, b in zip(x, sx[1:]))
                wi = sum(a * b for a, b in zip(m, sw[1:]))
                acc += sum(xs[c * sx[0] + xi] * w[c * sw[0] + wi] for c in range(channels))
            values.append(Fraction(acc, dx * dw) + bias[o])
    output = Tensor(g.output_shape, tuple(values))
    return ConvResult(g, tuple(kernels), tuple(bias), output, at,
                      tuple(_conv_at(g, image, k, o, bias[o], at) for o, k in enumerate(kernels)))


def _conv_at(g: Geometry, image: Tensor, kernel: Tensor, o: int, b: Fraction, q: tuple) -> ConvAt:
    sx, sw = _strides(image.shape), _strides(kernel.shape)
    terms = []
    for c in range(image.shape[0]):
        cells, weights = [], []
        for m, x, kind in _window(g, q):
            v = image.values[c * sx[0] + sum(a * b for a, b in zip(x, sx[1:]))] if kind == "input" else Fraction(0)
            cells.append(Cell(x, v, kind))
            weights.append(kernel.values[c * sw[0] + sum(a * b for a, b in zip(m, sw[1:]))])
        terms.append(ChannelSum(c, tuple(cells), tuple(weights), sum((c.value * w for c, w in zip(cells, weights)),
                                                                     Fraction(0))))
    return ConvAt(o, q, tuple(terms), b, sum((t.total for t in terms), Fraction(0)) + b)


def pool(g: Geometry, image: Tensor, kind: str, count_include_pad: bool, at: tuple, where) -> PoolResult:
    xs, dx = _scaled(image)
    sx = _strides(image.shape)
    values = []
    for c in range(image.shape[0]):
        for q in _positions(g):
            cells = _window(g, q)
            real = [xs[c * sx[0] + sum(a * b for a, b in zip(x, sx[1:]))] for _, x, k in cells if k == "input"]
            if not real:  # PyTorch would give −inf (max) or divide padding only: never a slide's example
                raise fail("E004" if isinstance(where, Option) else "E104",
                           T("the pool window at {at} covers padding only", at=",".join(map(str, q))), where,
                           T("use less padding or dilation"))
            if kind == "max":
                values.append(Fraction(max(real), dx))
            else:
                values.append(Fraction(sum(real), dx * len(_counted([k for _, _, k in cells], kind,
                                                                      count_include_pad))))
    output = Tensor(g.output_shape, tuple(values))
    return PoolResult(g, kind, count_include_pad, output, at,
                      tuple(_pool_at(g, image, c, kind, count_include_pad, at, output) for c in range(image.shape[0])))


def _pool_at(g: Geometry, image: Tensor, c: int, kind: str, count_include_pad: bool, q: tuple,
             output: Tensor) -> PoolAt:
    sx = _strides(image.shape)
    cells = tuple(Cell(x, image.values[c * sx[0] + sum(a * b for a, b in zip(x, sx[1:]))] if k == "input"
                       else Fraction(0), k) for _, x, k in _window(g, q))
    counted = tuple(cells[i] for i in _counted([cell.kind for cell in cells], kind, count_include_pad))
    so = _strides(output.shape)
    return PoolAt(c, q, cells, counted, output.values[c * so[0] + sum(a * b for a, b in zip(q, so[1:]))],
                  None if kind == "max" else len(counted))


def _counted(kinds: list, kind: str, count_include_pad: bool) -> list:
    """Indices of the window's cells a pool takes: its input cells, and for an average with PyTorch's
    count_include_pad its padding too (never the cells beyond the padded input, ceil_mode's)."""
    return [i for i, k in enumerate(kinds) if k == "input" or (kind == "avg" and count_include_pad and k == "padding")]
