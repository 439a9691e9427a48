"""Channels first or last: hints for an input given the other way round, --layout, and answer sheets
(issue 12, item 4). AlexNet's input is 227×227×3 (H×W×C, seed 000's table; 3×227×227 channels first),
its conv1 gives 55×55×96 with (11·11·3)·96 + 96 = 34,944 parameters, 60,965,224 in all (the paper's
two-GPU network)."""

from __future__ import annotations

import re

import pytest

from cnncalc import CnnError
from cnncalc.grading import grade


def test_summarize_input_channels_last_says_to_swap_it_or_pass_layout_hwc(cli):
    res = cli("summarize", "alexnet", "--input", "227x227x3")
    assert res.code == 1
    assert res.err.splitlines() == [
        "alexnet.yaml:20:64: error[E201]: conv1: kernel width 11 is larger than the padded input width 3 + 0 = 3",
        "    hint: the input 227×227×3 looks channels-last: write it as 3x227x227, or pass --layout hwc; "
        "otherwise use a smaller kernel_size, or padding ≥ 4 on each side",
    ]


def test_layout_hwc_reads_the_input_channels_last(cli):
    res = cli("summarize", "alexnet", "--input", "227x227x3", "--layout", "hwc")
    assert res.code == 0, res.err
    assert res.out.splitlines()[0] == "alexnet — input 227×227×3 (H×W×C)"
    assert re.search(r"^Total params.* 60,965,224$", res.out, re.M)


def test_the_help_says_layout_also_reads_input(cli):
    text = " ".join(cli("summarize", "--help").out.split())
    assert ("--layout <chw|hwc> Channels first (chw: C×H×W, PyTorch) or last (hwc: H×W×C, papers and Keras), "
            "both for the shapes shown and for reading --input (hwc reads 227x227x3).") in text
    assert "(channels last with --layout hwc: 224x224x3)" in text


KERAS_28x28x1 = """
name: mnist
input: [28, 28, 1]
layers:
  - {type: Conv2D, filters: 64, kernel_size: 3, activation: relu}
  - {type: MaxPooling2D, pool_size: 2}
"""


def test_spec_input_channels_last_says_to_write_it_channels_first(cli, spec_file):
    path = spec_file(KERAS_28x28x1)
    res = cli("summarize", path)
    assert res.code == 1
    assert res.err.splitlines() == [
        f"{path}:4:46: error[E201]: conv2d: kernel width 3 is larger than the padded input width 1 + 0 = 1",
        "    hint: the input 28×28×1 looks channels-last: write input: [1, 28, 28] (cnncalc reads C, H, W); "
        "otherwise use a smaller kernel_size, or padding ≥ 1 on each side",
    ]
    fixed = spec_file(KERAS_28x28x1.replace("[28, 28, 1]", "[1, 28, 28]"), "fixed.yaml")
    assert cli("summarize", fixed).code == 0


def test_a_declared_in_channels_that_matches_the_last_size_gives_the_hint(cli, spec_file):
    path = spec_file("""
name: t
input: [32, 32, 8]
layers:
  - {type: conv2d, in_channels: 8, out_channels: 16, kernel_size: 3}
""")
    res = cli("validate", path)
    assert res.code == 1
    assert (f"{path}:4:33: error[E203]: conv2d_1: in_channels is 8 but the input has 32 channels\n"
            f"    hint: the input 32×32×8 looks channels-last: write input: [8, 32, 32] (cnncalc reads C, H, W); "
            f"otherwise set in_channels: 32, or remove it (it is inferred)") in res.err


def test_no_layout_hint_for_an_input_that_reads_channels_first(cli, spec_file):
    path = spec_file("""
name: t
input: [3, 4, 4]
layers:
  - {type: conv2d, out_channels: 4, kernel_size: 5}
""")
    res = cli("validate", path)
    assert res.code == 1
    assert "kernel height 5 is larger than the padded input height 4" in res.err
    assert "channels-last" not in res.err


def test_a_sheet_reads_its_input_in_its_layout_like_its_answers(cli, spec_file):
    path = spec_file("""
model: alexnet
input: 227x227x3
answers:
  conv1: {output_shape: 55x55x96, params: 34944}
  pool1: {output_shape: 27x27x96}
  totals: {params: 60965224}
""", "sheet.yaml")
    res = cli("check", path)
    assert res.code == 0, res.out + res.err
    assert "Score: 4/4 (100%)" in res.out


@pytest.mark.parametrize("sheet", [
    "layout: chw\ninput: 3x227x227\nanswers:\n  conv1: {output_shape: 96x55x55}\n",
    "input: [3, 227, 227]\nanswers:\n  conv1: {output_shape: 55x55x96}\n",
])
def test_a_chw_sheet_and_a_list_input_read_channels_first(cli, spec_file, sheet):
    res = cli("check", spec_file("model: alexnet\n" + sheet, "sheet.yaml"))
    assert res.code == 0, res.out + res.err


def test_a_sheet_input_written_the_other_way_round_says_the_fix(spec_file):
    path = spec_file("model: alexnet\ninput: 3x227x227\nanswers:\n  conv1: {output_shape: 55x55x96}\n",
                     "sheet.yaml")
    with pytest.raises(CnnError) as e:
        grade(path)
    (d,) = e.value.diagnostics
    assert (d.code, d.message) == ("E201", "conv1: kernel height 11 is larger than the padded input height 3 + 0 = 3")
    assert d.hint == ("this sheet reads input: 3x227x227 as H×W×C (layout: hwc, as its answers); write 227x227x3, "
                      "or [3, 227, 227] (a list is channels first), or set layout: chw; otherwise use a smaller "
                      "kernel_size, or padding ≥ 4 on each side")
