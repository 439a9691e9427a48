"""cnncalc import/summarize of Keras models: real Keras 3 files against Keras's own counts.

The fixtures (tests/interop/fixtures/*.keras, *.json) were written by real Keras 3.15 with
make_keras_fixtures.py, which also recorded Keras's count_params() of every layer, its
trainable/non-trainable split and output shape in keras_counts.json. These tests need no
Keras; the last ones re-create the models with Keras when it is installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cnncalc

FIXTURES = Path(__file__).parent / "fixtures"
COUNTS = json.loads((FIXTURES / "keras_counts.json").read_text())
CASES = [(model, suffix) for model in COUNTS for suffix in (".keras", ".json")]


def _hwc(shape):
    return [*shape[1:], shape[0]] if len(shape) > 1 else list(shape)


@pytest.mark.parametrize("model,suffix", CASES)
def test_params_per_layer_equal_keras_count_params(model, suffix):
    a = cnncalc.summarize(str(FIXTURES / f"{model}{suffix}"))
    assert a.ok, a.errors
    keras = COUNTS[model]
    rows = {r.name: r for r in a.layers}
    for name, figures in keras["layers"].items():
        r = rows[name]
        assert (r.params, r.trainable_params, r.non_trainable_params) == (
            figures["params"], figures["trainable"], figures["non_trainable"]), name
        assert _hwc(r.output_shape) == figures["output_shape"], name
    assert a.totals.params == keras["total"]


def test_seed_000_is_the_course_model():
    a = cnncalc.summarize(str(FIXTURES / "seed_000.keras"))
    assert [r.params for r in a.layers if r.params] == [640, 73_856, 295_168, 2_570]
    assert a.totals.params == 372_234
    assert a.input_shape == (1, 28, 28)


def test_import_writes_keras_names_and_a_separate_activation(cli, tmp_path):
    out = tmp_path / "m.yaml"
    res = cli("import", str(FIXTURES / "residual.keras"), "-o", str(out))
    assert res.code == 0, res.err
    text = out.read_text()
    assert "name: stem_bn" in text and "inputs: [stem_relu, block_conv]" in text
    names = [r.name for r in cnncalc.summarize(str(out)).layers]
    assert "block_conv_relu" in names  # activation: relu inside the Conv2D is its own layer


def _zip(path, name, data, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        zf.writestr(name, data)
    return path


def test_a_zip_bomb_member_is_e008_before_reading(cli, tmp_path):
    bomb = _zip(tmp_path / "bomb.keras", "config.json", b" " * (17 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    res = cli("summarize", str(bomb))
    assert res.code != 0 and "E008" in res.err and "bytes" in res.err and "Traceback" not in res.err


def test_a_lying_zip_directory_is_still_capped(cli, tmp_path, monkeypatch):
    from cnncalc.interop import keras_config

    monkeypatch.setattr(keras_config, "MAX_JSON_BYTES", 1000)
    liar = _zip(tmp_path / "liar.keras", "config.json", b" " * 5000, zipfile.ZIP_STORED)
    raw = bytearray(liar.read_bytes())
    cd = raw.rfind(b"PK\x01\x02")  # the central directory entry: its file_size at offset 24
    raw[cd + 24: cd + 28] = (10).to_bytes(4, "little")
    liar.write_bytes(bytes(raw))
    res = cli("summarize", str(liar))
    assert res.code != 0 and "E008" in res.err and "Traceback" not in res.err


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_a_non_zip_keras_file_is_e008(cli, tmp_path, content):
    bad = tmp_path / "bad.keras"
    bad.write_bytes(content)
    res = cli("summarize", str(bad))
    assert res.code != 0 and "E008" in res.err and "Traceback" not in res.err


def test_deep_json_is_e008(cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    res = cli("summarize", str(deep))
    assert res.code != 0 and "E008" in res.err and "nests" in res.err


def test_an_unknown_layer_class_is_e007_naming_the_layer(cli, tmp_path):
    config = json.loads((FIXTURES / "sequential.json").read_text())
    config["config"]["layers"][2]["class_name"] = "FancyAttention"
    bad = tmp_path / "odd.json"
    bad.write_text(json.dumps(config))
    res = cli("summarize", str(bad))
    assert res.code != 0 and "E007" in res.err and "FancyAttention" in res.err
    assert config["config"]["layers"][2]["config"]["name"] in res.err


def test_keras_2_formats_are_read(tmp_path):
    """Keras 2's functional inbound_nodes [[name, 0, 0, {}]] and batch_input_shape."""
    k2 = {"class_name": "Model", "config": {"name": "k2", "layers": [
        {"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [None, 8, 8, 3], "name": "in"},
         "inbound_nodes": []},
        {"class_name": "Conv2D", "name": "c", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3],
                                                         "activation": "relu", "padding": "same"},
         "inbound_nodes": [[["in", 0, 0, {}]]]},
        {"class_name": "Add", "name": "a", "config": {"name": "a"},
         "inbound_nodes": [[["c", 0, 0, {}], ["c", 0, 0, {}]]]},
    ]}}
    path = tmp_path / "k2.json"
    path.write_text(json.dumps(k2))
    a = cnncalc.summarize(str(path))
    assert a.ok, a.errors
    assert a.totals.params == 3 * 3 * 3 * 4 + 4 and a.output_shape == (4, 8, 8)


def test_cli_import_loads_no_optional_package():
    code = "import sys, cnncalc.cli; print(sorted(m for m in ('torch', 'keras', 'onnx') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_the_fixtures_are_what_keras_writes_today(tmp_path):
    """With Keras installed, the models re-created now have the recorded counts (the fixtures are not stale)."""
    import importlib.util

    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("keras (with the torch backend) is not installed")
    code = (f"import os; os.environ['KERAS_BACKEND'] = 'torch'; import sys; sys.path.insert(0, {str(FIXTURES)!r}); "
            "import make_keras_fixtures as m; print(m.seed_000().count_params(), m.residual().count_params(), "
            "m.sequential().count_params())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert [int(x) for x in out] == [COUNTS[k]["total"] for k in ("seed_000", "residual", "sequential")]
