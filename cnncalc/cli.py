"""The command line: declare options once, call the pipeline, render, map errors to exit codes.

Kept thin on purpose: no formula, no op name and no output formatting appear here.
Each command resolves its inputs with `_analysis` (numeric or symbolic sizes alike),
then hands the result to a renderer in cnncalc/render. The one-layer calculators are
generated from their table in cnncalc/ops/calculators.py. Heavy modules (numpy, sympy,
rich) are imported inside the command that needs them so `cnncalc summarize` stays fast.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from .errors import EXIT_INTERNAL, EXIT_INVALID, CnnError, Option, fail

app = typer.Typer(
    name="cnncalc",
    help="A calculator for convolutional neural networks: shapes, parameters, MACs and receptive fields "
         "from a YAML spec or a bundled model (alexnet, vgg16, resnet50, ...).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

COLLAPSE_ABOVE = 1000  # layers; bigger networks are summarised per block unless --depth is given


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class Layout(str, Enum):
    chw = "chw"
    hwc = "hwc"


class InputLayout(str, Enum):
    auto = "auto"
    chw = "chw"
    hwc = "hwc"


class Optimizer(str, Enum):
    sgd = "sgd"
    momentum = "momentum"
    adam = "adam"


class DType(str, Enum):
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"
    float64 = "float64"
    int8 = "int8"


# -- options, declared once -----------------------------------------------------------
Spec = Annotated[str, typer.Argument(help="A YAML spec file or a bundled model name (see `cnncalc list`).")]
InputShape = Annotated[Optional[str], typer.Option(
    "--input", "-i", help="Override the input shape, channels first: CxHxW (3x224x224), CxL (1x16000), "
                          "CxDxHxW, F; letters for symbolic sizes (3xHxW).")]
LayoutOpt = Annotated[Layout, typer.Option("--layout", help="Show shapes channels first (C×H×W, PyTorch) or last "
                                                            "(H×W×C, papers and Keras).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
TextOrJson = Annotated[Format, typer.Option("--format", "-f", help="table (text) or json.")]
MaxLayers = Annotated[int, typer.Option("--max-layers", min=1, help="Refuse specs that expand beyond this.")]
OutputFile = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically).")]


def _analysis(spec: str, input: Optional[str], layout: str = "chw", max_layers: int = 100_000,
              strict: bool = False):
    """Load and analyse `spec` for --input: numbers, or letters for symbolic sizes (sympy, only then)."""
    from .pipeline import load
    from .shapes import has_symbols, parse_shape

    graph = load(spec, max_layers)
    if input and has_symbols(input):
        from .symbolic import analyze_symbolic, parse_symbolic_shape

        return analyze_symbolic(graph, parse_symbolic_shape(input, layout), strict)
    from .analysis import analyze

    shape = parse_shape(input, Option("--input"), layout=layout, code="E004", what="--input") if input else None
    return analyze(graph, shape, strict)


def _no_symbols(analysis, *given) -> None:
    names = [name for name, value in given if value]
    if analysis.symbols and names:
        raise fail("E004", f"{', '.join(names)} cannot be used with a symbolic --input", Option(names[0]),
                   "give the input size as numbers, e.g. 3x224x224")


def _report(analysis) -> None:
    """Warnings and errors to stderr; exit 1 for an invalid design."""
    from .render.console import print_diagnostics

    shown = [d for d in analysis.diagnostics if d.severity != "note"]
    if shown:
        print_diagnostics(shown)
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)


def _columns(values: Optional[List[str]]) -> tuple:
    from .render.rows import OPTIONAL_COLUMNS

    out = []
    for v in values or []:
        for c in v.split(","):
            c = c.strip().lower()
            if c == "all":
                out.extend(OPTIONAL_COLUMNS)
            elif c in OPTIONAL_COLUMNS:
                out.append(c)
            elif c:
                raise fail("E004", f"unknown column '{c}'", Option("--columns"),
                           f"choose from {', '.join(OPTIONAL_COLUMNS)}, all")
    return tuple(dict.fromkeys(out))


def write_output(text: str, output: Optional[Path], protected: tuple = ()) -> None:
    """Print, or write atomically (temp file + rename) without ever replacing an input file."""
    if output is None:
        sys.stdout.write(text)
        return
    import os
    import tempfile

    target = output.resolve()
    for p in protected:
        if p is not None and Path(p).exists() and Path(p).resolve() == target:
            raise fail("E004", f"{output} is an input file; cnncalc never overwrites its inputs", Option("--output"),
                       "choose another output path")
    fd, tmp = tempfile.mkstemp(dir=str(target.parent), prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise fail("E004", f"cannot write {output}: {exc.strerror}", Option("--output")) from None


@app.command()
def summarize(
    spec: Spec,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    fmt: FormatOpt = Format.table,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Batch size for activation memory.")] = 1,
    dtype: Annotated[DType, typer.Option("--dtype", help="Element type for memory figures.")] = DType.float32,
    optimizer: Annotated[Optimizer, typer.Option("--optimizer", help="Optimizer state in the training memory "
                                                                     "estimate.")] = Optimizer.adam,
    columns: Annotated[Optional[List[str]], typer.Option(
        "--columns", "-c", help="Extra columns: kernel, input, trainable, memory, rf (receptive field), all.")] = None,
    depth: Annotated[Optional[int], typer.Option(
        "--depth", "-d", min=1, help="One row per block, opened to this depth (paper-style table); default: every "
                                     "layer (networks over 1,000 layers: depth 1).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add a column with each layer's size rule and "
                                                            "parameter formula, numbers substituted.")] = False,
    compare: Annotated[bool, typer.Option(
        "--compare", help="Show the figures the spec's sources publish beside the computed ones, and which "
                          "assumption explains each.")] = False,
    output: OutputFile = None,
    max_layers: MaxLayers = 100_000,
) -> None:
    """Print every layer's output shape, parameters and MACs, with totals."""
    from .render.console import console

    analysis = _analysis(spec, input, layout.value, max_layers)
    _no_symbols(analysis, ("--columns", columns), ("--explain", explain), ("--depth", depth), ("--compare", compare))
    _report(analysis)
    extra = _columns(columns) + (("formula",) if explain else ())
    mem = None
    if not analysis.symbols:
        from .memory import memory

        mem = memory(analysis, batch, dtype.value, optimizer.value)
    if depth is None and len(analysis.layers) > COLLAPSE_ABOVE:
        depth = 1
        console(stderr=True).print(f"note: {len(analysis.layers):,} layers; showing one row per top-level block "
                                   f"(--depth N to open blocks)", markup=False)
    comparisons = ()
    if compare:
        from .compare import compare as compare_published

        comparisons = compare_published(analysis)
        if not comparisons:
            console(stderr=True).print(f"note: {spec} records no published figures (published: keys)", markup=False)
    if fmt is Format.table and output is None:
        from .render.table import render_table

        render_table(analysis, mem, console(), layout.value, extra, depth, comparisons)
        return
    from .render import text

    rendered = {
        Format.json: lambda: text.to_json(analysis, comparisons if compare else None, mem),
        Format.markdown: lambda: text.to_markdown(analysis, mem, layout.value, extra, depth, comparisons),
        Format.csv: lambda: text.to_csv(analysis, mem, layout.value, extra, depth),
        Format.table: lambda: text.to_markdown(analysis, mem, layout.value, extra, depth, comparisons),
    }[fmt]()
    write_output(rendered, output, (spec,))


@app.command()
def validate(spec: Spec, input: InputShape = None, fmt: TextOrJson = Format.table,
             max_layers: MaxLayers = 100_000) -> None:
    """Check a design: exit 0 when valid, 1 with every problem found (FILE:LINE:COL: error: ...)."""
    from .render import reports
    from .render.console import console, print_diagnostics, print_lines

    try:
        analysis = _analysis(spec, input, max_layers=max_layers)
        report = None
        if analysis.symbols:
            from .symbolic import size_report

            report = size_report(analysis.graph, analysis.input_shape, analysis)
    except CnnError as e:
        if fmt is Format.json:
            sys.stdout.write(reports.diagnostics_json(False, e.diagnostics))
            raise typer.Exit(e.exit_code) from None
        raise
    if report is not None:
        from .render import symbolic

        if fmt is Format.json:
            sys.stdout.write(symbolic.report_json(report))
        else:
            print_diagnostics(analysis.diagnostics)
            print_lines(symbolic.report_lines(spec, report), console(stderr=not report.ok))
        if not report.ok:
            raise typer.Exit(EXIT_INVALID)
        return
    if fmt is Format.json:
        sys.stdout.write(reports.diagnostics_json(analysis.ok, analysis.diagnostics))
    else:
        print_diagnostics(analysis.diagnostics)
        print_lines([reports.validate_line(spec, analysis)], console(stderr=not analysis.ok))
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)


@app.command("list")
def list_models(fmt: TextOrJson = Format.table) -> None:
    """List the bundled architectures with their parameters, MACs and source."""
    from .pipeline import summarize as summarize_model
    from .render import reports
    from .render.console import console
    from .zoo import bundled_names

    rows = reports.model_rows((name, summarize_model(name)) for name in bundled_names())
    if fmt is Format.json:
        sys.stdout.write(reports.models_json(rows))
    else:
        reports.render_models(rows, console())


@app.command()
def explain(
    spec: Spec,
    layer: Annotated[str, typer.Argument(help="The layer's name, as `summarize` prints it.")],
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    fmt: TextOrJson = Format.table,
) -> None:
    """Show one layer's formulas with its numbers substituted: output size, params, MACs, receptive field."""
    from .explain import explain_layer

    analysis = _analysis(spec, input, layout.value)
    _no_symbols(analysis, ("--input", True))
    analysis.raise_for_errors()
    _print_explanation(explain_layer(analysis, layer), layout.value, fmt)


def _print_explanation(e, layout: str, fmt: Format, preface: tuple = ()) -> None:
    import json

    from .render.console import console, print_diagnostics, print_lines
    from .render.explain import explanation_dict, explanation_lines

    if fmt is Format.json:
        sys.stdout.write(json.dumps(explanation_dict(e), indent=2) + "\n")
        return
    out = console()
    print_lines([*preface, *explanation_lines(e, layout)], out)
    if e.diagnostics:
        out.print()
        print_diagnostics(e.diagnostics, out)


def _parse_bytes(text: str) -> int:
    """'2GiB', '512MiB', '1.5G', '1000000' -> bytes (KiB/MiB/GiB binary, K/M/G decimal)."""
    import re
    from fractions import Fraction

    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B?\s*", text, re.IGNORECASE)
    if not m:
        raise fail("E004", f"'{text}' is not a size", Option("--max-memory"), "write e.g. 2GiB, 512MiB or 4G")
    num, unit, binary = m.groups()
    power = "KMGT".index(unit.upper()) + 1 if unit else 0
    return int(Fraction(num) * (1024 if binary else 1000) ** power)


@app.command()
def verify(
    spec: Spec,
    input: Annotated[Optional[str], typer.Option("--input", "-i", help="An input shape (CxHxW, CxL, CxDxHxW), or "
                                                                       "a .npy array file.")] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Batch size (for a generated input).")] = 1,
    dtype: Annotated[str, typer.Option("--dtype", help="float32 or float64.")] = "float32",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the He-initialised weights and the random input.")] = 0,
    weights: Annotated[Optional[Path], typer.Option("--weights", help="An .npz of real weights keyed "
                                                                      "<layer>.<array> (PyTorch state_dict "
                                                                      "names).")] = None,
    max_memory: Annotated[str, typer.Option("--max-memory", help="Refuse to run above this estimated "
                                                                 "peak.")] = "2GiB",
    fmt: TextOrJson = Format.table,
) -> None:
    """Run the network in NumPy: every tensor must have its inferred shape and every layer
    the counted number of weights (exit 1 otherwise)."""
    from .render import fmt as f

    if dtype not in ("float32", "float64"):
        raise fail("E004", f"{dtype}: the NumPy backend runs float32 or float64", Option("--dtype"))
    array_file = input if input and (input.endswith(".npy") or Path(input).is_file()) else None
    analysis = _analysis(spec, None if array_file else input)
    _no_symbols(analysis, ("--input", True))
    analysis.raise_for_errors()
    from .backend import runner

    x = None
    if array_file:
        x = runner.load_input(array_file, analysis.input_shape, batch, dtype)
        batch = int(x.shape[0])
    limit = _parse_bytes(max_memory)
    need = runner.estimate_peak_bytes(analysis, batch, dtype)
    if need > limit:
        raise fail("E304", f"running {analysis.name} at batch {batch} ({dtype}) needs about {f.nbytes(need)}, "
                           f"above --max-memory {f.nbytes(limit)}", Option("--max-memory"),
                   "use a smaller --batch or --input, or raise --max-memory")
    notes = []
    w = None
    if weights is not None:
        w, missing, unused = runner.load_weights(str(weights), analysis, dtype, seed)
        if missing:
            notes.append(f"{len(missing)} arrays not in {weights} were initialised: {', '.join(missing[:5])}"
                         + (" …" if len(missing) > 5 else ""))
        if unused:
            notes.append(f"{len(unused)} arrays of {weights} match no layer: {', '.join(unused[:5])}"
                         + (" …" if len(unused) > 5 else ""))
    result = _run_with_progress(runner, analysis, x, w, batch, dtype, seed)
    from .render.verify import render_verify, verify_json

    if fmt is Format.json:
        sys.stdout.write(verify_json(analysis, result, need, notes))
    else:
        from .render.console import console

        render_verify(analysis, result, need, notes, console())
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


def _run_with_progress(runner, analysis, x, w, batch, dtype, seed):
    from .render.progress import progress

    with progress(analysis.name, len(analysis.layers)) as tick:
        return runner.run(analysis, x, w, batch=batch, dtype=dtype, seed=seed, on_layer=tick)


@app.command()
def check(
    answers: Annotated[str, typer.Argument(help="An answer sheet (YAML): model, answers per layer and totals.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table (text) or json (for "
                                                               "autograders).")] = Format.table,
) -> None:
    """Grade answers (output shapes, params, MACs, receptive fields): ✓/✗ each, the right value and its
    worked formula, a score; exit 0 only when every answer is right."""
    import json

    from .grading import grade
    from .render.console import print_lines
    from .render.grading import grade_dict, grade_lines

    g = grade(answers)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(grade_dict(g), indent=2, ensure_ascii=False) + "\n")
    else:
        print_lines(grade_lines(g))
    if not g.passed:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def ops() -> None:
    """List the ops a spec can use, with their aliases and arguments."""
    from .ops import FAMILIES, REGISTRY
    from .render.console import console
    from .render.reports import render_ops

    render_ops(REGISTRY, FAMILIES, console())


_LAYOUT_HELP = ("How --input is read: auto (the odd one out of a square image's numbers is the channel count; "
                "otherwise channels last when the last number is ≤ 4), chw or hwc.")


def _calculator(calc) -> None:
    """One typer command per entry of ops/calculators.py: its options, then the shared ones."""
    import inspect

    def run(**values) -> None:
        from .calculator import calculate
        from .render.explain import reading_line

        text = values.pop("input")
        layout = values.pop("layout", InputLayout.auto)
        fmt = values.pop("fmt")
        kind = values.pop("kind", None)
        flags = {o.flags[0]: values[o.arg] for o in calc.options}
        e, shape, used, guessed, notes = calculate(calc.command, text, getattr(layout, "value", layout), flags,
                                                   kind)
        _print_explanation(e, used, fmt, (reading_line(text, shape, used, guessed), *notes, ""))

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("input", kw, annotation=str, default=typer.Option(
        ..., "--input", "-i", help="Input shape, e.g. 32x32x3 or 3x32x32 (see --layout); 1x16000 for a sequence."
                                   if calc.layout else "Number of input features."))]
    if calc.kinds:
        params.append(inspect.Parameter("kind", kw, annotation=str, default=typer.Option(
            calc.kinds[0][0], "--kind", help=" or ".join(k for k, _ in calc.kinds) + ".")))
    for o in calc.options:
        default = ... if o.required else None
        if o.boolean:
            params.append(inspect.Parameter(o.arg, kw, annotation=Optional[bool],
                                            default=typer.Option(default, *o.flags, help=o.help)))
        else:
            params.append(inspect.Parameter(o.arg, kw, annotation=Optional[str] if default is None else str,
                                            default=typer.Option(default, *o.flags, help=o.help, metavar=o.metavar)))
    if calc.layout:
        params.append(inspect.Parameter("layout", kw, annotation=InputLayout,
                                        default=typer.Option(InputLayout.auto, "--layout", help=_LAYOUT_HELP)))
    params.append(inspect.Parameter("fmt", kw, annotation=Format,
                                    default=typer.Option(Format.table, "--format", help="table (text) or json.")))
    run.__signature__ = inspect.Signature(params)
    run.__doc__ = calc.help
    app.command(calc.command)(run)


def _register_calculators() -> None:
    from .ops.calculators import CALCULATORS

    for calc in CALCULATORS:
        _calculator(calc)


_register_calculators()


def main() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        rc = app(standalone_mode=False)  # returns the code of a typer.Exit
        sys.exit(rc if isinstance(rc, int) else 0)
    except CnnError as e:
        from .render.console import print_diagnostics

        print_diagnostics(e.diagnostics)
        sys.exit(e.exit_code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except typer.Abort:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if isinstance(e, typer.TyperException) and hasattr(e, "show"):
            e.show()  # usage errors: bad option, missing argument (exit 2)
            sys.exit(getattr(e, "exit_code", 2))
        sys.stderr.write(f"cnncalc: internal error: {type(e).__name__}: {e}\n"
                         "This is a bug in cnncalc; please report it with the command and spec you ran.\n")
        sys.exit(EXIT_INTERNAL)
