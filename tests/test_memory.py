"""Memory figures: parameter bytes (Keras' 1.42 MB of seed 000), activations, training estimate."""

from __future__ import annotations

import json

import pytest

import cnncalc
from cnncalc.memory import memory


def test_keras_example_parameter_memory_is_the_summary_of_seed_000():
    m = memory(cnncalc.summarize("keras_example"))
    assert m.param_bytes == 372_234 * 4
    assert round(m.param_bytes / 2**20, 2) == 1.42  # "Total params: 372,234 (1.42 MB)"


def test_activation_bytes_are_every_output_once():
    a = cnncalc.summarize("lenet5")
    m = memory(a, batch=8, dtype="float16")
    elements = sum(_numel(r.output_shape) for r in a.layers)
    assert m.activation_bytes == elements * 8 * 2
    assert m.input_bytes == 32 * 32 * 8 * 2


@pytest.mark.parametrize("optimizer,states", [("sgd", 0), ("momentum", 1), ("adam", 2)])
def test_training_estimate(optimizer, states):
    a = cnncalc.summarize("resnet18")
    m = memory(a, batch=8, dtype="float32", optimizer=optimizer)
    weights = a.totals.params * 4
    grads = a.totals.trainable_params * 4
    assert m.training_bytes == weights + grads + states * grads + m.activation_bytes + m.input_bytes


def test_json_totals_carry_memory(cli):
    data = json.loads(cli("summarize", "vgg16", "--format", "json", "--batch", "2", "--optimizer", "momentum").out)
    mem = data["totals"]["memory"]
    assert mem["parameter_bytes"] == 138_357_544 * 4
    assert mem["batch"] == 2 and mem["optimizer"] == "momentum"
    assert mem["training_bytes"] == (2 * 138_357_544 * 4 + 138_357_544 * 4 + mem["activation_bytes"]
                                     + mem["input_bytes"])


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n
