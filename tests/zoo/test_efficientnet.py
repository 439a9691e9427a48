"""EfficientNet-B0 … B7 (Tan & Le 2019) against torchvision.models.efficientnet_b0 … b7 and the paper.

torchvision's weights tables give num_params and `_ops` (GFLOPS = multiply-adds) for each model,
computed at the weights' eval crop size (224, 240, 288, 300, 380, 456, 528, 600), which is each
variant's input here: B2's `_ops` 1.088 is its count at 288×288 (at the paper's 260 it would be
0.994). Tan & Le Table 1 is the B0 network (stage, operator, input resolution, channels, layers);
Table 2 the family's parameters.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import cnncalc

from ..oracle import torchvision_oracle as tv

MODELS = [f"efficientnet_b{k}" for k in range(8)]


@pytest.mark.parametrize("name", MODELS)
def test_equals_torchvision(name):
    tv.bundled_equals_torchvision(name)


@pytest.mark.parametrize("name", MODELS)
def test_input_is_the_crop_size_of_the_weights(name):
    crop = tv.torchvision().models.get_model_weights(name).DEFAULT.transforms.keywords["crop_size"]
    assert cnncalc.summarize(name).input_shape == (3, crop, crop)


# Tan & Le 2019, Table 1 (EfficientNet-B0 baseline network), rows 1–9:
# (stage i, operator F_i, input resolution H_i × W_i, channels C_i, layers L_i)
TABLE_1 = [
    (1, "Conv3x3", 224, 32, 1),
    (2, "MBConv1, k3x3", 112, 16, 1),
    (3, "MBConv6, k3x3", 112, 24, 2),
    (4, "MBConv6, k5x5", 56, 40, 2),
    (5, "MBConv6, k3x3", 28, 80, 3),
    (6, "MBConv6, k5x5", 14, 112, 3),
    (7, "MBConv6, k5x5", 14, 192, 4),
    (8, "MBConv6, k3x3", 7, 320, 1),
    (9, "Conv1x1 & Pooling & FC", 7, 1280, 1),
]


@pytest.mark.parametrize("stage,operator,resolution,channels,layers", TABLE_1, ids=[f"stage{r[0]}" for r in TABLE_1])
def test_b0_follows_table_1(stage, operator, resolution, channels, layers):
    a = cnncalc.summarize("efficientnet_b0")
    k = stage - 1  # stage i is features.(i − 1)
    members = [r for r in a.layers if r.name.startswith(f"features.{k}.")]
    assert members[0].input_shapes[0][1:] == (resolution, resolution)
    if operator.startswith("MBConv"):
        blocks = sorted({r.name.split(".")[2] for r in members})
        assert len(blocks) == layers
        t, kernel = int(operator[6]), int(operator[-1])
        first = f"features.{k}.0.block"
        depthwise = a.layer(f"{first}.{0 if t == 1 else 1}.0")
        assert depthwise.weights()["weight"].shape[2:] == (kernel, kernel)
        assert depthwise.output_shape[0] == t * members[0].input_shapes[0][0]
    assert members[-1].output_shape[0] == channels


# Tan & Le 2019, Table 2: #Params of EfficientNet-B0 … B7, as printed (millions). A figure agrees
# when it is at most one unit of its last printed digit from torchvision's count (B2: 9.11 M).
TABLE_2_PARAMS = ["5.3", "7.8", "9.2", "12", "19", "30", "43", "66"]


@pytest.mark.parametrize("name,printed", list(zip(MODELS, TABLE_2_PARAMS)), ids=MODELS)
def test_params_agree_with_table_2(name, printed):
    params = Decimal(cnncalc.summarize(name).totals.trainable_params) / 10**6
    assert abs(params - Decimal(printed)) <= Decimal(1).scaleb(Decimal(printed).as_tuple().exponent)


def test_forward_equals_torchvision():
    tv.forward_equal(cnncalc.summarize("efficientnet_b0", (3, 64, 64)), "efficientnet_b0")


def test_forward_b5_uses_its_batch_norm_eps():
    """B5 … B7 normalise with eps 0.001 (b0 … b4: 1e-5); the forward pass sees the difference."""
    tv.forward_equal(cnncalc.summarize("efficientnet_b5", (3, 32, 32)), "efficientnet_b5")
