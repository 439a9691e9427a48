"""The commands that read a spec: summarize, validate, list, explain, ops (check is cli/check.py)."""

import sys
from typing import Annotated, List, Optional

import typer

from ..errors import EXIT_INVALID, CnnError
from ..i18n import T, _
from .app import (DEFAULT_MAX_LAYERS, CompareOpt, CompareToolsOpt, Convention, ConventionOpt, DepthOpt, DType,
                  Format, FormatOpt, InputShape, Layout, LayoutOpt, MaxLayers, ModelArgs, Optimizer, OutputFile, Spec,
                  TextFormat, TextOrJson, analysis_for, app, depth_for, extra_columns, no_symbols, published_figures,
                  report, write_output)


# help texts: _() at import, in the language cnncalc/entry.py chose; a command's help is given
# as help= (a docstring would stay English), and its docstring says why it exists
@app.command(help=_("Print every layer's output shape, parameters and MACs, with totals."))
def summarize(
    spec: Spec,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    fmt: FormatOpt = Format.table,
    batch: Annotated[int, typer.Option("--batch", min=1, help=_("Batch size for activation memory."))] = 1,
    dtype: Annotated[DType, typer.Option("--dtype", help=_("Element type for memory figures."))] = DType.float32,
    optimizer: Annotated[Optimizer, typer.Option("--optimizer", help=_(
        "Optimizer state in the training memory estimate."))] = Optimizer.adam,
    columns: Annotated[Optional[List[str]], typer.Option("--columns", "-c", help=_(
        "Extra columns: kernel, input, trainable, memory, rf (receptive field), all."))] = None,
    depth: DepthOpt = None,
    explain: Annotated[bool, typer.Option("--explain", help=_(
        "Add a column with each layer's size rule and parameter formula, numbers substituted."))] = False,
    compare: CompareOpt = False,
    output: OutputFile = None,
    max_layers: MaxLayers = DEFAULT_MAX_LAYERS,
    arg: ModelArgs = None,
    convention: ConventionOpt = Convention.cnncalc,
    compare_tools: CompareToolsOpt = False,
) -> None:
    """The paper-style table of a network, the command most runs are."""
    from ..render.console import console

    analysis = analysis_for(spec, input, layout.value, max_layers, args=arg)
    no_symbols(analysis, ("--columns", columns), ("--explain", explain), ("--depth", depth), ("--compare", compare),
               ("--convention", convention is not Convention.cnncalc), ("--compare-tools", compare_tools))
    tool = None if convention is Convention.cnncalc else convention.value
    report(analysis)
    extra = extra_columns(columns) + (("formula",) if explain else ())
    mem = None
    if not analysis.symbols:
        from ..memory import memory

        mem = memory(analysis, batch, dtype.value, optimizer.value)
    depth = depth_for(analysis, depth)
    comparisons = published_figures(analysis, spec) if compare else ()
    if fmt is Format.table and output is None:
        from ..render.table import render_table

        render_table(analysis, mem, console(), layout.value, extra, depth, comparisons)
        if tool or compare_tools:
            from ..render import conventions

            conventions.print_console(analysis, tool, compare_tools, console())
        return
    from ..render import text

    rendered = {
        Format.json: lambda: text.to_json(analysis, comparisons if compare else None, mem),
        Format.markdown: lambda: text.to_markdown(analysis, mem, layout.value, extra, depth, comparisons),
        Format.csv: lambda: text.to_csv(analysis, mem, layout.value, extra, depth),
        Format.table: lambda: text.to_markdown(analysis, mem, layout.value, extra, depth, comparisons),
    }[fmt]()
    if tool or compare_tools:
        from ..render import conventions

        rendered = conventions.appended(rendered, fmt.value, analysis, tool, compare_tools)
    write_output(rendered, output, (spec,))


@app.command(help=_("Check a design: exit 0 when valid, 1 with every problem found (FILE:LINE:COL: error: ...)."))
def validate(spec: Spec, input: InputShape = None, fmt: TextOrJson = TextFormat.table,
             max_layers: MaxLayers = DEFAULT_MAX_LAYERS, arg: ModelArgs = None,
             weights: Annotated[Optional[str], typer.Option("--weights", help=_(
                 "Also check a checkpoint (.safetensors, .pth, .npz) against the design: every missing, unexpected "
                 "or wrongly shaped tensor, from its names and shapes only."))] = None) -> None:
    """Every problem of a design at once, for an editor or CI; a symbolic --input says which sizes work."""
    if weights is not None:
        from .verify import validate_weights

        analysis = analysis_for(spec, input, max_layers=max_layers, args=arg)
        analysis.raise_for_errors()
        return validate_weights(spec, analysis, weights, fmt)
    from ..render import reports
    from ..render.console import console, print_diagnostics, print_lines

    try:
        analysis = analysis_for(spec, input, max_layers=max_layers, args=arg)
        report = None
        if analysis.symbols:
            from ..symbolic import size_report

            report = size_report(analysis.graph, analysis.input_shape, analysis)
    except CnnError:
        raise  # main() prints it, and in JSON the envelope with its errors
    if report is not None:
        from ..render import symbolic

        if fmt is TextFormat.json:
            sys.stdout.write(symbolic.report_json(report, spec))
        else:
            print_diagnostics(analysis.diagnostics)
            print_lines(symbolic.report_lines(spec, report), console(stderr=not report.ok))
        if not report.ok:
            raise typer.Exit(EXIT_INVALID)
        return
    if fmt is TextFormat.json:
        sys.stdout.write(reports.dumps(reports.validate_dict(spec, analysis)))
    else:
        print_diagnostics(analysis.diagnostics)
        print_lines([reports.validate_line(spec, analysis)], console(stderr=not analysis.ok))
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)


@app.command("list", help=_("List the bundled architectures with their parameters, MACs and source."))
def list_models(fmt: TextOrJson = TextFormat.table) -> None:
    """What can be named instead of a spec file."""
    from ..pipeline import summarize as summarize_model
    from ..render import reports
    from ..render.console import console
    from ..zoo import bundled_names

    rows = reports.model_rows((name, summarize_model(name)) for name in bundled_names())
    if fmt is TextFormat.json:
        sys.stdout.write(reports.models_json(rows))
    else:
        reports.render_models(rows, console())


@app.command(help=_("Show one layer's formulas with its numbers substituted: output size, params, MACs, receptive "
                    "field."))
def explain(
    spec: Spec,
    layer: Annotated[Optional[str], typer.Argument(metavar="[LAYER]", help=_(
        "The layer's name, as `summarize` prints it."))] = None,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    fmt: TextOrJson = TextFormat.table,
    arg: ModelArgs = None,
) -> None:
    """One layer worked through as the course does it on the board."""
    from ..explain import explain_layer

    if layer is None:
        _explain_needs_a_layer(spec)
    analysis = analysis_for(spec, input, layout.value, args=arg)
    no_symbols(analysis, ("--input", True))
    analysis.raise_for_errors()
    print_explanation(explain_layer(analysis, layer), layout.value, fmt)


def _explain_needs_a_layer(spec: str):
    """`cnncalc explain conv`: an op's name where a spec was expected is a common first try."""
    from ..errors import CnnError, Option, fail
    from ..ops.registry import find_op
    from ..zoo import resolve

    try:
        resolve(spec)
        is_spec = True
    except CnnError:
        is_spec = False
    if not is_spec and find_op(spec) is not None:
        raise fail("E004", T("explain takes a spec and one of its layers; '{spec}' is an op", spec=spec),
                   Option("LAYER"), T("`cnncalc ops {spec}` shows an op's arguments and formulas; `cnncalc explain "
                                      "alexnet conv1` works a layer through with its numbers", spec=spec))
    raise fail("E004", T("explain needs the name of a layer"), Option("LAYER"),
               T("`cnncalc summarize {spec}` lists its layers; e.g. cnncalc explain alexnet conv1", spec=spec))


def print_explanation(e, layout: str, fmt: TextFormat, preface: tuple = (), command: str = "explain",
                      **extra) -> None:
    from ..render.console import console, print_diagnostics, print_lines
    from ..render.explain import explanation_dict, explanation_lines
    from ..render.reports import dumps

    if fmt is TextFormat.json:
        sys.stdout.write(dumps(explanation_dict(e, command, **extra)))
        return
    out = console()
    print_lines([*preface, *explanation_lines(e, layout)], out)
    if e.diagnostics:
        out.print()
        print_diagnostics(e.diagnostics, out)


@app.command(help=_("List the ops a spec can use, with their aliases and arguments; or one op in full."))
def ops(
    name: Annotated[Optional[str], typer.Argument(metavar="[OP]", help=_(
        "One op, in any of its spellings: its arguments and formulas."))] = None,
    fmt: TextOrJson = TextFormat.table,
) -> None:
    """What a spec's `type:` may say."""
    from ..ops import FAMILIES, REGISTRY
    from ..render.console import console, print_lines
    from ..render.reports import dumps, op_lines, ops_dict, render_ops

    if name is None:
        if fmt is TextFormat.json:
            sys.stdout.write(dumps(ops_dict(REGISTRY, FAMILIES)))
            return
        render_ops(REGISTRY, FAMILIES, console())
        return
    from ..errors import Option, did_you_mean, fail
    from ..ops.registry import all_spellings, find_op

    op = find_op(name)
    if op is None:
        raise fail("E004", T("no op called '{name}'", name=name), Option("NAME"),
                   did_you_mean(name, all_spellings()) or T("`cnncalc ops` lists them all"))
    if fmt is TextFormat.json:
        sys.stdout.write(dumps(ops_dict(REGISTRY, FAMILIES, op)))
        return
    print_lines(op_lines(op), console())


@app.command(help=_("Print the JSON Schema of every command's --format json output (README \"JSON output\")."))
def schema() -> None:
    """The contract programs read --format json by (its descriptions stay English, like its keys)."""
    from importlib.resources import files

    sys.stdout.write(files("cnncalc.schema").joinpath("cnncalc.schema.json").read_text(encoding="utf-8"))
