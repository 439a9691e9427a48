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
    """The row's module with cnncalc's weights loaded by name. A weight without a name is the layer's own
    parameter (torchvision keeps ConvNeXt's layer scale on the block); a one-module reference calls it weight."""
    module = row.torch(torch).to(TORCH_DTYPE[dtype]).eval()
    sd = {k or "weight": torch.as_tensor(v) for k, v in weights.items()}
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


def _run_both(spec: str, build_torch, dtype="float64"):
    """cnncalc's forward and build_torch(x, weights) on the same input and seeded weights."""
    a = analyze(cnncalc.load_string(spec))
    assert a.ok, [d.format() for d in a.diagnostics]
    x = np.random.default_rng(1).standard_normal((2, *a.input_shape)).astype(dtype)
    weights = init_weights(a, 0, dtype)
    ours = run(a, x, weights, dtype=dtype)
    tw = {layer: {k: torch.as_tensor(v) for k, v in arrays.items()} for layer, arrays in weights.items()}
    with torch.no_grad():
        ref = build_torch(torch.as_tensor(x), tw).numpy()
    np.testing.assert_allclose(ours.output, ref, rtol=TOL[dtype], atol=TOL[dtype])
    return a


def test_squeeze_excitation_broadcasts_a_channel_scale():
    a = _run_both("""
name: se
input: [8, 5, 5]
layers:
  - {type: global_avgpool2d, name: squeeze, keepdims: true}
  - {type: sigmoid, name: gate}
  - {type: multiply, name: scaled, inputs: [input, gate]}
  - {type: add, name: shifted, inputs: [gate, scaled]}
""", lambda x, w: (lambda g: g + x * g)(torch.sigmoid(x.mean((2, 3), keepdim=True))))
    assert [r.output_shape for r in a.layers][-2:] == [(8, 5, 5), (8, 5, 5)]


def test_broadcasting_refuses_what_pytorch_would_misalign_or_refuse():
    def errors(second: str):
        text = (f"name: b\ninput: [8, 6, 6]\nlayers:\n  - {second}\n"
                "  - {type: multiply, name: m, inputs: [input, s]}\n")
        return [(d.code, d.message) for d in analyze(cnncalc.load_string(text)).errors]

    assert errors("{type: global_avgpool2d, name: s}") == [
        ("E206", "m: multiply inputs have different ranks: input 8×6×6, s 8")]  # (8,) would align with W
    assert errors("{type: maxpool2d, name: s, kernel_size: 2}") == [
        ("E204", "m: multiply inputs have different sizes: input 8×6×6, s 8×3×3")]


def test_center_crop_like_a_layer_is_unets_crop_and_concat():
    def torch_net(x, w):
        F = torch.nn.functional
        enc = F.conv2d(x, w["enc"]["weight"], w["enc"]["bias"])
        deep = F.conv2d(enc, w["deep"]["weight"], w["deep"]["bias"])  # 14 → 10: crop 2 a side
        return torch.cat([enc[:, :, 2:12, 2:12], deep], 1)

    a = _run_both("""
name: unet_step
input: [2, 16, 16]
layers:
  - {type: conv2d, name: enc, out_channels: 2, kernel_size: 3}
  - {type: conv2d, name: deep, out_channels: 2, kernel_size: 5}
  - {type: center_crop, name: crop, like: deep, inputs: [enc]}
  - {type: concat, name: cat, inputs: [crop, deep]}
""", torch_net)
    crop = a.layer("crop")
    assert crop.output_shape == (2, 10, 10) and crop.inputs == ("enc", "deep")
    assert crop.rf == a.layer("enc").rf._replace(padding=(-2, -2))  # the crop shifts the field; deep's is not merged
