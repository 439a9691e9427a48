"""The Python API (README "From Python"): cnncalc.summarize, validate, check, run, verify and the calculators.

Figures are the published ones: AlexNet's 60,965,224 parameters (Krizhevsky et al. 2012 with
(F·F·C)·K + K, as seed 000 counts them), ResNet-50's 25,557,032 (torchvision's num_params) and
4.09 GMACs (torchvision's GFLOPS, multiply-adds), CS231n's 32×32×3 input through ten 5×5 filters.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cnncalc
from cnncalc import CnnError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TINY = "name: tiny\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}\n"


def codes(e: CnnError) -> list:
    return [d.code for d in e.diagnostics]


# -- summarize -------------------------------------------------------------------------------------
def test_alexnet_params_are_the_papers():
    s = cnncalc.summarize("alexnet")
    assert s.totals.params == 60_965_224
    assert s.to_dict()["totals"]["params"] == 60_965_224
    assert s.input_shape == (3, 227, 227) and s.output_shape == (1000,)


def test_resnet50_trainable_params_and_macs_are_torchvisions():
    s = cnncalc.summarize("resnet50")
    assert s.totals.trainable_params == 25_557_032
    assert s.to_dict()["totals"]["trainable_params"] == 25_557_032
    assert round(s.totals.macs / 1e9, 2) == 4.09


@pytest.mark.parametrize("shape", ["3x224x224", "3×224×224", [3, 224, 224], (3, 224, 224)])
def test_input_shape_as_text_or_tuple_is_the_same(shape):
    s = cnncalc.summarize("alexnet", input_shape=shape)
    assert s.input_shape == (3, 224, 224)  # not ('3', 'x', '2', ...)
    assert s.to_dict() == cnncalc.summarize("alexnet", input_shape=(3, 224, 224)).to_dict()


def test_input_shape_channels_last_with_layout():
    assert cnncalc.summarize("alexnet", "227x227x3", layout="hwc").totals.params == 60_965_224
    assert cnncalc.summarize("alexnet", (227, 227, 3), layout="hwc").input_shape == (3, 227, 227)


def test_repr_fits_a_screen():
    text = repr(cnncalc.summarize("resnet50"))
    lines = text.splitlines()
    assert len(lines) < 15 and max(map(len, lines)) < 200
    assert "resnet50" in text and "25,557,032" in text and "175 layers" in text


def test_layers_are_records_with_the_json_fields():
    s = cnncalc.summarize("alexnet")
    conv1 = s.layers[0]
    assert (conv1.name, conv1.type, conv1.inputs, conv1.output_shape) == ("conv1", "conv2d", ("input",), (96, 55, 55))
    assert conv1.params == conv1.trainable_params == (11 * 11 * 3) * 96 + 96
    assert conv1.non_trainable_params == 0
    assert conv1.receptive_field["size"] == [11, 11]
    for record, entry in zip(s.layers, s.to_dict()["layers"]):
        assert {k: getattr(record, k) for k in entry} == {
            k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    assert s.layer("fc6").params == 9216 * 4096 + 4096
    assert len(repr(conv1).splitlines()) == 1


def test_html_table_lists_the_layers_escaped():
    page = cnncalc.summarize("alexnet")._repr_html_()
    assert page.startswith("<table") and page.count("<tr>") == 1 + 24 + 1  # header, 24 layers, total
    assert "<td>conv1</td>" in page and "60,965,224" in page
    hostile = cnncalc.summarize(TINY.replace("name: tiny", 'name: "<script>alert(1)</script>"'))
    assert "<script>" not in hostile._repr_html_() and "&lt;script&gt;" in hostile._repr_html_()


def test_spec_as_text_path_graph_or_summary():
    from_text = cnncalc.summarize(TINY)
    assert from_text.output_shape == (4, 6, 6) and from_text.totals.params == 3 * 3 * 3 * 4 + 4
    assert cnncalc.summarize(cnncalc.load_string(TINY)).to_dict() == from_text.to_dict()
    assert cnncalc.summarize(from_text) is from_text
    assert cnncalc.summarize(from_text, (3, 10, 10)).output_shape == (4, 8, 8)
    tiny = EXAMPLES / "tiny.yaml"
    assert cnncalc.summarize(tiny).to_dict() == cnncalc.summarize(str(tiny)).to_dict()


def test_a_design_with_errors_does_not_raise():
    s = cnncalc.summarize(EXAMPLES / "broken.yaml")
    assert not s.ok
    assert [d.code for d in s.errors] == ["E102", "E203", "E205"]
    assert "3 errors" in repr(s)
    with pytest.raises(CnnError) as e:
        s.raise_for_errors()
    assert codes(e.value) == [d.code for d in s.diagnostics]


def test_unusable_input_raises_cnnerror_with_diagnostics():
    with pytest.raises(CnnError) as e:
        cnncalc.summarize("name: t\nlayers: []\n")
    assert [(d.code, d.message) for d in e.value.diagnostics] == [
        ("E111", "the spec has no `input:` shape"), ("E111", "`layers:` is empty")]
    with pytest.raises(CnnError) as e:
        cnncalc.summarize("alexnett")
    (d,) = e.value.diagnostics
    assert (d.code, d.message, d.hint, str(d.pos)) == (
        "E001", "'alexnett' is neither a file nor a bundled model", "did you mean 'alexnet'?", "spec")
    with pytest.raises(CnnError) as e:
        cnncalc.summarize("alexnet", input_shape="3x2a4")
    assert (e.value.diagnostics[0].message, str(e.value.diagnostics[0].pos)) == ("'3x2a4' is not a shape",
                                                                                 "input_shape")
    with pytest.raises(CnnError) as e:
        cnncalc.summarize(42)
    assert codes(e.value) == ["E004"]
    with pytest.raises(CnnError) as e:
        cnncalc.summarize("alexnet", args={"width": 2})
    assert e.value.diagnostics[0].message == "alexnet has no argument 'width'"


# -- validate ----------------------------------------------------------------------------------------
def test_validate_returns_the_problems():
    v = cnncalc.validate(EXAMPLES / "broken.yaml")
    assert not v.ok and not v and [d.code for d in v.errors] == ["E102", "E203", "E205"]
    assert v.to_dict()["valid"] is False
    assert cnncalc.validate("resnet50").ok
    structural = cnncalc.validate("name: t\nlayers: []\n")  # a document not shaped like a spec: returned
    assert not structural.ok and [d.code for d in structural.errors] == ["E111", "E111"]


def test_validate_raises_for_unusable_input():
    with pytest.raises(CnnError) as e:
        cnncalc.validate("no/such/net.yaml")
    assert codes(e.value) == ["E001"]
    with pytest.raises(CnnError) as e:
        cnncalc.validate("name: t\ninput: [3, 8, 8\n")
    assert codes(e.value) == ["E003"]


# -- check -------------------------------------------------------------------------------------------
def test_check_a_sheet_file_and_text():
    g = cnncalc.check(EXAMPLES / "homework_alexnet.yaml")
    assert g.passed and g.right == g.total
    wrong = cnncalc.check(str(EXAMPLES / "homework_alexnet_wrong.yaml"))
    assert not wrong.passed
    conv1 = next(a for a in wrong.answers if a.layer == "conv1" and a.quantity == "params")
    assert (conv1.given, conv1.expected, conv1.correct) == (34848, 34944, False)  # the biases left out
    text = cnncalc.check("model: alexnet\nanswers:\n  conv1: {output_shape: 55x55x96, params: 34944}\n")
    assert text.passed and text.sheet == "<string>" and text.answers[0].pos.file == "<string>"


def test_check_raises_for_a_sheet_it_cannot_grade():
    with pytest.raises(CnnError) as e:
        cnncalc.check("model: alexnet\nanswers:\n  conv9: {params: 3}\n")
    (d,) = e.value.diagnostics
    assert (d.code, d.message, d.hint, str(d.pos)) == (
        "E106", "no layer or block row named 'conv9' in alexnet", "did you mean 'conv5'?", "<string>:3:3")


# -- run and verify ------------------------------------------------------------------------------------
def test_run_accepts_a_graph_text_name_and_summary():
    result = cnncalc.run(cnncalc.load_string(TINY))
    assert result.ok and result.output.shape == (1, 4, 6, 6)
    assert cnncalc.run(TINY).ok
    assert cnncalc.run(cnncalc.summarize(TINY), batch=2).output.shape == (2, 4, 6, 6)
    assert cnncalc.run("lenet5").output.shape == (1, 10)


def test_run_checks_x_and_the_design():
    import numpy as np

    with pytest.raises(CnnError) as e:
        cnncalc.run(TINY, x=np.zeros((3, 8, 8)))
    assert e.value.diagnostics[0].message == "x has shape (3, 8, 8); tiny takes (N, 3, 8, 8)"
    assert cnncalc.run(TINY, x=np.zeros((1, 3, 8, 8))).output.shape == (1, 4, 6, 6)
    with pytest.raises(CnnError) as e:
        cnncalc.run(EXAMPLES / "broken.yaml")
    assert "E203" in codes(e.value)


def test_verify_refuses_above_max_memory():
    assert cnncalc.verify(cnncalc.summarize("lenet5")).ok
    with pytest.raises(CnnError) as e:
        cnncalc.verify("vgg16", batch=64, max_memory="1GiB")  # 64 × 528 MB of VGG-16 activations alone
    (d,) = e.value.diagnostics
    assert d.code == "E304" and str(d.pos) == "max_memory"
    with pytest.raises(CnnError) as e:
        cnncalc.verify("lenet5", max_memory="lots")
    assert (e.value.diagnostics[0].message, str(e.value.diagnostics[0].pos)) == ("'lots' is not a size",
                                                                                 "max_memory")


# -- calculators ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["32x32x3", (3, 32, 32)])
def test_conv_seed_example(shape):
    c = cnncalc.conv(shape, out_channels=10, kernel_size=5, stride=1, padding=0)
    assert c.input_shape == (3, 32, 32) and c.output_shape == (10, 28, 28)
    assert c.params == (5 * 5 * 3) * 10 + 10 == 760
    assert c.macs == 28 * 28 * 10 * (5 * 5 * 3) and c.flops == 2 * c.macs
    assert c.params_formula.endswith("= 760")
    assert c.to_dict()["params"] == 760 and c.to_dict()["output_shape"] == [10, 28, 28]
    assert len(repr(c).splitlines()) < 10


def test_conv_arguments_per_dimension_and_words():
    assert cnncalc.conv((3, 32, 32), out_channels=8, kernel_size=(3, 3), padding="same").output_shape == (8, 32, 32)
    # AlexNet's conv2: 5×5, pad 2, two groups (one per GPU): (5·5·96/2)·256 + 256
    c = cnncalc.conv((96, 27, 27), out_channels=256, kernel_size=5, padding=2, groups=2)
    assert c.output_shape == (256, 27, 27) and c.params == (5 * 5 * 96 // 2) * 256 + 256
    assert cnncalc.conv((3, 32, 32), out_channels=10, kernel_size=5, bias=False).params == 750


def test_pool_and_linear_alexnet_layers():
    p = cnncalc.pool((96, 55, 55), kernel_size=3, stride=2)  # AlexNet's overlapping pool1
    assert (p.type, p.output_shape, p.params, p.macs) == ("maxpool2d", (96, 27, 27), 0, 0)
    assert cnncalc.pool((96, 55, 55), kernel_size=3, stride=2, kind="avg").type == "avgpool2d"
    fc6 = cnncalc.linear(9216, out_features=4096)
    assert (fc6.output_shape, fc6.params, fc6.macs) == ((4096,), 9216 * 4096 + 4096, 9216 * 4096)
    t = cnncalc.conv_transpose((16, 8, 8), out_channels=8, kernel_size=2, stride=2)
    assert t.output_shape == (8, 16, 16)  # (I − 1)·S + F = 7·2 + 2


def test_calculator_errors_name_the_argument():
    with pytest.raises(CnnError) as e:
        cnncalc.conv((3, 32, 32), kernel_size=5, stride=0)
    assert (e.value.diagnostics[0].code, str(e.value.diagnostics[0].pos)) == ("E004", "stride")
    with pytest.raises(CnnError) as e:
        cnncalc.conv((3, 32, 32), out_channels=4)
    assert e.value.diagnostics[0].message == "conv() needs kernel_size"
    with pytest.raises(CnnError) as e:
        cnncalc.conv("3x3x", kernel_size=3)
    assert str(e.value.diagnostics[0].pos) == "input_shape"


# -- import cost -------------------------------------------------------------------------------------------
def test_import_cnncalc_is_lazy_and_summarize_needs_no_numpy():
    code = ("import sys, cnncalc\n"
            "heavy = ('numpy', 'sympy', 'rich', 'typer', 'yaml')\n"
            "assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]\n"
            "s = cnncalc.summarize('alexnet'); repr(s); s._repr_html_(); s.to_dict()\n"
            "cnncalc.conv((3, 32, 32), out_channels=10, kernel_size=5); cnncalc.validate('alexnet')\n"
            "print(sorted(m for m in heavy[:4] if m in sys.modules))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
    assert {"summarize", "conv", "CnnError", "Summary"} <= set(dir(cnncalc))


# -- the README's "From Python" section ----------------------------------------------------------------
def _readme_python_blocks() -> list:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    return [b.split("\n```", 1)[0] for b in section.split("```python\n")[1:]]


def test_readme_from_python_examples_run():
    import doctest

    blocks = _readme_python_blocks()
    assert len(blocks) == 2
    exec(compile(blocks[0], "README.md (From Python)", "exec"), {})
    test = doctest.DocTestParser().get_doctest(blocks[1], {"cnncalc": cnncalc}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


# -- to_dict() is the command's JSON ---------------------------------------------------------------------
def test_to_dict_is_what_the_commands_print(cli):
    import json

    res = cli("summarize", "alexnet", "--format", "json")
    assert res.code == 0 and cnncalc.summarize("alexnet").to_dict() == json.loads(res.out)
    res = cli("summarize", "resnet18", "--format", "json", "--batch", "8", "--dtype", "float16")
    assert cnncalc.summarize("resnet18").to_dict(batch=8, dtype="float16") == json.loads(res.out)
    broken = str(EXAMPLES / "broken.yaml")
    res = cli("validate", broken, "--format", "json")
    assert res.code == 1 and cnncalc.validate(broken).to_dict() == json.loads(res.out)
    res = cli("validate", "resnet50", "--format", "json")
    assert res.code == 0 and cnncalc.validate("resnet50").to_dict() == json.loads(res.out)
    res = cli("conv", "--input", "32x32x3", "--filters", "10", "--kernel", "5", "--format", "json")
    assert res.code == 0
    assert cnncalc.conv("32x32x3", out_channels=10, kernel_size=5).to_dict() == json.loads(res.out)
