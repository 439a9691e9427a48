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
    # LeNet-5's outputs (LeCun et al. 1998 Fig. 2, tanh after c1, c3, c5, f6): c1 and its tanh 2·6·28·28,
    # s2 6·14·14, c3 and tanh 2·16·10·10, s4 and the flatten 2·16·5·5, c5 and tanh 2·120, f6 and tanh 2·84,
    # output 10: 15,002 elements
    m = memory(cnncalc.summarize("lenet5"), batch=8, dtype="float16")
    assert m.activation_bytes == 15_002 * 8 * 2
    assert m.input_bytes == 32 * 32 * 8 * 2


@pytest.mark.parametrize("optimizer,states", [("sgd", 0), ("momentum", 1), ("adam", 2)])
def test_training_estimate(optimizer, states):
    # torchvision resnet18: 11,689,512 parameters; BN running mean and variance 2·4,800 = 9,600
    m = memory(cnncalc.summarize("resnet18"), batch=8, dtype="float32", optimizer=optimizer)
    weights = (11_689_512 + 9_600) * 4
    grads = 11_689_512 * 4
    assert m.training_bytes == weights + grads + states * grads + m.activation_bytes + m.input_bytes


def test_json_totals_carry_memory(cli):
    data = json.loads(cli("summarize", "vgg16", "--format", "json", "--batch", "2", "--optimizer", "momentum").out)
    mem = data["totals"]["memory"]
    assert mem["parameter_bytes"] == 138_357_544 * 4
    assert mem["batch"] == 2 and mem["optimizer"] == "momentum"
    assert mem["training_bytes"] == (2 * 138_357_544 * 4 + 138_357_544 * 4 + mem["activation_bytes"]
                                     + mem["input_bytes"])

