"""`cnncalc report`: a network as one self-contained HTML page (table, diagram, totals, diagnostics)."""

from typing import Annotated, Optional

import typer

from ..i18n import _
from .app import (COLLAPSE_ABOVE, DEFAULT_MAX_LAYERS, InputShape, MaxLayers, ModelArgs, OutputFile, Spec,
                  analysis_for, app, no_symbols, published_figures, report as print_problems, write_output)
from .draw import View


@app.command(help=_("Write a network as one self-contained HTML page: the diagram, the layer table, the totals and "
                    "the diagnostics (print it to PDF from a browser)."))
def report(
    spec: Spec,
    output: OutputFile = None,
    input: InputShape = None,
    depth: Annotated[Optional[int], typer.Option("--depth", "-d", min=1, help=_(
        "One row and one node per block, opened to this depth; default: every layer (networks over 1,000 "
        "layers: depth 1)."))] = None,
    compare: Annotated[bool, typer.Option("--compare", help=_(
        "Add the figures the spec's sources publish beside the computed ones."))] = False,
    view: Annotated[View, typer.Option("--view", help=_(
        "The diagram: volume (feature-map boxes), graph (nodes and edges) or auto (volume for a chain, graph "
        "when the network branches)."))] = View.auto,
    max_layers: MaxLayers = DEFAULT_MAX_LAYERS,
    arg: ModelArgs = None,
) -> None:
    """Something to hand in, mail or print that needs no cnncalc and no network to read."""
    analysis = analysis_for(spec, input, max_layers=max_layers, args=arg)
    no_symbols(analysis, ("--input", input))
    print_problems(analysis)
    from .. import draw as drawing
    from ..memory import memory
    from ..render.report import report_html

    if depth is None and len(analysis.layers) > COLLAPSE_ABOVE:
        depth = 1
    comparisons = published_figures(analysis, spec) if compare else ()
    svg = drawing.to_svg(drawing.draw(analysis, view.value, depth))
    page = report_html(analysis, memory(analysis), svg, depth=depth, comparisons=comparisons)
    write_output(page, output, (spec,))
