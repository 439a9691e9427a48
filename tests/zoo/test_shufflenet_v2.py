"""ShuffleNetV2 (Ma et al. 2018) against torchvision.models.shufflenet_v2_x* and the paper.

torchvision's weights tables (num_params, GFLOPS = multiply-adds at 224×224):
x0_5 1,366,792, 0.04; x1_0 2,278,604, 0.145; x1_5 3,503,624, 0.296; x2_0 7,393,996, 0.583
(`_ops` is printed to three decimals; x0_5's 0.040 shows as 0.04).
Ma et al. 2018, Table 5 (overall architecture of ShuffleNet v2, four complexity levels):
output sizes Conv1 112, MaxPool 56, Stage2 28, Stage3 14, Stage4 7, Conv5 7; output channels
Conv1 24; Stage2 48/116/176/244; Stage3 96/232/352/488; Stage4 192/464/704/976;
Conv5 1024/1024/1024/2048; repeats 1 + 3, 1 + 7, 1 + 3; FLOPs 41M/146M/299M/591M;
# of weights 1.4M/2.3M/3.5M/7.4M.
"""

from __future__ import annotations

import pytest

import cnncalc

from ..oracle import torchvision_oracle as tv

# Table 5, per column: (Stage2, Stage3, Stage4, Conv5) output channels, FLOPs in M, weights in M
TABLE_5 = {
    "shufflenet_v2_x0_5": ((48, 96, 192, 1024), 41, 1.4),
    "shufflenet_v2_x1_0": ((116, 232, 464, 1024), 146, 2.3),
    "shufflenet_v2_x1_5": ((176, 352, 704, 1024), 299, 3.5),
    "shufflenet_v2_x2_0": ((244, 488, 976, 2048), 591, 7.4),
}
MODELS = sorted(TABLE_5)


@pytest.fixture(scope="module", params=MODELS)
def model(request):
    return request.param, cnncalc.summarize(request.param)


def test_sizes_and_channels_follow_table_5(model):
    name, a = model
    shapes = {r.name: r.output_shape for r in a.layers}
    stages, _, _ = TABLE_5[name]
    # Table 5: Conv1 24×112×112, MaxPool 56×56; each stage ends at its last unit's shuffle
    assert shapes["conv1.2"] == (24, 112, 112)
    assert shapes["maxpool"] == (24, 56, 56)
    assert shapes["stage2.3.shuffle"] == (stages[0], 28, 28)
    assert shapes["stage3.7.shuffle"] == (stages[1], 14, 14)
    assert shapes["stage4.3.shuffle"] == (stages[2], 7, 7)
    assert shapes["conv5.2"] == (stages[3], 7, 7)
    assert shapes["globalpool"] == (stages[3],)           # GlobalPool 7×7
    assert a.output_shape == (1000,)                       # FC 1000


def test_repeats_follow_table_5(model):
    _, a = model
    units = {r.name.split(".")[0]: set() for r in a.layers if r.name.startswith("stage")}
    for r in a.layers:
        if r.name.startswith("stage"):
            units[r.name.split(".")[0]].add(int(r.name.split(".")[1]))
    # Table 5, column "Repeat": 1 + 3, 1 + 7, 1 + 3 units; the first of each has stride 2
    assert {k: len(v) for k, v in units.items()} == {"stage2": 4, "stage3": 8, "stage4": 4}


def test_weights_follow_table_5(model):
    name, a = model
    _, flops, weights = TABLE_5[name]
    assert round(a.totals.trainable_params / 1e6, 1) == weights
    # Table 5's FLOPs are 0.7–1.3% above the conv and linear multiply-adds, for every column
    # (torchvision's _ops agree with the latter); the paper does not say what else it counts.
    assert 0.985 < a.totals.macs / (flops * 1e6) < 1.0


def test_equals_torchvision(model):
    name, a = model
    tv.compare(a, name)
    assert round(a.totals.macs / 1e9, 3) == tv.published_ops(name)


@pytest.mark.parametrize("name", ["shufflenet_v2_x0_5", "shufflenet_v2_x2_0"])
def test_forward_equals_torchvision(name):
    tv.forward_equal(cnncalc.summarize(name, (3, 64, 64)), name)
