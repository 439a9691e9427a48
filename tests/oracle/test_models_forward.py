"""The NumPy forward pass of whole bundled networks against PyTorch, on the same weights.

Each network is built in torch.nn with the spec's layer names (tests/oracle/builders.py);
cnncalc's seeded weights are loaded into it by state_dict name (every name must match);
one seeded input runs through both. Outputs agree to rtol 1e-4 in float32 and 1e-10 in
float64 — the same network, computed twice by independent code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import cnncalc  # noqa: E402
from cnncalc.backend.runner import init_weights, run  # noqa: E402
from cnncalc.layer import state_dict_key  # noqa: E402

from . import builders as B  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
TOL = {"float32": 1e-4, "float64": 1e-10}
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64}
MODELS = [
    ("lenet5", None, B.lenet5),
    ("lenet5_1998", None, B.lenet5_1998),
    ("alexnet", None, B.alexnet),
    ("resnet18", (3, 64, 64), lambda: B.ResNet(B.BasicBlock, [2, 2, 2, 2])),
    ("densenet121", (3, 64, 64), lambda: B.DenseNet(32, (6, 12, 24, 16), 64)),
    (str(EXAMPLES / "audio_m5.yaml"), (1, 8000), B.audio_m5),  # 1-D: a quarter of the clip
    (str(EXAMPLES / "video_c3d.yaml"), (3, 16, 64, 64), lambda: B.video_c3d(features=512 * 2 * 2)),  # 64×64 frames
]


def _state_dict(weights: dict) -> dict:
    return {state_dict_key(layer, name): torch.as_tensor(a) for layer, arrays in weights.items()
            for name, a in arrays.items()}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("model,shape,build", MODELS, ids=[Path(m[0]).stem for m in MODELS])
def test_bundled_model_matches_pytorch(model, shape, build, dtype):
    a = cnncalc.summarize(model, shape)
    weights = init_weights(a, seed=0, dtype=dtype)
    x = np.random.default_rng(1).standard_normal((1, *a.input_shape)).astype(dtype)
    ours = run(a, x, weights, dtype=dtype)
    assert ours.ok, [c for c in ours.layers if not c.ok]
    net = build().to(TORCH_DTYPE[dtype]).eval()
    missing, unexpected = net.load_state_dict(_state_dict(weights), strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    with torch.no_grad():
        ref = net(torch.as_tensor(x)).numpy()
    assert ours.output.shape == ref.shape
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(ours.output, ref, rtol=TOL[dtype], atol=TOL[dtype] * scale)


@pytest.mark.parametrize("spec,build", [("audio_m5.yaml", B.audio_m5), ("video_c3d.yaml", B.video_c3d)])
def test_example_networks_equal_their_pytorch_build_at_full_size(spec, build):
    """M5 on 32,000 samples and C3D on 16×112×112 clips: PyTorch's counts and output (shapes on the meta device)."""
    a = cnncalc.summarize(str(EXAMPLES / spec))
    net = build().to("meta").eval()
    with torch.no_grad():
        y = net(torch.zeros(1, *a.input_shape, device="meta"))
    assert a.output_shape == tuple(y.shape[1:])
    assert a.totals.trainable_params == sum(p.numel() for p in net.parameters())
    assert a.totals.non_trainable_params == sum(b.numel() for n, b in net.named_buffers()
                                                if not n.endswith("num_batches_tracked"))
