"""NumPy primitives the ops' forward passes share: padding, strided windows, im2col, bins, erf.

None of these knows what op uses it (that lives with each op in cnncalc/ops); every
function is pure (inputs are never modified) and works for any number of spatial
dimensions. Arrays are channels-first with a batch axis: (N, C, *spatial).

Why im2col: a direct convolution in NumPy needs either a Python loop over output
pixels or a huge broadcast product; both are orders of magnitude slower than the
machine's BLAS. im2col rewrites the convolution as one matrix product: a strided
*view* of the padded input exposes every receptive field without copying, one copy
materialises it as a (C_in·Πk, ΠO) matrix per image, and one sgemm multiplies it by
the (C_out, C_in·Πk) weight matrix. The columns are channel-major, so the product is
(C_out, ΠO), which already is channels-first: no transpose of the output, and
PyTorch's (C_out, C_in/groups, *k) weights reshape to the left operand for free. On
the 2-core reference machine the sgemm dominates and the ResNet-50 conv stack runs
within ~1.2× of PyTorch's (benchmarks/bench_kernels.py). Rejected after measuring:
channels-last columns (the product then needs an output transpose), a threaded copy
(OpenBLAS already occupies the second core), Winograd (not one matmul, and fragile
in float32).

Pooling uses the same strided window views but reduces them tap by tap (np.maximum /
np.add over the kernel offsets, each a strided slice covering every output position):
NumPy's reduction over small trailing window axes is about 20× slower.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided


def as_float(x) -> np.ndarray:
    """The activation as an ndarray, keeping a floating dtype and using float32 otherwise."""
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float32)
    return a


def param(p, dtype) -> np.ndarray:
    """A parameter cast to the activation dtype (no copy when it already matches)."""
    return np.asarray(p, dtype=dtype)


def channel_shape(c: int, spatial: int) -> tuple:
    """(1, C, 1, …, 1): broadcasts a per-channel vector over (N, C, *spatial)."""
    return (1, c) + (1,) * spatial


def reach(out: int, k: int, s: int, d: int) -> int:
    """How much input (with padding) windows of this geometry read: (O − 1)·S + D·(F − 1) + 1."""
    return (out - 1) * s + d * (k - 1) + 1


def padded(x: np.ndarray, begins: tuple, sizes: tuple, fill: float) -> np.ndarray:
    """x placed at offsets `begins` in a canvas of spatial `sizes` filled with `fill`, written once.

    The canvas is exactly as large as the windows need: padding (or input) that no
    window reaches is not allocated, and ceil-mode windows that run past the padded
    edge find `fill` there. Returns a view of x when no padding is needed.
    """
    spatial = x.shape[2:]
    if not any(begins) and all(n <= m for n, m in zip(sizes, spatial)):
        return x[(slice(None), slice(None), *(slice(0, n) for n in sizes))]
    shape = x.shape[:2] + tuple(sizes)
    buf = np.zeros(shape, dtype=x.dtype) if fill == 0 else np.full(shape, fill, dtype=x.dtype)
    keep = [max(0, min(m, n - b)) for m, n, b in zip(spatial, sizes, begins)]
    dst = (slice(None), slice(None), *(slice(b, b + k) for b, k in zip(begins, keep)))
    src = (slice(None), slice(None), *(slice(0, k) for k in keep))
    buf[dst] = x[src]
    return buf


def windows(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple) -> np.ndarray:
    """Strided view (N, C, *out, *kernel) of a padded buffer: every window, no copy."""
    s = xp.strides
    sp = s[2:]
    return as_strided(xp, shape=xp.shape[:2] + tuple(out) + tuple(kernel),
                      strides=s[:2] + tuple(st * a for st, a in zip(stride, sp))
                      + tuple(d * a for d, a in zip(dilation, sp)), writeable=False)


def taps(kernel: tuple):
    """Every kernel offset (i, j, …) in row-major order."""
    return itertools.product(*(range(k) for k in kernel))


def reduce_windows(win: np.ndarray, kernel: tuple, ufunc) -> np.ndarray:
    """ufunc (np.maximum, np.add) over the kernel axes of a window view, one strided slice per tap."""
    first = (0,) * len(kernel)
    out = win[(Ellipsis, *first)].copy()
    for tap in taps(kernel):
        if tap != first:
            ufunc(out, win[(Ellipsis, *tap)], out=out)
    return out


def im2col(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple) -> np.ndarray:
    """Columns (N, C, *kernel, *out), C-contiguous, from a padded buffer: one view plus one copy.

    The kernel taps sit next to the channel (matching (C_out, C_in, *k) weights) and the
    output positions last (so the sgemm result is already channels-first)."""
    s = xp.strides
    sp = s[2:]
    view = as_strided(xp, shape=xp.shape[:2] + tuple(kernel) + tuple(out),
                      strides=s[:2] + tuple(d * a for d, a in zip(dilation, sp))
                      + tuple(st * a for st, a in zip(stride, sp)), writeable=False)
    return np.ascontiguousarray(view)


def scatter_add(buf: np.ndarray, cols: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple,
                sizes: tuple) -> None:
    """The adjoint of im2col, in place: cols (N, C, *kernel, *sizes) added into buf at every tap."""
    for tap in taps(kernel):
        dst = (slice(None), slice(None), *(slice(t * d, t * d + (n - 1) * s + 1, s)
                                           for t, d, n, s in zip(tap, dilation, sizes, stride)))
        buf[dst] += cols[(slice(None), slice(None), *tap)]


def adaptive_bins(size: int, out: int):
    """PyTorch's adaptive bins [⌊i·I/O⌋, ⌈(i+1)·I/O⌉) as a padded (out, kmax) index table
    (short bins repeat their last index), a validity mask and the bin lengths."""
    i = np.arange(out, dtype=np.int64)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    kmax = int((end - start).max())
    idx = start[:, None] + np.arange(kmax)[None, :]
    valid = idx < end[:, None]
    return np.minimum(idx, end[:, None] - 1), valid, end - start


def outer(vectors: list) -> np.ndarray:
    """The outer product of per-axis vectors (a separable divisor for any rank)."""
    out = np.asarray(vectors[0])
    for v in vectors[1:]:
        out = np.multiply.outer(out, v)
    return out


def crop_pad(x: np.ndarray, pairs: tuple, fill: float = 0.0) -> np.ndarray:
    """Pad (positive) or crop (negative) every spatial dimension by (begin, end), like F.pad."""
    spatial = x.shape[2:]
    sizes = [n + b + e for n, (b, e) in zip(spatial, pairs)]
    out = np.full(x.shape[:2] + tuple(sizes), fill, dtype=x.dtype)
    src = tuple(slice(max(-b, 0), n - max(-e, 0)) for n, (b, e) in zip(spatial, pairs))
    region = x[(slice(None), slice(None), *src)]
    dst = tuple(slice(max(b, 0), max(b, 0) + m) for (b, _), m in zip(pairs, region.shape[2:]))
    out[(slice(None), slice(None), *dst)] = region
    return out


# W. J. Cody, "Rational Chebyshev approximations for the error function",
# Math. Comp. 23 (1969) 631-638; coefficients as in the SPECFUN routine CALERF.
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
          1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_ERFC_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
           8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
           2.15311535474403846e-8)
_ERFC_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
           3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
_ERFC_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
           6.58749161529837803e-4, 1.63153871373020978e-2)
_ERFC_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
           2.33520497626869185e-3)


ERF_CHUNK = 1 << 15  # elements per step: erf's ~20 float64 temporaries stay ~5 MiB, whatever the input


def erf(x):
    """Vectorised error function (NumPy has none), accurate to ~1 ulp in float64.

    Cody's three rational approximations: erf directly for |x| ≤ 0.46875, erfc for
    0.46875 < |x| ≤ 4 and for |x| > 4 (where erf = sign(x)·(1 − erfc(|x|))). Evaluated
    in float64 and rounded once, so a float32 result is correctly rounded.

    Computed ERF_CHUNK elements at a time into one output array: evaluated whole, the
    float64 temporaries took ~32× the float32 input (a ConvNeXt GELU held 300 MiB for a
    10 MiB activation), memory verify's estimate cannot see; in cache-sized pieces it is
    also ~4× faster (0.23 s instead of 1.0 s for 4.8M float32 values).
    """
    x = as_float(x)
    out = np.empty(x.shape, dtype=x.dtype)
    src, dst = x.reshape(-1), out.reshape(-1)
    for i in range(0, src.size, ERF_CHUNK):
        dst[i:i + ERF_CHUNK] = _erf(src[i:i + ERF_CHUNK])
    return out


def _erf(x):
    xd = x.astype(np.float64)
    y = np.abs(xd)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ysq = y * y
        num, den = _ERF_A[4] * ysq, ysq
        for a, b in zip(_ERF_A[:3], _ERF_B[:3]):
            num, den = (num + a) * ysq, (den + b) * ysq
        small = xd * (num + _ERF_A[3]) / (den + _ERF_B[3])
        num, den = _ERFC_C[8] * y, y
        for cc, dd in zip(_ERFC_C[:7], _ERFC_D[:7]):
            num, den = (num + cc) * y, (den + dd) * y
        mid = (num + _ERFC_C[7]) / (den + _ERFC_D[7])
        z = 1.0 / ysq
        num, den = _ERFC_P[5] * z, z
        for p, q in zip(_ERFC_P[:4], _ERFC_Q[:4]):
            num, den = (num + p) * z, (den + q) * z
        big = (0.56418958354775628695 - z * (num + _ERFC_P[4]) / (den + _ERFC_Q[4])) / y
        r = np.where(y <= 4.0, mid, big)
        yr = np.trunc(y * 16.0) / 16.0  # exp(−y²) split for accuracy
        erfc = np.exp(-yr * yr) * np.exp(-(y - yr) * (y + yr)) * r
        erfc = np.where(y >= 26.543, 0.0, erfc)
        large = np.copysign(1.0 - erfc, xd)
    out = np.where(y <= 0.46875, small, large)
    out = np.where(np.isnan(xd), xd, out)
    return out.astype(x.dtype, copy=False)


SQRT_HALF = math.sqrt(0.5)
