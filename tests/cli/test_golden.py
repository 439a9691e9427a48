"""Golden outputs of `cnncalc summarize` (table and JSON) for two bundled models.

Regenerate after an intended change with `pytest tests/test_golden_cli.py --update-golden`
and review the diff of tests/golden/.
"""

from __future__ import annotations

import json

import pytest

MODELS = ["alexnet", "keras_example"]


@pytest.mark.parametrize("model", MODELS)
def test_table(cli, golden, model):
    res = cli("summarize", model)
    assert res.code == 0
    golden(f"{model}.table.txt", res.out)


@pytest.mark.parametrize("model", MODELS)
def test_table_hwc_columns(cli, golden, model):
    res = cli("summarize", model, "--layout", "hwc", "--columns", "all", "--batch", "8")
    assert res.code == 0
    golden(f"{model}.hwc-all.txt", res.out)


@pytest.mark.parametrize("model", MODELS)
def test_json(cli, golden, model):
    res = cli("summarize", model, "--format", "json")
    assert res.code == 0
    golden(f"{model}.json", res.out)


@pytest.mark.parametrize("model", MODELS)
def test_markdown_and_csv(cli, golden, model):
    for fmt, ext in (("markdown", "md"), ("csv", "csv")):
        res = cli("summarize", model, "--format", fmt)
        assert res.code == 0
        golden(f"{model}.{ext}", res.out)


def test_json_has_exactly_the_documented_shape(cli):
    data = json.loads(cli("summarize", "keras_example", "--format", "json").out)
    assert set(data) == {"command", "ok", "errors", "warnings", "name", "input_shape", "layers", "totals"}
    assert (data["command"], data["ok"], data["errors"]) == ("summarize", True, [])
    assert set(data["totals"]) == {"params", "trainable_params", "non_trainable_params", "macs", "flops", "depth",
                                   "memory"}
    for layer in data["layers"]:
        assert {"name", "type", "inputs", "output_shape", "params", "trainable_params",
                "non_trainable_params", "macs"} <= set(layer)
    assert data["input_shape"] == [1, 28, 28]
    assert data["layers"][0] == {"name": "conv2d", "type": "conv2d", "inputs": ["input"], "output_shape": [64, 26, 26],
                                 "params": 640, "trainable_params": 640, "non_trainable_params": 0,
                                 "macs": 26 * 26 * 64 * 9,
                                 "receptive_field": {"size": [3, 3], "stride": [1, 1], "padding": [0, 0]}}


def test_warnings_go_to_stderr_and_json_stays_clean(cli):
    res = cli("summarize", "keras_example", "--format", "json")
    json.loads(res.out)
    assert "warning[W101]: max_pooling2d_1: (11 − 2 + 0)/2 + 1 = 5.5 → 5" in res.err
