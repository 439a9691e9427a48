"""`cnncalc convolve` and `cnncalc pooling` through the console entry point (in-process): the
slides' numbers in text and JSON, and every error at its option or FILE:LINE:COL with its exit code."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.test_numeric import BLUE, GREEN, RED, RGB_KERNEL

RGB = ["convolve", "--image", f"{RED} | {GREEN} | {BLUE}", "--kernel", RGB_KERNEL, "--bias", "1", "--padding", "1"]
CS231N = "1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"


def _schema_errors(data: dict) -> list:
    """The shipped schema's complaints about one output (cnncalc/schema/cnncalc.schema.json)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "cnncalc" / "schema" / "cnncalc.schema.json").read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


@pytest.fixture
def spanish():
    from cnncalc.i18n import set_language

    set_language("es")
    yield
    set_language("en")


def test_seed_000_text(cli):
    """Seed 000_*.txt (Universidad ORT): the channel sums 308, −498, 164 and the total −25 at (0, 0),
    the first cell of the output map, and the products of the red channel's window (padding zeros first)."""
    res = cli(*RGB)
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert "  channel sums + bias: 308 + (−498) + 164 + 1 = −25" in lines
    first_row = lines[lines.index("  output channel 1") + 1].split()
    assert first_row[0] == "−25" and len(first_row) == 5  # padding 1 keeps the 5×5 grid
    assert "    (0·0) + (156·1) + (155·−1) +" in lines and "    (0·0) + (153·1) + (154·1) = 308" in lines


def test_seed_000_from_the_example_file(cli):
    """examples/convolve_rgb.yaml is seed 000's problem: the same −25; --at overrides the file's at:."""
    path = str(ROOT / "examples" / "convolve_rgb.yaml")
    assert "308 + (−498) + 164 + 1 = −25" in cli("convolve", path).out
    data = json.loads(cli("convolve", path, "--at", "0,0", "-f", "json").out)
    assert [c["sum"] for c in data["worked"][0]["channels"]] == [308, -498, 164]


def test_seed_000_json(cli):
    """The JSON envelope with exact numbers: 308, −498, 164, bias 1, value −25 (seed 000_*.txt)."""
    res = cli(*RGB, "--format", "json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert (data["command"], data["ok"], data["errors"]) == ("convolve", True, [])
    assert data["input_shape"] == [3, 5, 5] and data["kernel_shape"] == [1, 3, 3, 3]
    assert data["output_shape"] == [1, 5, 5]
    w = data["worked"][0]
    assert [c["sum"] for c in w["channels"]] == [308, -498, 164] and w["bias"] == 1 and w["value"] == -25
    assert data["output"][0][0][0] == -25 and w["text"] == "308 + (−498) + 164 + 1 = −25"
    assert w["channels"][0]["cells"][0] == {"index": [-1, -1], "value": 0, "kind": "padding", "weight": -1}
    assert _schema_errors(data) == []


def test_pooling_json_is_exact(cli):
    """Average pooling 2×2 of CS231n's input: 13/4 as the string "13/4" and the float 3.25 beside it
    (PyTorch avg_pool2d gives 3.25); seed 003_*.txt's max pooling is [[6, 8], [3, 4]]."""
    data = json.loads(cli("pooling", "--image", CS231N, "--kind", "avg", "--kernel", "2", "-f", "json").out)
    assert data["output"] == [[["13/4", "21/4"], [2, 2]]]
    assert data["output_float"] == [[[3.25, 5.25], [2.0, 2.0]]]
    assert data["worked"][0]["text"] == "(1 + 1 + 5 + 6)/4 = 13/4 = 3.25" and data["worked"][0]["divisor"] == 4
    assert _schema_errors(data) == []
    data["output"][0][0][0] = 3.25  # a float where the exact value belongs is what the schema refuses
    assert _schema_errors(data)
    res = cli("pooling", "--image", CS231N, "-F", "2", "-s", "2")
    assert res.code == 0 and "  max(1, 1, 5, 6) = 6" in res.out.splitlines()


@pytest.mark.parametrize("args, option, message", [
    (["--image", "0 2 x; 2 4 1", "--kernel", "1"], "--image", "'x' is not a number a matrix can hold"),
    (["--image", "0 2 3; 2 4", "--kernel", "1"], "--image",
     "row 2 of channel 1 of the image has 2 values, row 1 has 3"),
    (["--image", "0 2; 2 4", "--kernel", "1 0; 0 1 | 1 1; 1 1"], "--kernel",
     "kernel 1 has 2 channel(s) but the image has 1"),
    (["--image", "0 2; 2 4", "--kernel", "1 0; 0 1", "--at", "1,0"], "--at", "position 1,0 is outside the output 1×1"),
    (["--image", "0 2; 2 4", "--kernel", "1 0; 0 1", "--bias", "1, 2"], "--bias", "2 bias value(s) for 1 kernel(s)"),
])
def test_option_errors_name_the_option(cli, args, option, message):
    res = cli("convolve", *args)
    assert res.code == 2 and res.out == ""
    assert res.err.startswith(f"{option}: error[E004]: {message}\n"), res.err


def test_kernel_larger_than_the_padded_input_is_the_window_rule_error(cli):
    """The window rule's own diagnostic (ops/window.py, E201, exit 1), at --kernel."""
    res = cli("convolve", "--image", "0 2; 2 4", "--kernel", "1 1 1; 1 1 1; 1 1 1")
    assert res.code == 1
    assert res.err.startswith("--kernel: error[E201]: convolve: kernel height 3 is larger than the padded input "
                              "height 2 + 0 = 2\n")


def test_budgets_are_refused_before_the_work(cli):
    """10,000 values, 10,000 output positions and 1,000,000 window reads, each said in its error."""
    res = cli("convolve", "--image", " ".join(["1"] * 10_001), "--kernel", "1")
    assert res.code == 2 and "more than 10,000 values in the matrices" in res.err and res.err.startswith("--image")
    image = "; ".join([" ".join(["1"] * 50)] * 50)
    res = cli("convolve", "--image", image, "--kernel", "1;", "--padding", "30")
    assert res.code == 2 and "the output has 12,100 values, more than the 10,000" in res.err
    image = "; ".join([" ".join(["1"] * 70)] * 70)
    kernel = "; ".join([" ".join(["1"] * 40)] * 40)
    res = cli("convolve", "--image", image, "--kernel", kernel, "--padding", "20")
    assert res.code == 2 and "reads 8,065,600 values, more than the 1,000,000" in res.err


def test_file_errors_name_file_line_column(cli, spec_file):
    ragged = spec_file("""
        image:
          - [[1, 2], [3]]
        kernels: ["1;"]
        """)
    res = cli("convolve", ragged)
    assert res.code == 1 and res.err.startswith(f"{ragged}:2:14: error[E104]: this list has 1 items where the first "
                                                "has 2\n")
    mismatch = spec_file("""
        image: "1 2; 3 4"
        kernels:
          - "1 0; 0 1 | 1 1; 1 1"
        """, "mismatch.yaml")
    res = cli("convolve", mismatch)
    assert res.code == 1 and res.err.startswith(f"{mismatch}:3:5: error[E203]: kernel 1 has 2 channel(s)")
    typo = spec_file("image: \"1 2; 3 4\"\nkernal: \"1\"\n", "typo.yaml")
    res = cli("convolve", typo, "-f", "json")
    assert res.code == 1
    err = json.loads(res.out)["errors"][0]
    assert (err["code"], err["file"], err["line"], err["column"], err["hint"]) == \
        ("E102", typo, 2, 1, "did you mean 'kernel'?")
    outside = spec_file("image: [[[1, 2], [3, 4]]]\nkernel: [[[1]]]\nat: [2, 0]\n", "outside.yaml")
    res = cli("convolve", outside)
    assert res.code == 1 and res.err.startswith(f"{outside}:3:5: error[E104]: position 2,0 is outside the output 2×2")


def test_pool_rules_are_the_pool_ops(cli):
    """PyTorch's pool padding limit (at most half the window), from ops/pool.py, at --padding."""
    res = cli("pooling", "--image", "1 2; 3 4", "--kernel", "2", "--padding", "2")
    assert res.code == 2 and res.err.startswith("--padding: error[E004]: pooling: padding 2 is more than half")


def test_spanish_error_and_worked_sum(cli, spanish):
    """--lang es: the message and the labels in the course's Spanish; the numbers stay (seed 002_*.txt: 12)."""
    res = cli("--lang", "es", "convolve", "--image", "0 2 x", "--kernel", "1")
    assert res.code == 2 and res.err.startswith("--image: error[E004]: 'x' no es un número")
    res = cli("--lang", "es", "convolve", "--image", "0 2 3; 2 4 1; 0 3 0", "--kernel", "0 1 0; 1 1 1; 0 1 0")
    assert res.code == 0 and "mapa de características de salida" in res.out
    assert "    (0·0) + (3·1) + (0·0) = 12" in res.out.splitlines()
