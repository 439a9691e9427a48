"""Tests of the NumPy reference kernels (cnncalc.backend.kernels).

* Seed examples from the course slides (ground-truth values, no oracle needed).
* Oracle tests: every kernel against torch.nn.functional on parametrised
  configurations, in float32 (rtol 1e-4, atol 1e-5) and float64 (rtol 1e-10).
* Hypothesis properties: random conv / transposed-conv / pool configurations agree
  with torch in shape and value, and the kernels reject exactly what torch rejects.

torch is only the oracle: the tests that need it request the `torch` fixture, which
skips them (via pytest.importorskip) when torch is not installed.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cnncalc.backend import kernels as K

DTYPES = [np.float32, np.float64]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def tol(dtype) -> dict:
    return dict(rtol=1e-4, atol=1e-5) if np.dtype(dtype) == np.float32 else dict(rtol=1e-10, atol=1e-12)


def check(ours: np.ndarray, ref, dtype) -> None:
    """Same shape, same dtype as the input, values within the dtype's tolerance."""
    ref = ref.detach().numpy() if hasattr(ref, "detach") else np.asarray(ref)
    assert ours.shape == ref.shape
    assert ours.dtype == np.dtype(dtype)
    np.testing.assert_allclose(ours, ref, **tol(dtype))


def rand(rng, shape, dtype, scale=1.0) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(dtype)


def seed_of(case) -> int:
    """A reproducible per-configuration seed (str hashes are salted per process)."""
    return zlib.crc32(repr(case).encode())


def T(torch, a):
    return torch.from_numpy(np.ascontiguousarray(a))


# ----------------------------------------------------------------------- seed examples


class TestSlideExamples:
    R = [[0, 0, 0], [0, 156, 155], [0, 153, 154]]
    G = [[0, 0, 0], [0, 167, 166], [0, 164, 165]]
    B = [[0, 0, 0], [0, 163, 162], [0, 160, 161]]
    K1 = [[-1, -1, 1], [0, 1, -1], [0, 1, 1]]
    K2 = [[1, 0, 0], [1, -1, -1], [1, 0, -1]]
    K3 = [[0, 1, 1], [0, 1, 0], [1, -1, 1]]

    @pytest.mark.parametrize("dtype", DTYPES)
    def test_multichannel_window_is_minus_25(self, dtype):
        x = np.array([[self.R, self.G, self.B]], dtype=dtype)  # (1, 3, 3, 3)
        w = np.array([[self.K1, self.K2, self.K3]], dtype=dtype)  # (1, 3, 3, 3)
        out = K.conv2d(x, w, np.array([1.0], dtype=dtype))
        assert out.shape == (1, 1, 1, 1) and out.dtype == dtype
        assert out[0, 0, 0, 0] == -25
        # Each channel's partial sum: 308, -498, 164 (then +1 bias = -25).
        for c, expected in enumerate([308, -498, 164]):
            part = K.conv2d(x[:, c : c + 1], w[:, c : c + 1], None)
            assert part[0, 0, 0, 0] == expected

    def test_multichannel_example_from_padded_corner(self):
        # The windows are the zero-padded top-left corner of the image: padding the
        # 2x2 corner by one row on top and one column on the left reproduces them.
        corner = np.array([[[r[1][1:], r[2][1:]] for r in (self.R, self.G, self.B)]], dtype=np.float32)
        w = np.array([[self.K1, self.K2, self.K3]], dtype=np.float32)
        out = K.conv2d(corner, w, np.array([1.0], dtype=np.float32), padding=(1, 0, 1, 0))
        np.testing.assert_array_equal(out, [[[[-25.0]]]])

    @pytest.mark.parametrize("dtype", DTYPES)
    def test_cross_kernel_gives_12(self, dtype):
        x = np.array([[[[0, 2, 3], [2, 4, 1], [0, 3, 0]]]], dtype=dtype)
        w = np.array([[[[0, 1, 0], [1, 1, 1], [0, 1, 0]]]], dtype=dtype)
        out = K.conv2d(x, w, None)
        np.testing.assert_array_equal(out, [[[[12]]]])

    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize(
        "kernel",
        [
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],  # Sobel vertical edges
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],  # Sobel horizontal edges
        ],
        ids=["sobel_vertical", "sobel_horizontal"],
    )
    def test_sobel_on_alternating_rows_is_zero(self, kernel, dtype):
        img = np.zeros((6, 6), dtype=dtype)
        img[1::2] = 1  # rows 0, 2, 4 are zeros; rows 1, 3, 5 are ones
        out = K.conv2d(img[None, None], np.array([[kernel]], dtype=dtype), None)
        assert out.shape == (1, 1, 4, 4)
        np.testing.assert_array_equal(out, np.zeros((1, 1, 4, 4)))


# -------------------------------------------------------------------------- conv2d

# (N, C_in, H, W, C_out, kh, kw, stride, (top, bottom, left, right), dilation, groups)
CONV_CASES = [
    (2, 3, 9, 9, 4, 3, 3, (1, 1), (1, 1, 1, 1), (1, 1), 1),
    (1, 4, 10, 7, 6, 3, 2, (2, 1), (0, 2, 1, 0), (1, 1), 2),
    (2, 6, 12, 12, 6, 3, 3, (1, 1), (2, 2, 2, 2), (2, 2), 6),  # depthwise, dilated
    (1, 4, 8, 8, 8, 3, 3, (2, 2), (1, 0, 1, 0), (1, 1), 4),  # depthwise, multiplier 2
    (1, 5, 7, 9, 3, 1, 1, (1, 1), (0, 0, 0, 0), (1, 1), 1),  # 1x1 fast path
    (2, 8, 9, 9, 4, 1, 1, (2, 2), (0, 0, 0, 0), (1, 1), 2),  # 1x1 strided, grouped
    (1, 3, 5, 6, 2, 1, 1, (1, 2), (1, 0, 0, 2), (1, 1), 1),  # 1x1 with padding
    (1, 3, 15, 15, 4, 5, 5, (3, 2), (2, 1, 0, 3), (1, 2), 1),
    (1, 2, 6, 6, 2, 7, 7, (1, 1), (3, 3, 3, 3), (1, 1), 1),  # kernel larger than input
    (1, 3, 23, 23, 8, 7, 7, (2, 2), (3, 3, 3, 3), (1, 1), 1),  # ResNet stem shape
    (3, 6, 4, 5, 9, 2, 3, (1, 3), (0, 1, 2, 0), (3, 1), 3),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_CASES, ids=[f"conv{i}" for i in range(len(CONV_CASES))])
@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "nobias"])
def test_conv2d_matches_torch(torch, case, dtype, with_bias):
    n, c, h, w, co, kh, kw, stride, pad, dil, g = case
    rng = np.random.default_rng(seed_of(case))
    x = rand(rng, (n, c, h, w), dtype)
    wt = rand(rng, (co, c // g, kh, kw), dtype, scale=1 / np.sqrt(c // g * kh * kw))
    b = rand(rng, (co,), dtype) if with_bias else None
    ours = K.conv2d(x, wt, b, stride=stride, padding=pad, dilation=dil, groups=g)
    t, bo, le, ri = pad
    xt = torch.nn.functional.pad(T(torch, x), (le, ri, t, bo))
    ref = torch.nn.functional.conv2d(xt, T(torch, wt), None if b is None else T(torch, b), stride, 0, dil, g)
    check(ours, ref, dtype)


def test_conv2d_padding_shorthands(torch):
    rng = np.random.default_rng(1)
    x, w = rand(rng, (1, 2, 6, 5), np.float32), rand(rng, (3, 2, 3, 3), np.float32)
    ref = torch.nn.functional.conv2d(T(torch, x), T(torch, w), None, 1, (2, 1))
    check(K.conv2d(x, w, None, padding=(2, 1)), ref, np.float32)
    check(K.conv2d(x, w, None, padding=(2, 2, 1, 1)), ref, np.float32)
    ref1 = torch.nn.functional.conv2d(T(torch, x), T(torch, w), None, 2, 1)
    check(K.conv2d(x, w, None, stride=2, padding=1), ref1, np.float32)


def test_conv2d_keeps_dtype_and_does_not_mutate_inputs():
    rng = np.random.default_rng(2)
    x = rand(rng, (1, 2, 5, 5), np.float32)
    w64, b64 = rand(rng, (3, 2, 3, 3), np.float64), rand(rng, (3,), np.float64)
    x0, w0 = x.copy(), w64.copy()
    assert K.conv2d(x, w64, b64, padding=1).dtype == np.float32
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w64, w0)
    assert K.conv2d(x.astype(np.float64), w64, b64).dtype == np.float64
    assert K.conv2d(np.ones((1, 1, 3, 3), dtype=int), np.ones((1, 1, 3, 3)), None).dtype == np.float32


def test_conv2d_accepts_non_contiguous_input(torch):
    rng = np.random.default_rng(3)
    base = rand(rng, (1, 8, 10, 12), np.float64)
    x = base[:, ::2, 1:, ::-1]  # strided, offset and reversed view
    w = rand(rng, (5, 4, 3, 3), np.float64)
    ref = torch.nn.functional.conv2d(T(torch, x), T(torch, w), None, 1, 1)
    check(K.conv2d(x, w, None, padding=1), ref, np.float64)
    check(K.conv2d(x, w, None), torch.nn.functional.conv2d(T(torch, x), T(torch, w)), np.float64)
    w1 = rand(rng, (5, 4, 1, 1), np.float64)
    check(K.conv2d(x, w1, None), torch.nn.functional.conv2d(T(torch, x), T(torch, w1)), np.float64)


def test_conv2d_padding_beyond_every_window(torch):
    # Stride 8 with 3 rows of top padding: the only window sits entirely in the padding.
    x = rand(np.random.default_rng(19), (1, 2, 5, 5), np.float64)
    w = rand(np.random.default_rng(20), (3, 2, 1, 1), np.float64)
    ours = K.conv2d(x, w, None, stride=(8, 1), padding=(3, 0, 0, 0))
    F = torch.nn.functional
    ref = F.conv2d(F.pad(T(torch, x), (0, 0, 3, 0)), T(torch, w), None, (8, 1))
    check(ours, ref, np.float64)
    assert not ours[:, :, 0].any()


@pytest.mark.parametrize(
    "kwargs, weight_shape",
    [
        (dict(groups=2), (4, 3, 3, 3)),  # C_in=3 is not divisible by groups
        (dict(groups=3), (4, 1, 3, 3)),  # C_out=4 not divisible by groups
        (dict(), (4, 2, 3, 3)),  # weight's C_in/groups does not match
        (dict(), (4, 3, 6, 3)),  # kernel taller than the input
        (dict(stride=0), (4, 3, 3, 3)),
        (dict(padding=(-1, 0, 0, 0)), (4, 3, 3, 3)),
    ],
)
def test_conv2d_rejects_invalid_geometry(kwargs, weight_shape):
    x = np.zeros((1, 3, 5, 5), dtype=np.float32)
    with pytest.raises(ValueError):
        K.conv2d(x, np.zeros(weight_shape, dtype=np.float32), None, **kwargs)


# ----------------------------------------------------------------- conv_transpose2d

# (N, C_in, H, W, C_out, kh, kw, stride, padding, output_padding, dilation, groups)
CONVT_CASES = [
    (2, 3, 5, 5, 4, 3, 3, (1, 1), (0, 0), (0, 0), (1, 1), 1),
    (1, 4, 4, 6, 6, 3, 3, (2, 2), (1, 1), (1, 1), (1, 1), 2),
    (1, 6, 5, 4, 3, 4, 2, (3, 2), (1, 0), (2, 1), (1, 1), 3),
    (2, 2, 3, 3, 2, 3, 3, (1, 2), (2, 1), (1, 0), (2, 2), 1),  # output_padding < dilation
    (1, 4, 5, 5, 4, 2, 2, (2, 2), (0, 0), (0, 0), (1, 1), 4),  # depthwise 2x up-sampling
    (1, 3, 4, 4, 5, 4, 4, (2, 2), (1, 1), (0, 0), (1, 1), 1),  # DCGAN-style
    (1, 2, 1, 1, 3, 3, 2, (1, 1), (0, 0), (0, 0), (3, 2), 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONVT_CASES, ids=[f"convT{i}" for i in range(len(CONVT_CASES))])
def test_conv_transpose2d_matches_torch(torch, case, dtype):
    n, c, h, w, co, kh, kw, stride, pad, opad, dil, g = case
    rng = np.random.default_rng(seed_of(case))
    x = rand(rng, (n, c, h, w), dtype)
    wt = rand(rng, (c, co // g, kh, kw), dtype, scale=0.5)
    b = rand(rng, (co,), dtype)
    ours = K.conv_transpose2d(x, wt, b, stride, pad, opad, dil, g)
    ref = torch.nn.functional.conv_transpose2d(T(torch, x), T(torch, wt), T(torch, b), stride, pad, opad, g, dil)
    check(ours, ref, dtype)


def test_conv_transpose2d_rejects_large_output_padding():
    with pytest.raises(ValueError):
        K.conv_transpose2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 3, 3)), None, stride=2, output_padding=2)


# ------------------------------------------------------------------- partial_conv2d

# LeNet-5 C3 connection scheme (LeCun et al. 1998, Table I): output map -> input maps.
LENET_C3 = (
    [[i % 6, (i + 1) % 6, (i + 2) % 6] for i in range(6)]
    + [[i % 6, (i + 1) % 6, (i + 2) % 6, (i + 3) % 6] for i in range(6)]
    + [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5]]
    + [[0, 1, 2, 3, 4, 5]]
)


@pytest.mark.parametrize("dtype", DTYPES)
def test_partial_conv2d_lenet_c3_matches_per_map_torch(torch, dtype):
    rng = np.random.default_rng(4)
    x = rand(rng, (2, 6, 14, 14), dtype)
    weights = [rand(rng, (len(row), 5, 5), dtype, scale=0.2) for row in LENET_C3]
    b = rand(rng, (16,), dtype)
    ours = K.partial_conv2d(x, weights, b, LENET_C3)
    assert ours.shape == (2, 16, 10, 10)
    # Oracle: output map o is an ordinary conv of its own input maps.
    xt = T(torch, x)
    ref = torch.cat(
        [
            torch.nn.functional.conv2d(xt[:, row], T(torch, weights[o][None]), T(torch, b[o : o + 1]))
            for o, row in enumerate(LENET_C3)
        ],
        dim=1,
    )
    check(ours, ref, dtype)


def test_partial_conv2d_dense_weight_ignores_unconnected_entries():
    rng = np.random.default_rng(5)
    table = [[2, 0], [1], [0, 1, 2]]  # table order need not be sorted
    x = rand(rng, (1, 3, 6, 6), np.float64)
    per_map = [rand(rng, (len(r), 3, 3), np.float64) for r in table]
    dense = rand(rng, (3, 3, 3, 3), np.float64)  # garbage in unconnected slots
    for o, row in enumerate(table):
        dense[o, row] = per_map[o]
    a = K.partial_conv2d(x, per_map, None, table, padding=1)
    b = K.partial_conv2d(x, dense, None, table, padding=1)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    masked = np.zeros_like(dense)
    for o, row in enumerate(table):
        masked[o, row] = per_map[o]
    np.testing.assert_allclose(a, K.conv2d(x, masked, None, padding=1), rtol=1e-12)


def test_partial_conv2d_rejects_bad_tables():
    x = np.zeros((1, 3, 5, 5))
    with pytest.raises(ValueError):
        K.partial_conv2d(x, [np.zeros((1, 3, 3))], None, [[3]])
    with pytest.raises(ValueError):
        K.partial_conv2d(x, [np.zeros((2, 3, 3))], None, [[1, 1]])
    with pytest.raises(ValueError):
        K.partial_conv2d(x, [np.zeros((1, 3, 3))], None, [[0, 1]])


# -------------------------------------------------------------------------- pools

# (shape, kernel, stride, padding, dilation, ceil_mode)
MAXPOOL_CASES = [
    ((2, 3, 8, 8), 2, 2, 0, 1, False),
    ((1, 2, 7, 9), 3, 2, 1, 1, True),
    ((1, 2, 10, 10), 3, 3, 1, 2, True),
    ((1, 3, 6, 11), (2, 3), (1, 2), (1, 1), (1, 1), True),
    ((1, 1, 5, 5), 2, 2, 1, 1, True),  # the ceil-mode window starting in right padding is dropped
    ((1, 2, 13, 13), 3, 2, 0, 1, True),  # AlexNet-style overlapping pool
    ((1, 2, 9, 7), 4, 3, 2, (2, 1), True),
    ((2, 1, 112, 112), 3, 2, 1, 1, False),  # ResNet stem pool
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", MAXPOOL_CASES, ids=[f"maxpool{i}" for i in range(len(MAXPOOL_CASES))])
def test_max_pool2d_matches_torch(torch, case, dtype):
    shape, k, s, p, d, ceil = case
    x = rand(np.random.default_rng(6), shape, dtype)
    ours = K.max_pool2d(x, k, s, p, d, ceil)
    ref = torch.nn.functional.max_pool2d(T(torch, x), k, s, p, d, ceil_mode=ceil)
    check(ours, ref, dtype)


def test_max_pool2d_stride_defaults_to_kernel_and_handles_all_negative(torch):
    x = -np.abs(rand(np.random.default_rng(7), (1, 2, 7, 7), np.float32)) - 1  # all < 0 vs -inf padding
    ref = torch.nn.functional.max_pool2d(T(torch, x), 3, None, 1, ceil_mode=True)
    check(K.max_pool2d(x, 3, None, 1, ceil_mode=True), ref, np.float32)


# (shape, kernel, stride, padding, ceil_mode)
AVGPOOL_CASES = [
    ((2, 3, 8, 8), 2, 2, 0, False),
    ((1, 2, 7, 9), 3, 2, 1, True),
    ((1, 2, 6, 6), 3, 2, 1, True),  # last ceil window runs off the padded edge
    ((1, 3, 5, 11), (2, 3), (3, 2), (1, 1), True),
    ((1, 2, 10, 10), 5, 3, 2, True),
    ((1, 1, 4, 4), 2, 1, 1, False),
    ((1, 2, 9, 9), 3, 1, 1, False),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("include_pad", [True, False], ids=["incl_pad", "excl_pad"])
@pytest.mark.parametrize("case", AVGPOOL_CASES, ids=[f"avgpool{i}" for i in range(len(AVGPOOL_CASES))])
def test_avg_pool2d_matches_torch(torch, case, include_pad, dtype):
    shape, k, s, p, ceil = case
    x = rand(np.random.default_rng(8), shape, dtype)
    ours = K.avg_pool2d(x, k, s, p, ceil, include_pad)
    ref = torch.nn.functional.avg_pool2d(T(torch, x), k, s, p, ceil, include_pad)
    check(ours, ref, dtype)


def test_avg_pool2d_divisor_override_and_default_stride(torch):
    x = rand(np.random.default_rng(9), (1, 2, 7, 7), np.float64)
    ref = torch.nn.functional.avg_pool2d(T(torch, x), 3, None, 1, True, True, divisor_override=4)
    check(K.avg_pool2d(x, 3, None, 1, True, True, divisor_override=4), ref, np.float64)


@pytest.mark.parametrize("pool", [K.max_pool2d, K.avg_pool2d])
def test_pools_reject_padding_over_half_kernel(pool):
    with pytest.raises(ValueError):
        pool(np.zeros((1, 1, 6, 6)), 3, 1, 2)


ADAPTIVE_CASES = [
    ((2, 3, 7, 7), (3, 3)),
    ((1, 2, 10, 9), (4, 5)),
    ((1, 2, 6, 6), (3, 2)),  # divisible: fast path
    ((1, 2, 5, 5), (7, 8)),  # more outputs than inputs: overlapping one-pixel bins
    ((1, 4, 7, 7), (1, 1)),  # global pooling
    ((1, 2, 9, 7), 4),
    ((1, 2, 13, 11), (6, None)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ADAPTIVE_CASES, ids=[f"adaptive{i}" for i in range(len(ADAPTIVE_CASES))])
def test_adaptive_pools_match_torch(torch, case, dtype):
    shape, out = case
    x = rand(np.random.default_rng(10), shape, dtype)
    check(K.adaptive_avg_pool2d(x, out), torch.nn.functional.adaptive_avg_pool2d(T(torch, x), out), dtype)
    check(K.adaptive_max_pool2d(x, out), torch.nn.functional.adaptive_max_pool2d(T(torch, x), out), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, k", [((2, 6, 28, 28), 2), ((1, 3, 7, 9), 2), ((1, 2, 9, 9), 3)])
def test_trainable_subsample_is_scaled_window_sum(torch, shape, k, dtype):
    rng = np.random.default_rng(11)
    x = rand(rng, shape, dtype)
    coef, bias = rand(rng, (shape[1],), dtype), rand(rng, (shape[1],), dtype)
    ours = K.trainable_subsample(x, coef, bias, k)
    win_sum = torch.nn.functional.avg_pool2d(T(torch, x), k) * (k * k)
    ref = win_sum * T(torch, coef)[None, :, None, None] + T(torch, bias)[None, :, None, None]
    check(ours, ref, dtype)


def test_trainable_subsample_lenet_s2_value():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    out = K.trainable_subsample(x, [0.5], [1.0])
    # windows sum to 0+1+4+5=10, 2+3+6+7=18, 8+9+12+13=42, 10+11+14+15=50
    np.testing.assert_array_equal(out, [[[[6.0, 10.0], [22.0, 26.0]]]])


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape", [(2, 5, 4, 3), (4, 5)])
def test_batch_norm_matches_torch(torch, dtype, affine, shape):
    rng = np.random.default_rng(12)
    c = shape[1]
    x = rand(rng, shape, dtype)
    mean, var = rand(rng, (c,), dtype), np.abs(rand(rng, (c,), dtype)) + 0.1
    gamma, beta = (rand(rng, (c,), dtype), rand(rng, (c,), dtype)) if affine else (None, None)
    ours = K.batch_norm(x, gamma, beta, mean, var, eps=1e-3)
    tg = None if gamma is None else T(torch, gamma)
    tb = None if beta is None else T(torch, beta)
    ref = torch.nn.functional.batch_norm(T(torch, x), T(torch, mean), T(torch, var), tg, tb, False, 0.1, 1e-3)
    check(ours, ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_fold_batch_norm_into_conv_and_linear(dtype, with_bias):
    rng = np.random.default_rng(18)
    x = rand(rng, (2, 3, 6, 6), dtype)
    w, b = rand(rng, (4, 3, 3, 3), dtype), (rand(rng, (4,), dtype) if with_bias else None)
    gamma, beta, mean = rand(rng, (4,), dtype), rand(rng, (4,), dtype), rand(rng, (4,), dtype)
    var = np.abs(rand(rng, (4,), dtype)) + 0.1
    wf, bf = K.fold_batch_norm(w, b, gamma, beta, mean, var, eps=1e-3)
    assert wf.dtype == bf.dtype == np.dtype(dtype)
    ref = K.batch_norm(K.conv2d(x, w, b, padding=1), gamma, beta, mean, var, eps=1e-3)
    np.testing.assert_allclose(K.conv2d(x, wf, bf, padding=1), ref, **tol(dtype))
    xl, wl = rand(rng, (5, 7), dtype), rand(rng, (4, 7), dtype)
    wf, bf = K.fold_batch_norm(wl, b, None, None, mean, var)
    ref = K.batch_norm(K.linear(xl, wl, b), None, None, mean, var)
    np.testing.assert_allclose(K.linear(xl, wf, bf), ref, **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "c, size, alpha, beta, k",
    [
        (7, 5, 1e-4, 0.75, 2.0),  # AlexNet's parameters
        (6, 2, 1e-2, 0.5, 1.0),  # even size: asymmetric window
        (4, 1, 0.1, 0.75, 1.0),
        (3, 9, 0.5, 1.0, 0.5),  # window wider than the channel count
        (96, 5, 1e-4, 0.75, 2.0),
    ],
)
def test_local_response_norm_matches_torch(torch, c, size, alpha, beta, k, dtype):
    x = rand(np.random.default_rng(13), (2, c, 5, 4), dtype, scale=3.0)
    ours = K.local_response_norm(x, size, alpha, beta, k)
    ref = torch.nn.functional.local_response_norm(T(torch, x), size, alpha, beta, k)
    check(ours, ref, dtype)


# ---------------------------------------------------------------- dense / reshaping


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_matches_torch(torch, dtype, with_bias):
    rng = np.random.default_rng(14)
    x, w = rand(rng, (3, 20), dtype), rand(rng, (7, 20), dtype, scale=0.3)
    b = rand(rng, (7,), dtype) if with_bias else None
    ref = torch.nn.functional.linear(T(torch, x), T(torch, w), None if b is None else T(torch, b))
    check(K.linear(x, w, b), ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [(2, 2), (3, 1), (1, 4), 2])
def test_upsample_nearest_matches_torch(torch, scale, dtype):
    x = rand(np.random.default_rng(15), (2, 3, 4, 5), dtype)
    sf = scale if isinstance(scale, int) else tuple(float(s) for s in scale)
    ref = torch.nn.functional.interpolate(T(torch, x), scale_factor=sf, mode="nearest")
    check(K.upsample_nearest(x, scale), ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pad", [(1, 1, 1, 1), (0, 2, 3, 0), (2, -1, -2, 1), 1, (2, 0)])
def test_zero_pad_matches_torch(torch, pad, dtype):
    x = rand(np.random.default_rng(16), (1, 2, 4, 5), dtype)
    t, b, l, r = (
        pad
        if isinstance(pad, tuple) and len(pad) == 4
        else ((pad,) * 4 if isinstance(pad, int) else (pad[0], pad[0], pad[1], pad[1]))
    )
    ref = torch.nn.functional.pad(T(torch, x), (l, r, t, b))
    check(K.zero_pad(x, pad), ref, dtype)


# -------------------------------------------------------------------- activations


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "name",
    ["relu", "leaky_relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "softmax", "erf"],
)
def test_activations_match_torch(torch, name, dtype):
    F = torch.nn.functional
    edge = [0, -0.5, 0.5, 9, -9, 30, -30, 1e-3, -1e-3, 3]
    body = rand(np.random.default_rng(17), (2, 5, 3, 3), dtype, scale=4.0).ravel()
    x = np.concatenate([body, edge]).astype(dtype)
    x4 = x.reshape(2, 5, -1)  # 100 values; channel axis 1 for softmax
    ours, ref = {
        "relu": (lambda: K.relu(x), lambda: F.relu(T(torch, x))),
        "leaky_relu": (lambda: K.leaky_relu(x, 0.2), lambda: F.leaky_relu(T(torch, x), 0.2)),
        "sigmoid": (lambda: K.sigmoid(x), lambda: torch.sigmoid(T(torch, x))),
        "tanh": (lambda: K.tanh(x), lambda: torch.tanh(T(torch, x))),
        "gelu": (lambda: K.gelu(x), lambda: F.gelu(T(torch, x))),
        "gelu_tanh": (lambda: K.gelu(x, "tanh"), lambda: F.gelu(T(torch, x), approximate="tanh")),
        "softmax": (lambda: K.softmax(x4), lambda: F.softmax(T(torch, x4), dim=1)),
        "erf": (lambda: K.erf(x), lambda: torch.erf(T(torch, x))),
    }[name]
    check(ours(), ref(), dtype)


def test_erf_is_float64_accurate_over_a_wide_range(torch):
    x = np.concatenate([np.linspace(-8, 8, 20001), [0.0, -0.0, 0.46875, 4.0, 26.6, 1e-300, np.inf, -np.inf]])
    np.testing.assert_allclose(K.erf(x), torch.erf(T(torch, x)).numpy(), rtol=1e-15, atol=0)  # a few ulp
    assert np.isnan(K.erf(np.array([np.nan])))[0]


# -------------------------------------------------------------- hypothesis properties

_PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _torch_or_none(fn):
    """fn() as a numpy array, or None when torch rejects the configuration."""
    try:
        out = fn().numpy()
    except (RuntimeError, ValueError):
        event("torch rejects the configuration")
        return None
    event("torch accepts the configuration")
    return out


@st.composite
def conv_configs(draw):
    g = draw(st.integers(1, 3))
    return dict(
        n=draw(st.integers(1, 2)),
        c_g=draw(st.integers(1, 3)),
        co_g=draw(st.integers(1, 3)),
        g=g,
        h=draw(st.integers(1, 9)),
        w=draw(st.integers(1, 9)),
        k=(draw(st.integers(1, 4)), draw(st.integers(1, 4))),
        stride=(draw(st.integers(1, 4)), draw(st.integers(1, 4))),
        pad=tuple(draw(st.integers(0, 3)) for _ in range(4)),
        dil=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        seed=draw(st.integers(0, 2**31)),
    )


@_PROPS
@given(cfg=conv_configs())
def test_property_conv2d_agrees_with_torch(torch, cfg):
    rng = np.random.default_rng(cfg["seed"])
    g = cfg["g"]
    x = rand(rng, (cfg["n"], cfg["c_g"] * g, cfg["h"], cfg["w"]), np.float64)
    wt = rand(rng, (cfg["co_g"] * g, cfg["c_g"], *cfg["k"]), np.float64)
    b = rand(rng, (cfg["co_g"] * g,), np.float64)
    t, bo, le, ri = cfg["pad"]
    F = torch.nn.functional
    ref = _torch_or_none(
        lambda: F.conv2d(
            F.pad(T(torch, x), (le, ri, t, bo)), T(torch, wt), T(torch, b), cfg["stride"], 0, cfg["dil"], g
        )
    )
    kw = dict(stride=cfg["stride"], padding=cfg["pad"], dilation=cfg["dil"], groups=g)
    if ref is None:  # torch rejects it: we must reject it too
        with pytest.raises(ValueError):
            K.conv2d(x, wt, b, **kw)
        return
    check(K.conv2d(x, wt, b, **kw), ref, np.float64)


@_PROPS
@given(cfg=conv_configs(), data=st.data())
def test_property_conv_transpose2d_agrees_with_torch(torch, cfg, data):
    # output_padding below max(stride, dilation) (valid), or now and then equal to it.
    opad = tuple(
        max(s, d) if data.draw(st.integers(0, 9)) == 0 else data.draw(st.integers(0, max(s, d) - 1))
        for s, d in zip(cfg["stride"], cfg["dil"])
    )
    # padding mostly small enough to leave an output (padding eats 2 pixels per step).
    pad = tuple(
        data.draw(st.integers(0, (d * (k - 1) + 1) // 2 + 1), label="padding") for k, d in zip(cfg["k"], cfg["dil"])
    )
    rng = np.random.default_rng(cfg["seed"])
    g = cfg["g"]
    x = rand(rng, (cfg["n"], cfg["c_g"] * g, cfg["h"], cfg["w"]), np.float64)
    wt = rand(rng, (cfg["c_g"] * g, cfg["co_g"], *cfg["k"]), np.float64)
    ref = _torch_or_none(
        lambda: torch.nn.functional.conv_transpose2d(
            T(torch, x), T(torch, wt), None, cfg["stride"], pad, opad, g, cfg["dil"]
        )
    )
    args = (x, wt, None, cfg["stride"], pad, opad, cfg["dil"], g)
    if ref is None:
        with pytest.raises(ValueError):
            K.conv_transpose2d(*args)
        return
    check(K.conv_transpose2d(*args), ref, np.float64)


@st.composite
def pool_configs(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return dict(
        kind=draw(st.sampled_from(["max", "avg"])),
        h=draw(st.integers(1, 10)),
        w=draw(st.integers(1, 10)),
        k=k,
        s=(draw(st.integers(1, 4)), draw(st.integers(1, 4))),
        # PyTorch allows padding up to half the kernel; go one beyond now and then.
        p=tuple(draw(st.integers(0, kk // 2 + (1 if draw(st.integers(0, 9)) == 0 else 0))) for kk in k),
        d=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        ceil=draw(st.booleans()),
        include_pad=draw(st.booleans()),
        seed=draw(st.integers(0, 2**31)),
    )


@_PROPS
@given(cfg=pool_configs())
def test_property_pools_agree_with_torch(torch, cfg):
    kind, h, w, k, s, p, d = (cfg[key] for key in ("kind", "h", "w", "k", "s", "p", "d"))
    ceil, include_pad, seed = cfg["ceil"], cfg["include_pad"], cfg["seed"]
    x = rand(np.random.default_rng(seed), (1, 2, h, w), np.float64)
    F = torch.nn.functional
    if kind == "max":
        ref = _torch_or_none(lambda: F.max_pool2d(T(torch, x), k, s, p, d, ceil_mode=ceil))
        run = lambda: K.max_pool2d(x, k, s, p, d, ceil)  # noqa: E731
    else:
        ref = _torch_or_none(lambda: F.avg_pool2d(T(torch, x), k, s, p, ceil, include_pad))
        run = lambda: K.avg_pool2d(x, k, s, p, ceil, include_pad)  # noqa: E731
    if ref is None:
        with pytest.raises(ValueError):
            run()
        return
    check(run(), ref, np.float64)


@_PROPS
@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    oh=st.integers(1, 12),
    ow=st.integers(1, 12),
    seed=st.integers(0, 2**31),
)
def test_property_adaptive_pools_agree_with_torch(torch, h, w, oh, ow, seed):
    x = rand(np.random.default_rng(seed), (1, 2, h, w), np.float64)
    F = torch.nn.functional
    check(K.adaptive_avg_pool2d(x, (oh, ow)), F.adaptive_avg_pool2d(T(torch, x), (oh, ow)), np.float64)
    check(K.adaptive_max_pool2d(x, (oh, ow)), F.adaptive_max_pool2d(T(torch, x), (oh, ow)), np.float64)
