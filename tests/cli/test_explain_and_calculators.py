"""Worked formulas (explain) and the one-off calculators, on the worked examples of the seeds."""

from __future__ import annotations

import json


def test_explain_alexnet_conv1_as_a_student_writes_it(cli):
    res = cli("explain", "alexnet", "conv1")
    assert res.code == 0
    assert "O_h = O_w = ⌊(227 − 11 + 2·0)/4⌋ + 1 = 55" in res.out
    assert "params  (11·11·3)·96 + 96 = 34,944" in res.out
    assert "MACs    55·55·96·(11·11·3) = 105,415,200" in res.out
    assert "field   r = 1 + (11 − 1)·1 = 11, S = 1·4 = 4, P = 0 + 0·1 = 0" in res.out


def test_explain_grouped_conv_and_linear(cli):
    out = cli("explain", "alexnet", "conv2").out
    assert "params  (5·5·96/2)·256 + 256 = 307,456" in out
    out = cli("explain", "alexnet", "fc6").out
    assert "params  9216·4096 + 4096 = 37,752,832" in out


def test_explain_a_unet_crop(cli):
    # Ronneberger et al. 2015, Fig. 1: the 64×64 map of the 4th level cropped to 56×56, 4 pixels
    # off each side. Its field: four unpadded 3×3 convs per level and three 2×2 pools give
    # r = 68, S = 8 (Araujo et al.'s recurrence); cropping 4 of those pixels moves P by 4·8.
    out = cli("explain", "unet", "up1.crop").out
    assert "input   512×64×64 (from down4.relu2), 512×56×56 (the size of up1.upconv)" in out
    assert "field   r = 68 + (1 − 1)·8 = 68, S = 8·1 = 8, P = 0 − 4·8 = -32" in out


def test_explain_unknown_layer_is_a_usage_error(cli):
    res = cli("explain", "alexnet", "conv9")
    assert res.code == 2
    assert "no layer named 'conv9' in alexnet" in res.err and "did you mean 'conv5'?" in res.err


def _conv(cli, *args):
    res = cli("conv", *args, "--format", "json")
    assert res.code == 0, res.err
    return json.loads(res.out)


def test_course_example_stride_1_2_and_3(cli):
    # CS231n / seed 002: I = 5, F = 3, P = 1: (5 − 3 + 2)/1 + 1 = 5, (5 − 3 + 2)/2 + 1 = 3,
    # and stride 3 gives (5 − 3 + 2)/3 + 1 = 2.33: does not fit
    s1 = _conv(cli, "--input", "5x5x1", "--filters", "1", "--kernel", "3", "--padding", "1", "--stride", "1")
    s2 = _conv(cli, "--input", "5x5x1", "--filters", "1", "--kernel", "3", "--padding", "1", "--stride", "2")
    s3 = _conv(cli, "--input", "5x5x1", "--filters", "1", "--kernel", "3", "--padding", "1", "--stride", "3")
    assert s1["output_shape"] == [1, 5, 5] and not s1["warnings"]
    assert s2["output_shape"] == [1, 3, 3] and not s2["warnings"]
    assert s3["output_shape"] == [1, 2, 2]
    (w,) = s3["warnings"]
    assert w["severity"] == "warning" and w["code"] == "W101"
    assert w["message"] == ("conv2d_1: (5 − 3 + 2·1)/3 + 1 = 2.33 → 2: the stride does not fit; "
                            "row and column of padding left over")


def test_cs231n_example_w10_f3_p0_s2_floors_4_5_to_4(cli):
    r = _conv(cli, "--input", "1x10x10", "--filters", "1", "--kernel", "3", "--stride", "2")
    assert r["output_shape"] == [1, 4, 4]
    assert r["shape"][0]["text"] == "O_h = O_w = ⌊(10 − 3 + 2·0)/2⌋ + 1 = ⌊3.5⌋ + 1 = 4"
    assert (r["shape"][0]["name"], r["shape"][0]["value"]) == ("O_h = O_w", 4)
    assert r["warnings"][0]["message"].startswith("conv2d_1: (10 − 3 + 0)/2 + 1 = 4.5 → 4")


def test_alexnet_conv1_calculator(cli):
    r = _conv(cli, "--input", "227x227x3", "--filters", "96", "--kernel", "11", "--stride", "4")
    assert r["output_shape"] == [96, 55, 55]  # JSON is channels-first
    assert r["params"] == 34944 and r["macs"] == 105_415_200  # numbers; the formulas beside them
    assert r["params_text"] == "params = (11·11·3)·96 + 96 = 34,944"
    assert r["params_formula"] == "(11·11·3)·96 + 96"
    text = cli("conv", "--input", "227x227x3", "--filters", "96", "--kernel", "11", "--stride", "4").out
    assert text.startswith("input read as H×W×C = 227x227x3 (C = 3, H = 227, W = 227)")
    assert "output  55×55×96" in text


def test_seed_003_two_filters_of_3x3x3_have_56_parameters(cli):
    # seed 003: W = 3·3·3·2 = 54, b = 2: 56 params to learn, whatever the input size
    for size in ("6x6x3", "32x32x3", "227x227x3"):
        r = _conv(cli, "--input", size, "--filters", "2", "--kernel", "3")
        assert r["params"] == 56 and r["params_formula"] == "(3·3·3)·2 + 2"


def test_layout_is_said_and_can_be_forced(cli):
    out = cli("conv", "--input", "32x32x32", "--filters", "8", "--kernel", "3").out
    assert out.startswith("input read as C×H×W = 32x32x32 (C = 32, H = 32, W = 32); --layout hwc to read it as H×W×C")
    out = cli("conv", "--input", "3x32x32", "--filters", "8", "--kernel", "3", "--layout", "hwc").out
    assert out.startswith("input read as H×W×C = 3x32x32 (C = 32, H = 3, W = 32)\n")


def test_pool_transpose_and_linear_calculators(cli):
    pool = json.loads(cli("pool", "--input", "55x55x96", "--kernel", "3", "--stride", "2", "--format", "json").out)
    assert pool["output_shape"] == [96, 27, 27]
    ceil = json.loads(cli("pool", "--input", "1x5x5", "--kernel", "2", "--padding", "1", "--ceil-mode",
                          "--format", "json").out)
    assert ceil["output_shape"] == [1, 3, 3]  # PyTorch: the window that would start in the padding is dropped
    assert "− 1 (the last window would start in the right padding)" in ceil["shape"][0]["text"]
    tr = json.loads(cli("conv-transpose", "--input", "16x7x7", "--filters", "8", "--kernel", "3", "--stride", "2",
                        "--padding", "1", "--output-padding", "1", "--format", "json").out)
    assert tr["output_shape"] == [8, 14, 14]
    assert tr["shape"][0]["text"] == "O_h = O_w = (7 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 14"
    lin = json.loads(cli("linear", "--input", "256", "--units", "10", "--format", "json").out)
    assert lin["params"] == 2570  # the Keras example's Dense layer
    assert lin["params_text"] == "params = 256·10 + 10 = 2,570"


def test_calculator_errors_exit_1(cli):
    res = cli("conv", "--input", "3x4x4", "--filters", "8", "--kernel", "7")
    assert res.code == 1
    assert "kernel height 7 is larger than the padded input height 4 + 0 = 4" in res.err


def test_explain_with_an_op_name_points_to_the_op_reference(cli):
    # a reader's first try (found writing U-Net from the README): `cnncalc explain conv`
    res = cli("explain", "conv")
    assert res.code == 2
    assert "LAYER: error[E004]: explain takes a spec and one of its layers; 'conv' is an op" in res.err
    assert "`cnncalc ops conv` shows an op's arguments and formulas" in res.err
    res = cli("explain", "alexnet")
    assert res.code == 2 and "LAYER: error[E004]: explain needs the name of a layer" in res.err


def test_ops_name_shows_one_op_with_its_formulas(cli):
    out = cli("ops", "Conv2D").out  # any spelling
    assert out.startswith("conv2d — 2-D convolution")
    assert "    out_channels* also filters" in out
    # the formulas where they are defined (cnncalc/ops/conv.py), e.g. the transposed conv's MACs
    assert "MACs    ΠI·C_in·(Πk·C_out/groups)" in out
    crop = cli("ops", "center_crop").out
    assert "like  the name of a layer, which lends its size (not its values)" in crop
    res = cli("ops", "centre_crop")
    assert res.code == 2 and "NAME: error[E004]: no op called 'centre_crop'" in res.err
    assert "did you mean 'center_crop'?" in res.err
