"""MobileNetV3-Large and -Small (Howard et al. 2019) against torchvision.models and the paper.

torchvision's weights tables: Large 5,483,032 parameters, 0.217 GFLOPS (multiply-adds); Small
2,542,856 parameters, 0.057 GFLOPS, both at 224×224. Howard et al. Table 1 (Large) and Table 2
(Small) give every layer's input size, expansion size, output channels, SE, non-linearity and
stride; Table 3 the parameters (5.4M, 2.5M). torchvision's Small has no SE on its last 1×1 conv,
which Table 2 marks; the rows below stop before it.
"""

from __future__ import annotations

import pytest

import cnncalc

from ..oracle import torchvision_oracle as tv

MODELS = ["mobilenet_v3_large", "mobilenet_v3_small"]


@pytest.mark.parametrize("name", MODELS)
def test_equals_torchvision(name):
    tv.bundled_equals_torchvision(name)


@pytest.mark.parametrize("name", MODELS)
def test_width_multiplier_equals_torchvision(name):
    a = cnncalc.analyze(cnncalc.load(name, args={"width": 0.75}))
    tv.compare(a, name, width_mult=0.75)


@pytest.mark.parametrize("name", MODELS)
def test_forward_equals_torchvision(name):
    tv.forward_equal(cnncalc.summarize(name, (3, 64, 64)), name)


# Howard et al. 2019, the bneck rows of Table 1 (Large) and Table 2 (Small), one per features.k
# (k = 1, 2, …): (input H = W, input channels, kernel, exp size, #out, SE, NL, s)
TABLE_1 = [
    (112, 16, 3, 16, 16, False, "RE", 1),
    (112, 16, 3, 64, 24, False, "RE", 2),
    (56, 24, 3, 72, 24, False, "RE", 1),
    (56, 24, 5, 72, 40, True, "RE", 2),
    (28, 40, 5, 120, 40, True, "RE", 1),
    (28, 40, 5, 120, 40, True, "RE", 1),
    (28, 40, 3, 240, 80, False, "HS", 2),
    (14, 80, 3, 200, 80, False, "HS", 1),
    (14, 80, 3, 184, 80, False, "HS", 1),
    (14, 80, 3, 184, 80, False, "HS", 1),
    (14, 80, 3, 480, 112, True, "HS", 1),
    (14, 112, 3, 672, 112, True, "HS", 1),
    (14, 112, 5, 672, 160, True, "HS", 2),
    (7, 160, 5, 960, 160, True, "HS", 1),
    (7, 160, 5, 960, 160, True, "HS", 1),
]
TABLE_2 = [
    (112, 16, 3, 16, 16, True, "RE", 2),
    (56, 16, 3, 72, 24, False, "RE", 2),
    (28, 24, 3, 88, 24, False, "RE", 1),
    (28, 24, 5, 96, 40, True, "HS", 2),
    (14, 40, 5, 240, 40, True, "HS", 1),
    (14, 40, 5, 240, 40, True, "HS", 1),
    (14, 40, 5, 120, 48, True, "HS", 1),
    (14, 48, 5, 144, 48, True, "HS", 1),
    (14, 48, 5, 288, 96, True, "HS", 2),
    (7, 96, 5, 576, 96, True, "HS", 1),
    (7, 96, 5, 576, 96, True, "HS", 1),
]
# The rows after the bnecks: the 1×1 conv (7² input, #out), then the 1×1 NBN conv (1², #out) that
# torchvision writes as the linear classifier.0.
TAIL = {"mobilenet_v3_large": (7, 960, 1280), "mobilenet_v3_small": (7, 576, 1024)}


@pytest.mark.parametrize("name,table", [("mobilenet_v3_large", TABLE_1), ("mobilenet_v3_small", TABLE_2)],
                         ids=["table1", "table2"])
def test_bnecks_follow_the_paper(name, table):
    a = cnncalc.summarize(name)
    for k, (size, cin, kernel, exp, out, se, nl, stride) in enumerate(table, start=1):
        block = [r for r in a.layers if r.name.startswith(f"features.{k}.")]
        assert block[0].input_shapes[0] == (cin, size, size), k
        e = 1 if exp != cin else 0  # torchvision omits the 1×1 expansion when it would not widen
        depthwise = a.layer(f"features.{k}.block.{e}.0")
        assert depthwise.weights()["weight"].shape == (exp, 1, kernel, kernel), k
        assert a.layer(f"features.{k}.block.{e}.2").type == {"RE": "relu", "HS": "hardswish"}[nl], k
        assert (a.layer(f"features.{k}.block.{e + 1}.fc1") is not None) == se, k
        assert block[-1].output_shape == (out, size // stride, size // stride), k
    size, conv_out, nbn_out = TAIL[name]
    last = a.layer(f"features.{len(table) + 1}.2")
    assert last.output_shape == (conv_out, size, size)
    assert a.layer("classifier.0").output_shape == (nbn_out,)


# Howard et al. 2019, Table 3: MobileNetV3-Large 1.0 5.4M parameters, -Small 1.0 2.5M; agreement
# within one unit of the last printed digit (torchvision: 5.48M, 2.54M).
@pytest.mark.parametrize("name,millions", [("mobilenet_v3_large", 5.4), ("mobilenet_v3_small", 2.5)])
def test_params_agree_with_table_3(name, millions):
    assert abs(cnncalc.summarize(name).totals.trainable_params / 1e6 - millions) <= 0.1
