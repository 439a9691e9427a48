"""Golden SVGs (tests/golden/*.svg; `pytest --update-golden` rewrites them after a reviewed change):
AlexNet's volumes, GoogLeNet's and ResNet-18's graphs."""

from __future__ import annotations

import pytest

from cnncalc.draw import draw, to_svg
from cnncalc.pipeline import summarize


@pytest.mark.parametrize("name,view", [("alexnet", "volume"), ("googlenet", "graph"), ("resnet18", "graph")])
def test_golden_svg(golden, name, view):
    golden(f"{name}.{view}.svg", to_svg(draw(summarize(name), view)))
