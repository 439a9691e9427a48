"""Layers the torchvision models do not use, exported by torch.onnx from a small torch model and read
back: parameters, MACs (PyTorch's FlopCounterMode / 2) and the output shape equal torch's.

(torch.onnx writes nn.LocalResponseNorm as a Pad/AveragePool subgraph, not an LRN node, and the
Shape nodes after it lose their sizes in onnx's shape inference: it is not read yet.)"""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("onnx")
torch = pytest.importorskip("torch")
nn = torch.nn


def small():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=(1, 2), dilation=1, groups=1), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(8, 6, 4, stride=2, padding=1, output_padding=1), nn.PReLU(6), nn.ELU(),
        nn.ZeroPad2d((1, 2, 0, 3)), nn.AvgPool2d(3, stride=2, ceil_mode=True, count_include_pad=False),
        nn.Upsample(scale_factor=2, mode="nearest"), nn.Hardtanh(-1.0, 2.0),
        nn.Conv2d(6, 12, 3, groups=3, bias=False), nn.InstanceNorm2d(12, affine=True), nn.Tanh(),
        nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(), nn.Linear(4080, 10), nn.Softmax(dim=1)).eval()


def test_small_model_counts_equal_torch(tmp_path):
    import cnncalc
    from torch.utils.flop_counter import FlopCounterMode

    model, x = small(), torch.zeros(1, 3, 32, 36)
    path = tmp_path / "small.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, str(path), dynamo=False, opset_version=17, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = model(x)
    a = cnncalc.summarize(str(path))
    assert a.ok, a.errors
    assert a.output_shape == tuple(out.shape[1:])
    assert a.totals.trainable_params == sum(p.numel() for p in model.parameters())
    assert a.totals.macs == counter.get_total_flops() // 2
    # ONNX's AveragePool defaults to count_include_pad 0, PyTorch's to True: the attribute is carried over
    from pathlib import Path

    from cnncalc.interop.sources import spec_text

    pools = [line for line in spec_text(Path(path), "small.onnx").splitlines() if "ceil_mode: true" in line
             and "count_include_pad" in line]
    assert len(pools) == 1 and "count_include_pad: false" in pools[0]
