"""The NumPy reference backend against PyTorch: every op (the rows of tests/ops/test_op_table.py)
and the bundled LeNet-5, AlexNet, ResNet-18 and DenseNet-121 at small input sizes, with the
same weights: outputs agree to rtol 1e-4 in float32 and 1e-10 in float64."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import cnncalc  # noqa: E402
from cnncalc.analysis import analyze  # noqa: E402
from cnncalc.backend.runner import init_weights, run  # noqa: E402

from .torch_model import torch_forward  # noqa: E402

HERE = Path(__file__).resolve().parent
_rows = importlib.util.spec_from_file_location("op_rows", HERE.parent / "ops" / "test_op_table.py")
op_rows = importlib.util.module_from_spec(_rows)
_rows.loader.exec_module(op_rows)

TOL = {"float32": 1e-4, "float64": 1e-10}
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64}


def _compare(analysis, dtype, batch=2, seed=0):
    result = run(analysis, batch=batch, dtype=dtype, seed=seed)
    assert result.ok, [c for c in result.layers if not c.ok]
    x = np.random.default_rng(seed + 1).standard_normal((batch, *analysis.input_shape)).astype(dtype)
    weights = init_weights(analysis, seed, dtype)
    ours = run(analysis, x, weights, dtype=dtype).output
    ref = torch_forward(analysis, x, weights, TORCH_DTYPE[dtype])
    assert ours.dtype == np.dtype(dtype)
    assert ours.shape == ref.shape
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(ours, ref, rtol=TOL[dtype], atol=TOL[dtype] * scale)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layer,shape", [(r[0], r[1]) for r in op_rows.ROWS], ids=[r[0][7:40] for r in op_rows.ROWS])
def test_op_forward_matches_torch(layer, shape, dtype):
    a = analyze(cnncalc.load_string(f"name: t\ninput: {list(shape)}\nlayers:\n  - {layer}\n"))
    _compare(a, dtype)


def test_merge_ops_match_torch():
    a = analyze(cnncalc.load_string("""
name: merge
input: [3, 8, 8]
layers:
  - {type: conv2d, name: a, out_channels: 4, kernel_size: 3, padding: same}
  - {type: conv2d, name: b, out_channels: 4, kernel_size: 1, inputs: [input]}
  - {type: add, name: s, inputs: [a, b]}
  - {type: concat, name: c, inputs: [s, a, input]}
  - {type: maxpool2d, kernel_size: 3, stride: 2, padding: same}
  - {type: avgpool2d, kernel_size: 2, stride: 2, padding: same, count_include_pad: false}
"""))
    _compare(a, "float64")


@pytest.mark.parametrize("model,shape", [("lenet5", None), ("lenet5_1998", None), ("alexnet", None),
                                         ("resnet18", (3, 64, 64)), ("densenet121", (3, 64, 64))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bundled_models_match_torch(model, shape, dtype):
    _compare(cnncalc.summarize(model, shape), dtype, batch=1)
