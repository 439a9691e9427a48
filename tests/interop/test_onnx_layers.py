"""Layers the torchvision models do not use, exported by torch.onnx from small torch models and read
back: parameters, MACs (PyTorch's FlopCounterMode / 2) and the output shape equal torch's.

The second model holds what torch.onnx writes as a subgraph or around Transpose nodes rather than as
one node (cnncalc/ops/foreign/onnx_patterns.py, onnx_layout.py): LocalResponseNorm, GELU's erf form,
LayerNorm and Linear over channels moved last, a learned per-channel scale, a channel shuffle written
with unflatten, and a spatial crop by slicing."""

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


def read_back(model, x, path, **export):
    """Export with torch.onnx (BatchNorm kept), read with cnncalc: (analysis, torch's output, its FLOPs)."""
    import cnncalc
    from torch.utils.flop_counter import FlopCounterMode

    options = {"do_constant_folding": False, "training": torch.onnx.TrainingMode.PRESERVE, **export}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, str(path), dynamo=False, opset_version=17, **options)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = model(x)
    a = cnncalc.summarize(str(path))
    assert a.ok, a.errors
    return a, out, counter.get_total_flops()


def test_small_model_counts_equal_torch(tmp_path):
    model, path = small(), tmp_path / "small.onnx"
    a, out, flops = read_back(model, torch.zeros(1, 3, 32, 36), path)
    assert a.output_shape == tuple(out.shape[1:])
    assert a.totals.trainable_params == sum(p.numel() for p in model.parameters())
    assert a.totals.macs == flops // 2
    # ONNX's AveragePool defaults to count_include_pad 0, PyTorch's to True: the attribute is carried over
    from pathlib import Path

    from cnncalc.interop.sources import spec_text

    pools = [line for line in spec_text(Path(path), "small.onnx").splitlines() if "ceil_mode: true" in line
             and "count_include_pad" in line]
    assert len(pools) == 1 and "count_include_pad: false" in pools[0]


class Subgraphs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.lrn = nn.LocalResponseNorm(3, alpha=2e-4, beta=0.7, k=1.5)
        self.norm = nn.LayerNorm(8, eps=1e-6)
        self.up = nn.Linear(8, 16)
        self.act = nn.GELU()
        self.scale = nn.Parameter(torch.full((16, 1, 1), 0.5))
        self.head = nn.Linear(16 * 10 * 4, 5)

    def forward(self, x):
        x = self.lrn(self.conv(x))  # 8×14×14
        x = self.up(self.norm(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)  # 16×14×14
        x = self.act(x) * self.scale
        x = x.unflatten(1, (4, -1)).transpose(1, 2).flatten(1, 2)  # channel shuffle, 4 groups
        x = x[:, :, 2:12, 5:9]  # 16×10×4
        return self.head(x.flatten(1))


def test_subgraph_layers_read_as_one_layer_each(tmp_path):
    from cnncalc.conventions import figure

    model = Subgraphs().eval()
    a, out, flops = read_back(model, torch.zeros(1, 3, 16, 16), tmp_path / "subgraphs.onnx")
    assert a.output_shape == tuple(out.shape[1:])
    assert a.totals.params == sum(p.numel() for p in model.parameters())
    assert figure(a, "flopcounter").count == flops
    by_type = {layer.type: layer for layer in a.layers}
    lrn = by_type["local_response_norm"].args
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (3, 2e-4, 0.7, 1.5)
    assert by_type["channel_shuffle"].args.groups == 4
    assert by_type["gelu"].args.approximate == "none"
    assert by_type["crop2d"].output_shape == (16, 10, 4)
    assert {r.name for r in a.layers} >= {"conv", "norm", "up", "scale", "head"}
    # the spec's layer names are the state_dict's: every parameter is found under its PyTorch name
    from cnncalc.layer import state_dict_key

    ours = {state_dict_key(r.name, w): tuple(arr.shape) for r in a.layers for w, arr in r.weights().items()}
    assert ours == {k: tuple(v.shape) for k, v in model.state_dict().items()}


class Transposed(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(self.conv(x).permute(0, 2, 3, 1))  # pools over W and C: no cnncalc layer does that


def test_a_channels_last_tensor_into_a_spatial_layer_is_e007(cli, tmp_path):
    path = tmp_path / "transposed.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Transposed().eval(), torch.zeros(1, 3, 12, 12), str(path), dynamo=False, opset_version=17)
    res = cli("summarize", str(path))
    assert res.code == 2
    assert "E007" in res.err and "MaxPool" in res.err and "transposed (axes 0, 2, 3, 1)" in res.err


class Branches(nn.Module):
    """torch.split into two branches, merged again: ONNX's Split node, one output per branch."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 10, 3)
        self.a = nn.Conv2d(4, 5, 1)
        self.b = nn.Conv2d(6, 5, 1)

    def forward(self, x):
        p, q = torch.split(self.conv(x), [4, 6], dim=1)
        return self.a(p) + self.b(q)


def test_split_is_a_layer_per_output(tmp_path):
    model = Branches().eval()
    a, out, flops = read_back(model, torch.zeros(1, 3, 8, 8), tmp_path / "split.onnx")
    assert a.output_shape == tuple(out.shape[1:])
    assert a.totals.params == sum(p.numel() for p in model.parameters())
    assert a.totals.macs == flops // 2
    assert [r.output_shape for r in a.layers if r.type == "split"] == [(4, 6, 6), (6, 6, 6)]


def test_split_by_num_outputs_takes_ceil_sized_pieces(tmp_path):
    """Opset 18's Split(num_outputs=3) of 7 channels: pieces of 3, 3 and 1 (the ONNX operator's rule)."""
    onnx = pytest.importorskip("onnx")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    import cnncalc

    w = numpy_helper.from_array(np.zeros((7, 3, 1, 1), dtype=np.float32), "conv.weight")
    nodes = [helper.make_node("Conv", ["x", "conv.weight"], ["c"], name="/conv/Conv", kernel_shape=[1, 1]),
             helper.make_node("Split", ["c"], ["p", "q", "r"], name="/split", axis=1, num_outputs=3)]
    graph = helper.make_graph(nodes, "split3", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
                              [helper.make_tensor_value_info(v, TensorProto.FLOAT, None) for v in "pqr"], [w])
    path = tmp_path / "split3.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(path))
    a = cnncalc.summarize(str(path))
    assert a.ok, a.errors
    assert [r.output_shape[0] for r in a.layers if r.type == "split"] == [3, 3, 1]
