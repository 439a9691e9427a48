"""The network's depth in the summarize footer and JSON: weighted layers on the longest path, as
the papers count it. Seed 001 (../shared/seeds/001_*.txt): VGGNet "19 capas", GoogLeNet "22 capas"
(counting only layers with parameters, Szegedy et al.); ResNet and DenseNet carry theirs in
their names; LeNet-5's five weighted layers (C1, C3, C5, F6, output)."""

from __future__ import annotations

import json

import pytest

DEPTHS = {"vgg19": 19, "googlenet": 22, "resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101,
          "resnet152": 152, "densenet121": 121, "densenet169": 169, "densenet201": 201, "densenet161": 161,
          "alexnet": 8, "lenet5": 5}


@pytest.mark.parametrize("model", sorted(DEPTHS))
def test_json_totals_carry_the_depth(cli, model):
    res = cli("summarize", model, "--format", "json")
    assert res.code == 0
    assert json.loads(res.out)["totals"]["depth"] == DEPTHS[model]


def test_the_footer_says_the_depth(cli):
    res = cli("summarize", "googlenet")
    (line,) = [ln for ln in res.out.splitlines() if ln.startswith("Depth")]
    assert line.split() == ["Depth", "(conv/linear", "layers,", "longest", "path)", "22"]


def test_auxiliary_heads_are_not_on_the_longest_path(cli):
    """torchvision's GoogLeNet has two auxiliary classifiers off inception 4a and 4d; still 22."""
    res = cli("summarize", "googlenet_torchvision", "--format", "json")
    assert json.loads(res.out)["totals"]["depth"] == 22
