"""The README's figures (docs/make_figures.py): fresh, and the inception module is seed 001's row."""

from __future__ import annotations

import importlib.util

from cnncalc.draw import draw
from cnncalc.draw.nodes import draw_nodes
from cnncalc.pipeline import summarize
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("make_figures", ROOT / "docs" / "make_figures.py")
make_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_figures)


def test_committed_figures_are_fresh():
    for path, text in make_figures.figures().items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python docs/make_figures.py"


def test_inception_3a_alone_is_the_lecture_row():
    """Seed 001 (/work/shared/seeds/001_4dad5adb3ac1e716.txt, GoogLeNet's table): inception (3a) outputs
    28×28×256 and costs 128M ops: 784·(192·64 + 192·96 + 96·128·9 + 192·16 + 16·32·25 + 192·32) = 128,049,152
    MACs. Its input is pool2's 192×28×28; four branches meet in one concatenation."""
    block = make_figures.one_block(summarize("googlenet"), "inception_3a")
    nodes = draw_nodes(block)
    assert nodes[0].shape == (192, 28, 28)
    assert sum(n.macs for n in nodes) == 128_049_152
    merges = [n for n in nodes if n.merge]
    assert [(m.family, m.shape, len(m.inputs)) for m in merges] == [("concatenation", (256, 28, 28), 4)]
    scene = draw(block, "graph", columns=("shape", "params"))
    assert "256×28×28" in [t.text for t in scene.texts]
    assert [t.text for t in scene.texts if t.name == "input"] == ["input", "192×28×28"]
