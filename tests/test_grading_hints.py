"""Each usual mistake gets its own hint: the answer is recomputed the way the mistake does it.

AlexNet figures are the paper's (Krizhevsky et al. 2012, as in seed 000's table: conv1 55×55×96,
fc 4096) and its first layer's 34,944 parameters ((11·11·3)·96 + 96, seed 000's formula
(F·F·C₁)·K + K); the small network's sizes follow the course formula O = ⌊(I + 2P − F)/S⌋ + 1
(seeds 000, 002, 003)."""

from __future__ import annotations

import pytest

from cnncalc.grading import grade

SMALL = """model:
  input: [3, 32, 32]
  layers:
    - {type: conv2d, name: c, out_channels: 8, kernel_size: 3, stride: 2}
    - {type: maxpool2d, name: p, kernel_size: 2, stride: 2, ceil_mode: true}
    - {type: conv2d, name: padded, out_channels: 8, kernel_size: 3, padding: 1}
    - {type: conv2d, name: unpadded, out_channels: 8, kernel_size: 3}
layout: chw
answers:
"""


def _one(tmp_path, sheet: str):
    path = tmp_path / "sheet.yaml"
    path.write_text(sheet, encoding="utf-8")
    (a,) = grade(str(path)).answers
    assert not a.correct
    return a


def _alexnet(tmp_path, answer: str):
    return _one(tmp_path, f"model: alexnet\nanswers:\n  {answer}\n")


@pytest.mark.parametrize("answer, hint", [
    # (32 − 3)/2 + 1 = 15.5: floor 15, ceil 16
    ("c: {output_shape: 8x16x16}", "that rounds the division up; the output size rounds it down: ⌊(I + 2P − F)/S⌋ + 1"),
    # a ceil_mode pool on 15: ⌈13/2⌉ + 1 = 8, floor 7
    ("p: {output_shape: 8x7x7}", "that rounds the division down; this layer has ceil_mode, which rounds it up: "
                                 "⌈(I + 2P − F)/S⌉ + 1"),
    ("padded: {output_shape: 8x6x6}", "that is the size without padding; this layer pads its input (1+1, 1+1 per "
                                      "dimension)"),
    ("unpadded: {output_shape: 8x6x6}", None),  # the right answer: no hint needed
    ("unpadded: {output_shape: 8x8x8}", "that is the size with 'same' padding; this layer does not pad its input"),
    ("unpadded: {output_shape: 6x6}", "that is the spatial size only; the output shape also has the 8 channels: "
                                      "8×6×6 (or answer output_size)"),
])
def test_shape_mistakes(tmp_path, answer, hint):
    path = tmp_path / "sheet.yaml"
    path.write_text(SMALL + f"  {answer}\n", encoding="utf-8")
    (a,) = grade(str(path)).answers
    assert a.correct == (hint is None)
    if hint is not None:
        assert a.hint == hint


def test_a_vector_written_as_a_1x1_map(tmp_path):
    a = _alexnet(tmp_path, "fc6: {output_shape: 1x1x4096}")
    assert a.hint == "a fully connected layer (or a flatten) gives a vector of 4096 features: write 4096, not 1×1×4096"


def test_a_global_pool_written_as_a_vector(tmp_path):
    """ResNet-18's global average pool keeps 512×1×1 until the flatten."""
    a = _one(tmp_path, "model: resnet18\nanswers:\n  avgpool: {output_shape: 512}\n")
    assert a.hint == "the pooling keeps the spatial axes: the output is 1×1×512; it becomes 512 after a flatten"


def test_one_gpus_half_of_the_channels(tmp_path):
    """The AlexNet paper draws conv1 as two stacks of 48 maps, one per GPU."""
    a = _alexnet(tmp_path, "conv1: {output_shape: 55x55x48}")
    assert a.hint.startswith("that is half the channels: one GPU's share in the AlexNet paper")


def test_one_gpus_half_of_the_parameters(tmp_path):
    a = _alexnet(tmp_path, "conv1: {params: 17472}")
    assert a.hint == "that is half: one GPU's share in the AlexNet paper, which splits each layer over two GPUs"


def test_biases_forgotten(tmp_path):
    a = _alexnet(tmp_path, "conv1: {params: 34848}")
    assert a.hint == "the biases are missing: 34,848 weights + 96 biases = 34,944"


def test_flops_given_for_macs_and_macs_for_flops(tmp_path):
    """conv1: 55·55·96 outputs × 11·11·3 multiply-adds = 105,415,200 MACs."""
    a = _alexnet(tmp_path, "conv1: {macs: 210830400}")
    assert a.hint == "that is FLOPs; MACs count a multiply-accumulate once (FLOPs = 2·MACs)"
    a = _alexnet(tmp_path, "conv1: {flops: 105415200}")
    assert a.hint == "that is MACs (what the ResNet paper calls FLOPs); FLOPs count the multiply and the add: 2·MACs"


def test_k_read_as_1024(tmp_path):
    """inception (3a) has 163,696 parameters: 159.9 × 1024, so "160K" read K as 1024."""
    a = _one(tmp_path, "model: googlenet\nanswers:\n  inception_3a: {params: 160K}\n")
    assert a.hint == "that reads K as 1024; counts use K = 10³ (164K)"


def test_m_read_as_1024_squared(tmp_path):
    """AlexNet's 60,965,224 parameters are 58.1 × 1024²."""
    a = _alexnet(tmp_path, "totals: {params: 58M}")
    assert a.hint == "that reads M as 1024²; counts use M = 10⁶ (61M)"


def test_a_rounded_figure_that_is_simply_off_shows_the_right_one_rounded_alike(tmp_path):
    a = _alexnet(tmp_path, "totals: {params: 50M}")
    assert (a.shown_expected, a.hint) == ("61M (60,965,224)", "rounded as written, the figure is 61M")


def test_blank_answers_are_wrong_not_errors(tmp_path):
    path = tmp_path / "blank.yaml"
    path.write_text('model: alexnet\nanswers:\n  conv1: {output_shape: null, params: "", macs: "?"}\n'
                    "  totals: {params: ~, depth: null}\n", encoding="utf-8")
    g = grade(str(path))
    assert (g.right, g.total) == (0, 5)
    assert all(a.blank and a.shown_given == "(blank)" for a in g.answers)
    assert [a.shown_expected for a in g.answers] == ["55×55×96", "34,944", "105,415,200", "60,965,224", "8"]
