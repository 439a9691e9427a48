"""The numeric calculators (cnncalc/numeric.py): the lecture slides' worked convolutions and pools,
and PyTorch as the oracle of every output map."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnError
from cnncalc.numeric_problem import convolve_problem, pooling_problem
from cnncalc.render.numeric import channel_text, number, pool_text, total_text

SEEDS = Path("/work/shared/seeds")

# seed 000 (Universidad ORT, "Multiples canales"): the visible 5×5 corner of each channel
RED = "156 155 156 158 158; 153 154 157 159 159; 149 151 155 158 159; 146 146 149 153 158; 145 143 143 148 158"
GREEN = "167 166 167 169 169; 164 165 168 170 170; 160 162 166 169 170; 156 156 159 163 168; 155 153 153 158 168"
BLUE = "163 162 163 165 165; 160 161 164 166 166; 156 158 162 165 166; 155 155 158 162 167; 154 152 152 157 167"
RGB_KERNEL = "-1 -1 1; 0 1 -1; 0 1 1 | 1 0 0; 1 -1 -1; 1 0 -1 | 0 1 1; 0 1 0; 1 -1 1"
STRIPES = "; ".join(["0 0 0 0 0 0", "1 1 1 1 1 1"] * 3)  # seed 002's 6×6 image


def _seed(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {prefix} not available")
    return path.read_text(encoding="utf-8")


def _slide_products(latex: str) -> str:
    """'(0 \\cdot -1) + (0 \\cdot 0) + … = 0' as cnncalc writes it: '(0·−1) + (0·0) + … = 0'."""
    return re.sub(r"\s*\\cdot\s*", "·", latex).replace("-", "−").strip()


def test_seed_000_rgb_convolution_channel_sums_and_total():
    """Seed 000_*.txt (Universidad ORT): padding 1, the three kernel channels, bias 1: at (0, 0) the
    channel sums are 308, −498 and 164, and 308 + (−498) + 164 + 1 = −25."""
    text = _seed("000")
    assert "308" in text and "-498" in text and "164" in text and "-25" in text
    r = convolve_problem(image=f"{RED} | {GREEN} | {BLUE}", kernels=[RGB_KERNEL], bias="1", padding="1")
    w = r.worked[0]
    assert [t.total for t in w.terms] == [308, -498, 164]
    assert w.value == -25 and r.output.values[0] == -25
    assert total_text(w) == "308 + (−498) + 164 + 1 = −25"
    assert r.output.shape == (1, 5, 5)  # padding 1 keeps 5×5 (the slide's output grid)
    # the window at (0, 0) reads the padding row and column: the slide's zero border
    assert [c.kind for c in w.terms[0].cells[:4]] == ["padding"] * 4 and w.terms[0].cells[4].value == 156


def test_seed_002_cross_kernel_gives_12_with_the_slide_products():
    """Seed 002_*.txt: the kernel [[0,1,0],[1,1,1],[0,1,0]] on [[0,2,3],[2,4,1],[0,3,0]] is 12, and
    the slide writes the products (0·0) + (2·1) + (3·0) + (2·1) + (4·1) + (1·1) + (0·0) + (3·1) + (0·0)."""
    text = _seed("002")
    assert "(0 \\cdot 0) + (2 \\cdot 1) + (3 \\cdot 0)" in text and "= 12" in text
    r = convolve_problem(image="0 2 3; 2 4 1; 0 3 0", kernels=["0 1 0; 1 1 1; 0 1 0"])
    assert r.output.shape == (1, 1, 1) and r.output.values == (12,)  # W_out = W_in − K + 1 = 1
    assert channel_text(r.worked[0].terms[0]) == \
        "(0·0) + (2·1) + (3·0) + (2·1) + (4·1) + (1·1) + (0·0) + (3·1) + (0·0) = 12"


@pytest.mark.parametrize("kernel, first_line", [
    ("-1 0 1; -2 0 2; -1 0 1", 0),   # Sobel vertical: the first listed line
    ("-1 -2 -1; 0 0 0; 1 2 1", 4),   # Sobel horizontal: the fifth
])
def test_seed_002_sobel_kernels_on_the_stripes_are_zero(kernel, first_line):
    """Seed 002_*.txt: the Sobel vertical and horizontal kernels on the 6×6 stripe image; every sum the
    slide lists is 0 (no variation in the direction analysed), and its products are the slide's."""
    lines = re.findall(r"\$\$(\(.*?= 0)\$\$", _seed("002"))
    assert len(lines) == 8
    r = convolve_problem(image=STRIPES, kernels=[kernel])
    assert r.output.shape == (1, 4, 4) and set(r.output.values) == {0}
    assert channel_text(r.worked[0].terms[0]) == _slide_products(lines[first_line])


def test_seed_003_x_kernel_gives_4_at_the_first_position():
    """Seed 003_*.txt (PUC Chile, after MIT 6.S191): the 5×5 image with the kernel [[1,0,1],[0,1,0],[1,0,1]]
    gives 4 in the first cell of the convolved feature."""
    assert "Convolved Feature" in _seed("003")
    image = "1 1 1 0 0; 0 1 1 1 0; 0 0 1 1 1; 0 0 1 1 0; 0 1 1 0 0"
    r = convolve_problem(image=image, kernels=["1 0 1; 0 1 0; 1 0 1"])
    assert r.output.shape == (1, 3, 3) and r.output.values[0] == 4 and r.worked[0].value == 4


def test_seed_003_max_pooling_2x2_stride_2():
    """Seed 003_*.txt: max pool with 2×2 filters and stride 2 gives [[6, 8], [3, 4]]. The seed shows only
    the output; the input of that figure is CS231n's [[1,1,2,4],[5,6,7,8],[3,2,1,0],[1,2,3,4]]."""
    assert re.search(r"6\s+8\s+3\s+4", _seed("003"))
    r = pooling_problem(image="1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4", kernel_size="2", stride="2")
    assert r.output.shape == (1, 2, 2) and r.output.values == (6, 8, 3, 4)
    assert pool_text(r.worked[0], "max") == "max(1, 1, 5, 6) = 6"


def test_average_pooling_of_the_same_window_is_13_over_4():
    """The CS231n input above, average pooled: (1 + 1 + 5 + 6)/4 = 13/4 = 3.25 (PyTorch avg_pool2d:
    [[3.25, 5.25], [2, 2]])."""
    r = pooling_problem(image="1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4", kind="avg", kernel_size="2")
    assert r.output.values == (Fraction(13, 4), Fraction(21, 4), 2, 2)
    assert pool_text(r.worked[0], "avg") == "(1 + 1 + 5 + 6)/4 = 13/4 = 3.25"


def test_count_include_pad_changes_the_divisor_as_pytorch():
    """avg_pool2d(x, 3, stride=2, padding=1) of the CS231n input: (1+1+5+6)/9 with count_include_pad
    (PyTorch's default) and /4 without it."""
    image = "1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"
    with_pad = pooling_problem(image=image, kind="avg", kernel_size="3", stride="2", padding="1")
    without = pooling_problem(image=image, kind="avg", kernel_size="3", stride="2", padding="1",
                              count_include_pad=False)
    assert with_pad.output.values[0] == Fraction(13, 9) and with_pad.worked[0].divisor == 9
    assert without.output.values[0] == Fraction(13, 4) and without.worked[0].divisor == 4


def test_exact_fractions_and_decimals():
    """A 3×3 box blur (1/9 each) of seed 002's image: the mean of its values, 15/9 = 5/3, exactly."""
    r = convolve_problem(image="0 2 3; 2 4 1; 0 3 0", kernels=["1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9"],
                         bias="0.5")
    assert r.output.values == (Fraction(5, 3) + Fraction(1, 2),)
    assert number(Fraction(13, 6)) == "13/6" and number(Fraction(-1, 4)) == "−0.25" and number(Fraction(3)) == "3"


def test_one_dimensional_signal():
    """A 1-D signal (no ';'): [1, 2, 3, 4, 5] with the difference kernel [1, 0, −1], padding 1 — torch's
    conv1d gives [−2, −2, −2, −2, 4]."""
    r = convolve_problem(image="1 2 3 4 5", kernels=["1 0 -1"], padding="1", at="4")
    assert r.output.shape == (1, 5) and r.output.values == (-2, -2, -2, -2, 4)
    assert [c.kind for c in r.worked[0].terms[0].cells] == ["input", "input", "padding"]


# -- PyTorch as the oracle ---------------------------------------------------------------------------
def _text(values, shape) -> str:
    """Channels-first nested ints -> the inline syntax ('a b; c d; | …': the trailing ';' keeps a one-row
    matrix 2-D); 1-D signals without ';'."""
    chans = []
    for ch in values:
        chans.append("; ".join(" ".join(map(str, row)) for row in ch) + ";" if len(shape) == 3 else
                     " ".join(map(str, ch)))
    return " | ".join(chans)


small = st.integers(-9, 9)


@st.composite
def conv_cases(draw):
    rank = draw(st.sampled_from([1, 2]))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    size = tuple(draw(st.integers(1, 7)) for _ in range(rank))
    k = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    s = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    d = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    pad = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(rank))
    assume(all(d[j] * (k[j] - 1) + 1 <= size[j] + sum(pad[j]) for j in range(rank)))
    shape = (c_in, *size)
    x = draw(st.lists(small, min_size=c_in * _prod(size), max_size=c_in * _prod(size)))
    w = draw(st.lists(small, min_size=c_out * c_in * _prod(k), max_size=c_out * c_in * _prod(k)))
    b = draw(st.lists(small, min_size=c_out, max_size=c_out))
    return rank, shape, k, s, d, pad, x, w, b


def _prod(t) -> int:
    out = 1
    for v in t:
        out *= v
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(conv_cases())
def test_convolution_equals_torch(case):
    """Random small integer problems: the output map equals torch.nn.functional.conv1d/conv2d exactly
    (asymmetric padding through F.pad, which pads the same zeros)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rank, shape, k, s, d, pad, x, w, b = case
    c_in, c_out = shape[0], len(b)
    xt = torch.tensor(x, dtype=torch.float64).reshape(1, *shape)
    wt = torch.tensor(w, dtype=torch.float64).reshape(c_out, c_in, *k)
    flat_pad = [p for pair in reversed(pad) for p in pair]  # F.pad: last dimension first
    conv = F.conv1d if rank == 1 else F.conv2d
    expected = conv(F.pad(xt, flat_pad), wt, torch.tensor(b, dtype=torch.float64), stride=s, dilation=d)[0]
    kernels = [_text([[w[(o * c_in + c) * _prod(k):(o * c_in + c + 1) * _prod(k)][r * k[-1]:(r + 1) * k[-1]]
                       for r in range(_prod(k) // k[-1])] if rank == 2 else
                      w[(o * c_in + c) * _prod(k):(o * c_in + c + 1) * _prod(k)] for c in range(c_in)], (0, *k))
               for o in range(c_out)]
    image = _text([[x[c * _prod(shape[1:]) + r * shape[-1]:c * _prod(shape[1:]) + (r + 1) * shape[-1]]
                    for r in range(_prod(shape[1:]) // shape[-1])] if rank == 2 else
                   x[c * shape[1]:(c + 1) * shape[1]] for c in range(c_in)], shape)
    padding = ",".join(f"{p0},{p1}" for p0, p1 in pad)
    r = convolve_problem(image=image, kernels=kernels, bias=",".join(map(str, b)), stride=",".join(map(str, s)),
                         dilation=",".join(map(str, d)), padding=f"[{padding}]")
    assert r.output.shape == tuple(expected.shape)
    assert list(r.output.values) == [int(v) for v in expected.flatten().tolist()]
    for wk in r.worked:  # the worked sum is the map's value at --at
        assert wk.value == r.output.values[wk.out_channel * _prod(r.output.shape[1:])]


@st.composite
def pool_cases(draw):
    rank = draw(st.sampled_from([1, 2]))
    c = draw(st.integers(1, 2))
    size = tuple(draw(st.integers(1, 7)) for _ in range(rank))
    k = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    s = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    ceil = draw(st.booleans())
    assume(all(d[j] * (k[j] - 1) + 1 <= size[j] + 2 * p[j] for j in range(rank)))
    x = draw(st.lists(small, min_size=c * _prod(size), max_size=c * _prod(size)))
    return rank, (c, *size), k, s, p, d, ceil, x, draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pooling_equals_torch(case, kind):
    """Random small integer maps: max_pool1d/2d equal exactly, avg_pool1d/2d (count_include_pad either
    way, ceil_mode either way) within 1e-9 of the exact Fraction."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rank, shape, k, s, p, d, ceil, x, include = case
    if kind == "avg":
        d = (1,) * rank
        assume(all(k[j] <= shape[1 + j] + 2 * p[j] for j in range(rank)))
    xt = torch.tensor(x, dtype=torch.float64).reshape(1, *shape)
    if kind == "max":
        fn = F.max_pool1d if rank == 1 else F.max_pool2d
        expected = fn(xt, k, s, p, d, ceil_mode=ceil)[0]
    else:
        fn = F.avg_pool1d if rank == 1 else F.avg_pool2d
        expected = fn(xt, k, s, p, ceil_mode=ceil, count_include_pad=include)[0]
    assume(bool(torch.isfinite(expected).all()))  # a window of padding only: −inf in torch, refused here
    rows = _prod(shape[1:]) // shape[-1]
    image = _text([[x[ch * _prod(shape[1:]) + r * shape[-1]:ch * _prod(shape[1:]) + (r + 1) * shape[-1]]
                    for r in range(rows)] if rank == 2 else x[ch * shape[1]:(ch + 1) * shape[1]]
                   for ch in range(shape[0])], shape)
    options = dict(image=image, kind=kind, kernel_size=",".join(map(str, k)), stride=",".join(map(str, s)),
                   padding=",".join(map(str, p)), ceil_mode=ceil)
    if kind == "max":
        options["dilation"] = ",".join(map(str, d))
    else:
        options["count_include_pad"] = include
    try:
        r = pooling_problem(**options)
    except CnnError as e:  # PyTorch refuses nothing here that cnncalc's pool rule accepts
        pytest.fail(str(e))
    assert r.output.shape == tuple(expected.shape)
    got = list(r.output.values)
    want = expected.flatten().tolist()
    if kind == "max":
        assert got == [int(v) for v in want]
    else:
        assert all(abs(float(a) - b) <= 1e-9 for a, b in zip(got, want))
