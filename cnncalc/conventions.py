"""A network's totals as each other tool reports them (`summarize --convention`, `--compare-tools`).

The per-op rules are in cnncalc/ops/conventions.py; this module only sums the figure each
layer gives through `Layer.counted_by`, so it never names an op. Every tool counts
parameters only (`model.parameters()`), not buffers: batch norm's running mean and variance
are left out (and thop leaves out the modules it has no rule for).
"""

from __future__ import annotations

from typing import NamedTuple

from .ops.conventions import TOOLS, UNITS, reason


# what each tool's figure is, as its users call it
SOURCES = {"cnncalc": "cnncalc summarize", "torchvision": "weights.meta['_ops']",
           "fvcore": "FlopCountAnalysis(...).total()", "thop": "thop.profile(...)[0]",
           "ptflops": "get_model_complexity_info(..., backend='pytorch')[0]",
           "torchinfo": "summary(...).total_mult_adds", "flopcounter": "FlopCounterMode.get_total_flops()"}


class ToolFigure(NamedTuple):
    tool: str
    count: int  # in the tool's own unit, batch 1 (torchvision: FLOPS, printed in G)
    unit: str
    params: int
    why: object  # a T() text


def figure(analysis, tool: str) -> ToolFigure:
    """One tool's total for the analysed network."""
    counts = [layer.counted_by(tool) for layer in analysis.layers]
    total = sum(c for c, _ in counts)
    params = sum(p for _, p in counts)
    if tool == TOOLS[0]:  # cnncalc's own total adds the buffers
        params = sum(layer.params for layer in analysis.layers)
    return ToolFigure(tool, total, UNITS[tool], params, reason(tool))


def all_figures(analysis) -> list:
    return [figure(analysis, tool) for tool in TOOLS]


def short(f: ToolFigure) -> str:
    """'4.09 G' as the tool would print it; torchvision's GFLOPS to its 3 decimals."""
    from .render.fmt import si

    return f"{f.count / 1e9:.3f}" if f.tool == "torchvision" else si(f.count)


def as_json(analysis) -> dict:
    """The "conventions" object of --format json."""
    from .i18n import tr

    return {f.tool: {"count": f.count, "short": short(f), "unit": f.unit, "params": f.params,
                     "source": SOURCES[f.tool], "why": tr(f.why)}
            for f in all_figures(analysis)}


__all__ = ["SOURCES", "TOOLS", "ToolFigure", "all_figures", "as_json", "figure", "short"]
