"""One row per op configuration: output shape, (trainable, non-trainable) params, MACs.

Shapes and parameter counts are what PyTorch 2.13 builds for the same layer
(nn.Conv2d, nn.MaxPool2d, ...; see tests/oracle for the live comparison); MACs follow
the documented convention (conv/linear multiply-accumulates, bias excluded), worked
out by hand in the comment of each row. `same` with stride 2 is TensorFlow's
O = ⌈I/S⌉.
"""

from __future__ import annotations

import pytest

from cnncalc import load_string
from cnncalc.analysis import analyze

ROWS = [
    # (op spec, input shape, output shape, (trainable, non-trainable), MACs)
    ("{type: conv2d, out_channels: 16, kernel_size: 3, padding: 1}", (3, 32, 32), (16, 32, 32), (448, 0),
     32 * 32 * 16 * (3 * 3 * 3)),
    ("{type: conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1, dilation: 2, groups: 4, bias: false}",
     (8, 33, 33), (16, 16, 16), (288, 0), 16 * 16 * 16 * (3 * 3 * 8 // 4)),
    ("{type: conv2d, out_channels: 32, kernel_size: 3, padding: 1, groups: 32}", (32, 14, 14), (32, 14, 14),
     (320, 0), 14 * 14 * 32 * 9),
    ("{type: conv2d, out_channels: 32, kernel_size: 3, stride: 2, padding: [0, 1, 0, 1]}", (3, 224, 224),
     (32, 112, 112), (896, 0), 112 * 112 * 32 * 27),
    ("{type: conv2d, out_channels: 8, kernel_size: 5, padding: same}", (3, 28, 28), (8, 28, 28), (608, 0),
     28 * 28 * 8 * 75),
    ("{type: conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: same}", (3, 225, 225), (8, 113, 113),
     (224, 0), 113 * 113 * 8 * 27),
    ("{type: conv_transpose2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1, output_padding: 1}",
     (16, 7, 7), (8, 14, 14), (1160, 0), 7 * 7 * 16 * (9 * 8)),
    ("{type: conv_transpose2d, out_channels: 6, kernel_size: 3, stride: 3, dilation: 2, groups: 2}",
     (4, 5, 5), (6, 17, 17), (114, 0), 5 * 5 * 4 * (9 * 6 // 2)),
    ("{type: maxpool2d, kernel_size: 3, stride: 2, padding: 1}", (64, 112, 112), (64, 56, 56), (0, 0), 0),
    ("{type: maxpool2d, kernel_size: 3, stride: 2, ceil_mode: true}", (64, 56, 56), (64, 28, 28), (0, 0), 0),
    ("{type: maxpool2d, kernel_size: 2, stride: 2, padding: 1, ceil_mode: true}", (1, 5, 5), (1, 3, 3), (0, 0), 0),
    ("{type: avgpool2d, kernel_size: 2, stride: 2}", (6, 28, 28), (6, 14, 14), (0, 0), 0),
    ("{type: adaptive_avgpool2d, output_size: 6}", (256, 13, 13), (256, 6, 6), (0, 0), 0),
    ("{type: adaptive_maxpool2d, output_size: [2, 3]}", (8, 7, 7), (8, 2, 3), (0, 0), 0),
    ("{type: global_avgpool2d}", (256, 3, 3), (256,), (0, 0), 0),
    ("{type: global_maxpool2d, keepdims: true}", (256, 3, 3), (256, 1, 1), (0, 0), 0),
    ("{type: batchnorm2d}", (64, 56, 56), (64, 56, 56), (128, 128), 0),
    ("{type: local_response_norm, size: 5}", (96, 55, 55), (96, 55, 55), (0, 0), 0),
    ("{type: linear, out_features: 4096}", (9216,), (4096,), (37_752_832, 0), 9216 * 4096),
    ("{type: linear, out_features: 10, bias: false}", (84,), (10,), (840, 0), 840),
    ("{type: flatten}", (256, 6, 6), (9216,), (0, 0), 0),
    ("{type: upsample, scale_factor: 2}", (16, 7, 7), (16, 14, 14), (0, 0), 0),
    ("{type: zeropad2d, padding: [1, 2, 3, 4]}", (3, 10, 10), (3, 13, 17), (0, 0), 0),
    # LeCun et al. 1998: C3-style partial connections (3 maps: 3 + 3 + 6 kernels of 5×5, 3 biases),
    # S2-style trainable subsampling (a coefficient and a bias per map), fixed RBF output units
    ("{type: partial_conv2d, kernel_size: 5, connection_table: [[0, 1, 2], [1, 2, 3], [0, 1, 2, 3, 4, 5]]}",
     (6, 14, 14), (3, 10, 10), ((3 + 3 + 6) * 25 + 3, 0), 10 * 10 * (3 + 3 + 6) * 25),
    ("{type: subsample2d}", (6, 28, 28), (6, 14, 14), (12, 0), 6 * 14 * 14),
    ("{type: rbf, units: 10}", (84,), (10,), (0, 840), 840),
    *[(f"{{type: {op}}}", (8, 4, 4), (8, 4, 4), (0, 0), 0)
      for op in ("relu", "leaky_relu", "sigmoid", "tanh", "gelu", "softmax", "dropout", "identity")],
]


def _analyze_one(layer: str, shape: tuple):
    text = f"name: t\ninput: {list(shape)}\nlayers:\n  - {layer}\n"
    a = analyze(load_string(text))
    assert a.ok, [d.format() for d in a.diagnostics]
    return a.layers[0]


@pytest.mark.parametrize("layer,shape,out,params,macs", ROWS, ids=[r[0][7:40] for r in ROWS])
def test_op_row(layer, shape, out, params, macs):
    r = _analyze_one(layer, shape)
    assert r.output_shape == out
    assert (r.trainable, r.non_trainable) == params
    assert r.macs == macs


def test_every_registered_op_has_a_row():
    from cnncalc.ops import REGISTRY

    covered = {_analyze_one(layer, shape).op for layer, shape, *_ in ROWS}
    covered |= {"add", "concat"}  # multi-input ops: tests/test_spec_language.py
    assert set(REGISTRY) - covered == set()


def test_add_and_concat():
    g = load_string("""
name: merge
input: [3, 8, 8]
layers:
  - {type: conv2d, name: a, out_channels: 4, kernel_size: 1}
  - {type: conv2d, name: b, out_channels: 4, kernel_size: 1, inputs: [input]}
  - {type: add, name: s, inputs: [a, b]}
  - {type: concat, name: c, inputs: [s, a, input]}
""")
    a = analyze(g)
    shapes = {r.name: r.output_shape for r in a.layers}
    assert shapes["s"] == (4, 8, 8)
    assert shapes["c"] == (4 + 4 + 3, 8, 8)


def test_keras_and_pytorch_spellings_are_aliases():
    keras = _analyze_one("{type: Conv2D, filters: 64, kernel_size: 3, strides: 2, use_bias: false}", (1, 28, 28))
    torch_ = _analyze_one("{type: Conv2d, out_channels: 64, kernel_size: 3, stride: 2, bias: false}", (1, 28, 28))
    assert keras.op == torch_.op == "conv2d"
    assert keras.output_shape == torch_.output_shape == (64, 13, 13)
    assert keras.params == torch_.params == 576
    dense = _analyze_one("{type: Dense, units: 10}", (256,))
    assert dense.op == "linear" and dense.params == 2570
    pool = _analyze_one("{type: MaxPooling2D, pool_size: 2}", (64, 26, 26))
    assert pool.op == "maxpool2d" and pool.output_shape == (64, 13, 13)
