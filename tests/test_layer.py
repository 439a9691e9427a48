"""The bound layer (cnncalc/layer.py): what every consumer asks of a layer, answered by its op."""

from __future__ import annotations

import cnncalc
from cnncalc import load_string
from cnncalc.analysis import analyze


def _layer(text: str, shape: list):
    return analyze(load_string(f"name: t\ninput: {shape}\nlayers:\n  - {text}\n")).layers[0]


def test_weights_are_pytorchs_with_their_initialisation():
    r = _layer("{type: conv3d, out_channels: 8, kernel_size: [3, 5, 5]}", [2, 4, 16, 16])
    w = r.weights()
    assert {k: v.shape for k, v in w.items()} == {"weight": (8, 2, 3, 5, 5), "bias": (8,)}  # nn.Conv3d's
    assert (w["weight"].init, w["bias"].init, w["bias"].bias) == ("he", "zeros", True)
    bn = _layer("{type: batchnorm2d}", [6, 4, 4]).weights()
    assert [(k, v.trainable, v.init) for k, v in bn.items()] == [
        ("weight", True, "ones"), ("bias", True, "zeros"), ("running_mean", False, "zeros"),
        ("running_var", False, "ones")]


def test_alexnet_conv2_as_one_gpu_would_run_it():
    # Krizhevsky et al. 2012: conv2 is split over two GPUs (groups 2); one GPU would hold 5·5·96·256 + 256
    conv2 = cnncalc.summarize("alexnet").layer("conv2")
    assert conv2.params == 5 * 5 * 48 * 256 + 256
    params, macs = conv2.variants()["ungrouped"]
    assert params == 5 * 5 * 96 * 256 + 256 == 614_656
    assert macs == 27 * 27 * 256 * (5 * 5 * 96)
    assert cnncalc.summarize("alexnet").layer("conv3").variants() == {}


def test_weights_only_leaves_out_every_additive_term():
    assert _layer("{type: conv2d, out_channels: 64, kernel_size: 7}", [3, 224, 224]).weights_only() == 7 * 7 * 3 * 64
    assert _layer("{type: batchnorm2d}", [64, 8, 8]).weights_only() == 64  # γ only


def test_worked_formulas_are_data():
    w = _layer("{type: conv2d, out_channels: 96, kernel_size: 11, stride: 4}", [3, 227, 227]).worked()
    size, channels = w.shape
    assert (size.name, size.steps, size.value) == ("O_h = O_w", ("⌊(227 − 11 + 2·0)/4⌋ + 1",), 55)
    assert (channels.name, channels.value) == ("C_out", 96)
    assert (w.params.steps, w.params.value) == (("(11·11·3)·96 + 96",), 34_944)
    assert str(w.macs) == "MACs = 55·55·96·(11·11·3) = 105,415,200"


def test_scratch_is_the_im2col_matrix():
    r = _layer("{type: conv2d, out_channels: 16, kernel_size: 3, padding: 1}", [8, 10, 10])
    assert r.scratch() == 8 * 3 * 3 * 10 * 10
    assert _layer("{type: relu}", [8, 10, 10]).scratch() == 0


def test_receptive_field_step_of_a_window_and_of_flatten():
    assert _layer("{type: maxpool1d, kernel_size: 4}", [2, 40]).rf_step().kernel == (4,)
    assert _layer("{type: flatten}", [2, 3, 5, 7]).rf_step().kernel == (3, 5, 7)
