"""NumPy reference kernels: the numerical layer behind cnncalc's forward passes.

Every function here is pure (it never modifies its inputs) and depends on NumPy only.
The semantics are those of the ``torch.nn.functional`` function of the same name, and
the test suite checks them against PyTorch.

Layout conventions
------------------
* Activations are NCHW arrays: ``(batch, channels, height, width)``.  ``linear`` takes
  ``(batch, features)``; ``batch_norm`` and ``softmax`` work on any array with the
  channel/feature axis at position 1.
* Convolution weights are OIHW, ``(C_out, C_in // groups, kh, kw)``, exactly as stored
  by ``torch.nn.Conv2d``.  Transposed-convolution weights are
  ``(C_in, C_out // groups, kh, kw)``, as stored by ``torch.nn.ConvTranspose2d``.
* The output dtype is the input dtype.  Floating inputs (float16/32/64) are kept as
  they are; anything else (ints, bools, lists) becomes float32.  Weights, biases and
  other parameters are cast to the activation's dtype, so a float64 parameter never
  silently turns a float32 forward pass into a float64 one.
* Geometry arguments (kernel, stride, padding, dilation, ...) accept an int or a tuple.
  ``conv2d``/``partial_conv2d``/``zero_pad`` padding is ``(top, bottom, left, right)``
  (a pair ``(ph, pw)`` or an int means symmetric); pooling and transposed-convolution
  padding is symmetric per dimension, ``(ph, pw)``, as in PyTorch.
* All shape arithmetic is exact integer arithmetic (floor division and
  ``-(-a // b)`` for ceilings); no float ever enters a size computation.

Why im2col
----------
A direct convolution in NumPy needs either a Python loop over output pixels or a
huge broadcast product; both are orders of magnitude slower than the machine's BLAS.
im2col rewrites the convolution as one matrix product: a strided *view* of the padded
input exposes every receptive field without copying, one copy materialises it as a
``(C_in * kh * kw, OH * OW)`` matrix per image, and a single sgemm multiplies it by
the ``(C_out, C_in * kh * kw)`` weight matrix.  We keep the columns in
channel-major order, so the product comes out as ``(C_out, OH * OW)`` which *is*
NCHW: no transpose of the output is needed, and OIHW weights reshape to the left
operand for free.  Grouped convolutions are the same product batched over the group
axis (one ``np.matmul`` call, which also covers depthwise convolutions), and 1x1
stride-1 convolutions skip im2col entirely because the input already is the matrix.
Everything stays in the input dtype (no float64 temporaries), the padded buffer is
written once and only over the rows/columns some window reaches, and the matmul
operands are C-contiguous.  On the 2-core reference machine the sgemm dominates: the
im2col copy costs 10-25 % of a 3x3 layer, and the ResNet-50 conv stack runs within
~1.1-1.3x of PyTorch's (see benchmarks/bench_kernels.py).  Alternatives measured and
rejected: NHWC-ordered columns (the product then needs an output transpose), a
threaded im2col copy (OpenBLAS's spinning workers already occupy the second core), a
polyphase im2col for strided convolutions (only the 3-channel stem gains, ~0.3 ms),
and Winograd (not one matmul, and fragile in float32).

Pooling uses the same strided window views but reduces them tap by tap
(``np.maximum``/``np.add`` over the ``kh * kw`` window offsets, each one a strided
slice covering every output pixel at once): NumPy's reduction over two tiny
trailing window axes is about 20x slower than that.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

__all__ = [
    "conv2d",
    "conv_transpose2d",
    "partial_conv2d",
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "trainable_subsample",
    "batch_norm",
    "fold_batch_norm",
    "local_response_norm",
    "linear",
    "upsample_nearest",
    "zero_pad",
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "gelu",
    "erf",
    "softmax",
]


# --------------------------------------------------------------------------- helpers


def _as_float(x) -> np.ndarray:
    """The activation as an ndarray, keeping a floating dtype and using float32 otherwise."""
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float32)
    return a


def _param(p, dtype) -> np.ndarray:
    """A parameter cast to the activation dtype (no copy when it already matches)."""
    return np.asarray(p, dtype=dtype)


def _as_nchw(x, name: str = "x") -> np.ndarray:
    a = _as_float(x)
    if a.ndim != 4:
        raise ValueError(f"{name} must be a 4-D NCHW array, got shape {a.shape}")
    return a


def _int(v, name: str) -> int:
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {v!r}") from None


def _pair(v, name: str, minimum: int = 0) -> tuple[int, int]:
    """An int or a 2-sequence as a pair of ints, each at least `minimum`."""
    if isinstance(v, (Sequence, np.ndarray)):
        if len(v) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {v!r}")
        a, b = _int(v[0], name), _int(v[1], name)
    else:
        a = b = _int(v, name)
    if a < minimum or b < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v!r}")
    return a, b


def _pad4(v, name: str = "padding", allow_negative: bool = False) -> tuple[int, int, int, int]:
    """Padding as (top, bottom, left, right); an int or an (ph, pw) pair is symmetric."""
    if isinstance(v, (Sequence, np.ndarray)) and len(v) == 4:
        t = tuple(_int(p, name) for p in v)
    elif isinstance(v, (Sequence, np.ndarray)) and len(v) == 2:
        ph, pw = _int(v[0], name), _int(v[1], name)
        t = (ph, ph, pw, pw)
    elif isinstance(v, (Sequence, np.ndarray)):
        raise ValueError(f"{name} must be an int, a pair or a 4-tuple, got {v!r}")
    else:
        t = (_int(v, name),) * 4
    if not allow_negative and min(t) < 0:
        raise ValueError(f"{name} must be non-negative, got {v!r}")
    return t  # type: ignore[return-value]


def _conv_out(size: int, k: int, stride: int, pad_total: int, dilation: int) -> int:
    """floor((size + pads - dilation*(k-1) - 1) / stride) + 1, in integers."""
    span = size + pad_total - dilation * (k - 1) - 1
    if span < 0:
        raise ValueError(f"kernel extent {dilation * (k - 1) + 1} exceeds padded input size {size + pad_total}")
    return span // stride + 1


def _pool_out(size: int, k: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: ceil mode drops a last window that would start
    entirely in the right padding (it must start inside the input or the left padding)."""
    span = size + 2 * pad - dilation * (k - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    if out < 1:
        raise ValueError(
            f"pooling output size {out} is too small (input {size}, kernel {k}, "
            f"stride {stride}, padding {pad}, dilation {dilation})"
        )
    return out


def _padded(x: np.ndarray, top: int, left: int, rows: int, cols: int, fill: float) -> np.ndarray:
    """x placed at (top, left) in a (rows, cols) canvas filled with `fill`, written once.

    The canvas is exactly as large as the windows need: rows/columns of padding (or of
    input) that no window reaches are not allocated, and ceil-mode windows that run past
    the padded edge find `fill` there.  Returns x itself when no padding is needed."""
    n, c, h, w = x.shape
    if top == 0 and left == 0 and rows <= h and cols <= w:
        return x[:, :, :rows, :cols]
    if fill == 0:
        buf = np.zeros((n, c, rows, cols), dtype=x.dtype)
    else:
        buf = np.full((n, c, rows, cols), fill, dtype=x.dtype)
    hh, ww = max(0, min(h, rows - top)), max(0, min(w, cols - left))
    buf[:, :, top : top + hh, left : left + ww] = x[:, :, :hh, :ww]
    return buf


def _windows(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, oh: int, ow: int):
    """Strided window view (N, C, OH, OW, kh, kw) of a padded NCHW buffer (no copy)."""
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    v = sliding_window_view(xp, (eh, ew), axis=(2, 3))
    return v[:, :, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, ::dh, ::dw]


# ------------------------------------------------------------------------ convolution


def _im2col(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, oh: int, ow: int) -> np.ndarray:
    """Columns (N, C, kh, kw, OH, OW), C-contiguous, from a padded NCHW buffer.

    One as_strided view plus one copy.  The axis order puts the kernel taps next to the
    channel (matching OIHW weights) and the output pixels last (so the sgemm result is
    already NCHW); the innermost copy runs along an output row, which is contiguous in
    the source for stride 1."""
    n, c = xp.shape[:2]
    s0, s1, s2, s3 = xp.strides
    view = as_strided(
        xp,
        shape=(n, c, kh, kw, oh, ow),
        strides=(s0, s1, dh * s2, dw * s3, sh * s2, sw * s3),
        writeable=False,
    )
    return np.ascontiguousarray(view)


def conv2d(x, weight, bias=None, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
    """2-D cross-correlation, ``F.conv2d`` semantics, with (top, bottom, left, right) zero padding.

    x (N, C_in, H, W); weight (C_out, C_in // groups, kh, kw); bias (C_out,) or None.
    Computed as im2col + one batched sgemm over the groups (see the module docstring)."""
    x = _as_nchw(x)
    w = _param(weight, x.dtype)
    if w.ndim != 4:
        raise ValueError(f"weight must be 4-D (C_out, C_in/groups, kh, kw), got shape {w.shape}")
    n, c, h, wd = x.shape
    c_out, c_g, kh, kw = w.shape
    g = _int(groups, "groups")
    if g < 1 or c_out % g or c != c_g * g:
        raise ValueError(f"groups={groups} does not fit input channels {c}, weight shape {w.shape}")
    sh, sw = _pair(stride, "stride", 1)
    dh, dw = _pair(dilation, "dilation", 1)
    pt, pb, pl, pr = _pad4(padding)
    oh = _conv_out(h, kh, sh, pt + pb, dh)
    ow = _conv_out(wd, kw, sw, pl + pr, dw)

    if kh == kw == 1 and pt == pb == pl == pr == 0:
        # 1x1: the (strided) input already is the column matrix; a view for stride 1.
        src = x if sh == sw == 1 else x[:, :, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]
        cols = np.ascontiguousarray(src).reshape(n, g, c_g, oh * ow)
    else:
        # Only the rows/columns some window reaches are materialised in the padded buffer.
        rows = (oh - 1) * sh + dh * (kh - 1) + 1
        cols_ = (ow - 1) * sw + dw * (kw - 1) + 1
        xp = _padded(x, pt, pl, rows, cols_, 0.0)
        cols = _im2col(xp, kh, kw, sh, sw, dh, dw, oh, ow).reshape(n, g, c_g * kh * kw, oh * ow)

    wm = np.ascontiguousarray(w).reshape(g, c_out // g, c_g * kh * kw)
    out = np.matmul(wm, cols).reshape(n, c_out, oh, ow)
    if bias is not None:
        out += _param(bias, x.dtype).reshape(1, c_out, 1, 1)
    return out


def conv_transpose2d(
    x, weight, bias=None, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1), groups=1
):
    """Transposed convolution, ``F.conv_transpose2d`` semantics.

    x (N, C_in, H, W); weight (C_in, C_out // groups, kh, kw); bias (C_out,) or None.
    Output size (H-1)*stride - 2*padding + dilation*(kh-1) + output_padding + 1.

    Computed as the adjoint of im2col: one batched sgemm W^T @ x gives every input
    pixel's contribution to its kh*kw output taps, and col2im scatters them with one
    strided, vectorised add per kernel tap (a loop over taps, never over pixels)."""
    x = _as_nchw(x)
    w = _param(weight, x.dtype)
    if w.ndim != 4:
        raise ValueError(f"weight must be 4-D (C_in, C_out/groups, kh, kw), got shape {w.shape}")
    n, c_in, h, wd = x.shape
    wc_in, c_og, kh, kw = w.shape
    g = _int(groups, "groups")
    if g < 1 or c_in != wc_in or c_in % g:
        raise ValueError(f"groups={groups} does not fit input channels {c_in}, weight shape {w.shape}")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding")
    oph, opw = _pair(output_padding, "output_padding")
    dh, dw = _pair(dilation, "dilation", 1)
    if not (oph < sh or oph < dh) or not (opw < sw or opw < dw):
        raise ValueError("output_padding must be smaller than either stride or dilation")
    c_out = c_og * g
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (wd - 1) * sw + dw * (kw - 1) + 1 + opw
    oh, ow = full_h - 2 * ph, full_w - 2 * pw
    if oh < 1 or ow < 1:
        raise ValueError(f"transposed convolution output size ({oh}, {ow}) is too small")

    cin_g = c_in // g
    wm = w.reshape(g, cin_g, c_og * kh * kw).transpose(0, 2, 1)  # (g, C_out/g*kh*kw, C_in/g)
    cols = np.matmul(wm, x.reshape(n, g, cin_g, h * wd)).reshape(n, c_out, kh, kw, h, wd)

    buf = np.zeros((n, c_out, full_h, full_w), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dh, j * dw
            buf[:, :, r0 : r0 + (h - 1) * sh + 1 : sh, c0 : c0 + (wd - 1) * sw + 1 : sw] += cols[:, :, i, j]
    out = buf if ph == pw == 0 else np.ascontiguousarray(buf[:, :, ph : ph + oh, pw : pw + ow])
    if bias is not None:
        out += _param(bias, x.dtype).reshape(1, c_out, 1, 1)
    return out


def partial_conv2d(x, weight, bias, connection_table, stride=(1, 1), padding=(0, 0, 0, 0)):
    """Convolution in which output map o sees only the input maps ``connection_table[o]``.

    This is the C3 layer of LeNet-5 (LeCun et al. 1998, Table I).  `weight` is either

    * a list of C_out arrays, ``weight[o]`` of shape (len(connection_table[o]), kh, kw),
      whose k-th kernel applies to input map ``connection_table[o][k]`` (table order); or
    * a dense ndarray (C_out, C_in, kh, kw) indexed by input channel, in which entries for
      unconnected pairs are ignored (treated as zero).

    (A 4-D ndarray whose second axis is not C_in is read as the per-map list stacked,
    which requires every map to have that many connections.)  The kernel scatters the
    connected kernels into one zero-masked dense weight and runs a single `conv2d`:
    one sgemm beats C_out small ones, and the zeros cost far less than the Python loop."""
    x = _as_nchw(x)
    c_in = x.shape[1]
    table = [[_int(i, "connection_table entry") for i in row] for row in connection_table]
    c_out = len(table)
    lengths = np.array([len(row) for row in table], dtype=np.intp)
    flat = np.array([i for row in table for i in row], dtype=np.intp)
    if c_out == 0 or (lengths == 0).any():
        raise ValueError("connection_table needs at least one input map per output map")
    if flat.min() < 0 or flat.max() >= c_in:
        raise ValueError(f"connection_table refers to input maps outside 0..{c_in - 1}")
    if any(len(set(row)) != len(row) for row in table):
        raise ValueError("connection_table rows must not repeat an input map")
    rows = np.repeat(np.arange(c_out), lengths)

    if isinstance(weight, np.ndarray) and weight.ndim == 4 and weight.shape[1] == c_in:
        if weight.shape[0] != c_out:
            raise ValueError(f"dense weight has {weight.shape[0]} output maps, table has {c_out}")
        w = _param(weight, x.dtype)
        dense = np.zeros_like(w)
        dense[rows, flat] = w[rows, flat]
    else:
        per_map = [_param(k, x.dtype) for k in weight]
        if len(per_map) != c_out:
            raise ValueError(f"weight has {len(per_map)} maps, connection_table has {c_out}")
        kshape = per_map[0].shape[1:]
        for o, k in enumerate(per_map):
            if k.shape != (lengths[o], *kshape):
                raise ValueError(f"weight[{o}] must have shape {(int(lengths[o]), *kshape)}, got {k.shape}")
        dense = np.zeros((c_out, c_in, *kshape), dtype=x.dtype)
        dense[rows, flat] = np.concatenate(per_map, axis=0)
    return conv2d(x, dense, bias, stride=stride, padding=padding)


# ---------------------------------------------------------------------------- pooling


def max_pool2d(x, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1), ceil_mode=False):
    """Max pooling, ``F.max_pool2d`` semantics (implicit -inf padding, dilation, ceil_mode).

    `stride=None` means stride = kernel, as in PyTorch.  Padding may be at most half the
    kernel (PyTorch's rule), so every window holds at least one real input value."""
    x = _as_nchw(x)
    kh, kw = _pair(kernel, "kernel", 1)
    sh, sw = _pair(kernel if stride is None else stride, "stride", 1)
    ph, pw = _pair(padding, "padding")
    dh, dw = _pair(dilation, "dilation", 1)
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {padding} must be at most half of kernel {kernel}")
    oh = _pool_out(x.shape[2], kh, sh, ph, dh, ceil_mode)
    ow = _pool_out(x.shape[3], kw, sw, pw, dw, ceil_mode)
    rows, cols = (oh - 1) * sh + dh * (kh - 1) + 1, (ow - 1) * sw + dw * (kw - 1) + 1
    win = _windows(_padded(x, ph, pw, rows, cols, -np.inf), kh, kw, sh, sw, dh, dw, oh, ow)
    out = win[..., 0, 0].copy()
    for i in range(kh):
        for j in range(kw):
            if i or j:
                np.maximum(out, win[..., i, j], out=out)
    return out


def _avg_divisor(size: int, k: int, stride: int, pad: int, out: int, include_pad: bool) -> np.ndarray:
    """Per-output-position window length along one axis, PyTorch's avg_pool2d rule.

    With count_include_pad the window is clipped to the padded extent [-pad, size+pad)
    (ceil-mode windows that run past it are shortened); without it, to the input [0, size)."""
    start = np.arange(out, dtype=np.int64) * stride - pad
    end = np.minimum(start + k, size + pad)
    if not include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


def avg_pool2d(x, kernel, stride=None, padding=(0, 0), ceil_mode=False, count_include_pad=True, divisor_override=None):
    """Average pooling, ``F.avg_pool2d`` semantics, including PyTorch's divisor rules.

    The divisor is the window area clipped to the padded input (count_include_pad=True)
    or to the real input (False); it factorises into per-row times per-column lengths,
    so it is computed once per axis.  `stride=None` means stride = kernel."""
    x = _as_nchw(x)
    kh, kw = _pair(kernel, "kernel", 1)
    sh, sw = _pair(kernel if stride is None else stride, "stride", 1)
    ph, pw = _pair(padding, "padding")
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {padding} must be at most half of kernel {kernel}")
    h, wd = x.shape[2:]
    oh = _pool_out(h, kh, sh, ph, 1, ceil_mode)
    ow = _pool_out(wd, kw, sw, pw, 1, ceil_mode)
    rows, cols = (oh - 1) * sh + kh, (ow - 1) * sw + kw
    win = _windows(_padded(x, ph, pw, rows, cols, 0.0), kh, kw, sh, sw, 1, 1, oh, ow)
    out = win[..., 0, 0].copy()
    for i in range(kh):
        for j in range(kw):
            if i or j:
                np.add(out, win[..., i, j], out=out)
    if divisor_override is not None:
        div = np.asarray(_int(divisor_override, "divisor_override"), dtype=x.dtype)
        if div == 0:
            raise ValueError("divisor_override must be non-zero")
    else:
        dh_ = _avg_divisor(h, kh, sh, ph, oh, count_include_pad)
        dw_ = _avg_divisor(wd, kw, sw, pw, ow, count_include_pad)
        div = np.outer(dh_, dw_).astype(x.dtype)
    out /= div
    return out


def _adaptive_bins(size: int, out: int):
    """PyTorch's adaptive bins: [floor(i*size/out), ceil((i+1)*size/out)), as a padded
    (out, kmax) index table (short bins repeat their last index) plus a validity mask."""
    i = np.arange(out, dtype=np.int64)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    kmax = int((end - start).max())
    idx = start[:, None] + np.arange(kmax)[None, :]
    valid = idx < end[:, None]
    return np.minimum(idx, end[:, None] - 1), valid, end - start


def _adaptive_size(output_size, x: np.ndarray) -> tuple[int, int]:
    if isinstance(output_size, Sequence) and len(output_size) == 2:
        oh = x.shape[2] if output_size[0] is None else output_size[0]
        ow = x.shape[3] if output_size[1] is None else output_size[1]
        return _pair((oh, ow), "output_size", 1)
    return _pair(output_size, "output_size", 1)


def adaptive_avg_pool2d(x, output_size):
    """``F.adaptive_avg_pool2d``: output cell i averages input [floor(i*I/O), ceil((i+1)*I/O)).

    Separable: bins are gathered and summed along H, then along W, then divided by the
    bin area.  Evenly dividing sizes take a reshape-only fast path (global pooling)."""
    x = _as_nchw(x)
    n, c, h, w = x.shape
    oh, ow = _adaptive_size(output_size, x)
    if h % oh == 0 and w % ow == 0:
        return x.reshape(n, c, oh, h // oh, ow, w // ow).mean(axis=(3, 5), dtype=x.dtype)
    ih, vh, lh = _adaptive_bins(h, oh)
    iw, vw, lw = _adaptive_bins(w, ow)
    zero = x.dtype.type(0)
    t = np.where(vh[:, :, None], x[:, :, ih, :], zero).sum(axis=3)  # (n, c, oh, w)
    t = np.where(vw, t[:, :, :, iw], zero).sum(axis=4)  # (n, c, oh, ow)
    t /= np.outer(lh, lw).astype(x.dtype)
    return t


def adaptive_max_pool2d(x, output_size):
    """``F.adaptive_max_pool2d`` (values only) with PyTorch's floor/ceil bins; separable.

    Short bins repeat their last index in the gather table, which cannot change a max."""
    x = _as_nchw(x)
    n, c, h, w = x.shape
    oh, ow = _adaptive_size(output_size, x)
    if h % oh == 0 and w % ow == 0:
        return x.reshape(n, c, oh, h // oh, ow, w // ow).max(axis=(3, 5))
    ih, _, _ = _adaptive_bins(h, oh)
    iw, _, _ = _adaptive_bins(w, ow)
    t = x[:, :, ih, :].max(axis=3)  # (n, c, oh, w)
    return t[:, :, :, iw].max(axis=4)


def trainable_subsample(x, coef, bias, kernel=2):
    """LeNet-5 (1998) S-layer: per channel, the sum of each non-overlapping kernel x kernel
    window, times the trainable coefficient coef[c], plus the trainable bias bias[c].

    The squashing function that follows in the paper is not applied here.  Trailing rows
    or columns that do not fill a whole window are dropped (floor, like pooling)."""
    x = _as_nchw(x)
    k = _int(kernel, "kernel")
    if k < 1:
        raise ValueError(f"kernel must be >= 1, got {kernel!r}")
    n, c, h, w = x.shape
    oh, ow = h // k, w // k
    if oh < 1 or ow < 1:
        raise ValueError(f"input {h}x{w} is smaller than the {k}x{k} window")
    s = x[:, :, : oh * k, : ow * k].reshape(n, c, oh, k, ow, k).sum(axis=(3, 5))
    s *= _param(coef, x.dtype).reshape(1, c, 1, 1)
    s += _param(bias, x.dtype).reshape(1, c, 1, 1)
    return s


# ---------------------------------------------------------------------- normalisation


def batch_norm(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Inference-mode batch norm over axis 1 (any rank >= 2); gamma/beta may be None.

    Folded into one scale and shift per channel, as PyTorch's CPU inference kernel does:
    y = x * (gamma / sqrt(var + eps)) + (beta - mean * gamma / sqrt(var + eps))."""
    x = _as_float(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm needs at least 2 dimensions, got shape {x.shape}")
    c = x.shape[1]
    mean = _param(running_mean, x.dtype)
    var = _param(running_var, x.dtype)
    scale = 1.0 / np.sqrt(var + x.dtype.type(eps))
    if gamma is not None:
        scale = scale * _param(gamma, x.dtype)
    shift = -mean * scale
    if beta is not None:
        shift = shift + _param(beta, x.dtype)
    bshape = (1, c) + (1,) * (x.ndim - 2)
    out = x * scale.reshape(bshape)
    out += shift.reshape(bshape)
    return out


def fold_batch_norm(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    """Fold an inference-mode batch norm into the conv2d/linear layer that feeds it.

    Returns (weight', bias') with conv2d(x, weight', bias') == batch_norm(conv2d(x,
    weight, bias), gamma, beta, running_mean, running_var, eps) up to rounding (likewise
    for linear).  Output channels must be axis 0 of `weight` (OIHW or (F_out, F_in); not
    a transposed-conv weight).  A forward pass through a BN-heavy network such as
    ResNet-50 saves two full passes over every activation this way.  New arrays in
    weight's dtype; bias may be None."""
    w = _as_float(weight)
    scale = 1.0 / np.sqrt(_param(running_var, w.dtype) + w.dtype.type(eps))
    if gamma is not None:
        scale = scale * _param(gamma, w.dtype)
    w_folded = w * scale.reshape((-1,) + (1,) * (w.ndim - 1))
    mean = _param(running_mean, w.dtype)
    b_folded = (-mean if bias is None else _param(bias, w.dtype) - mean) * scale
    if beta is not None:
        b_folded = b_folded + _param(beta, w.dtype)
    return w_folded, b_folded


def local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """Cross-channel LRN, ``F.local_response_norm`` semantics (AlexNet):

    b_c = a_c / (k + alpha/size * sum_{c' in window(c)} a_c'^2) ** beta, where the window
    is channels c - size//2 .. c + (size-1)//2, zero-padded at both ends (so the divisor
    is always `size`).  The window sum adds `size` shifted channel slices."""
    x = _as_float(x)
    n = _int(size, "size")
    if n < 1:
        raise ValueError(f"size must be >= 1, got {size!r}")
    if x.ndim < 3:
        raise ValueError(f"local_response_norm needs at least 3 dimensions, got shape {x.shape}")
    c = x.shape[1]
    pad = [(0, 0)] * x.ndim
    pad[1] = (n // 2, (n - 1) // 2)
    sq = np.pad(x * x, pad)
    acc = sq[:, 0:c].copy()
    for i in range(1, n):
        acc += sq[:, i : i + c]
    acc /= x.dtype.type(n)
    div = (acc * x.dtype.type(alpha) + x.dtype.type(k)) ** x.dtype.type(beta)
    return x / div


# ------------------------------------------------------------------- dense / reshaping


def linear(x, weight, bias=None):
    """Fully connected layer, ``F.linear``: x (N, F_in) @ weight(F_out, F_in).T + bias."""
    x = _as_float(x)
    out = x @ _param(weight, x.dtype).T
    if bias is not None:
        out += _param(bias, x.dtype)
    return out


def upsample_nearest(x, scale=(2, 2)):
    """Nearest-neighbour upsampling by integer factors (``F.interpolate(mode='nearest')``).

    One broadcast copy: each pixel becomes an sh x sw block."""
    x = _as_nchw(x)
    sh, sw = _pair(scale, "scale", 1)
    n, c, h, w = x.shape
    big = np.broadcast_to(x[:, :, :, None, :, None], (n, c, h, sh, w, sw))
    return big.reshape(n, c, h * sh, w * sw)


def zero_pad(x, padding):
    """Constant-zero padding, (top, bottom, left, right) like ``F.pad(x, (l, r, t, b))``.

    Negative amounts crop, as in F.pad."""
    x = _as_nchw(x)
    t, b, l, r = _pad4(padding, allow_negative=True)
    n, c, h, w = x.shape
    oh, ow = h + t + b, w + l + r
    if oh < 1 or ow < 1:
        raise ValueError(f"padding {padding} leaves an empty {oh}x{ow} output")
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    src = x[:, :, max(-t, 0) : h - max(-b, 0), max(-l, 0) : w - max(-r, 0)]
    out[:, :, max(t, 0) : max(t, 0) + src.shape[2], max(l, 0) : max(l, 0) + src.shape[3]] = src
    return out


# ------------------------------------------------------------------------ activations


def relu(x):
    x = _as_float(x)
    return np.maximum(x, x.dtype.type(0))


def leaky_relu(x, negative_slope=0.01):
    x = _as_float(x)
    return np.where(x > 0, x, x * x.dtype.type(negative_slope))


def sigmoid(x):
    """Logistic function, evaluated without overflow for large |x|."""
    x = _as_float(x)
    e = np.exp(-np.abs(x))
    one = x.dtype.type(1)
    return np.where(x >= 0, one / (one + e), e / (one + e))


def tanh(x):
    x = _as_float(x)
    return np.tanh(x)


# W. J. Cody, "Rational Chebyshev approximations for the error function",
# Math. Comp. 23 (1969) 631-638; coefficients as in the SPECFUN routine CALERF.
_ERF_A = (
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_ERFC_C = (
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
)
_ERFC_D = (
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
)
_ERFC_P = (
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
)
_ERFC_Q = (
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
)


def erf(x):
    """Vectorised error function (NumPy has none), accurate to ~1 ulp in float64.

    Cody's three rational approximations: erf directly for |x| <= 0.46875, erfc for
    0.46875 < |x| <= 4 and for |x| > 4 (where erf = sign(x) * (1 - erfc(|x|)))."""
    x = _as_float(x)
    # Evaluate in float64 and round once: the float32 result is then correctly rounded
    # up to the last ulp, and erf is never on a hot path.
    xd = x.astype(np.float64)
    y = np.abs(xd)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # |x| <= 0.46875
        ysq = y * y
        num, den = _ERF_A[4] * ysq, ysq
        for a, b in zip(_ERF_A[:3], _ERF_B[:3]):
            num, den = (num + a) * ysq, (den + b) * ysq
        small = xd * (num + _ERF_A[3]) / (den + _ERF_B[3])
        # 0.46875 < |x| <= 4: erfc = exp(-y^2) * R(y); exp(-y^2) split for accuracy.
        num, den = _ERFC_C[8] * y, y
        for cc, dd in zip(_ERFC_C[:7], _ERFC_D[:7]):
            num, den = (num + cc) * y, (den + dd) * y
        mid = (num + _ERFC_C[7]) / (den + _ERFC_D[7])
        # |x| > 4: erfc = exp(-y^2)/y * (1/sqrt(pi) - R(1/y^2)/y^2)
        z = 1.0 / ysq
        num, den = _ERFC_P[5] * z, z
        for p, q in zip(_ERFC_P[:4], _ERFC_Q[:4]):
            num, den = (num + p) * z, (den + q) * z
        big = (0.56418958354775628695 - z * (num + _ERFC_P[4]) / (den + _ERFC_Q[4])) / y
        r = np.where(y <= 4.0, mid, big)
        yr = np.trunc(y * 16.0) / 16.0
        erfc = np.exp(-yr * yr) * np.exp(-(y - yr) * (y + yr)) * r
        erfc = np.where(y >= 26.543, 0.0, erfc)
        large = np.copysign(1.0 - erfc, xd)
    out = np.where(y <= 0.46875, small, large)
    out = np.where(np.isnan(xd), xd, out)
    return out.astype(x.dtype, copy=False)


def gelu(x, approximate="none"):
    """GELU, ``F.gelu``: x * Phi(x) with the exact erf form by default, or the tanh
    approximation with approximate='tanh'."""
    x = _as_float(x)
    half, one = x.dtype.type(0.5), x.dtype.type(1)
    if approximate == "none":
        return x * half * (one + erf(x * x.dtype.type(math.sqrt(0.5))))
    if approximate == "tanh":
        inner = x.dtype.type(math.sqrt(2.0 / math.pi)) * (x + x.dtype.type(0.044715) * x * x * x)
        return half * x * (one + np.tanh(inner))
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def softmax(x, axis=1):
    """Softmax over the channel/feature axis (axis 1 by default), max-shifted for stability."""
    x = _as_float(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e
