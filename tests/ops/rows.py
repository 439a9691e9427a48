"""The op table: one row per op configuration, every op in every rank it has.

Each row is a layer as a spec writes it, its input shape, and what PyTorch 2.13 gives
for the same layer — the output shape and the (trainable, non-trainable) element
counts of its parameters and buffers (num_batches_tracked, a counter, excluded) —,
its MACs under the documented convention (conv/linear multiply-accumulates, bias
excluded) written out by hand, and its PyTorch reference: `torch` builds the module
(tests/ops/test_op_forward.py runs it on the same weights and input). A row without
a reference fails tests/ops/test_op_table.py even where torch is not installed.

`same` padding is TensorFlow's (O = ⌈I/S⌉, the odd pixel at the end), so its
references pad explicitly; at stride 1 it is PyTorch's padding='same'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import torch_refs as R


@dataclass(frozen=True)
class Row:
    layer: str
    shape: tuple
    out: tuple
    params: tuple  # (trainable, non-trainable)
    macs: int
    torch: Callable  # torch -> nn.Module

    @property
    def id(self) -> str:
        return self.layer[7:48]


def _act(name, module):
    return Row(f"{{type: {name}}}", (8, 4, 4), (8, 4, 4), (0, 0), 0, module)


ROWS = [
    # -- convolutions --------------------------------------------------------------
    Row("{type: conv2d, out_channels: 16, kernel_size: 3, padding: 1}", (3, 32, 32), (16, 32, 32), (448, 0),
        32 * 32 * 16 * (3 * 3 * 3), lambda t: t.nn.Conv2d(3, 16, 3, padding=1)),
    Row("{type: conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1, dilation: 2, groups: 4, bias: false}",
        (8, 33, 33), (16, 16, 16), (288, 0), 16 * 16 * 16 * (3 * 3 * 8 // 4),
        lambda t: t.nn.Conv2d(8, 16, 3, 2, 1, 2, 4, bias=False)),
    Row("{type: conv2d, out_channels: 32, kernel_size: 3, padding: 1, groups: 32}", (32, 14, 14), (32, 14, 14),
        (320, 0), 14 * 14 * 32 * 9, lambda t: t.nn.Conv2d(32, 32, 3, padding=1, groups=32)),
    Row("{type: conv2d, out_channels: 32, kernel_size: 3, stride: 2, padding: [0, 1, 0, 1]}", (3, 224, 224),
        (32, 112, 112), (896, 0), 112 * 112 * 32 * 27, lambda t: R.padded(t, (0, 1, 0, 1), t.nn.Conv2d(3, 32, 3, 2))),
    Row("{type: conv2d, out_channels: 8, kernel_size: 5, padding: same}", (3, 28, 28), (8, 28, 28), (608, 0),
        28 * 28 * 8 * 75, lambda t: t.nn.Conv2d(3, 8, 5, padding="same")),
    Row("{type: conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: same}", (3, 225, 225), (8, 113, 113),
        (224, 0), 113 * 113 * 8 * 27, lambda t: t.nn.Conv2d(3, 8, 3, 2, padding=1)),  # TF: total 2, (1, 1)
    Row("{type: conv2d, out_channels: 4, kernel_size: 1, stride: 2}", (3, 9, 8), (4, 5, 4), (16, 0), 5 * 4 * 4 * 3,
        lambda t: t.nn.Conv2d(3, 4, 1, 2)),
    Row("{type: conv1d, out_channels: 128, kernel_size: 80, stride: 4}", (1, 8000), (128, 1981), (10_368, 0),
        1981 * 128 * 80, lambda t: t.nn.Conv1d(1, 128, 80, 4)),
    Row("{type: conv1d, out_channels: 6, kernel_size: 3, padding: 2, dilation: 2, groups: 3}", (6, 20), (6, 20),
        (42, 0), 20 * 6 * (3 * 6 // 3), lambda t: t.nn.Conv1d(6, 6, 3, padding=2, dilation=2, groups=3)),
    Row("{type: conv1d, out_channels: 4, kernel_size: 4, padding: same}", (2, 10), (4, 10), (36, 0), 10 * 4 * 8,
        lambda t: t.nn.Conv1d(2, 4, 4, padding="same")),
    Row("{type: conv3d, out_channels: 64, kernel_size: 3, padding: 1}", (3, 8, 28, 28), (64, 8, 28, 28),
        (5_248, 0), 8 * 28 * 28 * 64 * (27 * 3), lambda t: t.nn.Conv3d(3, 64, 3, padding=1)),
    Row("{type: conv3d, out_channels: 8, kernel_size: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3], bias: false}",
        (3, 8, 32, 32), (8, 8, 16, 16), (3_528, 0), 8 * 16 * 16 * 8 * (3 * 7 * 7 * 3),
        lambda t: t.nn.Conv3d(3, 8, (3, 7, 7), (1, 2, 2), (1, 3, 3), bias=False)),
    Row("{type: conv_transpose2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1, output_padding: 1}",
        (16, 7, 7), (8, 14, 14), (1160, 0), 7 * 7 * 16 * (9 * 8), lambda t: t.nn.ConvTranspose2d(16, 8, 3, 2, 1, 1)),
    Row("{type: conv_transpose2d, out_channels: 6, kernel_size: 3, stride: 3, dilation: 2, groups: 2}",
        (4, 5, 5), (6, 17, 17), (114, 0), 5 * 5 * 4 * (9 * 6 // 2),
        lambda t: t.nn.ConvTranspose2d(4, 6, 3, 3, groups=2, dilation=2)),
    Row("{type: conv_transpose1d, out_channels: 4, kernel_size: 4, stride: 2, padding: 1}", (8, 10), (4, 20),
        (132, 0), 10 * 8 * (4 * 4), lambda t: t.nn.ConvTranspose1d(8, 4, 4, 2, 1)),
    Row("{type: conv_transpose3d, out_channels: 4, kernel_size: 2, stride: 2}", (8, 3, 4, 4), (4, 6, 8, 8), (260, 0),
        3 * 4 * 4 * 8 * (8 * 4), lambda t: t.nn.ConvTranspose3d(8, 4, 2, 2)),
    # -- pools ---------------------------------------------------------------------
    Row("{type: maxpool2d, kernel_size: 3, stride: 2, padding: 1}", (64, 112, 112), (64, 56, 56), (0, 0), 0,
        lambda t: t.nn.MaxPool2d(3, 2, 1)),
    Row("{type: maxpool2d, kernel_size: 3, stride: 2, ceil_mode: true}", (64, 56, 56), (64, 28, 28), (0, 0), 0,
        lambda t: t.nn.MaxPool2d(3, 2, ceil_mode=True)),
    Row("{type: maxpool2d, kernel_size: 2, stride: 2, padding: 1, ceil_mode: true}", (1, 5, 5), (1, 3, 3), (0, 0), 0,
        lambda t: t.nn.MaxPool2d(2, 2, 1, ceil_mode=True)),
    Row("{type: maxpool2d, kernel_size: 3, stride: 2, padding: same}", (8, 10, 10), (8, 5, 5), (0, 0), 0,
        lambda t: R.padded(t, (0, 1, 0, 1), t.nn.MaxPool2d(3, 2), float("-inf"))),  # TF: total 1, (0, 1)
    Row("{type: maxpool1d, kernel_size: 3, stride: 2, padding: 1, dilation: 2}", (4, 17), (4, 8), (0, 0), 0,
        lambda t: t.nn.MaxPool1d(3, 2, 1, 2)),
    Row("{type: maxpool3d, kernel_size: [1, 3, 3], stride: [1, 2, 2], ceil_mode: true}", (4, 8, 15, 15), (4, 8, 7, 7),
        (0, 0), 0, lambda t: t.nn.MaxPool3d((1, 3, 3), (1, 2, 2), ceil_mode=True)),
    Row("{type: avgpool2d, kernel_size: 2, stride: 2}", (6, 28, 28), (6, 14, 14), (0, 0), 0,
        lambda t: t.nn.AvgPool2d(2, 2)),
    Row("{type: avgpool2d, kernel_size: 3, stride: 2, padding: same, count_include_pad: false}", (4, 10, 10),
        (4, 5, 5), (0, 0), 0, lambda t: R.tf_same_avg(t, 3, 2, (0, 1, 0, 1))),
    Row("{type: avgpool1d, kernel_size: 4, stride: 3, padding: 2, ceil_mode: true, count_include_pad: false}",
        (3, 11), (3, 5), (0, 0), 0, lambda t: t.nn.AvgPool1d(4, 3, 2, ceil_mode=True, count_include_pad=False)),
    Row("{type: avgpool3d, kernel_size: 2}", (4, 6, 8, 8), (4, 3, 4, 4), (0, 0), 0, lambda t: t.nn.AvgPool3d(2)),
    Row("{type: adaptive_avgpool2d, output_size: 6}", (256, 13, 13), (256, 6, 6), (0, 0), 0,
        lambda t: t.nn.AdaptiveAvgPool2d(6)),
    Row("{type: adaptive_maxpool2d, output_size: [2, 3]}", (8, 7, 7), (8, 2, 3), (0, 0), 0,
        lambda t: t.nn.AdaptiveMaxPool2d((2, 3))),
    Row("{type: adaptive_avgpool1d, output_size: 5}", (4, 23), (4, 5), (0, 0), 0, lambda t: t.nn.AdaptiveAvgPool1d(5)),
    Row("{type: adaptive_maxpool1d, output_size: 4}", (4, 10), (4, 4), (0, 0), 0, lambda t: t.nn.AdaptiveMaxPool1d(4)),
    Row("{type: adaptive_avgpool3d, output_size: [1, 2, 3]}", (4, 5, 7, 9), (4, 1, 2, 3), (0, 0), 0,
        lambda t: t.nn.AdaptiveAvgPool3d((1, 2, 3))),
    Row("{type: adaptive_maxpool3d, output_size: 2}", (4, 5, 7, 8), (4, 2, 2, 2), (0, 0), 0,
        lambda t: t.nn.AdaptiveMaxPool3d(2)),
    Row("{type: global_avgpool2d}", (256, 3, 3), (256,), (0, 0), 0,
        lambda t: t.nn.Sequential(t.nn.AdaptiveAvgPool2d(1), t.nn.Flatten())),
    Row("{type: global_maxpool2d, keepdims: true}", (256, 3, 3), (256, 1, 1), (0, 0), 0,
        lambda t: t.nn.AdaptiveMaxPool2d(1)),
    Row("{type: global_avgpool1d}", (16, 50), (16,), (0, 0), 0,
        lambda t: t.nn.Sequential(t.nn.AdaptiveAvgPool1d(1), t.nn.Flatten())),
    Row("{type: global_maxpool1d}", (16, 50), (16,), (0, 0), 0,
        lambda t: t.nn.Sequential(t.nn.AdaptiveMaxPool1d(1), t.nn.Flatten())),
    Row("{type: global_avgpool3d, keepdims: true}", (8, 2, 3, 4), (8, 1, 1, 1), (0, 0), 0,
        lambda t: t.nn.AdaptiveAvgPool3d(1)),
    Row("{type: global_maxpool3d}", (8, 2, 3, 4), (8,), (0, 0), 0,
        lambda t: t.nn.Sequential(t.nn.AdaptiveMaxPool3d(1), t.nn.Flatten())),
    # -- normalisation -----------------------------------------------------------------
    Row("{type: batchnorm2d}", (64, 56, 56), (64, 56, 56), (128, 128), 0, lambda t: t.nn.BatchNorm2d(64)),
    Row("{type: batchnorm2d, affine: false}", (8, 4, 4), (8, 4, 4), (0, 16), 0,
        lambda t: t.nn.BatchNorm2d(8, affine=False)),
    Row("{type: batchnorm1d}", (10,), (10,), (20, 20), 0, lambda t: t.nn.BatchNorm1d(10)),
    Row("{type: batchnorm1d}", (6, 30), (6, 30), (12, 12), 0, lambda t: t.nn.BatchNorm1d(6)),
    Row("{type: batchnorm3d}", (4, 3, 5, 5), (4, 3, 5, 5), (8, 8), 0, lambda t: t.nn.BatchNorm3d(4)),
    Row("{type: local_response_norm, size: 5}", (96, 55, 55), (96, 55, 55), (0, 0), 0,
        lambda t: t.nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0)),
    # -- dense and reshaping -----------------------------------------------------------
    Row("{type: linear, out_features: 120}", (400,), (120,), (48_120, 0), 400 * 120, lambda t: t.nn.Linear(400, 120)),
    Row("{type: linear, out_features: 10, bias: false}", (84,), (10,), (840, 0), 840,
        lambda t: t.nn.Linear(84, 10, bias=False)),
    Row("{type: flatten}", (256, 6, 6), (9216,), (0, 0), 0, lambda t: t.nn.Flatten()),
    Row("{type: flatten}", (4, 10), (40,), (0, 0), 0, lambda t: t.nn.Flatten()),
    Row("{type: upsample, scale_factor: 2}", (16, 7, 7), (16, 14, 14), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=2)),
    Row("{type: upsample, scale_factor: 4}", (4, 5), (4, 20), (0, 0), 0, lambda t: t.nn.Upsample(scale_factor=4)),
    Row("{type: upsample, scale_factor: [1, 2, 2]}", (4, 2, 3, 3), (4, 2, 6, 6), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=(1, 2, 2))),
    Row("{type: zeropad2d, padding: [1, 2, 3, 4]}", (3, 10, 10), (3, 13, 17), (0, 0), 0,
        lambda t: t.nn.ZeroPad2d((3, 4, 1, 2))),
    Row("{type: zeropad1d, padding: 2}", (3, 10), (3, 14), (0, 0), 0, lambda t: t.nn.ZeroPad1d(2)),
    Row("{type: zeropad3d, padding: [[1, 0], [0, 1], [2, 2]]}", (3, 4, 4, 4), (3, 5, 5, 8), (0, 0), 0,
        lambda t: t.nn.ZeroPad3d((2, 2, 0, 1, 1, 0))),
    # -- merges (both inputs the model input) --------------------------------------------
    Row("{type: add, inputs: [input, input]}", (4, 8, 8), (4, 8, 8), (0, 0), 0,
        lambda t: R.function(t, lambda a, b: a + b)),
    Row("{type: concat, inputs: [input, input]}", (4, 8, 8), (8, 8, 8), (0, 0), 0,
        lambda t: R.function(t, lambda a, b: t.cat([a, b], 1))),
    # -- LeCun et al. 1998: C3-style partial connections (3 maps: 3 + 3 + 6 kernels of 5×5, 3 biases),
    #    S2-style trainable subsampling (a coefficient and a bias per map), fixed RBF output units
    Row("{type: partial_conv2d, kernel_size: 5, connection_table: [[0, 1, 2], [1, 2, 3], [0, 1, 2, 3, 4, 5]]}",
        (6, 14, 14), (3, 10, 10), ((3 + 3 + 6) * 25 + 3, 0), 10 * 10 * (3 + 3 + 6) * 25,
        lambda t: R.partial_conv2d(t, [[0, 1, 2], [1, 2, 3], [0, 1, 2, 3, 4, 5]], 5)),
    Row("{type: subsample2d}", (6, 28, 28), (6, 14, 14), (12, 0), 6 * 14 * 14, lambda t: R.subsample2d(t, 6)),
    Row("{type: rbf, units: 10}", (84,), (10,), (0, 840), 840, lambda t: R.rbf(t, 10, 84)),
    # -- more merges, normalisations and channel ops ------------------------------------------
    Row("{type: multiply, inputs: [input, input]}", (4, 8, 8), (4, 8, 8), (0, 0), 0,
        lambda t: R.function(t, lambda a, b: a * b)),
    Row("{type: layer_norm}", (8, 4, 4), (8, 4, 4), (16, 0), 0, lambda t: R.channels_last(t, t.nn.LayerNorm(8))),
    Row("{type: layer_norm, eps: 0.000001, elementwise_affine: false}", (6, 20), (6, 20), (0, 0), 0,
        lambda t: R.channels_last(t, t.nn.LayerNorm(6, eps=1e-6, elementwise_affine=False))),
    Row("{type: LayerNorm}", (10,), (10,), (20, 0), 0, lambda t: t.nn.LayerNorm(10)),
    Row("{type: group_norm, num_groups: 4}", (8, 5, 5), (8, 5, 5), (16, 0), 0, lambda t: t.nn.GroupNorm(4, 8)),
    Row("{type: instance_norm2d, affine: true}", (6, 5, 5), (6, 5, 5), (12, 0), 0,
        lambda t: t.nn.InstanceNorm2d(6, affine=True)),
    Row("{type: instance_norm1d}", (4, 12), (4, 12), (0, 0), 0, lambda t: t.nn.InstanceNorm1d(4)),
    Row("{type: instance_norm3d, track_running_stats: true}", (3, 2, 4, 4), (3, 2, 4, 4), (0, 6), 0,
        lambda t: t.nn.InstanceNorm3d(3, track_running_stats=True)),
    Row("{type: layer_scale}", (8, 4, 4), (8, 4, 4), (8, 0), 0, lambda t: R.layer_scale(t, 8, 2)),
    Row("{type: channel_shuffle, groups: 2}", (8, 3, 3), (8, 3, 3), (0, 0), 0, lambda t: t.nn.ChannelShuffle(2)),
    Row("{type: chunk, chunks: 2, index: 1}", (8, 3, 3), (4, 3, 3), (0, 0), 0,
        lambda t: R.function(t, lambda x: t.chunk(x, 2, 1)[1])),
    Row("{type: chunk, chunks: 3, index: 2}", (5, 2, 2), (1, 2, 2), (0, 0), 0,
        lambda t: R.function(t, lambda x: t.chunk(x, 3, 1)[2])),
    Row("{type: split, split_size_or_sections: [3, 5], index: 1}", (8, 2, 2), (5, 2, 2), (0, 0), 0,
        lambda t: R.function(t, lambda x: t.split(x, [3, 5], 1)[1])),
    Row("{type: split, split_size_or_sections: 3, index: 2}", (8, 2, 2), (2, 2, 2), (0, 0), 0,
        lambda t: R.function(t, lambda x: t.split(x, 3, 1)[2])),
    Row("{type: channel_slice, start: 2, end: -1}", (8, 2, 2), (5, 2, 2), (0, 0), 0,
        lambda t: R.function(t, lambda x: x[:, 2:-1])),
    Row("{type: pixel_shuffle, upscale_factor: 2}", (8, 3, 3), (2, 6, 6), (0, 0), 0, lambda t: t.nn.PixelShuffle(2)),
    Row("{type: pixel_unshuffle, downscale_factor: 2}", (2, 6, 6), (8, 3, 3), (0, 0), 0,
        lambda t: t.nn.PixelUnshuffle(2)),
    # -- crops ---------------------------------------------------------------------------
    Row("{type: crop2d, cropping: [[1, 2], [0, 3]]}", (3, 10, 10), (3, 7, 7), (0, 0), 0,
        lambda t: R.function(t, lambda x: x[:, :, 1:-2, 0:-3])),
    Row("{type: crop1d, cropping: 2}", (3, 10), (3, 6), (0, 0), 0, lambda t: R.function(t, lambda x: x[:, :, 2:-2])),
    Row("{type: crop3d, cropping: 1}", (2, 4, 5, 6), (2, 2, 3, 4), (0, 0), 0,
        lambda t: R.function(t, lambda x: x[:, :, 1:-1, 1:-1, 1:-1])),
    Row("{type: center_crop, size: [4, 5]}", (3, 9, 10), (3, 4, 5), (0, 0), 0, lambda t: R.center_crop(t, (4, 5))),
    Row("{type: center_crop, size: 5}", (3, 12), (3, 5), (0, 0), 0, lambda t: R.center_crop(t, (5,))),
    # -- upsampling ------------------------------------------------------------------------
    Row("{type: upsample, size: [10, 12]}", (2, 4, 5), (2, 10, 12), (0, 0), 0,
        lambda t: t.nn.Upsample(size=(10, 12))),
    Row("{type: upsample, scale_factor: 2, mode: bilinear}", (2, 4, 5), (2, 8, 10), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=2, mode="bilinear")),
    Row("{type: upsample, size: [7, 9], mode: bilinear, align_corners: true}", (2, 4, 5), (2, 7, 9), (0, 0), 0,
        lambda t: t.nn.Upsample(size=(7, 9), mode="bilinear", align_corners=True)),
    Row("{type: upsample, scale_factor: 2, mode: bicubic}", (2, 4, 5), (2, 8, 10), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=2, mode="bicubic")),
    Row("{type: upsample, size: [7, 11], mode: bicubic, align_corners: true}", (2, 4, 5), (2, 7, 11), (0, 0), 0,
        lambda t: t.nn.Upsample(size=(7, 11), mode="bicubic", align_corners=True)),
    Row("{type: upsample, scale_factor: 3, mode: linear, align_corners: true}", (2, 6), (2, 18), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=3, mode="linear", align_corners=True)),
    Row("{type: upsample, scale_factor: [1, 2, 2], mode: trilinear}", (2, 2, 3, 3), (2, 2, 6, 6), (0, 0), 0,
        lambda t: t.nn.Upsample(scale_factor=(1, 2, 2), mode="trilinear")),
    # -- Keras' depthwise and separable convolutions; ConvNeXt's per-position linear ------------------
    Row("{type: DepthwiseConv2D, kernel_size: 3, depth_multiplier: 2}", (4, 8, 8), (8, 6, 6), (80, 0),
        6 * 6 * 8 * 9, lambda t: t.nn.Conv2d(4, 8, 3, groups=4)),
    Row("{type: depthwise_conv1d, kernel_size: 5, padding: same}", (3, 20), (3, 20), (18, 0), 20 * 3 * 5,
        lambda t: t.nn.Conv1d(3, 3, 5, padding=2, groups=3)),
    Row("{type: SeparableConv2D, filters: 16, kernel_size: 3, padding: 1}", (8, 8, 8), (16, 8, 8),
        (9 * 8 + 8 * 16 + 16, 0), 8 * 8 * 8 * (9 + 16), lambda t: R.separable(t, 8, 16, 3, padding=1)),
    Row("{type: separable_conv1d, out_channels: 4, kernel_size: 3, depth_multiplier: 2}", (2, 10), (4, 8),
        (3 * 2 * 2 + 2 * 2 * 4 + 4, 0), 8 * 4 * (3 + 4), lambda t: R.separable(t, 2, 4, 3, rank=1, multiplier=2)),
    Row("{type: depthwise_conv3d, kernel_size: [1, 3, 3], depth_multiplier: 3}", (2, 3, 5, 5), (6, 3, 3, 3),
        (9 * 6 + 6, 0), 3 * 3 * 3 * 6 * 9, lambda t: t.nn.Conv3d(2, 6, (1, 3, 3), groups=2)),
    Row("{type: separable_conv3d, out_channels: 4, kernel_size: 3, padding: 1}", (2, 3, 4, 4), (4, 3, 4, 4),
        (27 * 2 + 2 * 4 + 4, 0), 3 * 4 * 4 * 2 * (27 + 4), lambda t: R.separable(t, 2, 4, 3, rank=3, padding=1)),
    Row("{type: pointwise_linear, out_features: 16}", (8, 4, 4), (16, 4, 4), (144, 0), 4 * 4 * 8 * 16,
        lambda t: R.channels_last(t, t.nn.Linear(8, 16))),
    # -- activations, dropout, identity (any rank) -----------------------------------------
    _act("relu", lambda t: t.nn.ReLU()),
    _act("relu6", lambda t: t.nn.ReLU6()),
    Row("{type: hardtanh, min_val: -2, max_val: 2}", (3, 20), (3, 20), (0, 0), 0, lambda t: t.nn.Hardtanh(-2, 2)),
    Row("{type: prelu}", (8, 4, 4), (8, 4, 4), (1, 0), 0, lambda t: t.nn.PReLU()),
    Row("{type: prelu, num_parameters: 8}", (8, 4, 4), (8, 4, 4), (8, 0), 0, lambda t: t.nn.PReLU(8)),
    _act("elu", lambda t: t.nn.ELU()),
    _act("selu", lambda t: t.nn.SELU()),
    Row("{type: celu, alpha: 0.5}", (8, 4, 4), (8, 4, 4), (0, 0), 0, lambda t: t.nn.CELU(0.5)),
    Row("{type: softplus, beta: 2}", (8, 4, 4), (8, 4, 4), (0, 0), 0, lambda t: t.nn.Softplus(beta=2)),
    _act("softsign", lambda t: t.nn.Softsign()),
    _act("hardsigmoid", lambda t: t.nn.Hardsigmoid()),
    _act("silu", lambda t: t.nn.SiLU()),
    _act("hardswish", lambda t: t.nn.Hardswish()),
    _act("mish", lambda t: t.nn.Mish()),
    Row("{type: stochastic_depth, p: 0.2}", (8, 4, 4), (8, 4, 4), (0, 0), 0, lambda t: t.nn.Identity()),
    _act("leaky_relu", lambda t: t.nn.LeakyReLU(0.01)),
    _act("sigmoid", lambda t: t.nn.Sigmoid()),
    _act("tanh", lambda t: t.nn.Tanh()),
    _act("gelu", lambda t: t.nn.GELU()),
    Row("{type: gelu, approximate: tanh}", (3, 20), (3, 20), (0, 0), 0, lambda t: t.nn.GELU("tanh")),
    _act("softmax", lambda t: t.nn.Softmax(dim=1)),
    Row("{type: softmax}", (10,), (10,), (0, 0), 0, lambda t: t.nn.Softmax(dim=1)),
    _act("dropout", lambda t: t.nn.Dropout(0.5)),
    _act("identity", lambda t: t.nn.Identity()),
]
