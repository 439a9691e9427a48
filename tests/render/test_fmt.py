"""Formatting of values (render/fmt.py), for every rank and for formulas."""

from __future__ import annotations

import pytest

from cnncalc.ops.window import Window
from cnncalc.render import fmt


def test_window_text_in_every_rank():
    assert fmt.window(Window((11, 11), (4, 4), ((0, 0), (0, 0)), (1, 1))) == "11×11/4, pad 0"
    assert fmt.window(Window((80,), (4,), ((38, 38),), (1,))) == "80/4, pad 38"
    assert fmt.window(Window((1, 2, 2), (1, 2, 2), ((0, 0),) * 3, (1, 1, 1), ceil_mode=True)) == \
        "1×2×2/1×2×2, pad 0, ceil"
    assert fmt.window(Window((3,), (1,), ((1, 2),), (2,))) == "3/1, pad 1,2, dil 2"
    assert fmt.window(Window((3, 3), (2, 1), ((1, 1), (0, 0)), (1, 1))) == "3×3/2×1, pad 1×0"


def test_shapes_channels_last_in_every_rank():
    assert fmt.shape((96, 55, 55), "hwc") == "55×55×96"
    assert fmt.shape((128, 8000), "hwc") == "8000×128"
    assert fmt.shape((64, 16, 112, 112), "hwc") == "16×112×112×64"
    assert fmt.shape((4096,), "hwc") == "4096"


def test_counts_and_formulas():
    assert fmt.count(60_965_224) == "60,965,224" and fmt.si(724_406_816) == "724.41 M"
    sp = pytest.importorskip("sympy")
    h = sp.Symbol("H", positive=True, integer=True)
    assert fmt.formula(sp.floor((h - 11) / 4) + 1) == "⌊(H − 11)/4⌋ + 1"
    assert fmt.shape((6, h - 4, h - 4)) == "6×(H − 4)×(H − 4)"
    assert fmt.json_value(h - 4) == "H − 4" and fmt.json_value(7) == 7
