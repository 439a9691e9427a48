"""Keras's automatic layer names for specs written with Keras layer classes (issue 12, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cnncalc import CnnError, load_string
from cnncalc.analysis import analyze
from cnncalc.grading import grade

ROOT = Path(__file__).resolve().parent.parent

# Seed 000 ("Ejemplo", Universidad ORT Uruguay): the Keras functional model
#   inputs = keras.Input(shape=(28, 28, 1))
#   Conv2D(filters=64, kernel_size=3, activation="relu") → MaxPooling2D(pool_size=2) → Conv2D(128, 3, relu)
#   → MaxPooling2D(2) → Conv2D(256, 3, relu) → GlobalAveragePooling2D() → Dense(10, activation="softmax")
# and its model.summary(): (layer, output shape without the batch, Param #). Total params: 372,234.
SEED_000_SUMMARY = [
    ("conv2d", (26, 26, 64), 640),
    ("max_pooling2d", (13, 13, 64), 0),
    ("conv2d_1", (11, 11, 128), 73_856),
    ("max_pooling2d_1", (5, 5, 128), 0),
    ("conv2d_2", (3, 3, 256), 295_168),
    ("global_average_pooling2d", (256,), 0),
    ("dense", (10,), 2_570),
]
SEED_000_TOTAL = 372_234

SEED_000_SPEC = """
name: seed000
input: [1, 28, 28]
layers:
  - {type: Conv2D, filters: 64, kernel_size: 3, activation: relu}
  - {type: MaxPooling2D, pool_size: 2}
  - {type: Conv2D, filters: 128, kernel_size: 3, activation: relu}
  - {type: MaxPooling2D, pool_size: 2}
  - {type: Conv2D, filters: 256, kernel_size: 3, activation: relu}
  - GlobalAveragePooling2D
  - {type: Dense, units: 10, activation: softmax}
"""


def _hwc(shape: tuple) -> tuple:
    return (*shape[1:], shape[0]) if len(shape) > 1 else shape


def _keras_rows(analysis) -> list:
    """The layers Keras's summary lists: the `activation:` shortcut's layers (conv2d_relu) are part of theirs."""
    return [(r.name, _hwc(r.output_shape), r.params) for r in analysis.layers
            if not (r.op.activation and r.name.startswith(f"{r.inputs[0]}_"))]


def test_unnamed_keras_layers_get_the_names_of_seed_000s_model_summary():
    a = analyze(load_string(SEED_000_SPEC))
    assert a.ok
    assert _keras_rows(a) == SEED_000_SUMMARY
    assert a.totals.params == SEED_000_TOTAL


def test_the_bundled_keras_example_needs_no_names():
    """architectures/keras_example.yaml names every layer as Keras does; without the names they are the same."""
    text = (ROOT / "architectures" / "keras_example.yaml").read_text(encoding="utf-8")
    unnamed = re.sub(r", name: [a-z_0-9]+|name: [a-z_0-9]+, ", "", text.split("\nlayers:", 1)[1])
    assert "name:" not in unnamed
    a = analyze(load_string("name: k\ninput: [1, 28, 28]\nlayers:" + unnamed))
    assert _keras_rows(a) == SEED_000_SUMMARY


def test_keras_counts_per_class_across_the_model_and_names_shared_classes_the_keras_way():
    # Keras: Dense -> dense, dense_1; BatchNormalization -> batch_normalization; Flatten -> flatten,
    # Dropout -> dropout, dropout_1; Conv2DTranspose -> conv2d_transpose (snake_case of the class)
    a = analyze(load_string("""
name: k
input: [3, 8, 8]
layers:
  - {type: Conv2D, filters: 4, kernel_size: 3}
  - BatchNormalization
  - {type: Conv2DTranspose, filters: 4, kernel_size: 3}
  - {type: Conv2D, filters: 4, kernel_size: 3}
  - Flatten
  - {type: Dropout, rate: 0.5}
  - {type: Dense, units: 8}
  - {type: Dropout, rate: 0.5}
  - {type: Dense, units: 2}
"""))
    assert [r.name for r in a.layers] == ["conv2d", "batch_normalization", "conv2d_transpose", "conv2d_1",
                                          "flatten", "dropout", "dense", "dropout_1", "dense_1"]


def test_keras_aliases_are_named_after_the_class_keras_makes():
    # keras.layers.MaxPool2D is MaxPooling2D and Convolution2D is Conv2D: summary() says max_pooling2d, conv2d
    a = analyze(load_string("""
name: k
input: [3, 8, 8]
layers:
  - {type: Convolution2D, filters: 4, kernel_size: 3}
  - {type: MaxPool2D, pool_size: 2}
  - {type: Conv2D, filters: 4, kernel_size: 3, padding: same}
"""))
    assert [r.name for r in a.layers] == ["conv2d", "max_pooling2d", "conv2d_1"]


def test_pytorch_and_cnncalc_spellings_keep_their_numbering():
    a = analyze(load_string("""
name: t
input: [3, 8, 8]
layers:
  - {type: Conv2d, out_channels: 4, kernel_size: 3}
  - {type: conv2d, out_channels: 4, kernel_size: 3}
  - Flatten
  - {type: Dropout, p: 0.5}
  - {type: Linear, out_features: 2}
"""))
    assert [r.name for r in a.layers] == ["conv2d_1", "conv2d_2", "flatten_1", "dropout_1", "linear_1"]


def test_keras_names_inside_repeats_and_blocks_count_across_the_network():
    a = analyze(load_string("""
name: k
input: [3, 16, 16]
blocks:
  stage:
    layers:
      - {type: Conv2D, filters: 4, kernel_size: 3, padding: same}
      - {type: MaxPooling2D, pool_size: 2}
layers:
  - {type: Conv2D, filters: 4, kernel_size: 3, padding: same, repeat: 2}
  - {block: stage, name: s1}
  - {block: stage, name: s2}
"""))
    assert [r.name for r in a.layers] == ["conv2d", "conv2d_1", "s1.conv2d_2", "s1.max_pooling2d",
                                          "s2.conv2d_3", "s2.max_pooling2d_1"]


def test_an_explicit_name_is_not_taken_again():
    a = analyze(load_string("""
name: k
input: [3, 8, 8]
layers:
  - {type: Conv2D, filters: 4, kernel_size: 3, padding: same}
  - {type: Conv2D, name: conv2d_1, filters: 4, kernel_size: 3, padding: same}
  - {type: Conv2D, filters: 4, kernel_size: 3, padding: same}
"""))
    assert [r.name for r in a.layers] == ["conv2d", "conv2d_1", "conv2d_2"]


def _diagnostics(path: str) -> list:
    with pytest.raises(CnnError) as e:
        grade(path)
    return e.value.diagnostics


def test_a_sheet_numbering_keras_layers_from_1_is_told_the_layer_meant(spec_file):
    path = spec_file("""
model: keras_example
answers:
  conv2d_3: {output_shape: 3x3x256, params: 295168}
""", "sheet.yaml")
    (d,) = _diagnostics(path)
    assert (d.code, d.message) == ("E106", "no layer or block row named 'conv2d_3' in keras_example")
    assert d.hint == "Keras numbers layers from conv2d, conv2d_1: did you mean conv2d_2?"


def test_a_sheet_using_keras_names_on_a_pytorch_spec_is_told_the_layer_meant(spec_file):
    spec_file("""
name: t
input: [3, 8, 8]
layers:
  - {type: conv2d, out_channels: 4, kernel_size: 3}
  - {type: conv2d, out_channels: 4, kernel_size: 3}
""", "t.yaml")
    path = spec_file("model: t.yaml\nanswers:\n  conv2d: {params: 112}\n", "sheet.yaml")
    (d,) = _diagnostics(path)
    assert (d.code, d.message) == ("E106", "no layer or block row named 'conv2d' in t")
    assert d.hint == ("layers written with cnncalc's or PyTorch's types are numbered from conv2d_1 (Keras's from "
                      "conv2d, for Keras classes such as Conv2D): did you mean conv2d_1?")


def test_the_slides_names_grade_the_seed_000_model(cli, spec_file):
    spec_file(SEED_000_SPEC, "seed000.yaml")
    answers = "".join(f"  {name}: {{params: {params}}}\n" for name, _, params in SEED_000_SUMMARY)
    path = spec_file(f"model: seed000.yaml\nanswers:\n{answers}  totals: {{params: {SEED_000_TOTAL}}}\n",
                     "sheet.yaml")
    res = cli("check", path)
    assert res.code == 0, res.out + res.err
    assert "Score: 8/8 (100%)" in res.out
