"""`cnncalc validate`: the one line a design check prints, and its exit code."""

from __future__ import annotations


def test_the_line_gives_the_trainable_count_beside_the_total(cli):
    # torchvision mobilenet_v2: num_params 3,504,872 (trainable); its BatchNorms also hold
    # 2 × 17,056 running statistics; _ops 0.301 GFLOPS
    res = cli("validate", "mobilenet_v2")
    assert res.code == 0
    assert res.out == ("mobilenet_v2: valid — 153 layers, output 1000, 3,538,984 params incl. 34,112 non-trainable "
                       "(3,504,872 trainable), "
                       "300,774,272 MACs\n")


def test_without_buffers_the_line_says_all_are_trainable(cli):
    # LeNet-5 of the seeds: 61,706 parameters, no buffers
    res = cli("validate", "lenet5")
    assert res.code == 0 and res.out == ("lenet5: valid — 12 layers, output 10, 61,706 params (all trainable), "
                                            "416,520 MACs\n")
