"""The graph view's budget (cnncalc/draw/layered.py MAX_POINTS): its points — nodes, and a bend in each
layer an edge skips — are counted before any is placed. A net whose every unit also reads the stem
grows them with the square of its depth: 250 units need 63,002; the zoo's largest needs 933."""

from __future__ import annotations

import pytest

from cnncalc.draw import draw
from cnncalc.errors import CnnError
from cnncalc.pipeline import load_string, summarize
from cnncalc.analysis import analyze

SKIPS = """name: skips
input: [4, 8, 8]
blocks:
  unit:
    args: {skip: null}
    layers:
      - {type: conv2d, name: conv, out_channels: 4, kernel_size: 3, padding: 1}
      - {type: add, inputs: [conv, $skip]}
layers:
  - {type: conv2d, name: stem, out_channels: 4, kernel_size: 1}
  - {block: unit, skip: stem, repeat: UNITS}
"""


def _skips(units: int):
    return analyze(load_string(SKIPS.replace("UNITS", str(units))))


def test_long_skip_edges_are_refused_before_the_layout():
    """Unit k's add sits 2k + 1 layers below the stem: Σ 2k over 250 units, plus the 502 nodes."""
    with pytest.raises(CnnError) as e:
        draw(_skips(250), "graph")
    (d,) = e.value.diagnostics
    assert (d.code, str(d.pos)) == ("E305", "--view")
    assert d.message.startswith("the graph view would place 63,002 points")


def test_under_the_budget_it_draws_and_the_volume_view_is_not_charged():
    assert draw(_skips(100), "graph").view == "graph"  # 10,302 points
    assert draw(_skips(250), "volume").view == "volume"


def test_the_cli_exits_1_with_the_hint(cli, tmp_path):
    spec = tmp_path / "skips.yaml"
    spec.write_text(SKIPS.replace("UNITS", "250"), encoding="utf-8")
    res = cli("draw", str(spec))
    assert res.code == 1 and "error[E305]" in res.err and "--depth 1" in res.err


def test_every_bundled_model_is_far_under_the_budget():
    from cnncalc.draw.layered import MAX_POINTS
    from cnncalc.zoo import bundled_names

    for name in bundled_names():
        draw(summarize(name), "graph")  # raises E305 past the budget
    assert MAX_POINTS == 50_000


def test_a_network_over_1000_layers_is_drawn_per_block_as_summarize_prints_it(cli, tmp_path):
    """summarize, report and draw share the rule: past 1,000 layers, one row (node) per top-level block."""
    spec = tmp_path / "long.yaml"
    spec.write_text(SKIPS.replace("UNITS", "600").replace("skip: stem,", "skip: stem, name: units,"),
                    encoding="utf-8")  # 1,201 layers
    res = cli("draw", str(spec), "--format", "dot")
    assert res.code == 0
    assert "note: 1,201 layers; showing one row per top-level block (--depth N to open blocks)" in res.err
    assert res.out.count("[label=") < 10
