"""`cnncalc check`: the shipped answer sheets (right and deliberately wrong) and the sheet format."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_right_sheets_exit_0(cli):
    for sheet in ("homework_alexnet.yaml", "homework_keras.yaml", "seed003_two_filters.yaml"):
        res = cli("check", str(EXAMPLES / sheet))
        assert res.code == 0, res.out + res.err
        assert "✗" not in res.out


def test_wrong_sheet_exits_1_and_names_each_wrong_answer_with_its_right_value(cli):
    res = cli("check", str(EXAMPLES / "homework_alexnet_wrong.yaml"), "--format", "json")
    assert res.code == 1
    data = json.loads(res.out)
    wrong = {(a["layer"], a["quantity"]): a for a in data["answers"] if not a["correct"]}
    assert set(wrong) == {("conv1", "params"), ("conv1", "macs"), ("pool1", "output_shape"), ("conv2", "params"),
                          ("flatten", "output_shape"), ("totals", "params")}
    assert wrong[("conv1", "params")]["expected"] == 34_944
    assert wrong[("conv1", "params")]["formula"] == "params = (11·11·3)·96 + 96 = 34,944"
    assert wrong[("conv1", "params")]["hint"] == "your number matches another convention: weights only, biases excluded"
    assert wrong[("conv2", "params")]["expected"] == 307_456
    assert "not grouped" in wrong[("conv2", "params")]["hint"]
    assert wrong[("pool1", "output_shape")]["expected"] == [96, 27, 27]
    assert wrong[("flatten", "output_shape")]["expected"] == [9216]
    assert wrong[("totals", "params")]["expected"] == 60_965_224
    assert data["score"] == {"right": 3, "total": 9}


def test_text_output_shows_score_and_formula(cli):
    res = cli("check", str(EXAMPLES / "homework_alexnet_wrong.yaml"))
    assert "✗ conv1 params          34,848  → right: 34,944   (line 8)" in res.out
    assert "O_h = O_w = ⌊(55 − 3 + 2·0)/2⌋ + 1 = 27" in res.out
    assert res.out.rstrip().endswith("Score: 3/9 (33%) — not all answers are right")


def test_sheet_errors_point_at_the_line(cli, spec_file):
    path = spec_file("""
model: alexnet
answers:
  conv1: {params: 34944, parms: 1}
  convv1: {params: 1}
""", "sheet.yaml")
    res = cli("check", path)
    assert res.code == 1
    assert f"{path}:3:26: error[E102]: 'parms' is not something cnncalc grades" in res.err
    assert f"{path}:4:3: error[E106]: no layer named 'convv1' in alexnet" in res.err


def test_layout_chw_and_list_shapes(cli, spec_file):
    path = spec_file("""
model: alexnet
layout: chw
answers:
  conv1: {output_shape: 96x55x55}
  pool1: {output_shape: [96, 27, 27]}
""", "sheet.yaml")
    assert cli("check", path).code == 0
