"""ConvNeXt (Liu et al. 2022) against torchvision.models.convnext_tiny, small, base and the paper.

torchvision's weights tables (GFLOPS = multiply-adds): convnext_tiny 28,589,128 parameters,
4.456 GFLOPS; convnext_small 50,223,688, 8.684; convnext_base 88,591,464, 15.355.
Liu et al. 2022, Table 1 (ImageNet-1K, 224²): ConvNeXt-T 28M params, 4.5G FLOPs; ConvNeXt-S 50M,
8.7G; ConvNeXt-B 89M, 15.4G (FLOPs there are multiply-adds). Section 3, the variants:
T C = (96, 192, 384, 768), B = (3, 3, 9, 3); S C = (96, 192, 384, 768), B = (3, 3, 27, 3);
B C = (128, 256, 512, 1024), B = (3, 3, 27, 3); the stages at strides 4, 8, 16, 32 (56 … 7).
"""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.compare import parse_published

from ..oracle import torchvision_oracle as tv

MODELS = ("convnext_tiny", "convnext_small", "convnext_base")
# (model, params, FLOPs (multiply-adds), C, B) as printed by Liu et al. 2022
PAPER = [
    ("convnext_tiny", "28M", "4.5G", (96, 192, 384, 768), (3, 3, 9, 3)),
    ("convnext_small", "50M", "8.7G", (96, 192, 384, 768), (3, 3, 27, 3)),
    ("convnext_base", "89M", "15.4G", (128, 256, 512, 1024), (3, 3, 27, 3)),
]


@pytest.mark.parametrize("name", MODELS)
def test_equals_torchvision(name):
    tv.bundled_equals_torchvision(name)


def test_forward_equals_torchvision():
    tv.forward_equal(cnncalc.summarize("convnext_tiny", (3, 64, 64)), "convnext_tiny", rtol=1e-9)


@pytest.mark.parametrize("name, params, flops, channels, blocks", PAPER, ids=[p[0] for p in PAPER])
def test_table1_and_section3(name, params, flops, channels, blocks):
    a = cnncalc.summarize(name)
    # reproduced: within one unit of the printed last digit (cnncalc.compare's rule; the official
    # repository prints ConvNeXt-T as 28M in its ImageNet-1K table and 29M in its 22K one)
    assert parse_published(params).close(a.totals.trainable_params, 1000)
    assert parse_published(flops).close(a.totals.macs, 1000)
    assert (a.graph.published["params"], a.graph.published["macs"]) == (params, flops)
    shape = {r.name: r.output_shape for r in a.layers}
    for k, (c, b, size) in enumerate(zip(channels, blocks, (56, 28, 14, 7))):
        stage = f"features.{2 * k + 1}"
        assert shape[f"{stage}.{b - 1}.add"] == (c, size, size)
        assert f"{stage}.{b}.add" not in shape
        assert shape[f"{stage}.0.block.3"][0] == 4 * c  # the inverted bottleneck, 4× wide


def test_layer_scale_is_the_blocks_own_parameter():
    ours = tv.spec_shapes(cnncalc.summarize("convnext_tiny"))
    theirs = tv.state_shapes(tv.build("convnext_tiny"))
    for key in ("features.1.0.layer_scale", "features.7.2.layer_scale"):
        assert ours[key] == theirs[key]
    assert theirs["features.1.0.layer_scale"] == (96, 1, 1)


@pytest.mark.parametrize("name", MODELS)
def test_stochastic_depth_equals_torchvision(name):
    """Identity at inference, but the drop probabilities are torchvision's, block by block."""
    model = tv.build(name)
    theirs = {f"features.{k}.{j}": block.stochastic_depth.p for k in (1, 3, 5, 7)
              for j, block in enumerate(model.features[k])}
    ours = {r.name.removesuffix(".stochastic_depth"): float(r.args.p)
            for r in cnncalc.summarize(name).layers if r.name.endswith(".stochastic_depth")}
    assert ours.keys() == theirs.keys()
    assert all(ours[k] == pytest.approx(theirs[k], rel=1e-12, abs=1e-15) for k in ours)
