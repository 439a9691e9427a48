"""Published figures vs computed ones: the AlexNet slide of seed 002 and GoogLeNet-style K."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import cnncalc
from cnncalc.compare import compare, parse_published


@pytest.mark.parametrize("text,value,resolution", [
    ("159K", 159_000, 1000), ("2.7K", 2_700, 100), ("1.3M", 1_300_000, 100_000), ("3.8G", 3_800_000_000, 10**8),
    (832, 832, 1), ("1,000K", 1_000_000, 1000)])
def test_parse_published(text, value, resolution):
    p = parse_published(text)
    assert p.value(1000) == value
    assert p.resolution * 1000**p.power == resolution


def _verdicts():
    return {(c.row, c.quantity): c for c in compare(cnncalc.summarize("alexnet"))}


def test_alexnet_slide_rows_that_follow_from_the_formulas():
    v = _verdicts()
    for row in ("conv1", "conv2", "conv5", "fc6", "fc7", "fc8"):
        assert v[(row, "params")].verdict == "match", row
        assert v[(row, "macs")].verdict == "match", row
    assert v[("conv1", "macs")].computed == 105_415_200


def test_alexnet_conv3_slide_counts_weights_without_biases():
    c = _verdicts()[("conv3", "params")]
    assert c.verdict == "assumption"
    assert c.explanation == "weights only, biases excluded: 884,736 → 884.7K"


def test_alexnet_conv4_slide_is_the_ungrouped_layer():
    v = _verdicts()
    assert v[("conv4", "params")].computed == 663_936  # two-GPU conv4: 3·3·192·384 + 384
    assert v[("conv4", "params")].explanation == \
        "as if the grouped convs were not grouped (one GPU): 1,327,488 → 1.3M"
    assert v[("conv4", "macs")].explanation == \
        "as if the grouped convs were not grouped (one GPU): 224,280,576 → 224.3M"


def test_alexnet_832M_total_follows_from_no_single_assumption():
    c = _verdicts()[("alexnet", "macs")]
    assert c.verdict == "mismatch"
    assert c.computed == 724_406_816
    assert c.rel_diff == pytest.approx((724_406_816 - 832_000_000) / 832_000_000)


def test_k_1024_is_found_for_googlenet_style_params():
    a = cnncalc.load_string("""
name: inception3a
input: [192, 28, 28]
layers:
  - {type: conv2d, name: b1, out_channels: 64, kernel_size: 1}
  - {type: conv2d, name: b2r, out_channels: 96, kernel_size: 1, inputs: [input]}
  - {type: conv2d, name: b2, out_channels: 128, kernel_size: 3, padding: 1}
  - {type: conv2d, name: b3r, out_channels: 16, kernel_size: 1, inputs: [input]}
  - {type: conv2d, name: b3, out_channels: 32, kernel_size: 5, padding: 2}
  - {type: maxpool2d, name: b4p, kernel_size: 3, stride: 1, padding: 1, inputs: [input]}
  - {type: conv2d, name: b4, out_channels: 32, kernel_size: 1}
  - {type: concat, inputs: [b1, b2, b3, b4]}
published: {params: 159K, macs: 128M}
""")
    (params, macs) = compare(cnncalc.analyze(a))
    # Szegedy et al. 2015, Table 1, inception (3a): 159K params, 128M ops
    assert params.explanation == "weights only, biases excluded, K = 1024: 163,328 → 159.5K"
    assert macs.verdict == "match" and macs.computed == 128_049_152
    assert Fraction(163_328, 1024) == Fraction(159_5, 10)


def test_compare_cli_json(cli):
    data = json.loads(cli("summarize", "alexnet", "--compare", "--format", "json").out)
    rows = {(p["row"], p["quantity"]): p for p in data["published"]}
    assert rows[("conv4", "params")]["verdict"] == "assumption"
    assert rows[("alexnet", "macs")]["published_value"] == 832_000_000
