"""The bundled models of the foundation issue, against published figures.

Sources: AlexNet shapes from the table of seed 000 and the paper (60,965,224 params
for the two-GPU net); per-layer MACs of AlexNet from the slide of seed 002 (which
truncates to millions); torchvision's documented counts for alexnet (61,100,840
params, 0.71 GFLOPS) and vgg16 (138,357,544 params, 15.47 GFLOPS); the Keras summary
of seed 000.
"""

from __future__ import annotations

import pytest

import cnncalc


def _by_name(a):
    return {r.name: r for r in a.layers}


def test_alexnet_paper_params_and_seed_000_shapes():
    a = cnncalc.summarize("alexnet")
    assert a.totals.params == 60_965_224
    assert a.totals.non_trainable_params == 0
    L = _by_name(a)
    hwc = lambda name: (L[name].output_shape[1], L[name].output_shape[2], L[name].output_shape[0])  # noqa: E731
    # seed 000, "ConvNets: Arquitecturas - AlexNet" table (H×W×C)
    assert hwc("conv1") == (55, 55, 96)
    assert hwc("pool1") == (27, 27, 96)
    assert hwc("conv2") == (27, 27, 256)
    assert hwc("pool2") == (13, 13, 256)
    assert hwc("conv3") == (13, 13, 384)
    assert hwc("conv4") == (13, 13, 384)
    assert hwc("conv5") == (13, 13, 256)
    assert hwc("pool5") == (6, 6, 256)
    assert L["flatten"].output_shape == (9216,)
    assert L["fc6"].output_shape == L["fc7"].output_shape == (4096,)
    assert L["fc8"].output_shape == (1000,)
    assert L["conv1"].params == 34_944


@pytest.mark.parametrize("layer,millions", [
    ("conv1", 105), ("conv2", 223), ("conv3", 149), ("conv5", 74), ("fc6", 37), ("fc7", 16), ("fc8", 4)])
def test_alexnet_macs_match_seed_002_slide(layer, millions):
    # the slide prints MACs truncated to millions (conv4 differs: the slide counts it ungrouped)
    assert _by_name(cnncalc.summarize("alexnet"))[layer].macs // 10**6 == millions


def test_alexnet_torchvision():
    a = cnncalc.summarize("alexnet_torchvision")
    assert a.totals.params == 61_100_840
    assert a.totals.macs == 714_188_480
    assert a.output_shape == (1000,)


def test_vgg16():
    a = cnncalc.summarize("vgg16")
    assert a.totals.params == 138_357_544
    assert a.totals.macs == 15_470_264_320
    assert a.totals.flops == 2 * 15_470_264_320
    assert a.output_shape == (1000,)


def test_keras_example_matches_the_keras_summary_of_seed_000():
    a = cnncalc.summarize("keras_example")
    L = _by_name(a)
    assert [L[n].params for n in ("conv2d", "conv2d_1", "conv2d_2", "dense")] == [640, 73_856, 295_168, 2_570]
    assert a.totals.params == a.totals.trainable_params == 372_234
    assert a.totals.non_trainable_params == 0
    shapes = [L[n].output_shape for n in ("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2",
                                         "global_average_pooling2d", "dense")]
    assert shapes == [(64, 26, 26), (64, 13, 13), (128, 11, 11), (128, 5, 5), (256, 3, 3), (256,), (10,)]


def test_lenet5_textbook():
    a = cnncalc.summarize("lenet5")
    L = _by_name(a)
    # 5×5 convs on 32×32: 28, pool 14, 10, pool 5; 16·5·5 = 400 features
    assert [L[n].output_shape for n in ("c1", "s2", "c3", "s4", "flatten")] == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,)]
    assert [L[n].params for n in ("c1", "c3", "c5", "f6", "output")] == [156, 2_416, 48_120, 10_164, 850]
    assert a.totals.params == 61_706


def test_input_override_changes_shapes_not_conv_params():
    a = cnncalc.summarize("alexnet_torchvision", input_shape=(3, 256, 256))
    assert _by_name(a)["features.12"].output_shape == (256, 7, 7)
    assert a.totals.params == 61_100_840  # the adaptive pool keeps the classifier at 9216 inputs
