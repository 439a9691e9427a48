"""The lectures' worked examples, from the command line, each with its seed (../shared/seeds):
the numbers are the slides'; cnncalc must print them (tests/test_numeric.py checks the same
examples through the Python functions, and PyTorch as the oracle of every output map)."""

from __future__ import annotations

import json

import pytest

STRIPES = "; ".join(["0 0 0 0 0 0", "1 1 1 1 1 1"] * 3)  # seed 002's 6×6 image
CS231N = "1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)


def _json(cli, *args) -> dict:
    res = cli(*args, "--format", "json")
    assert res.code == 0, res.err
    return json.loads(res.out)


def test_seed_000_rgb_convolution(cli):
    """Seed 000 (Universidad ORT, "Multiples canales"): 308 + (−498) + 164 + 1 = −25."""
    res = cli("convolve", "examples/convolve_rgb.yaml")
    assert res.code == 0 and "channel sums + bias: 308 + (−498) + 164 + 1 = −25" in res.out


def test_seed_002_cross_kernel(cli):
    """Seed 002 ("¿Qué es un kernel?"): (0·0) + (2·1) + (3·0) + (2·1) + (4·1) + (1·1) + (0·0) + (3·1) + (0·0) = 12,
    and W_out = W_in − K + 1 = 1."""
    data = _json(cli, "convolve", "--image", "0 2 3; 2 4 1; 0 3 0", "--kernel", "0 1 0; 1 1 1; 0 1 0")
    assert data["output_shape"] == [1, 1, 1] and data["output"] == [[[12]]]
    assert data["worked"][0]["channels"][0]["text"] == \
        "(0·0) + (2·1) + (3·0) + (2·1) + (4·1) + (1·1) + (0·0) + (3·1) + (0·0) = 12"


def test_seed_002_sobel_on_stripes(cli):
    """Seed 002: Sobel vertical and horizontal on the 6×6 stripes; every listed sum is 0, the first
    vertical one (0·−1) + (0·0) + (0·1) + (1·−2) + (1·0) + (1·2) + (0·−1) + (0·0) + (0·1) = 0."""
    vertical = _json(cli, "convolve", "--image", STRIPES, "--kernel", "-1 0 1; -2 0 2; -1 0 1")
    horizontal = _json(cli, "convolve", "--image", STRIPES, "--kernel", "-1 -2 -1; 0 0 0; 1 2 1")
    for data in (vertical, horizontal):
        assert data["output"] == [[[0] * 4] * 4]
    assert vertical["worked"][0]["channels"][0]["text"] == \
        "(0·−1) + (0·0) + (0·1) + (1·−2) + (1·0) + (1·2) + (0·−1) + (0·0) + (0·1) = 0"


def test_seed_003_x_kernel_and_max_pooling(cli):
    """Seed 003 (after MIT 6.S191): the X kernel's first convolved value is 4; max pooling 2×2,
    stride 2 gives [[6, 8], [3, 4]] (the figure's input is CS231n's)."""
    image = "1 1 1 0 0; 0 1 1 1 0; 0 0 1 1 1; 0 0 1 1 0; 0 1 1 0 0"
    conv = _json(cli, "convolve", "--image", image, "--kernel", "1 0 1; 0 1 0; 1 0 1")
    assert conv["output_shape"] == [1, 3, 3] and conv["output"][0][0][0] == 4
    pool = _json(cli, "pooling", "--image", CS231N, "--kernel", "2", "--stride", "2")
    assert pool["output"] == [[[6, 8], [3, 4]]]
    assert pool["worked"][0]["text"] == "max(1, 1, 5, 6) = 6"


def test_seed_003_two_filters_params(cli):
    """Seed 003: "W = 3·3·3·2 = 54, b = 2: 56 params to learn"."""
    data = _json(cli, "conv", "--input", "3x32x32", "--kernel", "3", "--filters", "2")
    assert data["params"] == 56 and data["params_formula"] == "(3·3·3)·2 + 2"


def test_seed_001_googlenet_table_graded_as_printed(cli):
    """Seed 001's GoogLeNet table as a student would copy it: sizes, depths and ops right, the printed
    params flagged with --compare's verdict, 54M for inception (5a) a misprint, 22 layers."""
    res = cli("check", "examples/homework_googlenet_table.yaml", "--format", "json")
    assert res.code == 1
    data = json.loads(res.out)
    assert data["score"] == {"right": 12, "total": 17}
    wrong = {(a["layer"], a["quantity"]) for a in data["answers"] if not a["correct"]}
    assert wrong == {("inception (3a)", "params"), ("inception (3b)", "params"), ("inception (4a)", "params"),
                     ("inception (5a)", "macs"), ("fc", "output_shape")}
    depth = next(a for a in data["answers"] if a["layer"] == "totals")
    assert (depth["quantity"], depth["expected"], depth["correct"]) == ("depth", 22, True)


def test_seed_001_depths_in_the_footer(cli):
    """Seed 001: VGGNet "19 capas", GoogLeNet "22 capas"."""
    for model, depth in (("vgg19", 19), ("googlenet", 22)):
        assert _json(cli, "summarize", model)["totals"]["depth"] == depth
