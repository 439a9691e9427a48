"""The bundled torchvision-style models against torchvision itself.

torchvision 0.28 installs beside torch 2.13 with `pip install --no-deps torchvision==0.28.0
pillow`; its compiled detection ops do not load against this torch, and the models do not
need them, so `torchvision._meta_registrations` is replaced by an empty module before the
import. Without torchvision the tests that use this module skip.

For a model, `compare(spec_name, torchvision_name, **builder_kwargs)` checks
  - the state_dict: every parameter and buffer of the torchvision model is a weight of the
    spec under the same name with the same shape, and the spec has no other weights
    (so `cnncalc verify --weights` reads converted torchvision weights);
  - the counts: trainable = torchvision's parameters, non-trainable = its buffers
    (num_batches_tracked excluded) — and trainable = its weights table's `num_params`;
  - MACs = PyTorch's own FlopCounterMode total / 2 (conv and matmul FLOPs: the convention
    torchvision's `_ops` use), exactly, and `_ops` to its three printed decimals;
  - the output shape of a forward pass (on the meta device: no memory, no compute).
`forward_equal` runs both on the same seeded weights and input and compares the outputs.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

torch = pytest.importorskip("torch")


def torchvision():
    """The torchvision package, or skip (it is a test-only extra)."""
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    return pytest.importorskip("torchvision")


def build(name: str, **kwargs):
    tv = torchvision()
    return tv.models.get_model(name, weights=None, **kwargs).eval()


def meta(name: str) -> dict:
    tv = torchvision()
    return tv.models.get_model_weights(name).DEFAULT.meta


def state_shapes(model) -> dict:
    return {k: tuple(v.shape) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def spec_shapes(analysis) -> dict:
    from cnncalc.layer import state_dict_key

    return {state_dict_key(r.name, w): tuple(spec.shape) for r in analysis.layers for w, spec in r.weights().items()}


def macs(model, shape: tuple) -> int:
    """PyTorch's FlopCounterMode total for one image, halved: multiply-accumulates of conv and matmul."""
    from torch.utils.flop_counter import FlopCounterMode

    m = model.to("meta")
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        m(torch.zeros(1, *shape, device="meta"))
    return counter.get_total_flops() // 2


def output_shape(model, shape: tuple) -> tuple:
    with torch.no_grad():
        return tuple(model.to("meta")(torch.zeros(1, *shape, device="meta")).shape[1:])


def compare(analysis, torchvision_name: str, **kwargs) -> None:
    """Every check of the module docstring, for a spec analysed at its own input size."""
    model = build(torchvision_name, **kwargs)
    ours, theirs = spec_shapes(analysis), state_shapes(model)
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(set(ours) - set(theirs))
    wrong = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
    assert not missing and not extra and not wrong, (
        f"torchvision's weights the spec lacks: {missing[:8]}; the spec's weights torchvision lacks: {extra[:8]}; "
        f"shapes that differ: {[(k, ours[k], theirs[k]) for k in wrong[:8]]}")
    trainable = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    assert (analysis.totals.trainable_params, analysis.totals.non_trainable_params) == (trainable, buffers)
    if not kwargs:
        assert analysis.totals.trainable_params == meta(torchvision_name)["num_params"]
    assert analysis.totals.macs == macs(model, analysis.input_shape)
    assert analysis.output_shape == output_shape(build(torchvision_name, **kwargs), analysis.input_shape)


def published_ops(torchvision_name: str) -> float:
    return meta(torchvision_name)["_ops"]


def bundled_equals_torchvision(name: str) -> None:
    """The bundled spec `name` against torchvision's model of that name: compare(), and the
    GFLOPS (multiply-adds) its weights table prints, to its three decimals."""
    import cnncalc

    a = cnncalc.summarize(name)
    compare(a, name)
    assert round(a.totals.macs / 1e9, 3) == published_ops(name)


def forward_equal(analysis, torchvision_name: str, dtype: str = "float64", rtol: float = 1e-9, **kwargs) -> None:
    """cnncalc's NumPy forward pass and torchvision's on the same seeded weights and input."""
    from cnncalc.backend.runner import init_weights, run
    from cnncalc.layer import state_dict_key

    weights = init_weights(analysis, seed=0, dtype=dtype)
    x = np.random.default_rng(1).standard_normal((1, *analysis.input_shape)).astype(dtype)
    ours = run(analysis, x, weights, dtype=dtype)
    assert ours.ok, [c for c in ours.layers if not c.ok][:3]
    model = build(torchvision_name, **kwargs).to(getattr(torch, dtype))
    sd = {state_dict_key(layer, name): torch.as_tensor(a) for layer, arrays in weights.items()
          for name, a in arrays.items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    with torch.no_grad():
        ref = model(torch.as_tensor(x)).numpy()
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(ours.output, ref, rtol=rtol, atol=rtol * scale)
