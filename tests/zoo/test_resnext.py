"""ResNeXt (Xie et al. 2017) against torchvision.models.resnext50_32x4d, resnext101_32x8d and the paper.

torchvision's weights tables: resnext50_32x4d 25,028,904 parameters, 4.23 GFLOPS;
resnext101_32x8d 88,791,336 parameters, 16.414 GFLOPS (GFLOPS there are multiply-adds).
Xie et al. 2017, Table 1, column "ResNeXt-50 (32×4d)": 25.0×10⁶ params, 4.2×10⁹ FLOPs
(multiply-adds); output sizes 112 (conv1), 56 (conv2), 28 (conv3), 14 (conv4), 7 (conv5);
in conv2 … conv5 the bottleneck is [1×1, 128; 3×3, 128, C=32; 1×1, 256], then 256/512,
512/1024, 1024/2048.
Both models are variants in architectures/resnext.yaml.
"""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.compare import parse_published

from ..oracle import torchvision_oracle as tv

MODELS = ("resnext50_32x4d", "resnext101_32x8d")


@pytest.mark.parametrize("name", MODELS)
def test_equals_torchvision(name):
    tv.bundled_equals_torchvision(name)


def test_forward_equals_torchvision():
    tv.forward_equal(cnncalc.summarize("resnext50_32x4d", (3, 64, 64)), "resnext50_32x4d", rtol=1e-9)


def test_table1_figures():
    a = cnncalc.summarize("resnext50_32x4d")
    # reproduced: within one unit of the printed last digit (cnncalc.compare's rule)
    assert parse_published("25.0M").close(a.totals.trainable_params, 1000)
    assert parse_published("4.2G").close(a.totals.macs, 1000)
    assert a.graph.published["params"] == "25.0M" and a.graph.published["macs"] == "4.2G"


def test_sizes_and_widths_follow_table1():
    a = cnncalc.summarize("resnext50_32x4d")
    shape = {r.name: r.output_shape for r in a.layers}
    assert shape["conv1"][1:] == (112, 112)
    # (stage, 1×1 width, 3×3 width, output width, output size) of Table 1's conv2 … conv5
    for k, (w1, w3, out, size) in enumerate([(128, 128, 256, 56), (256, 256, 512, 28),
                                             (512, 512, 1024, 14), (1024, 1024, 2048, 7)], start=1):
        assert shape[f"layer{k}.0.conv1"][0] == w1
        assert shape[f"layer{k}.0.conv2"][0] == w3
        assert shape[f"layer{k}.0.relu"] == (out, size, size)
    conv2 = next(r for r in a.layers if r.name == "layer1.0.conv2")
    assert conv2.weights()["weight"].shape == (128, 128 // 32, 3, 3)  # cardinality C = 32


def test_blocks_per_stage_equal_torchvision():
    for name, depths in (("resnext50_32x4d", (3, 4, 6, 3)), ("resnext101_32x8d", (3, 4, 23, 3))):
        model = tv.build(name)
        assert tuple(len(getattr(model, f"layer{k}")) for k in (1, 2, 3, 4)) == depths
        names = {r.name for r in cnncalc.summarize(name).layers}
        assert all(f"layer{k}.{d - 1}.conv3" in names and f"layer{k}.{d}.conv3" not in names
                   for k, d in zip((1, 2, 3, 4), depths))
