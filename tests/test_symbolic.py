"""Symbolic input sizes (`--input 3xHxW`): formulas from the ops' own rules, and `validate`'s size report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sp = pytest.importorskip("sympy")

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cnncalc  # noqa: E402
from cnncalc.analysis import analyze  # noqa: E402
from cnncalc.ops.window import out_size  # noqa: E402
from cnncalc.pipeline import load  # noqa: E402
from cnncalc.render.fmt import formula  # noqa: E402
from cnncalc.symbolic import analyze_symbolic, at, parse_symbolic_shape, size_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
H = sp.Symbol("H", positive=True, integer=True)
W = sp.Symbol("W", positive=True, integer=True)


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.split()[:1] == [name])


_CACHE: dict = {}


def _symbolic(model: str):
    if model not in _CACHE:
        g = load(model)
        _CACHE[model] = (g, analyze_symbolic(g, parse_symbolic_shape(f"{g.input_shape[0]}xHxW")))
    return _CACHE[model]


# -- formulas ------------------------------------------------------------------------
def test_alexnet_table_shows_conv1_and_pool1_formulas(cli):
    res = cli("summarize", "alexnet", "--input", "3xHxW")
    assert res.code == 0, res.err
    assert "⌊(H − 11)/4⌋ + 1" in _row(res.out, "conv1")
    assert "⌊(W − 11)/4⌋ + 1" in _row(res.out, "conv1")
    # pool1 = ⌊(⌊(H − 11)/4⌋ + 1 − 3)/2⌋ + 1, merged by the simplification into one floor
    assert "⌊(H − 11)/8⌋" in _row(res.out, "pool1")
    assert "floor(" not in res.out


def test_alexnet_json_gives_formulas_as_strings(cli):
    res = cli("summarize", "alexnet", "--input", "3xHxW", "--format", "json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    layers = {r["name"]: r for r in data["layers"]}
    assert data["input_shape"] == [3, "H", "W"] and data["symbols"] == ["H", "W"]
    assert layers["conv1"]["output_shape"] == [96, "⌊(H − 11)/4⌋ + 1", "⌊(W − 11)/4⌋ + 1"]
    assert layers["pool1"]["output_shape"] == [96, "⌊(H − 11)/8⌋", "⌊(W − 11)/8⌋"]
    assert layers["conv1"]["params"] == 34944  # does not depend on the size
    assert isinstance(layers["fc6"]["params"], str)  # after flatten it does
    expr = sp.sympify(layers["fc6"]["sympy"]["params"], locals={"H": H, "W": W})
    assert int(expr.subs({H: 227, W: 227})) == 37752832


def test_formulas_at_227_are_the_integer_analysis():
    _, a = _symbolic("alexnet")
    b = cnncalc.summarize("alexnet")
    values = {"H": 227, "W": 227}
    heights = {r.name: at(r.output_shape[1], values) for r in a.layers if len(r.output_shape) == 3}
    assert [heights[n] for n in ("conv1", "pool1", "conv2", "pool2", "conv3", "pool5")] == [55, 27, 27, 13, 13, 6]
    for rs, ri in zip(a.layers, b.layers):
        assert tuple(at(d, values) for d in rs.output_shape) == ri.output_shape
        assert (at(rs.params, values), at(rs.macs, values)) == (ri.params, ri.macs)
    assert at(a.totals.params, values) == b.totals.params == 60965224
    assert at(a.totals.macs, values) == b.totals.macs


MODELS = [m for m in ("alexnet", "vgg16", "resnet18", "zfnet", "googlenet")
          if (ROOT / "architectures" / f"{m}.yaml").exists()]


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(h=st.integers(1, 400), w=st.integers(1, 400))
def test_every_formula_equals_the_integer_analysis(model, h, w):
    g, a = _symbolic(model)
    b = analyze(g, (g.input_shape[0], h, w))
    assume(b.ok)
    values = {"H": h, "W": w}
    assert [r.name for r in a.layers] == [r.name for r in b.layers]
    for rs, ri in zip(a.layers, b.layers):
        assert tuple(at(d, values) for d in rs.output_shape) == ri.output_shape, rs.name
        assert (at(rs.params, values), at(rs.macs, values)) == (ri.params, ri.macs), rs.name
    assert (at(a.totals.params, values), at(a.totals.macs, values)) == (b.totals.params, b.totals.macs)


@settings(max_examples=300, deadline=None)
@given(i=st.integers(1, 200), k=st.integers(1, 7), s=st.integers(1, 5), p0=st.integers(0, 4),
       p1=st.integers(0, 4), d=st.integers(1, 3), ceil=st.booleans())
def test_window_rule_for_a_symbol_is_the_integer_rule(i, k, s, p0, p1, d, ceil):
    """Including ceil_mode's last-window adjustment, written in closed form for a symbol."""
    symbolic = out_size(H, k, s, p0, p1, d, ceil)
    assert int(symbolic.subs(H, i)) == out_size(i, k, s, p0, p1, d, ceil)


def test_square_input_uses_one_symbol(cli):
    res = cli("summarize", "alexnet", "--input", "3xNxN")
    assert res.code == 0, res.err
    assert "34848·(⌊(N − 11)/4⌋ + 1)²" in _row(res.out, "conv1")


def test_formula_rendering():
    assert formula(sp.floor((H - 7) / 4) + 1) == "⌊(H − 7)/4⌋ + 1"
    assert formula(sp.ceiling((H - 3) / 2)) == "⌈(H − 3)/2⌉"
    assert formula(sp.floor(H / 8)) == "⌊H/8⌋"
    assert formula(256 * sp.floor(H / 8) * W) == "256·W·⌊H/8⌋"
    assert formula(60965224) == "60,965,224"


# -- validate ------------------------------------------------------------------------
def test_validate_alexnet_reports_sizes(cli):
    res = cli("validate", "alexnet", "--input", "3xHxW")
    assert res.code == 0, res.err
    assert "H ≡ 3 (mod 32)" in res.out and "W ≡ 3 (mod 32)" in res.out
    assert "H ≥ 67: every layer's output is ≥ 1" in res.out
    assert "the smallest such H is 67" in res.out


def test_validate_alexnet_json(cli):
    res = cli("validate", "alexnet", "--input", "3xHxW", "--format", "json")
    assert res.code == 0
    data = json.loads(res.out)
    assert data["valid"] is True
    h = data["sizes"]["H"]
    assert h["smallest"] == 67
    assert h["exact"] == {"congruence": "H ≡ 3 (mod 32)", "modulus": 32, "residues": [3], "smallest": 67}
    assert data["sizes"]["W"]["exact"]["congruence"] == "W ≡ 3 (mod 32)"


def test_size_report_agrees_with_brute_force():
    g = load("alexnet")
    report = size_report(g, parse_symbolic_shape("3xHxW"))
    (rh, rw) = report.ranges
    assert (rh.symbol, rh.smallest, rh.modulus, rh.residues, rh.smallest_exact) == ("H", 67, 32, (3,), 67)
    assert (rw.symbol, rw.smallest, rw.modulus, rw.residues) == ("W", 67, 32, (3,))
    assert not analyze(g, (3, 66, 227)).ok and analyze(g, (3, 67, 227)).ok
    for n in range(67, 67 + 64):
        a = analyze(g, (3, n, n), strict=True)
        assert a.ok
        assert (not any(d.code == "W101" for d in a.diagnostics)) == (n % 32 == 3), n


def test_validate_with_one_size_given(cli):
    res = cli("validate", "alexnet", "--input", "3xHx227")
    assert res.code == 0, res.err
    assert "H ≡ 3 (mod 32)" in res.out and "W" not in res.out.split("\n", 1)[1]


# -- sympy only when needed; clean errors ------------------------------------------
def test_sympy_not_imported_on_the_plain_path():
    code = ("import sys, cnncalc; cnncalc.summarize('alexnet'); "
            "sys.argv = ['cnncalc', 'summarize', 'alexnet', '--input', '3x227x227']\n"
            "from cnncalc.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'sympy' not in sys.modules, 'sympy imported'\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "cnncalc", "summarize", "alexnet"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and "sympy" not in p.stderr


def test_missing_sympy_is_a_clean_error():
    code = ("import sys; sys.modules['sympy'] = None\n"
            "sys.argv = ['cnncalc', 'summarize', 'alexnet', '--input', '3xHxW']\n"
            "from cnncalc.cli import main; main()\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2
    assert "E004" in p.stderr and "pip install 'cnncalc[symbolic]'" in p.stderr
    assert "Traceback" not in p.stderr


SAME_STRIDED = """\
name: strided_same
input: [3, 32, 32]
layers:
  - {type: conv2d, name: c1, out_channels: 8, kernel_size: 3, padding: same}
  - {type: conv2d, name: c2, out_channels: 8, kernel_size: 3, stride: 2, padding: same}
"""


@pytest.mark.parametrize("command", ["summarize", "validate"])
def test_a_rule_that_cannot_be_symbolic_is_a_clean_error(cli, tmp_path, command):
    spec = tmp_path / "net.yaml"
    spec.write_text(SAME_STRIDED)
    res = cli(command, str(spec), "--input", "3xHxW")
    assert res.code == 1
    assert "error[E104]: c2: padding 'same' with stride 2" in res.err
    assert "Traceback" not in res.err + res.out
    assert cli(command, str(spec), "--input", "3x32x32").code == 0  # numbers still work


def test_same_padding_at_stride_1_is_symbolic(cli, tmp_path):
    spec = tmp_path / "net.yaml"
    spec.write_text(SAME_STRIDED.rsplit("\n  - ", 1)[0] + "\n")
    res = cli("summarize", str(spec), "--input", "3xHxW", "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["layers"][0]["output_shape"] == [8, "H", "W"]


@pytest.mark.parametrize("text", ["Cx32x32", "3xH-1xW", "3xHxWxDx5"])
def test_bad_symbolic_input_is_a_cli_error(cli, text):
    res = cli("summarize", "alexnet", "--input", text)
    assert res.code == 2 and "--input: error[E004]" in res.err


def test_a_sequence_input_for_an_image_network_says_what_the_input_should_be(cli):
    res = cli("summarize", "alexnet", "--input", "3xH")
    assert res.code == 1
    assert "error[E206]: conv2d needs a C×H×W input, got a 3×H tensor" in res.err
    assert "hint: it reads the model input, which is 3×H; give the input as C×H×W" in res.err


def test_options_without_meaning_for_formulas_are_refused(cli):
    res = cli("summarize", "alexnet", "--input", "3xHxW", "--columns", "rf")
    assert res.code == 2 and "--columns cannot be used with a symbolic --input" in res.err
