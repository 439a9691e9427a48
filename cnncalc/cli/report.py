"""`cnncalc report`: a network as one self-contained HTML page (table, diagram, totals, diagnostics)."""

from ..i18n import _
from .app import (DEFAULT_MAX_LAYERS, CompareOpt, DepthOpt, InputShape, Layout, LayoutOpt, MaxLayers, ModelArgs,
                  OutputFile, Spec, View, ViewOpt, analysis_for, app, depth_for, no_symbols, published_figures,
                  report as print_problems, write_output)


@app.command(help=_("Write a network as one self-contained HTML page: the diagram, the layer table, the totals and "
                    "the diagnostics (print it to PDF from a browser)."))
def report(
    spec: Spec,
    output: OutputFile = None,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    depth: DepthOpt = None,
    compare: CompareOpt = False,
    view: ViewOpt = View.auto,
    max_layers: MaxLayers = DEFAULT_MAX_LAYERS,
    arg: ModelArgs = None,
) -> None:
    """Something to hand in, mail or print that needs no cnncalc and no network to read."""
    analysis = analysis_for(spec, input, layout.value, max_layers=max_layers, args=arg)
    no_symbols(analysis, ("--input", input))
    print_problems(analysis)
    from .. import draw as drawing
    from ..memory import memory
    from ..render.report import report_html

    depth = depth_for(analysis, depth)
    comparisons = published_figures(analysis, spec) if compare else ()
    svg = drawing.to_svg(drawing.draw(analysis, view.value, depth, layout=layout.value))
    page = report_html(analysis, memory(analysis), svg, layout.value, depth=depth, comparisons=comparisons)
    write_output(page, output, (spec,))
