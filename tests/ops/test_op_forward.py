"""The oracle: every op-table row run in PyTorch on the same weights and input.

For each row, the row's own PyTorch reference is built; cnncalc's weights (seeded) are
loaded into it by their state_dict names, which must match exactly; its output shape
and its parameter and buffer counts must equal the row's; and cnncalc's NumPy forward
pass must equal PyTorch's to rtol 1e-4 in float32 and 1e-10 in float64.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import cnncalc  # noqa: E402
from cnncalc.analysis import analyze  # noqa: E402
from cnncalc.backend.runner import init_weights, run  # noqa: E402

from .rows import ROWS  # noqa: E402

TOL = {"float32": 1e-4, "float64": 1e-10}
pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64}


def _reference(row, weights: dict, dtype: str):
    module = row.torch(torch).to(TORCH_DTYPE[dtype]).eval()
    sd = {k: torch.as_tensor(v) for k, v in weights.items()}
    missing, unexpected = module.load_state_dict(sd, strict=False)
    assert not unexpected, f"cnncalc has weights PyTorch does not: {unexpected}"
    assert all(k.endswith("num_batches_tracked") for k in missing), f"PyTorch has weights cnncalc does not: {missing}"
    return module


def _counts(module) -> tuple:
    trainable = sum(p.numel() for p in module.parameters())
    buffers = sum(b.numel() for name, b in module.named_buffers() if not name.endswith("num_batches_tracked"))
    return trainable, buffers


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_forward_matches_pytorch(row, dtype):
    a = analyze(cnncalc.load_string(f"name: t\ninput: {list(row.shape)}\nlayers:\n  - {row.layer}\n"))
    layer = a.layers[0]
    weights = init_weights(a, seed=0, dtype=dtype)
    x = np.random.default_rng(1).standard_normal((2, *row.shape)).astype(dtype)
    ours = run(a, x, weights, dtype=dtype)
    assert ours.ok, ours.layers
    module = _reference(row, weights.get(layer.name, {}), dtype)
    assert _counts(module) == row.params
    n_inputs = len(layer.inputs)
    with torch.no_grad():
        ref = module(*[torch.as_tensor(x)] * n_inputs).numpy()
    assert tuple(ref.shape[1:]) == row.out
    assert ours.output.dtype == np.dtype(dtype)
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(ours.output, ref, rtol=TOL[dtype], atol=TOL[dtype] * scale)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activations_do_not_overflow(dtype):
    """Large inputs: sigmoid and softmax must stay finite and equal PyTorch's (no overflow warning)."""
    a = analyze(cnncalc.load_string("name: t\ninput: [5]\nlayers: [sigmoid, tanh, gelu, softmax]\n"))
    x = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ours = run(a, x, dtype=dtype).output
    t = torch.as_tensor(x)
    ref = torch.softmax(torch.nn.functional.gelu(torch.tanh(torch.sigmoid(t))), dim=1).numpy()
    np.testing.assert_allclose(ours, ref, rtol=TOL[dtype])
