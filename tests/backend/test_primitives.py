"""The NumPy primitives against definitions written as plain loops, and against math identities.

im2col is checked element by element against the definition of a strided, dilated
window; scatter_add as its adjoint (⟨im2col(x), c⟩ = ⟨x, scatter_add(c)⟩ for every x, c);
erf against math.erf; adaptive bins against PyTorch's documented bounds
⌊i·I/O⌋ … ⌈(i+1)·I/O⌉.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.backend import primitives as P

GEOMETRIES = [
    # (spatial input, kernel, stride, dilation)
    ((7,), (3,), (2,), (1,)),
    ((9,), (2,), (1,), (3,)),
    ((6, 5), (3, 2), (1, 2), (1, 1)),
    ((8, 9), (3, 3), (2, 2), (2, 1)),
    ((4, 5, 6), (2, 3, 2), (1, 2, 2), (1, 1, 2)),
]


def _out(sizes, k, s, d):
    return tuple((i - (dd * (kk - 1) + 1)) // ss + 1 for i, kk, ss, dd in zip(sizes, k, s, d))


@pytest.mark.parametrize("sizes,k,s,d", GEOMETRIES)
def test_im2col_is_the_window_definition(sizes, k, s, d):
    x = np.random.default_rng(0).standard_normal((2, 3, *sizes))
    out = _out(sizes, k, s, d)
    cols = P.im2col(x, k, s, d, out)
    assert cols.shape == (2, 3, *k, *out) and cols.flags.c_contiguous
    for tap in itertools.product(*(range(kk) for kk in k)):
        for o in itertools.product(*(range(oo) for oo in out)):
            src = tuple(oj * sj + tj * dj for oj, sj, tj, dj in zip(o, s, tap, d))
            np.testing.assert_array_equal(cols[(slice(None), slice(None), *tap, *o)],
                                          x[(slice(None), slice(None), *src)])


@pytest.mark.parametrize("sizes,k,s,d", GEOMETRIES)
def test_windows_view_equals_im2col(sizes, k, s, d):
    x = np.random.default_rng(1).standard_normal((1, 2, *sizes))
    out = _out(sizes, k, s, d)
    win = P.windows(x, k, s, d, out)  # (N, C, *out, *k)
    cols = P.im2col(x, k, s, d, out)  # (N, C, *k, *out)
    n = len(sizes)
    perm = (0, 1, *range(2 + n, 2 + 2 * n), *range(2, 2 + n))
    np.testing.assert_array_equal(win.transpose(perm), cols)


@pytest.mark.parametrize("sizes,k,s,d", GEOMETRIES)
def test_scatter_add_is_the_adjoint_of_im2col(sizes, k, s, d):
    rng = np.random.default_rng(2)
    out = _out(sizes, k, s, d)
    x = rng.standard_normal((2, 3, *sizes))
    c = rng.standard_normal((2, 3, *k, *out))
    buf = np.zeros_like(x)
    P.scatter_add(buf, c, k, s, d, out)
    assert math.isclose(float((P.im2col(x, k, s, d, out) * c).sum()), float((x * buf).sum()), rel_tol=1e-10)


def test_reduce_windows_is_max_over_each_window():
    x = np.random.default_rng(3).standard_normal((1, 2, 6, 7))
    win = P.windows(x, (2, 3), (2, 2), (1, 1), (3, 3))
    np.testing.assert_array_equal(P.reduce_windows(win, (2, 3), np.maximum), win.max(axis=(-2, -1)))


def test_padded_places_the_input_and_trims_what_no_window_reads():
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    p = P.padded(x, (1, 2), (4, 5), -1.0)
    assert p.shape == (1, 1, 4, 5)
    np.testing.assert_array_equal(p[0, 0, 1:4, 2:5], x[0, 0, :, :3])
    assert (p[0, 0, 0] == -1).all() and (p[0, 0, :, :2] == -1).all()
    assert np.shares_memory(P.padded(x, (0, 0), (2, 4), 0.0), x)  # no padding: a view, nothing copied


def test_crop_pad_pads_and_crops_like_slicing():
    x = np.arange(2 * 3 * 5.0).reshape(1, 2, 3, 5)
    y = P.crop_pad(x, ((1, 0), (-1, -2)))
    assert y.shape == (1, 2, 4, 2)
    np.testing.assert_array_equal(y[:, :, 1:], x[:, :, :, 1:3])
    assert (y[:, :, 0] == 0).all()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60))
def test_adaptive_bins_follow_pytorchs_bounds(size, out):
    idx, valid, lengths = P.adaptive_bins(size, out)
    for i in range(out):
        start, end = (i * size) // out, -(-(i + 1) * size // out)
        assert sorted(set(idx[i][valid[i]].tolist())) == list(range(start, end))
        assert lengths[i] == end - start


def test_erf_matches_math_erf():
    xs = np.concatenate([np.linspace(-6, 6, 2001), [0.0, 0.46875, 4.0, 26.6, -30.0]])
    ours = P.erf(xs)
    ref = np.array([math.erf(v) for v in xs])
    np.testing.assert_allclose(ours, ref, rtol=4e-16, atol=4e-16)
    assert np.isnan(P.erf(np.array([np.nan])))[0]
    assert P.erf(np.array([0.5], dtype=np.float32)).dtype == np.float32
