"""One test per diagnostic of `cnncalc validate`: its code, message text and line.

Each spec is written inline so the line numbers asserted are visible here.
"""

from __future__ import annotations

import json

import pytest

HEADER = "name: t\ninput: [3, 32, 32]\nlayers:\n"


def _validate(cli, spec_file, layers: str, header: str = HEADER):
    path = spec_file(header + layers)
    res = cli("validate", path, "--format", "json")
    data = json.loads(res.out)
    return res.code, data["errors"] + data["warnings"], path  # the JSON envelope: errors, then warnings and notes


def _only(diags, code):
    found = [d for d in diags if d["code"] == code]
    assert found, f"no {code} in {diags}"
    return found[0]


def test_unknown_op_suggests_the_nearest(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3}\n"
                                               "  - {type: maxpol2d, kernel_size: 2}\n")
    d = _only(diags, "E101")
    assert code == 1
    assert d["message"] == "unknown op 'maxpol2d'"
    assert d["hint"] == "did you mean 'maxpool2d'?"
    assert (d["line"], d["column"]) == (5, 12)


def test_unknown_key_suggests_stride(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3, strid: 2}\n")
    d = _only(diags, "E102")
    assert code == 1
    assert d["message"] == "unknown key 'strid' for conv2d"
    assert d["hint"] == "did you mean 'stride'?"
    assert (d["line"], d["column"]) == (4, 53)


def test_missing_required_argument(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, kernel_size: 3}\n")
    d = _only(diags, "E103")
    assert code == 1
    assert d["message"] == "conv2d needs 'out_channels' (Keras: filters)"
    assert d["line"] == 4


def test_kernel_larger_than_padded_input(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3}\n"
                                               "  - {type: maxpool2d, kernel_size: 2}\n"
                                               "  - {type: conv2d, out_channels: 8, kernel_size: 17, padding: 0}\n")
    d = _only(diags, "E201")
    assert code == 1
    assert d["message"] == "conv2d_2: kernel height 17 is larger than the padded input height 15 + 0 = 15"
    assert d["hint"] == "use a smaller kernel_size, or padding ≥ 1 on each side"
    assert (d["line"], d["column"]) == (6, 50)


def test_nonpositive_output_size(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file,
                               "  - {type: conv_transpose2d, out_channels: 4, kernel_size: 2, padding: 40}\n")
    d = _only(diags, "E202")
    assert code == 1
    assert d["message"] == "conv_transpose2d_1: output height would be (32 − 1)·1 − 2·40 + 1·(2 − 1) + 0 + 1 = -47"
    assert (d["line"], d["column"]) == (4, 72)


def test_channel_mismatch_at_add(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, name: a, out_channels: 8, kernel_size: 1}\n"
                                               "  - {type: add, inputs: [a, input]}\n")
    d = _only(diags, "E203")
    assert code == 1
    assert d["message"] == "add_1: add inputs have different channels: a 8×32×32, input 3×32×32"
    assert d["line"] == 5


def test_spatial_mismatch_at_concat(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: maxpool2d, name: p, kernel_size: 2}\n"
                                               "  - {type: concat, inputs: [p, input]}\n")
    d = _only(diags, "E204")
    assert code == 1
    assert d["message"] == "concat_1: concat inputs have different heights/widths: p 3×16×16, input 3×32×32"
    assert d["line"] == 5
    # the larger map can be cropped to the smaller, as U-Net does (found writing U-Net from the README)
    assert d["hint"].endswith("crop input to p's size with {type: center_crop, inputs: [input], like: p} and "
                              "concatenate that (U-Net's copy and crop), or bring p to input's size (upsample, pad)")


def test_linear_after_unflattened_tensor_says_what_flatten_gives(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3}\n"
                                               "  - {type: linear, out_features: 10}\n")
    d = _only(diags, "E205")
    assert code == 1
    assert d["message"] == "linear_1: linear receives a 8×30×30 tensor; it needs a feature vector"
    assert d["hint"].startswith("add {type: flatten} before it (it would give 8×30×30 = 7,200 features)")
    assert d["line"] == 5


def test_unknown_input_name(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, name: c1, out_channels: 8, kernel_size: 3}\n"
                                               "  - {type: relu, inputs: [c2]}\n")
    d = _only(diags, "E106")
    assert code == 1
    assert d["message"] == "unknown input 'c2'"
    assert d["hint"] == "did you mean 'c1'?"
    assert (d["line"], d["column"]) == (5, 27)


def test_later_input_name(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: relu, name: r, inputs: [c1]}\n"
                                               "  - {type: conv2d, name: c1, out_channels: 8, kernel_size: 3}\n")
    d = _only(diags, "E107")
    assert code == 1
    assert d["message"] == "'c1' is defined later (line 5); a layer can only take inputs from earlier layers"
    assert d["line"] == 4


def test_cycle(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: relu, name: a, inputs: [b]}\n"
                                               "  - {type: relu, name: b, inputs: [a]}\n")
    d = _only(diags, "E107")
    assert code == 1
    assert d["message"] == "cycle: 'a' takes 'b' as input, which takes 'a'"
    assert d["line"] == 4


def test_duplicate_names(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, name: c, out_channels: 8, kernel_size: 3}\n"
                                               "  - {type: relu, name: c}\n")
    d = _only(diags, "E105")
    assert code == 1
    assert d["message"] == "duplicate layer name 'c' (first defined at line 4)"
    assert d["line"] == 5


def test_bad_yaml_syntax_is_unusable_input(cli, spec_file):
    path = spec_file(HEADER + "  - {type: conv2d, out_channels: 8\n  - {type: relu}\n")
    res = cli("validate", path)
    assert res.code == 2
    assert f"{path}:5:" in res.err
    assert "error[E003]: invalid YAML" in res.err


def test_floor_division_warning_is_not_an_error(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3, stride: 2}\n",
                               header="name: t\ninput: [1, 10, 10]\nlayers:\n")
    d = _only(diags, "W101")
    assert code == 0
    assert d["severity"] == "warning"
    assert d["message"] == ("conv2d_1: (10 − 3 + 0)/2 + 1 = 4.5 → 4: the last row and column of the input "
                            "are never covered")
    assert (d["line"], d["column"]) == (4, 61)


def test_stride_larger_than_kernel_warning(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: maxpool2d, kernel_size: 2, stride: 4}\n")
    d = _only(diags, "W102")
    assert code == 0
    assert d["message"] == ("maxpool2d_1: stride 4 is larger than the pool window extent 2 in height and width: "
                            "2 of every 4 input rows and columns are skipped")


def test_text_format_is_file_line_col(cli, spec_file):
    path = spec_file(HEADER + "  - {type: conv2d, out_channels: 8, kernel_size: 3, strid: 2}\n")
    res = cli("validate", path)
    assert res.code == 1
    assert res.err.startswith(f"{path}:4:53: error[E102]: unknown key 'strid' for conv2d\n    hint: did you mean")


def test_every_problem_is_reported_not_just_the_first(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, "  - {type: conv2d, out_channels: 8, kernel_size: 3, strid: 2}\n"
                                               "  - {type: relu, negative_slop: 1}\n"
                                               "  - {type: maxpol2d}\n")
    assert code == 1
    assert [d["code"] for d in diags] == ["E102", "E102", "E101"]
    assert [d["line"] for d in diags] == [4, 5, 6]


def test_errors_inside_a_repeated_block_are_reported_once(cli, spec_file):
    code, diags, _ = _validate(cli, spec_file, """\
  - {block: unit, name: stage, repeat: 4}
""", header="""\
name: t
input: [3, 32, 32]
blocks:
  unit:
    layers:
      - {type: conv2d, out_channels: 8, kernel_size: 3, groups: 3}
layers:
""")
    assert code == 1
    assert [(d["code"], d["line"]) for d in diags] == [("E207", 6)]
    assert diags[0]["context"] == "in stage.0, block 'unit' used at line 8"


@pytest.mark.parametrize("text,code", [
    ("[1, 2, 3]\n", "E111"),
    ("name: x\nlayers: [relu]\n", "E111"),
    ("name: x\ninput: [3, 0, 4]\nlayers: [relu]\n", "E111"),
])
def test_structure_errors(cli, spec_file, text, code):
    path = spec_file(text)
    res = cli("validate", path, "--format", "json")
    assert res.code == 1
    assert json.loads(res.out)["errors"][0]["code"] == code


def test_missing_file_is_exit_2(cli):
    res = cli("validate", "no/such/file.yaml")
    assert res.code == 2
    assert "error[E001]: no such file: no/such/file.yaml" in res.err


def test_unknown_bundled_name_suggests(cli):
    res = cli("summarize", "alexnt")
    assert res.code == 2
    assert "'alexnt' is neither a file nor a bundled model" in res.err
    assert "did you mean 'alexnet'?" in res.err
