"""Every op in every rank against its op-table row (tests/ops/rows.py): output shape,
(trainable, non-trainable) parameters and MACs. The row's figures are PyTorch's
(test_op_forward.py checks them against a live PyTorch build) and the MAC convention's.

A row without a PyTorch reference, or an op without a row, fails here, torch or not.
"""

from __future__ import annotations

import pytest

from cnncalc import load_string
from cnncalc.analysis import analyze
from cnncalc.ops import FAMILIES, REGISTRY, find_op

from .rows import ROWS


def analyze_row(layer: str, shape: tuple):
    a = analyze(load_string(f"name: t\ninput: {list(shape)}\nlayers:\n  - {layer}\n"))
    assert a.ok, [d.format() for d in a.diagnostics]
    return a.layers[0]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_op_row(row):
    r = analyze_row(row.layer, row.shape)
    assert r.output_shape == row.out
    assert (r.trainable, r.non_trainable) == row.params
    assert r.macs == row.macs


def test_every_registered_op_has_a_row():
    covered = {analyze_row(row.layer, row.shape).type for row in ROWS}
    assert set(REGISTRY) - covered == set()


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_every_row_names_its_pytorch_reference(row):
    assert callable(row.torch), f"{row.layer} has no PyTorch reference"
    assert row.torch.__code__.co_argcount == 1, "a reference is a function of the torch module"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_rank_free_spellings_pick_the_member_for_the_input(family):
    fam = FAMILIES[family]
    for rank, member in fam.members.items():
        row = next((r for r in ROWS if len(r.shape) == rank and find_op(r.layer[7:].split(",")[0].rstrip("}")) is
                    member), None)
        if row is None:
            continue
        spelled = row.layer.replace(f"type: {member.name}", f"type: {family}", 1)
        r = analyze_row(spelled, row.shape)
        assert r.type == member.name
        assert r.output_shape == row.out


def test_keras_and_pytorch_spellings_are_aliases():
    keras = analyze_row("{type: Conv2D, filters: 64, kernel_size: 3, strides: 2, use_bias: false}", (1, 28, 28))
    torch_ = analyze_row("{type: Conv2d, out_channels: 64, kernel_size: 3, stride: 2, bias: false}", (1, 28, 28))
    assert keras.type == torch_.type == "conv2d"
    assert keras.output_shape == torch_.output_shape == (64, 13, 13)
    assert keras.params == torch_.params == 576
    assert analyze_row("{type: Conv1D, filters: 8, kernel_size: 3}", (1, 10)).type == "conv1d"
    assert analyze_row("{type: Conv3D, filters: 8, kernel_size: 3}", (1, 4, 4, 4)).type == "conv3d"
    assert analyze_row("{type: MaxPooling1D, pool_size: 2}", (4, 10)).output_shape == (4, 5)
    assert analyze_row("{type: MaxPooling3D, pool_size: 2}", (4, 4, 6, 6)).output_shape == (4, 2, 3, 3)
    assert analyze_row("{type: GlobalAveragePooling1D}", (4, 10)).output_shape == (4,)
    assert analyze_row("{type: GlobalAveragePooling3D}", (4, 2, 2, 2)).type == "global_avgpool3d"
    assert analyze_row("{type: BatchNorm1d}", (4, 10)).params == 16
    dense = analyze_row("{type: Dense, units: 10}", (256,))
    assert dense.type == "linear" and dense.params == 2570
    pool = analyze_row("{type: MaxPooling2D, pool_size: 2}", (64, 26, 26))
    assert pool.type == "maxpool2d" and pool.output_shape == (64, 13, 13)
