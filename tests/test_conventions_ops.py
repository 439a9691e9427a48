"""The rules for ops no torchvision classifier uses (transposed conv, upsampling, average pooling,
softmax, leaky ReLU, adaptive pooling to 4×4), each tool run on the same network built in PyTorch."""

from __future__ import annotations

import pytest

from cnncalc.conventions import figure
from cnncalc.pipeline import summarize

torch = pytest.importorskip("torch")

from tests.test_conventions import RUNNERS, quiet  # noqa: E402

SPEC = """name: odd_ops
input: [3, 32, 32]
layers:
  - {type: conv2d, out_channels: 8, kernel_size: 3, padding: 1}
  - {type: batchnorm2d}
  - {type: leaky_relu}
  - {type: avgpool2d, kernel_size: 2}
  - {type: conv_transpose2d, out_channels: 4, kernel_size: 2, stride: 2}
  - {type: upsample, scale_factor: 2, mode: MODE}
  - {type: maxpool2d, kernel_size: 2}
  - {type: adaptive_avg_pool2d, output_size: 4}
  - {type: flatten}
  - {type: linear, out_features: 10}
  - {type: softmax}
"""


def torch_model(mode):
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.LeakyReLU(), nn.AvgPool2d(2),
                         nn.ConvTranspose2d(8, 4, 2, stride=2), nn.Upsample(scale_factor=2, mode=mode),
                         nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(64, 10),
                         nn.Softmax(dim=1)).eval()


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("tool", list(RUNNERS))
def test_odd_ops(tool, mode, tmp_path, monkeypatch):
    spec = tmp_path / "odd_ops.yaml"
    spec.write_text(SPEC.replace("MODE", mode))
    import tests.test_conventions as tc

    monkeypatch.setattr(tc, "image", lambda: torch.zeros(1, 3, 32, 32))
    if tool == "ptflops":  # its input size is an argument, not image()
        ptflops = tc.ptflops_importable()
        with quiet():
            theirs, params = ptflops.get_model_complexity_info(torch_model(mode), (3, 32, 32), as_strings=False,
                                                               backend="pytorch", print_per_layer_stat=False)
    elif tool == "torchinfo":
        torchinfo = pytest.importorskip("torchinfo")
        s = torchinfo.summary(torch_model(mode), input_size=(1, 3, 32, 32), verbose=0, device="cpu")
        theirs, params = s.total_mult_adds, s.total_params
    else:
        theirs, params = RUNNERS[tool](torch_model(mode))
    ours = figure(summarize(str(spec)), tool)
    assert (ours.count, ours.params) == (int(theirs), params)


NORMS = {
    "vector": ("""name: norms_vector
input: [16]
layers:
  - {type: linear, out_features: 32}
  - {type: layer_norm}
  - {type: gelu}
  - {type: elu}
  - {type: prelu}
  - {type: relu6}
  - {type: linear, out_features: 10}
""", (1, 16), lambda nn: [nn.Linear(16, 32), nn.LayerNorm(32), nn.GELU(), nn.ELU(), nn.PReLU(), nn.ReLU6(),
                          nn.Linear(32, 10)]),
    "image": ("""name: norms_image
input: [4, 8, 8]
layers:
  - {type: conv2d, out_channels: 8, kernel_size: 3, padding: 1}
  - {type: group_norm, num_groups: 2}
  - {type: instancenorm2d, affine: true}
  - {type: prelu, num_parameters: 8}
""", (1, 4, 8, 8), lambda nn: [nn.Conv2d(4, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.InstanceNorm2d(8, affine=True),
                               nn.PReLU(8)]),
}


@pytest.mark.parametrize("case", list(NORMS))
@pytest.mark.parametrize("tool", list(RUNNERS))
def test_norms_and_activations(tool, case, tmp_path, monkeypatch):
    import tests.test_conventions as tc

    text, shape, layers = NORMS[case]
    spec = tmp_path / "norms.yaml"
    spec.write_text(text)
    m = torch.nn.Sequential(*layers(torch.nn)).eval()
    monkeypatch.setattr(tc, "image", lambda: torch.zeros(*shape))
    if tool == "ptflops":
        ptflops = tc.ptflops_importable()
        with quiet():
            theirs, params = ptflops.get_model_complexity_info(m, shape[1:], as_strings=False, backend="pytorch",
                                                               print_per_layer_stat=False)
    elif tool == "torchinfo":
        torchinfo = pytest.importorskip("torchinfo")
        s = torchinfo.summary(m, input_size=shape, verbose=0, device="cpu")
        theirs, params = s.total_mult_adds, s.total_params
    else:
        theirs, params = RUNNERS[tool](m)
    ours = figure(summarize(str(spec)), tool)
    assert (ours.count, ours.params) == (int(theirs), params)
