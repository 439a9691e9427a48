"""Invariants that hold for every bundled model: rows add up to the footer and JSON totals."""

from __future__ import annotations

import json

import pytest

import cnncalc
from cnncalc.zoo import bundled_names


@pytest.mark.parametrize("model", bundled_names())
def test_rows_sum_to_totals(model):
    a = cnncalc.summarize(model)
    assert a.ok
    t = a.totals
    assert sum(r.params for r in a.layers) == t.params
    assert sum(r.trainable for r in a.layers) == t.trainable_params
    assert sum(r.non_trainable for r in a.layers) == t.non_trainable_params
    assert t.params == t.trainable_params + t.non_trainable_params
    assert sum(r.macs for r in a.layers) == t.macs
    assert t.flops == 2 * t.macs


@pytest.mark.parametrize("model", ["alexnet", "vgg16", "keras_example", "lenet5"])
def test_table_footer_equals_the_sum_of_its_rows(cli, model):
    res = cli("summarize", model, "--format", "csv")
    lines = res.out.strip().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    data = json.loads(cli("summarize", model, "--format", "json").out)
    assert sum(int(r["params"]) for r in rows) == data["totals"]["params"]
    assert sum(int(r["macs"]) for r in rows) == data["totals"]["macs"]
    table = cli("summarize", model).out
    assert f"Total params {data['totals']['params']:,}".split() == \
        [ln for ln in table.splitlines() if ln.startswith("Total params")][0].split()
