"""Network diagrams (README "Drawing a network"): the volume view of the papers' figures and a
layered graph view, as SVG, graphviz dot or TikZ, computed with the standard library alone.

    scene = draw(summarize("alexnet"))         # a frozen Scene (scene.py): exact geometry
    svg = to_svg(scene)

Nothing here is imported by `cnncalc summarize`.
"""

from __future__ import annotations

from .nodes import COLUMNS, draw_nodes, is_chain
from .scene import Box, Line, Scene, Text
from .svg import to_svg

VIEWS = ("auto", "volume", "graph")


def _checked(columns) -> tuple:
    columns = tuple(columns)
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {unknown}; choose from {COLUMNS}")
    return columns


def draw(analysis, view: str = "auto", depth: int | None = None, columns=("shape",), layout: str = "chw") -> Scene:
    """The Scene of `analysis` (cnncalc.analysis.Analysis): view "volume", "graph" or "auto" (volume for a
    chain, graph when some layer reads several or is read by several); depth opens blocks as
    `summarize --depth N` does; columns, a subset of COLUMNS, are what each node is labelled with;
    layout how shapes are written (chw, or hwc as the papers: 55×55×96)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    columns = _checked(columns)
    nodes = draw_nodes(analysis, depth, layout)
    if view == "auto":
        view = "volume" if is_chain(nodes) else "graph"
    if view == "volume":
        from .volume import layout
    else:
        from .layered import layout
    return layout(nodes, columns, analysis.name)


def to_dot(analysis, depth: int | None = None, columns=("shape",), layout: str = "chw") -> str:
    from . import text_formats

    return text_formats.to_dot(draw_nodes(analysis, depth, layout), _checked(columns), analysis.name)


def to_tikz(analysis, depth: int | None = None, columns=("shape",), layout: str = "chw") -> str:
    from . import text_formats

    return text_formats.to_tikz(draw_nodes(analysis, depth, layout), _checked(columns), analysis.name)


__all__ = ["Box", "COLUMNS", "Line", "Scene", "Text", "VIEWS", "draw", "to_dot", "to_svg", "to_tikz"]
