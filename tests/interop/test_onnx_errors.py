"""ONNX files cnncalc cannot read: an unsupported node (E007), not ONNX (E008), no onnx package (E009)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def small_model(path, op="LpNormalization"):
    """input 3×8×8 -> Conv(4, 3×3) -> op: built with onnx.helper, as any exporter writes it."""
    onnx = pytest.importorskip("onnx")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), dtype=np.float32), "conv.weight")
    nodes = [helper.make_node("Conv", ["x", "conv.weight"], ["c"], name="/conv/Conv", kernel_shape=[3, 3]),
             helper.make_node(op, ["c"], ["y"], name="/norm/" + op)]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_a_supported_tiny_model(cli, tmp_path):
    small_model(tmp_path / "m.onnx", "Relu")
    res = cli("summarize", str(tmp_path / "m.onnx"))
    assert res.code == 0, res.err
    assert "4×6×6" in res.out or "4x6x6" in res.out
    assert "108" in res.out  # 4·3·3·3 weights, no bias; MACs 108 per position · 36 positions
    assert "3888" in res.out.replace(",", "")


def test_unsupported_node_is_e007_naming_it(cli, tmp_path):
    small_model(tmp_path / "m.onnx")
    res = cli("summarize", str(tmp_path / "m.onnx"))
    assert res.code == 2
    assert "E007" in res.err and "node 1" in res.err and "LpNormalization" in res.err and "/norm/" in res.err


def test_garbage_is_e008(cli, tmp_path):
    pytest.importorskip("onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00\xffnot a model at all\x07" * 10)
    res = cli("summarize", str(bad))
    assert res.code == 2 and "E008" in res.err and "bad.onnx" in res.err


def test_missing_onnx_is_e009(cli, tmp_path, monkeypatch):
    (tmp_path / "m.onnx").write_bytes(b"x")
    monkeypatch.setitem(sys.modules, "onnx", None)
    res = cli("summarize", str(tmp_path / "m.onnx"))
    assert res.code == 2 and "E009" in res.err and "pip install 'cnncalc[onnx]'" in res.err


def test_cli_import_loads_no_onnx():
    code = "import sys, cnncalc.cli; print('onnx' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_unsupported_attribute_is_e007(cli, tmp_path):
    """auto_pad SAME_LOWER pads the extra row at the top: cnncalc's 'same' pads it at the bottom."""
    onnx = pytest.importorskip("onnx")
    small_model(tmp_path / "m.onnx", "Relu")
    model = onnx.load(str(tmp_path / "m.onnx"))
    model.graph.node[0].attribute.append(onnx.helper.make_attribute("auto_pad", "SAME_LOWER"))
    onnx.save(model, str(tmp_path / "m.onnx"))
    res = cli("summarize", str(tmp_path / "m.onnx"))
    assert res.code == 2 and "E007" in res.err and "node 0" in res.err and "SAME_LOWER" in res.err


def test_node_budget_is_charged_before_reading(cli, tmp_path, monkeypatch):
    from cnncalc.interop import onnx_graph

    small_model(tmp_path / "m.onnx", "Relu")
    monkeypatch.setattr(onnx_graph, "DEFAULT_MAX_LAYERS", 1)
    res = cli("summarize", str(tmp_path / "m.onnx"))
    assert res.code == 2 and "E008" in res.err and "2 nodes" in res.err


def test_a_missing_model_file_is_named_as_a_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = cli("summarize", "nothere.onnx")
    assert res.code == 2
    assert res.err.startswith("nothere.onnx:1:1: error[E001]: no such file: nothere.onnx")


def test_the_suffixes_read_as_model_files_are_the_readers():
    from cnncalc.interop.sources import READERS
    from cnncalc.zoo import FOREIGN_SUFFIXES

    assert set(FOREIGN_SUFFIXES) == set(READERS)


def test_a_connection_table_out_of_range_is_e007_not_a_crash(cli, tmp_path):
    """LeNet-5's C3 as torch.onnx writes it (a Conv whose weight is ScatterND(zeros, (map, input) pairs,
    kernels)), with a pair naming output map 9 of 4: no layer is guessed, the Conv is refused by name."""
    onnx = pytest.importorskip("onnx")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    kernels = numpy_helper.from_array(np.zeros((1, 3, 3), dtype=np.float32), "c3.weight")
    nodes = [helper.make_node("Constant", [], ["zeros"], value=numpy_helper.from_array(
                 np.zeros((4, 3, 3, 3), dtype=np.float32))),
             helper.make_node("Constant", [], ["pairs"], value=numpy_helper.from_array(
                 np.array([[9, 0]], dtype=np.int64))),
             helper.make_node("ScatterND", ["zeros", "pairs", "c3.weight"], ["w"], name="/c3/ScatterND"),
             helper.make_node("Conv", ["x", "w"], ["y"], name="/c3/Conv", kernel_shape=[3, 3])]
    graph = helper.make_graph(nodes, "c3", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [kernels])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "c3.onnx"))
    res = cli("summarize", str(tmp_path / "c3.onnx"))
    assert res.code == 2 and "Traceback" not in res.err
    assert "node 3" in res.err and "E007" in res.err
    assert "'/c3/Conv' (Conv): the weight is not an initializer" in res.err
