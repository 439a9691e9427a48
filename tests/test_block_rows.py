"""Paper-style block rows (--depth): ResNet-50 against He et al. 2016 Table 1, GoogLeNet's depth column."""

from __future__ import annotations

import cnncalc
from cnncalc.blocks import rows


def test_resnet50_stages_match_the_paper_table():
    r = {row.name: row for row in rows(cnncalc.summarize("resnet50"), depth=1)}
    # Table 1: conv2_x 56×56 [1×1, 64; 3×3, 64; 1×1, 256]×3, conv3_x 28×28 ×4, conv4_x 14×14 ×6, conv5_x 7×7 ×3
    assert [r[f"layer{i}"].output_shape for i in range(1, 5)] == [(256, 56, 56), (512, 28, 28), (1024, 14, 14),
                                                                 (2048, 7, 7)]
    assert [r[f"layer{i}"].depth for i in range(1, 5)] == [3 * 3, 4 * 3, 6 * 3, 3 * 3]
    assert r["conv1"].output_shape == (64, 112, 112) and r["maxpool"].output_shape == (64, 56, 56)
    assert sum(row.depth for row in r.values()) == 50  # "50-layer"


def test_block_rows_add_up_to_the_totals():
    for model, depth in (("resnet50", 1), ("resnet50", 2), ("googlenet", 1), ("densenet121", 2)):
        a = cnncalc.summarize(model)
        rs = rows(a, depth)
        assert sum(x.params for x in rs) == a.totals.params
        assert sum(x.macs for x in rs) == a.totals.macs
        assert sum(len(x.layers) for x in rs) == len(a.layers)


def test_googlenet_inception_rows_are_two_deep_like_table_1():
    r = {row.name: row for row in rows(cnncalc.summarize("googlenet"), depth=1)}
    incep = [r[f"inception_{b}"] for b in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")]
    assert [x.depth for x in incep] == [2] * 9
    assert [x.output_shape[0] for x in incep] == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    assert r["inception_3a"].macs == 128_049_152  # Table 1: 128M ops


def test_densenet121_depth_column_adds_up_to_121():
    r = {row.name: row for row in rows(cnncalc.summarize("densenet121"), depth=1)}
    # Huang et al. 2017 Table 1: dense blocks of 6, 12, 24, 16 [1×1 conv, 3×3 conv] layers, 3 transitions
    assert [r[f"features.denseblock{i}"].depth for i in range(1, 5)] == [12, 24, 48, 32]
    assert [r[f"features.denseblock{i}"].output_shape[1] for i in range(1, 5)] == [56, 28, 14, 7]
    assert sum(row.depth for row in r.values()) == 121
