"""The analysis (cnncalc/analysis.py): which op serves an input, rank errors with their hints,
arguments bound per spatial dimension (errors at the argument's position), expressions
that read the input size."""

from __future__ import annotations

import textwrap

from cnncalc import load_string
from cnncalc.analysis import analyze


def _analyze(layers: str, shape: list):
    text = f"name: t\ninput: {shape}\nlayers:\n" + textwrap.indent(textwrap.dedent(layers).strip(), "  ") + "\n"
    return analyze(load_string(text, "net.yaml"))


def test_keras_batch_normalization_follows_the_rank_of_its_input():
    for shape, op in (([64], "batchnorm1d"), ([8, 100], "batchnorm1d"), ([8, 5, 5], "batchnorm2d"),
                      ([8, 2, 5, 5], "batchnorm3d")):
        a = _analyze("- {type: BatchNormalization}", shape)
        assert a.layers[0].type == op and a.layers[0].params == 4 * shape[0]


def test_a_feature_map_op_after_flatten_says_so():
    a = _analyze("""
        - {type: flatten}
        - {type: conv2d, out_channels: 8, kernel_size: 3}
        """, [3, 8, 8])
    (e,) = a.errors
    assert e.code == "E206" and e.pos.line == 5
    assert e.message == "conv2d needs a C×H×W input, got a 192-feature vector"
    assert e.hint == "this op works on C×H×W feature maps; it cannot follow a flatten or linear layer"


def test_a_rank_specific_op_on_another_rank_names_its_sibling():
    a = _analyze("""
        - {type: conv2d, out_channels: 8, kernel_size: 3}
        - {type: conv1d, out_channels: 8, kernel_size: 3}
        """, [3, 8, 8])
    (e,) = a.errors
    assert e.message == "conv1d needs a C×L input, got a 8×6×6 tensor"
    assert e.hint == "use conv2d for C×H×W inputs (or conv, which follows its input)"


def test_one_value_per_dimension_is_checked_at_the_argument():
    a = _analyze("- {type: conv3d, out_channels: 8, kernel_size: [3, 3]}", [3, 4, 8, 8])
    (e,) = a.errors
    assert e.code == "E104" and (e.pos.line, e.pos.col) == (4, 50)  # the value [3, 3]
    assert e.message == "conv3d_1: kernel_size has 2 values, but the input has 3 spatial dimensions"
    assert e.hint == "give one value, or 3 ([d, h, w])"


def test_padding_takes_begin_end_pairs_in_every_rank():
    a = _analyze("- {type: conv1d, out_channels: 2, kernel_size: 3, padding: [1, 2]}", [1, 10])
    assert a.layers[0].output_shape == (2, 11)  # 10 + 1 + 2 − 3 + 1
    a = _analyze("- {type: maxpool3d, kernel_size: 2, padding: [[1, 1], [0, 0], [1, 1]]}", [1, 4, 4, 4])
    assert a.layers[0].output_shape == (1, 3, 2, 3)


def test_expressions_read_the_input_size_of_any_rank():
    a = _analyze("""
        - {type: conv1d, out_channels: $in_channels * 2, kernel_size: $in_length // 10}
        - {type: conv3d, out_channels: 4, kernel_size: 1, when: false}
        """, [4, 100])
    r = a.layers[0]
    assert r.output_shape == (8, 91) and r.args.kernel_size == (10,)


def test_numeric_inputs_have_no_symbols():
    assert _analyze("- relu", [3, 8]).symbols == ()
