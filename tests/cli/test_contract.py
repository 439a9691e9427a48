"""The one output contract of every command (README "JSON output", "Exit codes"):
every command × every format it offers, on bundled models and on bad inputs.

JSON is validated against the schema shipped in the package (cnncalc/schema), CSV is read
with the csv module, markdown tables must have as many cells in every row, and the exit
code is the documented one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib.resources import files

import pytest

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads(files("cnncalc.schema").joinpath("cnncalc.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MODELS = ["lenet5", "alexnet", "resnet18", "mobilenet_v2", "googlenet"]
FIRST_LAYER = {"lenet5": "c1", "alexnet": "conv1", "resnet18": "conv1", "mobilenet_v2": "features.0.0",
               "googlenet": "conv1"}
SHEETS = ["examples/homework_alexnet.yaml", "examples/homework_alexnet_wrong.yaml", "examples/homework_keras.yaml"]
CALCULATORS = [("conv", "--input", "3x32x32", "--kernel", "5", "--filters", "10"),
               ("pool", "--input", "64x112x112", "--kernel", "3", "--stride", "2", "--padding", "1"),
               ("conv-transpose", "--input", "16x7x7", "--kernel", "2", "--stride", "2", "--filters", "8"),
               ("linear", "--input", "84", "--units", "10"),
               # the numeric ones: seed 002's cross kernel, seed 003's max pooling (CS231n's input)
               ("convolve", "--image", "0 2 3; 2 4 1; 0 3 0", "--kernel", "0 1 0; 1 1 1; 0 1 0"),
               ("pooling", "--image", "1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4", "--kernel", "2")]


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)


def _valid_json(res, command: str, ok: bool) -> dict:
    data = json.loads(res.out)
    errors = sorted(VALIDATOR.iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert data["command"] == command
    assert data["ok"] is ok is (res.code == 0)
    return data


def _check(res, fmt: str, command: str, code: int) -> None:
    assert res.code == code, res.err
    assert "Traceback" not in res.out + res.err
    if fmt == "json":
        _valid_json(res, command, code == 0)
    elif fmt == "csv" and code == 0:
        rows = list(csv.reader(io.StringIO(res.out)))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1
    elif fmt == "markdown" and code == 0:
        rows = [line for line in res.out.splitlines() if line.startswith("|")]
        assert rows and len({len(re.findall(r"(?<!\\)\|", r)) for r in rows[:len(rows)]}) <= 2
        first_table = rows[:next((i for i, r in enumerate(rows[1:], 1) if r.startswith("| Row")), len(rows))]
        assert len({len(re.findall(r"(?<!\\)\|", r)) for r in first_table}) == 1
    elif code == 0:
        assert res.out.strip()


def _formats(cli, *args) -> list:
    """The formats a command offers, read from its --help (so a new one is tested too)."""
    text = cli(*args, "--help").out
    m = re.search(r"--format <([a-z|]+)>", text)
    assert m, text
    return m.group(1).split("|")


# -- every command × every format ------------------------------------------------------
@pytest.mark.parametrize("model", MODELS)
def test_summarize_every_format(cli, model):
    fmts = _formats(cli, "summarize")
    assert fmts == ["table", "json", "markdown", "csv"]
    for fmt in fmts:
        _check(cli("summarize", model, "--format", fmt), fmt, "summarize", 0)


@pytest.mark.parametrize("model", MODELS)
def test_validate_and_explain_every_format(cli, model):
    for command, args in (("validate", (model,)), ("explain", (model, FIRST_LAYER[model]))):
        fmts = _formats(cli, command)
        assert fmts == ["table", "json"]
        for fmt in fmts:
            _check(cli(command, *args, "-f", fmt), fmt, command, 0)


def test_list_ops_schema(cli):
    for args in (("list",), ("ops",), ("ops", "conv2d"), ("ops", "conv")):
        assert _formats(cli, args[0]) == ["table", "json"]
        for fmt in ("table", "json"):
            _check(cli(*args, "--format", fmt), fmt, args[0], 0)
    res = cli("schema")
    assert res.code == 0 and json.loads(res.out) == SCHEMA


@pytest.mark.parametrize("sheet", SHEETS)
def test_check_every_format(cli, sheet):
    code = 1 if "wrong" in sheet else 0
    fmts = _formats(cli, "check")
    assert fmts == ["table", "json", "csv"]
    for fmt in fmts:
        _check(cli("check", sheet, "--format", fmt), fmt, "check", code)


def test_check_a_class_every_format(cli):
    """Several sheets at once (a class): every format, exit 1 because one sheet has wrong answers."""
    for fmt in _formats(cli, "check"):
        _check(cli("check", *SHEETS, "--format", fmt), fmt, "check", 1)
    data = _valid_json(cli("check", *SHEETS, "-f", "json"), "check", False)
    assert [(s["sheet"], s["status"]) for s in data["sheets"]] == list(zip(SHEETS, ["passed", "wrong", "passed"]))
    rows = list(csv.reader(io.StringIO(cli("check", *SHEETS, "-f", "csv").out)))
    assert len(rows) == 1 + len(SHEETS) and len({len(r) for r in rows}) == 1


@pytest.mark.parametrize("args", [("lenet5",), ("resnet18", "--input", "3x32x32")])
def test_verify_every_format(cli, args):
    assert _formats(cli, "verify") == ["table", "json"]
    for fmt in ("table", "json"):
        _check(cli("verify", *args, "--format", fmt), fmt, "verify", 0)


@pytest.mark.parametrize("calc", CALCULATORS, ids=[c[0] for c in CALCULATORS])
def test_calculators_every_format(cli, calc):
    assert _formats(cli, calc[0]) == ["table", "json"]
    for fmt in ("table", "json"):
        _check(cli(*calc, "--format", fmt), fmt, calc[0], 0)


# -- bad inputs: the same contract, with errors ----------------------------------------
BAD = [
    (("summarize", "no_such_model.yaml"), 2, "E001"),
    (("validate", "no_such_model.yaml"), 2, "E001"),
    (("explain", "no_such_model.yaml", "conv1"), 2, "E001"),
    (("verify", "no_such_model.yaml"), 2, "E001"),
    (("check", "no_such_sheet.yaml"), 2, "E001"),
    (("check", "examples/broken.yaml"), 2, "E111"),
    (("check", "examples/homework_alexnet.yaml", "examples/broken.yaml"), 2, "E111"),
    (("check", "examples", "--max-sheets", "1"), 2, "E004"),
    (("summarize", "alexnet", "--input", "3x10x10"), 1, "E201"),
    (("validate", "alexnet", "--input", "3x10x10"), 1, "E201"),
    (("explain", "alexnet", "conv1", "--input", "3x10x10"), 1, "E201"),
    (("summarize", "alexnet", "--input", "abc"), 2, "E004"),
    (("summarize", "alexnet", "--batch", "0"), 2, "E004"),
    (("conv", "--input", "3x32x32", "--kernel", "abc", "--filters", "10"), 2, "E004"),
    (("linear", "--input", "84", "--units", "0"), 2, "E004"),
    (("verify", "lenet5", "--dtype", "int8"), 2, "E004"),
    (("explain", "alexnet", "conv99"), 2, "E004"),
    (("ops", "no_such_op"), 2, "E004"),
    (("convolve", "--image", "0 2 x", "--kernel", "1"), 2, "E004"),
    (("convolve", "examples/convolve_rgb.yaml", "--at", "9,9"), 2, "E004"),
    (("pooling", "--image", "1 2; 3 4", "--kernel", "3"), 1, "E201"),
]


@pytest.mark.parametrize("args,code,error", BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_inputs_keep_the_contract(cli, args, code, error):
    fmts = _formats(cli, args[0])
    for fmt in fmts:
        res = cli(*args, "--format", fmt)
        _check(res, fmt, args[0], code)
        if fmt == "json":
            data = json.loads(res.out)
            assert data["errors"] and all(e["severity"] == "error" for e in data["errors"])
            if error:
                assert data["errors"][0]["code"] == error
        else:
            assert "error[" in res.err or "Error:" in res.err


def test_a_bad_format_is_a_usage_error_in_json_too(cli):
    res = cli("summarize", "alexnet", "--format", "xml")
    assert res.code == 2 and "Invalid value for '--format' / '-f': 'xml'" in res.err
    res = cli("list", "--format", "csv")  # list offers table and json only
    assert res.code == 2 and "'csv' is not one of 'table', 'json'" in res.err
    res = cli("conv", "--input", "3x32x32", "--kernel", "5", "-f", "json", "--stride", "x")
    data = _valid_json(res, "conv", False)
    assert res.code == 2 and data["errors"][0]["option"] == "--stride"


# -- numbers are numbers ---------------------------------------------------------------
def test_conv_json_numbers(cli):
    """CS231n: a 5×5 conv with 10 filters on 3×32×32 has (5·5·3)·10 + 10 = 760 parameters and a
    10×28×28 output (28 = (32 − 5)/1 + 1); MACs 28·28·10·75."""
    data = _valid_json(cli("conv", "--input", "3x32x32", "--kernel", "5", "--filters", "10", "-f", "json"),
                       "conv", True)
    assert data["params"] == 760 and data["output_shape"] == [10, 28, 28] and data["macs"] == 28 * 28 * 10 * 75
    assert data["params_formula"] == "(5·5·3)·10 + 10"
    assert data["params_text"] == "params = (5·5·3)·10 + 10 = 760"
    assert data["input_read"] == [3, 32, 32] and data["input_layout"] == "chw"


def test_linear_and_explain_json_numbers(cli):
    data = _valid_json(cli("linear", "--input", "84", "--units", "10", "-f", "json"), "linear", True)
    assert data["params"] == 84 * 10 + 10 == 850 and data["macs"] == 840 and data["output_shape"] == [10]
    data = _valid_json(cli("explain", "alexnet", "conv1", "-f", "json"), "explain", True)
    assert data["params"] == 34944 and data["output_shape"] == [96, 55, 55]  # 11·11·3·96 + 96
    assert isinstance(data["macs"], int) and data["receptive_field"] is None or isinstance(data["receptive_field"],
                                                                                            str)


def test_empty_hints_are_null(cli):
    data = _valid_json(cli("check", "examples/homework_alexnet.yaml", "-f", "json"), "check", True)
    assert all(a["hint"] is None for a in data["answers"])
    data = _valid_json(cli("validate", "resnet18", "-f", "json"), "validate", True)
    assert data["warnings"] and all(w["hint"] is None or w["hint"] for w in data["warnings"])


def test_check_echoes_the_answer_as_written(cli):
    data = _valid_json(cli("check", "examples/homework_alexnet_wrong.yaml", "-f", "json"), "check", False)
    conv1 = next(a for a in data["answers"] if a["layer"] == "conv1" and a["quantity"] == "output_shape")
    assert conv1["answer"] == [96, 55, 55] and conv1["expected"] == [96, 55, 55] and conv1["correct"]
    assert conv1["written"] == "55x55x96"  # as the sheet wrote it (read H×W×C: layout hwc)
    params = next(a for a in data["answers"] if a["layer"] == "conv1" and a["quantity"] == "params")
    assert params["answer"] == 34848 and params["expected"] == 34944 and params["line"] == 8


# -- options -----------------------------------------------------------------------------
def test_version(cli):
    from cnncalc import __version__

    res = cli("--version")
    assert res.code == 0 and res.out == f"cnncalc {__version__}\n" == "cnncalc 0.1.0\n"


def test_f_is_format_everywhere_and_F_is_the_kernel(cli):
    res = cli("conv", "--input", "3x32x32", "-F", "5", "--filters", "10", "-f", "json")
    assert res.code == 0 and json.loads(res.out)["params"] == 760
    for command in ("conv", "pool", "conv-transpose"):
        text = cli(command, "--help").out
        assert "-F, --kernel" in text and "-f, --format" in text


@pytest.mark.parametrize("args,option", [
    (("conv", "--input", "3x32x32", "--kernel", "abc", "--filters", "10"), "--kernel"),
    (("conv", "--input", "3x32x32", "--kernel", "5", "--filters", "10", "--stride", "0"), "--stride"),
    (("summarize", "alexnet", "--input", "3xx"), "--input"),
    (("summarize", "alexnet", "--columns", "foo"), "--columns"),
    (("summarize", "alexnet", "--arg", "x"), "--arg"),
    (("summarize", "mobilenet_v2", "--arg", "width=abc"), "--arg"),  # a number by its default, 1.0
    (("verify", "lenet5", "--max-memory", "lots"), "--max-memory"),
    (("verify", "lenet5", "--seed", "-1"), "--seed"),
])
def test_option_errors_exit_2_and_name_the_option(cli, args, option):
    res = cli(*args)
    assert res.code == 2
    assert res.err.startswith(f"{option}: error[E004]: ")
    assert "<command line>" not in res.err


def test_typer_usage_errors_exit_2(cli):
    assert cli("summarize").code == 2
    assert cli("summarize", "alexnet", "--no-such-option").code == 2
    assert cli("summarize", "alexnet", "--batch", "x").code == 2


# -- totals say what they count -----------------------------------------------------------
def test_totals_wording_agrees_across_validate_list_and_summarize(cli):
    """torchvision's resnet50 has 25,557,032 parameters (its model card); with the 53,120 batch-norm
    running statistics (2·C per BN: mean and variance) the total is 25,610,152, Keras's "Total params" way."""
    res = cli("validate", "resnet50")
    assert "25,610,152 params incl. 53,120 non-trainable (25,557,032 trainable)" in res.out
    assert "61,100,840 params (all trainable)" in cli("validate", "alexnet_torchvision").out
    row = next(r for r in json.loads(cli("list", "-f", "json").out)["models"] if r["name"] == "resnet50")
    assert (row["params"], row["trainable_params"], row["non_trainable_params"]) == (25610152, 25557032, 53120)
    line = next(line for line in cli("list").out.splitlines() if line.split()[:1] == ["resnet50"])
    assert "25,610,152" in line and "25,557,032" in line
    out = cli("summarize", "resnet50").out
    assert re.search(r"Total params \(incl\. non-trainable\)\s+25,610,152", out)
    assert re.search(r"Non-trainable params \(buffers\)\s+53,120", out)
    assert re.search(r"Trainable params\s+25,557,032", out)
    totals = json.loads(cli("summarize", "resnet50", "-f", "json").out)["totals"]
    assert (totals["params"], totals["trainable_params"], totals["non_trainable_params"]) == (
        25610152, 25557032, 53120)
