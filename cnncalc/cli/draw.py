"""`cnncalc draw`: a network's diagram as SVG (volume or graph view), or as dot or TikZ text."""

from enum import Enum
from typing import Annotated

import typer

from ..i18n import _
from .app import (DEFAULT_MAX_LAYERS, DepthOpt, InputShape, Layout, LayoutOpt, MaxLayers, ModelArgs, OutputFile, Spec,
                  View, ViewOpt, analysis_for, app, column_list, depth_for, no_symbols, report, write_output)


class DrawFormat(str, Enum):
    svg = "svg"
    dot = "dot"
    tikz = "tikz"


def draw_columns(text: str) -> tuple:
    from ..draw import COLUMNS

    return column_list([text], COLUMNS)


@app.command(help=_("Draw a network: feature-map volumes for a chain, a layered graph of blocks when it branches; "
                    "SVG (default), dot or TikZ."))
def draw(
    spec: Spec,
    output: OutputFile = None,
    view: ViewOpt = View.auto,
    depth: DepthOpt = None,
    columns: Annotated[str, typer.Option("--columns", "-c", metavar="LIST", help=_(
        "What each node is labelled with, comma-separated: shape, params, macs, rf (receptive field), all."))
    ] = "shape",
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    fmt: Annotated[DrawFormat, typer.Option("--format", "-f", help=_(
        "svg (a standalone picture), dot (graphviz) or tikz (LaTeX)."))] = DrawFormat.svg,
    max_layers: MaxLayers = DEFAULT_MAX_LAYERS,
    arg: ModelArgs = None,
) -> None:
    """A picture of the network with its numbers on it, without graphviz, cairo or TeX."""
    chosen = draw_columns(columns)
    analysis = analysis_for(spec, input, layout.value, max_layers=max_layers, args=arg)
    no_symbols(analysis, ("--input", input))
    report(analysis)
    depth = depth_for(analysis, depth)
    from .. import draw as drawing

    if fmt is DrawFormat.dot:
        text = drawing.to_dot(analysis, depth, chosen, layout.value)
    elif fmt is DrawFormat.tikz:
        text = drawing.to_tikz(analysis, depth, chosen, layout.value)
    else:
        text = drawing.to_svg(drawing.draw(analysis, view.value, depth, chosen, layout.value))
    write_output(text, output, (spec,))
