"""U-Net (Ronneberger, Fischer & Brox, MICCAI 2015) against the paper's Fig. 1 and a torch.nn build.

Fig. 1 (the 32×32-pixel lowest resolution example) prints every map's size and channel count:
the contracting path 572 → 570 → 568 (64) ↓ 284 → 282 → 280 (128) ↓ 140 → 138 → 136 (256)
↓ 68 → 66 → 64 (512) ↓ 32 → 30 → 28 (1024); the expansive path 56 → 54 → 52 (512),
104 → 102 → 100 (256), 200 → 198 → 196 (128), 392 → 390 → 388 (64), each step fed by an
up-convolution ("up-conv 2×2") and a "copy and crop" of the contracting map (568 → 392,
280 → 200, 136 → 104, 64 → 56); the output segmentation map is 2×388×388 ("conv 1×1").
§2: unpadded 3×3 convolutions each followed by a ReLU, 2×2 max pooling of stride 2, a 2×2
up-convolution halving the channels, concatenation with the cropped map, two 3×3 convs, and a
final 1×1 conv to the classes; "in total the network has 23 convolutional layers".
31,030,658 parameters is the count of this network with biases on every conv (the torch.nn
build below, written from the paper, gives it).

The torch.nn build names its modules as the spec names its layers (down1.conv1, up1.upconv,
up1.conv.conv1, final), loads cnncalc's seeded weights by state_dict name and must give the
same output as cnncalc's NumPy forward pass. A size s is valid when every pooled map is even
and the expansive path keeps at least one pixel: s = 16·k + 124, k ≥ 4; the smallest is 188
(output 4×4: 188 → 184 ↓ 92 → 88 ↓ 44 → 40 ↓ 20 → 16 ↓ 8 → 4, up 8 → 4, 8 → 4, 8 → 4, 8 → 4).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import cnncalc
from cnncalc.backend.runner import init_weights, run
from cnncalc.layer import state_dict_key

PARAMS = 31_030_658  # the well-known count for the network of Fig. 1 (also the torch build's, below)

# (layer, channels, size) as printed in Fig. 1, left to right
FIG1 = [
    ("down1.relu1", 64, 570), ("down1.relu2", 64, 568), ("pool1", 64, 284),
    ("down2.relu1", 128, 282), ("down2.relu2", 128, 280), ("pool2", 128, 140),
    ("down3.relu1", 256, 138), ("down3.relu2", 256, 136), ("pool3", 256, 68),
    ("down4.relu1", 512, 66), ("down4.relu2", 512, 64), ("pool4", 512, 32),
    ("down5.relu1", 1024, 30), ("down5.relu2", 1024, 28),
    ("up1.upconv", 512, 56), ("up1.concat", 1024, 56), ("up1.conv.relu1", 512, 54), ("up1.conv.relu2", 512, 52),
    ("up2.upconv", 256, 104), ("up2.concat", 512, 104), ("up2.conv.relu1", 256, 102), ("up2.conv.relu2", 256, 100),
    ("up3.upconv", 128, 200), ("up3.concat", 256, 200), ("up3.conv.relu1", 128, 198), ("up3.conv.relu2", 128, 196),
    ("up4.upconv", 64, 392), ("up4.concat", 128, 392), ("up4.conv.relu1", 64, 390), ("up4.conv.relu2", 64, 388),
    ("final", 2, 388),
]
# Fig. 1's "copy and crop" arrows: (crop, contracting map it copies, its size, the size it is cropped to)
CROPS = [("up1.crop", "down4.relu2", 64, 56), ("up2.crop", "down3.relu2", 136, 104),
         ("up3.crop", "down2.relu2", 280, 200), ("up4.crop", "down1.relu2", 568, 392)]
SMALLEST = 188  # 16·4 + 124; 172 (k = 3) leaves up2's second conv a 2×2 map


# -- the paper ---------------------------------------------------------------------------------------
def test_input_and_output_are_fig1s():
    a = cnncalc.summarize("unet")
    assert a.ok, [d.format() for d in a.errors]
    assert a.input_shape == (1, 572, 572)
    assert a.output_shape == (2, 388, 388)


def test_every_size_and_width_of_fig1():
    shape = {r.name: r.output_shape for r in cnncalc.summarize("unet").layers}
    for name, channels, size in FIG1:
        assert shape[name] == (channels, size, size), name


def test_copy_and_crop_of_fig1():
    layers = {r.name: r for r in cnncalc.summarize("unet").layers}
    for crop, source, size, cropped in CROPS:
        layer = layers[crop]
        assert layer.inputs[0] == source
        assert layer.input_shapes[0][1:] == (size, size)
        assert layer.output_shape[1:] == (cropped, cropped)
        concat = layers[crop.replace("crop", "concat")]
        assert concat.inputs == (crop, crop.replace("crop", "upconv"))


def test_23_convolutional_layers_and_the_parameter_count():
    a = cnncalc.summarize("unet")
    convs = [r for r in a.layers if r.op.name in ("conv2d", "conv_transpose2d")]
    assert len(convs) == 23  # §2: "In total the network has 23 convolutional layers."
    assert a.totals.params == a.totals.trainable_params == PARAMS
    assert a.totals.non_trainable_params == 0


def test_smallest_valid_input(cli):
    assert cli("validate", "unet", "--input", f"1x{SMALLEST}x{SMALLEST}").code == 0
    assert cli("validate", "unet", "--input", f"1x{SMALLEST - 16}x{SMALLEST - 16}").code == 1
    assert cnncalc.summarize("unet", (1, SMALLEST, SMALLEST)).output_shape == (2, 4, 4)


# -- torch.nn, written from the paper ------------------------------------------------------------------
def build_unet(classes: int = 2):
    """U-Net of §2 / Fig. 1 in torch.nn; module names are the spec's layer names."""
    torch = pytest.importorskip("torch")
    nn = torch.nn

    class DoubleConv(nn.Module):  # two unpadded 3×3 convs, each followed by a ReLU
        def __init__(self, c_in, c_out):
            super().__init__()
            self.conv1, self.relu1 = nn.Conv2d(c_in, c_out, 3), nn.ReLU()
            self.conv2, self.relu2 = nn.Conv2d(c_out, c_out, 3), nn.ReLU()

        def forward(self, x):
            return self.relu2(self.conv2(self.relu1(self.conv1(x))))

    class Up(nn.Module):  # up-conv 2×2 halving the channels, copy and crop, concat, two 3×3 convs
        def __init__(self, c_in):
            super().__init__()
            self.upconv = nn.ConvTranspose2d(c_in, c_in // 2, 2, stride=2)
            self.conv = DoubleConv(c_in, c_in // 2)

        def forward(self, x, skip):
            up = self.upconv(x)
            h, w = up.shape[-2:]
            dh, dw = skip.shape[-2] - h, skip.shape[-1] - w
            assert dh % 2 == 0 and dw % 2 == 0, "U-Net's crops are even: the maps stay centred"
            crop = skip[..., dh // 2:dh // 2 + h, dw // 2:dw // 2 + w]
            return self.conv(torch.cat([crop, up], 1))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            widths = (64, 128, 256, 512, 1024)
            c = 1
            for k, width in enumerate(widths, 1):
                self.add_module(f"down{k}", DoubleConv(c, width))
                if k < len(widths):
                    self.add_module(f"pool{k}", nn.MaxPool2d(2, 2))
                c = width
            for k in range(1, 5):
                self.add_module(f"up{k}", Up(c))
                c //= 2
            self.final = nn.Conv2d(c, classes, 1)

        def forward(self, x):
            skips = []
            for k in range(1, 5):
                x = getattr(self, f"down{k}")(x)
                skips.append(x)
                x = getattr(self, f"pool{k}")(x)
            x = self.down5(x)
            for k in range(1, 5):
                x = getattr(self, f"up{k}")(x, skips.pop())
            return self.final(x)

    return UNet()


def test_torch_build_at_572_counts_and_output():
    """Parameter count, output shape and multiply-accumulates of the torch build, on the meta device."""
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    net = build_unet().to("meta").eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        y = net(torch.zeros(1, 1, 572, 572, device="meta"))
    assert tuple(y.shape) == (1, 2, 388, 388)
    assert sum(p.numel() for p in net.parameters()) == PARAMS
    a = cnncalc.summarize("unet")
    assert a.output_shape == tuple(y.shape[1:])
    assert a.totals.params == sum(p.numel() for p in net.parameters())
    # torch's counter: 2 FLOPs per multiply-accumulate of every conv and up-conv, bias excluded
    assert a.totals.macs == counter.get_total_flops() // 2
    # every module the spec names a weight for, with torch's shape
    shapes = {name: tuple(p.shape) for name, p in net.named_parameters()}
    ours = {state_dict_key(r.name, w): tuple(v.shape) for r in a.layers for w, v in r.weights().items()}
    assert ours == shapes


def test_forward_equals_torch_at_the_smallest_input():
    torch = pytest.importorskip("torch")
    a = cnncalc.summarize("unet", (1, SMALLEST, SMALLEST))
    weights = init_weights(a, seed=0, dtype="float64")
    x = np.random.default_rng(1).standard_normal((1, *a.input_shape))
    ours = run(a, x, weights, dtype="float64")
    assert ours.ok, [c for c in ours.layers if not c.ok]
    net = build_unet().to(torch.float64).eval()
    state = {state_dict_key(layer, name): torch.as_tensor(v) for layer, arrays in weights.items()
             for name, v in arrays.items()}
    net.load_state_dict(state, strict=True)  # every name on both sides
    with torch.no_grad():
        ref = net(torch.as_tensor(x)).numpy()
    assert ref.shape == ours.output.shape == (1, 2, 4, 4)
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(ours.output, ref, rtol=1e-9, atol=1e-9 * scale)


# -- cnncalc verify at the paper's size ---------------------------------------------------------------------
def test_verify_at_572_fits_the_default_memory_limit(cli):
    res = cli("verify", "unet", "--format", "json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data["ok"] is True
    final = data["layers"][-1]
    assert final["name"] == "final" and final["actual_shape"] == [2, 388, 388]
    assert sum(layer["weights_allocated"] for layer in data["layers"]) == PARAMS
