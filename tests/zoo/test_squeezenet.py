"""SqueezeNet 1.0 and 1.1 (Iandola et al. 2016) against torchvision.models.squeezenet1_* and the paper.

torchvision's weights tables (num_params, GFLOPS = multiply-adds at 224×224):
squeezenet1_0 1,248,424, 0.819; squeezenet1_1 1,235,496, 0.349 (three decimals each).
Iandola et al. 2016 (arXiv:1602.07360), Table 1 (SqueezeNet architectural dimensions): the
output sizes below, the fire modules' s1x1, e1x1, e3x3 filter counts, and 1,248,424
parameters in total before pruning. Its sizes start from conv1 111×111, i.e. Caffe's 227×227
crop: (227 − 7)/2 + 1 = 111.
SqueezeNet 1.1 (github.com/DeepScale/SqueezeNet, SqueezeNet_v1.1/README): conv1 64 filters of
3×3 instead of 96 of 7×7; pooling after conv1, fire3, fire5 instead of conv1, fire4, fire8.
"""

from __future__ import annotations

import pytest

import cnncalc

from ..oracle import torchvision_oracle as tv

# Table 1: (layer, torchvision name, output H = W, output channels)
TABLE_1_SIZES = [
    ("conv1", "features.0", 111, 96),
    ("maxpool1", "features.2", 55, 96),
    ("fire2", "features.3.cat", 55, 128),
    ("fire3", "features.4.cat", 55, 128),
    ("fire4", "features.5.cat", 55, 256),
    ("maxpool4", "features.6", 27, 256),
    ("fire5", "features.7.cat", 27, 256),
    ("fire6", "features.8.cat", 27, 384),
    ("fire7", "features.9.cat", 27, 384),
    ("fire8", "features.10.cat", 27, 512),
    ("maxpool8", "features.11", 13, 512),
    ("fire9", "features.12.cat", 13, 512),
    ("conv10", "classifier.1", 13, 1000),
    ("avgpool10", "classifier.3", 1, 1000),
]
# Table 1: fire module -> (s1x1, e1x1, e3x3), the same in SqueezeNet 1.1
TABLE_1_FIRES = {
    "fire2": (16, 64, 64), "fire3": (16, 64, 64), "fire4": (32, 128, 128), "fire5": (32, 128, 128),
    "fire6": (48, 192, 192), "fire7": (48, 192, 192), "fire8": (64, 256, 256), "fire9": (64, 256, 256),
}
FIRE_INDEX = {  # fire k -> features.<index>, as torchvision numbers them
    "squeezenet1_0": dict(zip(TABLE_1_FIRES, (3, 4, 5, 7, 8, 9, 10, 12))),
    "squeezenet1_1": dict(zip(TABLE_1_FIRES, (3, 4, 6, 7, 9, 10, 11, 12))),
}


def test_sizes_follow_table_1():
    a = cnncalc.summarize("squeezenet1_0", (3, 227, 227))
    shapes = {r.name: r.output_shape for r in a.layers}
    for row, name, size, channels in TABLE_1_SIZES:
        assert shapes[name] == (channels, size, size), row
    assert a.output_shape == (1000,)


@pytest.mark.parametrize("name", ["squeezenet1_0", "squeezenet1_1"])
def test_fire_modules_follow_table_1(name):
    layers = {r.name: r for r in cnncalc.summarize(name).layers}
    for fire, (s1x1, e1x1, e3x3) in TABLE_1_FIRES.items():
        k = FIRE_INDEX[name][fire]
        assert layers[f"features.{k}.squeeze"].output_shape[0] == s1x1, fire
        assert layers[f"features.{k}.expand1x1"].output_shape[0] == e1x1, fire
        assert layers[f"features.{k}.expand3x3"].output_shape[0] == e3x3, fire
        assert layers[f"features.{k}.cat"].output_shape[0] == e1x1 + e3x3, fire


def test_params_follow_table_1():
    # Table 1, bottom row: 1,248,424 parameters before pruning (every conv with its bias)
    assert cnncalc.summarize("squeezenet1_0").totals.params == 1_248_424


def test_v1_1_follows_its_readme():
    layers = {r.name: r for r in cnncalc.summarize("squeezenet1_1").layers}
    conv1 = layers["features.0"].weights()["weight"].shape
    assert tuple(conv1) == (64, 3, 3, 3)                        # 64 filters of 3×3
    pools = [n for n, r in layers.items() if r.type == "maxpool2d"]
    assert pools == ["features.2", "features.5", "features.8"]  # after conv1, fire3, fire5


@pytest.mark.parametrize("name", ["squeezenet1_0", "squeezenet1_1"])
def test_equals_torchvision(name):
    tv.bundled_equals_torchvision(name)


# 64×64 (1.0) and 66×66 (1.1): sizes at which some ceil_mode max pool rounds up
# (1.0: 14 → ⌈5.5⌉ + 1 = 7; 1.1: 32 → ⌈14.5⌉ + 1 = 16)
@pytest.mark.parametrize("name, size", [("squeezenet1_0", 64), ("squeezenet1_1", 66)])
def test_forward_equals_torchvision(name, size):
    tv.forward_equal(cnncalc.summarize(name, (3, size, size)), name)
