"""1-D and 3-D networks through every command: the raw-waveform M5 (Dai et al. 2017) and the
video C3D (Tran et al. 2015) from examples/, and one-layer calculators taking their rank
from --input. Sizes are the papers' (M5 Table 1: 8000 → 2000 → 500 → 125 → 31; C3D §3.3:
pool5 512×1×4×4 = 8,192 features); parameter counts are PyTorch's (tests/oracle checks
the same specs against torch builds)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
M5, C3D = str(EXAMPLES / "audio_m5.yaml"), str(EXAMPLES / "video_c3d.yaml")


def test_m5_sizes_follow_table_1(cli):
    data = json.loads(cli("summarize", M5, "-f", "json").out)
    sizes = {r["name"]: r["output_shape"] for r in data["layers"]}
    assert [sizes[n] for n in ("conv1", "pool1", "pool2", "pool3", "pool4", "gap", "fc")] == [
        [128, 8000], [128, 2000], [128, 500], [256, 125], [512, 31], [512], [10]]
    assert data["totals"]["trainable_params"] == 559_114  # the paper's "0.5M"
    rf = {r["name"]: r["receptive_field"] for r in data["layers"]}
    assert rf["conv1"] == {"size": [80], "stride": [4], "padding": [38]}


def test_m5_warns_about_the_dropped_sample_of_pool4(cli):
    res = cli("validate", M5)
    assert res.code == 0
    assert "warning[W101]: pool4: (125 − 4 + 0)/4 + 1 = 31.25 → 31: the last position of the input is never " \
           "covered" in res.err


def test_c3d_keeps_16_frames_through_pool1_and_flattens_8192(cli):
    data = json.loads(cli("summarize", C3D, "-f", "json").out)
    sizes = {r["name"]: r["output_shape"] for r in data["layers"]}
    assert sizes["pool1"] == [64, 16, 56, 56]
    assert sizes["pool5"] == [512, 1, 4, 4] and sizes["flatten"] == [8192]
    assert data["totals"]["params"] == 79_991_015
    assert sizes["fc8"] == [487]


def test_every_format_renders_both_ranks(cli):
    for spec in (M5, C3D):
        table = cli("summarize", spec)
        assert table.code == 0 and "Total params" in table.out
        md = cli("summarize", spec, "-f", "markdown", "--layout", "hwc").out
        assert md.splitlines()[2].startswith("| Layer | Type | Output shape |")
        rows = list(csv.DictReader(io.StringIO(cli("summarize", spec, "-f", "csv", "--columns", "all").out)))
        assert rows[0]["name"] and rows[0]["kernel"] and rows[0]["rf"]
    assert "input 16×112×112×3 (D×H×W×C)" in cli("summarize", C3D, "--layout", "hwc").out
    assert "input 32000×1 (L×C)" in cli("summarize", M5, "--layout", "hwc").out


def test_explain_writes_each_dimension(cli):
    out = cli("explain", C3D, "pool1").out
    assert "O_d = ⌊(16 − 1 + 2·0)/1⌋ + 1 = 16" in out
    assert "O_h = O_w = ⌊(112 − 2 + 2·0)/2⌋ + 1 = 56" in out
    assert "r_h = r_w = 3 + (2 − 1)·1 = 4" in out
    out = cli("explain", M5, "conv1").out
    assert "O = ⌊(32000 − 80 + 2·38)/4⌋ + 1 = 8000" in out
    assert "params  (80·1)·128 + 128 = 10,368" in out


def test_verify_runs_1d_and_3d(cli):
    res = cli("verify", M5, "-f", "json")
    assert res.code == 0 and json.loads(res.out)["ok"]
    res = cli("verify", C3D, "--input", "3x8x32x32", "-f", "json")
    data = json.loads(res.out)
    assert res.code == 0 and data["ok"] and data["layers"][-1]["actual_shape"] == [487], res.err


def test_memory_counts_every_output_of_a_1d_net(cli):
    mem = json.loads(cli("summarize", M5, "-f", "json").out)["totals"]["memory"]
    # conv1, bn1, relu1 128·8000 each; pool1 … : 3·128·8000 + 128·2000·4 + 128·500 + 3·256·500 + 256·125
    #   + 3·512·125 + 512·31 + 512 + 10
    elements = 3 * 128 * 8000 + 128 * 2000 * 4 + 128 * 500 + 3 * 256 * 500 + 256 * 125 + 3 * 512 * 125 \
        + 512 * 31 + 512 + 10
    assert mem["activation_bytes"] == 4 * elements


def test_check_grades_1d_answers(cli, tmp_path):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(f"model: {M5}\nanswers:\n"
                     "  conv1: {output_shape: 8000x128, params: 10368, receptive_field: 80}\n"
                     "  pool4: {output_shape: 31x512}\n"
                     "  conv4: {output_shape: [512, 125]}\n"
                     "  pool1: {output_shape: 128x2000}\n", encoding="utf-8")
    res = cli("check", str(sheet), "--models-dir", str(Path(M5).parent))  # the spec is not beside the sheet
    assert res.code == 1
    assert "✓ conv1 receptive_field  size 80" in res.out
    assert "✗ pool1 output_shape     128×2000  → right: 2000×128" in res.out
    assert "hint: this sheet reads AxB as L×C; the answer is right read as C×L" in res.out


@pytest.mark.parametrize("argv,shape,op", [
    (["conv", "--input", "1x32000", "--kernel", "80", "--stride", "4", "--filters", "128"], [128, 7981], "conv1d"),
    (["conv", "--input", "3x16x112x112", "--filters", "64", "--kernel", "3", "--padding", "1"],
     [64, 16, 112, 112], "conv3d"),
    (["pool", "--input", "64x16x112x112", "--kernel", "1,2,2"], [64, 16, 56, 56], "maxpool3d"),
    (["pool", "--input", "8x100", "--kernel", "4", "--kind", "avg"], [8, 25], "avgpool1d"),
    (["conv-transpose", "--input", "8x10", "--kernel", "4", "--stride", "2", "--padding", "1"], [1, 20],
     "conv_transpose1d"),
])
def test_calculators_take_the_rank_from_the_input(cli, argv, shape, op):
    res = cli(*argv, "--format", "json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data["type"] == op and data["output_shape"] == shape


def test_conv_without_filters_says_it_assumed_one(cli):
    out = cli("conv", "--input", "1x32000", "--kernel", "80", "--stride", "4").out
    assert out.splitlines()[:2] == ["input read as C×L = 1x32000 (C = 1, L = 32000); --layout hwc to read it as L×C",
                                    "no --filters given: one filter (K = 1)"]
    assert "O = ⌊(32000 − 80 + 2·0)/4⌋ + 1 = 7981" in out


def test_symbolic_sizes_in_1d_and_3d(cli, spec_file):
    pytest.importorskip("sympy")
    path = spec_file("""
        name: seq
        input: [1, 16000]
        layers:
          - {type: conv1d, out_channels: 8, kernel_size: 5, stride: 2}
          - {type: maxpool1d, kernel_size: 2}
        """)
    data = json.loads(cli("summarize", path, "--input", "1xL", "-f", "json").out)
    assert data["symbols"] == ["L"]
    assert data["layers"][0]["output_shape"] == [8, "⌊(L − 5)/2⌋ + 1"]
    res = cli("validate", path, "--input", "1xL")
    assert res.code == 0
    assert "L ≥ 7: every layer's output is ≥ 1" in res.out
    # conv: L − 5 even; pool: ⌊(L − 5)/2⌋ + 1 even, so L − 5 ≡ 2 (mod 4)
    assert "L ≡ 3 (mod 4): no division floors; the smallest such L is 7" in res.out
    res = cli("validate", C3D, "--input", "3xDxHxW")
    assert "D ≥ 8: every layer's output is ≥ 1" in res.out
    assert "H ≥ 16: every layer's output is ≥ 1" in res.out


def test_model_arguments_from_the_command_line(cli):
    # torchvision resnext101_32x8d: 88,791,336 parameters (its weights table); depths as a list in two spellings
    for depths in ("[3,4,23,3]", "3,4,23,3"):
        res = cli("summarize", "resnext50_32x4d", "--arg", f"depths={depths}", "--arg", "width_per_group=8",
                  "-f", "json")
        assert res.code == 0, res.err
        assert json.loads(res.out)["totals"]["trainable_params"] == 88_791_336
    res = cli("summarize", "resnext50_32x4d", "--arg", "depht=3")
    assert res.code == 2 and "--arg: error[E004]: resnext50_32x4d has no argument 'depht'" in res.err
    assert "did you mean 'depths'?" in res.err
