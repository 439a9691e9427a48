"""The command line: parse options, call the pipeline, render, map errors to exit codes.

Kept thin on purpose: no formula and no op name appears here. Heavy modules (numpy,
sympy, the renderers of other commands) are imported inside the command that needs
them so `cnncalc summarize` stays fast.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .errors import EXIT_INTERNAL, EXIT_INVALID, CnnError, Pos, fail

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


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def _fail_cli(message: str, hint: str | None = None) -> CnnError:
    return fail("E004", message, Pos("<command line>", 1, 1), hint)


def parse_shape(text: str, layout: str = "chw") -> tuple:
    """'3x224x224' (or '224x224x3' with layout hwc) -> (C, H, W); '784' -> (784,)."""
    parts = [p for p in text.lower().replace("×", "x").replace(",", "x").split("x")]
    if not parts or not all(p.strip().isdigit() and int(p) > 0 for p in parts) or len(parts) not in (1, 3):
        raise _fail_cli(f"--input '{text}' is not a shape", "write CxHxW, e.g. 3x224x224 (or HxWxC with --layout hwc)")
    dims = tuple(int(p) for p in parts)
    if len(dims) == 3 and layout == "hwc":
        dims = (dims[2], dims[0], dims[1])
    return dims


def _maybe_symbolic(command: str, spec: str, input: Optional[str], fmt: Format, max_layers: int,
                    layout: str = "chw", output: Optional[Path] = None, unsupported: tuple = ()) -> bool:
    """`--input 3xHxW` (a letter for a size): sizes as formulas, via cnncalc.symbolic (sympy imported
    there, only now). False for a numeric --input: the command goes on as usual."""
    if not input:
        return False
    from .symbolic import has_symbols

    if not has_symbols(input):
        return False
    if unsupported:
        raise _fail_cli(f"{', '.join(unsupported)} cannot be used with a symbolic --input",
                        "give numbers, e.g. 3x224x224")
    import json

    from .pipeline import load
    from .render import symbolic as show
    from .render.table import print_diagnostics
    from .symbolic import analyze_symbolic, parse_symbolic_shape, size_report

    if command == "summarize":
        analysis = analyze_symbolic(load(spec, max_layers), parse_symbolic_shape(input, layout))
        shown = [d for d in analysis.diagnostics if d.severity != "note"]
        if shown:
            print_diagnostics(shown, _console(stderr=True))
        if not analysis.ok:
            raise typer.Exit(EXIT_INVALID)
        if fmt is Format.table and output is None:
            show.render_table(analysis, _console(), layout)
        else:
            render = {Format.json: show.to_json, Format.csv: show.to_csv}.get(fmt, show.to_markdown)
            write_output(render(analysis, layout), output, (spec,))
        return True
    try:  # validate
        report = size_report(load(spec, max_layers), parse_symbolic_shape(input, layout))
    except CnnError as e:
        if fmt is not Format.json:
            raise
        sys.stdout.write(json.dumps({"valid": False, "diagnostics": [d.as_dict() for d in e.diagnostics]},
                                    indent=2) + "\n")
        raise typer.Exit(e.exit_code) from None
    if fmt is Format.json:
        sys.stdout.write(json.dumps(show.report_dict(report), indent=2, ensure_ascii=False) + "\n")
    else:
        print_diagnostics(report.analysis.diagnostics, _console(stderr=True))
        console = _console(stderr=not report.ok)
        for line in show.report_lines(spec, report):
            console.print(line, markup=False)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)
    return True


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
                raise _fail_cli(f"unknown column '{c}'", f"choose from {', '.join(OPTIONAL_COLUMNS)}, all")
    return tuple(dict.fromkeys(out))


def _report(err: CnnError) -> int:
    from .render.table import print_diagnostics

    print_diagnostics(err.diagnostics, _console(stderr=True))
    return err.exit_code


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
            raise _fail_cli(f"--output {output} is an input file; cnncalc never overwrites its inputs",
                            "choose another output path")
    fd, tmp = tempfile.mkstemp(dir=str(target.parent), prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _fail_cli(f"cannot write {output}: {exc.strerror}") from None


@app.command()
def summarize(
    spec: str = typer.Argument(..., help="A YAML spec file or a bundled model name (see `cnncalc list`)."),
    input: Optional[str] = typer.Option(None, "--input", "-i",
                                        help="Override the input shape: CxHxW (e.g. 3x224x224, or 3xHxW)."),
    layout: Layout = typer.Option(Layout.chw, "--layout", help="Show shapes C×H×W (PyTorch) or H×W×C (papers, Keras)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    batch: int = typer.Option(1, "--batch", min=1, help="Batch size for activation memory."),
    dtype: DType = typer.Option(DType.float32, "--dtype", help="Element type for memory figures."),
    optimizer: Optimizer = typer.Option(Optimizer.adam, "--optimizer",
                                        help="Optimizer state in the training memory estimate."),
    columns: Optional[List[str]] = typer.Option(None, "--columns", "-c",
                                                help="Extra columns: kernel, input, trainable, memory, "
                                                     "rf (receptive field), all."),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=1,
                                        help="One row per block, opened to this depth (paper-style table); "
                                             "default: every layer (networks over 1,000 layers: depth 1)."),
    explain: bool = typer.Option(False, "--explain", help="Add a column with each layer's size rule and "
                                                          "parameter formula, numbers substituted."),
    compare: bool = typer.Option(False, "--compare", help="Show the figures the spec's sources publish beside "
                                                          "the computed ones, and which assumption explains each."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically)."),
    max_layers: int = typer.Option(100_000, "--max-layers", min=1, help="Refuse specs that expand beyond this."),
) -> None:
    """Print every layer's output shape, parameters and MACs, with totals."""
    from .analysis import analyze
    from .memory import memory
    from .pipeline import load

    given = (("--columns", columns), ("--explain", explain), ("--depth", depth), ("--compare", compare))
    if _maybe_symbolic("summarize", spec, input, fmt, max_layers, layout.value, output,
                       tuple(name for name, value in given if value)):
        return
    extra = _columns(columns) + (("formula",) if explain else ())
    shape = parse_shape(input, layout.value) if input else None
    graph = load(spec, max_layers)
    analysis = analyze(graph, shape)
    shown = [d for d in analysis.diagnostics if d.severity != "note"]
    if shown:
        from .render.table import print_diagnostics

        print_diagnostics(shown, _console(stderr=True))
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)
    mem = memory(analysis, batch, dtype.value, optimizer.value)
    if depth is None and len(analysis.layers) > COLLAPSE_ABOVE:
        depth = 1
        _console(stderr=True).print(f"note: {len(analysis.layers):,} layers; showing one row per top-level block "
                                    f"(--depth N to open blocks)", markup=False)
    comparisons = ()
    if compare:
        from .compare import compare as compare_published

        comparisons = compare_published(analysis)
        if not comparisons:
            _console(stderr=True).print(f"note: {spec} records no published figures (published: keys)",
                                        markup=False)
    if fmt is Format.table and output is None:
        from .render.table import render_table

        render_table(analysis, mem, _console(), layout.value, extra, depth, comparisons)
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
def validate(
    spec: str = typer.Argument(..., help="A YAML spec file or a bundled model name."),
    input: Optional[str] = typer.Option(None, "--input", "-i", help="Override the input shape: CxHxW."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table (text) or json."),
    max_layers: int = typer.Option(100_000, "--max-layers", min=1),
) -> None:
    """Check a design: exit 0 when valid, 1 with every problem found (FILE:LINE:COL: error: ...)."""
    import json

    from .analysis import analyze
    from .pipeline import load

    if _maybe_symbolic("validate", spec, input, fmt, max_layers):
        return
    shape = parse_shape(input) if input else None
    try:
        analysis = analyze(load(spec, max_layers), shape)
        diags = list(analysis.diagnostics)
    except CnnError as e:
        if fmt is Format.json:
            sys.stdout.write(json.dumps({"valid": False, "diagnostics": [d.as_dict() for d in e.diagnostics]},
                                        indent=2) + "\n")
            raise typer.Exit(e.exit_code) from None
        raise
    if fmt is Format.json:
        sys.stdout.write(json.dumps({"valid": analysis.ok, "diagnostics": [d.as_dict() for d in diags]},
                                    indent=2) + "\n")
    else:
        from .render.table import print_diagnostics

        print_diagnostics(diags, _console(stderr=True))
        n_err = len(analysis.errors)
        n_warn = sum(d.severity == "warning" for d in diags)
        if analysis.ok:
            t = analysis.totals
            out = "×".join(map(str, analysis.output_shape))
            n = len(analysis.layers)
            _console().print(f"{spec}: valid — {n} layer{'s' * (n != 1)}, output {out}, {t.params:,} params, "
                             f"{t.macs:,} MACs" + (f", {n_warn} warning(s)" if n_warn else ""), markup=False)
        else:
            _console(stderr=True).print(f"{spec}: {n_err} error(s), {n_warn} warning(s)", markup=False)
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)


@app.command("list")
def list_models(fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json.")) -> None:
    """List the bundled architectures with their parameters, MACs and source."""
    import json

    from .analysis import analyze
    from .pipeline import load
    from .zoo import bundled_names

    rows = []
    for name in bundled_names():
        graph = load(name)
        a = analyze(graph)
        rows.append({"name": name, "params": a.totals.params, "trainable_params": a.totals.trainable_params,
                     "macs": a.totals.macs, "input_shape": list(a.input_shape), "source": graph.source})
    if fmt is Format.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich import box
    from rich.table import Table

    from .render import fmt as f

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h, right in (("Model", False), ("Input", False), ("Trainable params", True), ("MACs", True),
                     ("Source", False)):
        table.add_column(h, justify="right" if right else "left", no_wrap=h != "Source")
    for r in rows:
        table.add_row(r["name"], f.shape(tuple(r["input_shape"])), f"{r['trainable_params']:,}", f.si(r["macs"]),
                      r["source"])
    _console().print(table)


@app.command()
def explain(
    spec: str = typer.Argument(..., help="A YAML spec file or a bundled model name."),
    layer: str = typer.Argument(..., help="The layer's name, as `summarize` prints it."),
    input: Optional[str] = typer.Option(None, "--input", "-i", help="Override the input shape: CxHxW."),
    layout: Layout = typer.Option(Layout.chw, "--layout", help="Show shapes C×H×W or H×W×C."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table (text) or json."),
) -> None:
    """Show one layer's formulas with its numbers substituted: output size, params, MACs, receptive field."""
    from .analysis import analyze
    from .explain import explain_layer
    from .pipeline import load

    analysis = analyze(load(spec), parse_shape(input, layout.value) if input else None)
    analysis.raise_for_errors()
    _print_explanation(explain_layer(analysis, layer), layout.value, fmt)


def _print_explanation(e, layout: str, fmt: Format, preface: tuple = ()) -> None:
    import json

    from .render.explain import explanation_dict, explanation_lines

    if fmt is Format.json:
        sys.stdout.write(json.dumps(explanation_dict(e), indent=2) + "\n")
        return
    out = _console()
    for line in preface:
        out.print(line, markup=False)
    for line in explanation_lines(e, layout):
        out.print(line, markup=False)
    if e.diagnostics:
        from .render.table import print_diagnostics

        out.print()
        print_diagnostics(e.diagnostics, out)


def _parse_bytes(text: str) -> int:
    """'2GiB', '512MiB', '1.5G', '1000000' -> bytes (KiB/MiB/GiB binary, K/M/G decimal)."""
    import re
    from fractions import Fraction

    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B?\s*", text, re.IGNORECASE)
    if not m:
        raise _fail_cli(f"--max-memory '{text}' is not a size", "write e.g. 2GiB, 512MiB or 4G")
    num, unit, binary = m.groups()
    power = "KMGT".index(unit.upper()) + 1 if unit else 0
    return int(Fraction(num) * (1024 if binary else 1000) ** power)


@app.command()
def verify(
    spec: str = typer.Argument(..., help="A YAML spec file or a bundled model name."),
    input: Optional[str] = typer.Option(None, "--input", "-i", help="An input shape CxHxW, or a .npy array file."),
    batch: int = typer.Option(1, "--batch", min=1, help="Batch size (for a generated input)."),
    dtype: str = typer.Option("float32", "--dtype", help="float32 or float64."),
    seed: int = typer.Option(0, "--seed", help="Seed of the He-initialised weights and the random input."),
    weights: Optional[Path] = typer.Option(None, "--weights", help="An .npz of real weights keyed <layer>.<array> "
                                                                   "(PyTorch state_dict names)."),
    max_memory: str = typer.Option("2GiB", "--max-memory", help="Refuse to run above this estimated peak."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table (text) or json."),
) -> None:
    """Run the network in NumPy: every tensor must have its inferred shape and every layer
    the counted number of weights (exit 1 otherwise)."""
    import json

    from .analysis import analyze
    from .pipeline import load

    if dtype not in ("float32", "float64"):
        raise _fail_cli(f"--dtype {dtype}: the NumPy backend runs float32 or float64")
    array_file = input if input and (input.endswith(".npy") or Path(input).is_file()) else None
    shape = parse_shape(input) if input and not array_file else None
    analysis = analyze(load(spec), shape)
    analysis.raise_for_errors()
    from .backend import runner

    x = None
    if array_file:
        x = runner.load_input(array_file, analysis.input_shape, batch, dtype)
        batch = int(x.shape[0])
    limit = _parse_bytes(max_memory)
    need = runner.estimate_peak_bytes(analysis, batch, dtype)
    if need > limit:
        from .render import fmt as f

        raise fail("E304", f"running {analysis.name} at batch {batch} ({dtype}) needs about {f.nbytes(need)}, "
                           f"above --max-memory {f.nbytes(limit)}", Pos("<command line>", 1, 1),
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
    if fmt is Format.json:
        sys.stdout.write(json.dumps({
            "name": analysis.name, "ok": result.ok, "batch": result.batch, "dtype": dtype, "seconds": result.seconds,
            "estimated_peak_bytes": need, "notes": notes,
            "layers": [{"name": c.name, "type": c.op, "inferred_shape": list(c.inferred),
                        "actual_shape": list(c.actual),
                        "params_counted": c.counted, "weights_allocated": c.allocated, "ok": c.ok,
                        "seconds": c.seconds} for c in result.layers]}, indent=2) + "\n")
    else:
        from .render.verify import render_verify

        render_verify(analysis, result, need, notes, _console())
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


def _run_with_progress(runner, analysis, x, w, batch, dtype, seed):
    if not sys.stderr.isatty():
        return runner.run(analysis, x, w, batch=batch, dtype=dtype, seed=seed)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"running {analysis.name}", total=len(analysis.layers))

        def tick(idx, total, name):
            progress.update(task, completed=idx, description=f"running {name}")

        return runner.run(analysis, x, w, batch=batch, dtype=dtype, seed=seed, on_layer=tick)


@app.command()
def check(
    answers: str = typer.Argument(..., help="An answer sheet (YAML): model, answers per layer and totals."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table (text) or json (for autograders)."),
) -> None:
    """Grade answers (output shapes, params, MACs, receptive fields): ✓/✗ each, the right value and its
    worked formula, a score; exit 0 only when every answer is right."""
    import json

    from .grading import grade
    from .render.grading import grade_dict, grade_lines

    g = grade(answers)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(grade_dict(g), indent=2, ensure_ascii=False) + "\n")
    else:
        out = _console()
        for line in grade_lines(g):
            out.print(line, markup=False, highlight=False)
    if not g.passed:
        raise typer.Exit(EXIT_INVALID)


class InputLayout(str, Enum):
    auto = "auto"
    chw = "chw"
    hwc = "hwc"


def _read_calculator_input(text: str, layout: InputLayout) -> tuple:
    """'32x32x3' -> ((3, 32, 32), sentence saying how it was read)."""
    dims = parse_shape(text, "chw")
    if len(dims) == 1:
        return dims, f"input read as a vector of {dims[0]:,} features"
    chosen = layout.value
    if chosen == "auto":  # square images: the odd one out is the channel count
        a, b, c = dims
        chosen = "hwc" if (a == b != c) or (c <= 4 < a and b != c) else "chw"
    if chosen == "hwc":
        chw = (dims[2], dims[0], dims[1])
        other = "--layout chw to read it as C×H×W"
        said = f"input read as H×W×C = {text} (C = {chw[0]}, H = {chw[1]}, W = {chw[2]})"
    else:
        chw = dims
        other = "--layout hwc to read it as H×W×C"
        said = f"input read as C×H×W = {text} (C = {chw[0]}, H = {chw[1]}, W = {chw[2]})"
    if layout is InputLayout.auto:
        said += f"; {other}"
    return chw, said


def _calculate(layer: str, input: str, layout: InputLayout, fmt: Format) -> None:
    from .analysis import analyze
    from .explain import explain_layer
    from .pipeline import load_string

    shape, said = _read_calculator_input(input, layout)
    text = f"name: calculator\ninput: {list(shape)}\nlayers:\n  - {layer}\n"
    analysis = analyze(load_string(text, "<command line>"), strict=True)
    if not analysis.ok:
        raise CnnError(list(analysis.diagnostics))
    shown = "hwc" if "H×W×C" in said.split(";")[0] else "chw"
    e = explain_layer(analysis, analysis.layers[0].name)
    e = replace(e, pos=None, diagnostics=tuple(replace(d, pos=None) for d in e.diagnostics))
    _print_explanation(e, shown, fmt, (said, ""))


def _yaml_value(text: str) -> str:
    """A padding/size option as YAML: '1' -> 1, '1,2' -> [1, 2], 'same' -> same."""
    parts = [p.strip() for p in text.replace("x", ",").split(",") if p.strip()]
    if len(parts) > 1:
        return "[" + ", ".join(parts) + "]"
    return parts[0] if parts else "0"


_INPUT_HELP = "Input shape, e.g. 32x32x3 or 3x32x32 (see --layout)."
_LAYOUT_HELP = ("How --input is read: auto (the odd one out of a square image's three numbers is the channel "
                "count; otherwise HxWxC when the last number is ≤ 4), chw or hwc.")


@app.command()
def conv(
    input: str = typer.Option(..., "--input", "-i", help=_INPUT_HELP),
    filters: int = typer.Option(..., "--filters", "--out-channels", "-k", help="Number of filters (K)."),
    kernel: str = typer.Option(..., "--kernel", "-f", help="Kernel size F (or h,w)."),
    stride: str = typer.Option("1", "--stride", "-s", help="Stride S (or h,w)."),
    padding: str = typer.Option("0", "--padding", "-p", help="Zero padding P: n, h,w, t,b,l,r, same or valid."),
    dilation: str = typer.Option("1", "--dilation", help="Dilation D (or h,w)."),
    groups: int = typer.Option(1, "--groups", help="Groups (C_in for depthwise)."),
    bias: bool = typer.Option(True, "--bias/--no-bias", help="Count a bias per filter."),
    layout: InputLayout = typer.Option(InputLayout.auto, "--layout", help=_LAYOUT_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """One convolution: output shape, parameters and MACs with the worked formulas. No spec needed."""
    _calculate(f"{{type: conv2d, out_channels: {filters}, kernel_size: {_yaml_value(kernel)}, "
               f"stride: {_yaml_value(stride)}, padding: {_yaml_value(padding)}, dilation: {_yaml_value(dilation)}, "
               f"groups: {groups}, bias: {str(bias).lower()}}}", input, layout, fmt)


@app.command()
def pool(
    input: str = typer.Option(..., "--input", "-i", help=_INPUT_HELP),
    kernel: str = typer.Option(..., "--kernel", "-f", help="Window size F (or h,w)."),
    stride: Optional[str] = typer.Option(None, "--stride", "-s", help="Stride (default: the window size)."),
    padding: str = typer.Option("0", "--padding", "-p", help="Padding on each side (or h,w)."),
    ceil_mode: bool = typer.Option(False, "--ceil-mode", help="Round the output size up (PyTorch ceil_mode)."),
    kind: str = typer.Option("max", "--kind", help="max or avg."),
    layout: InputLayout = typer.Option(InputLayout.auto, "--layout", help=_LAYOUT_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """One pooling layer: output shape with the worked formula."""
    if kind not in ("max", "avg"):
        raise _fail_cli(f"--kind {kind}: expected max or avg")
    stride_arg = f", stride: {_yaml_value(stride)}" if stride else ""
    _calculate(f"{{type: {kind}pool2d, kernel_size: {_yaml_value(kernel)}{stride_arg}, "
               f"padding: {_yaml_value(padding)}, "
               f"ceil_mode: {str(ceil_mode).lower()}}}", input, layout, fmt)


@app.command("conv-transpose")
def conv_transpose(
    input: str = typer.Option(..., "--input", "-i", help=_INPUT_HELP),
    filters: int = typer.Option(..., "--filters", "--out-channels", "-k", help="Output channels."),
    kernel: str = typer.Option(..., "--kernel", "-f", help="Kernel size (or h,w)."),
    stride: str = typer.Option("1", "--stride", "-s"),
    padding: str = typer.Option("0", "--padding", "-p"),
    output_padding: str = typer.Option("0", "--output-padding"),
    dilation: str = typer.Option("1", "--dilation"),
    groups: int = typer.Option(1, "--groups"),
    bias: bool = typer.Option(True, "--bias/--no-bias"),
    layout: InputLayout = typer.Option(InputLayout.auto, "--layout", help=_LAYOUT_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """One transposed convolution: O = (I − 1)·S − 2P + D·(F − 1) + output_padding + 1."""
    _calculate(f"{{type: conv_transpose2d, out_channels: {filters}, kernel_size: {_yaml_value(kernel)}, "
               f"stride: {_yaml_value(stride)}, padding: {_yaml_value(padding)}, "
               f"output_padding: {_yaml_value(output_padding)}, dilation: {_yaml_value(dilation)}, groups: {groups}, "
               f"bias: {str(bias).lower()}}}", input, layout, fmt)


@app.command()
def linear(
    input: str = typer.Option(..., "--input", "-i", help="Number of input features (or a shape to flatten)."),
    units: int = typer.Option(..., "--units", "--out-features", "-u", help="Number of outputs."),
    bias: bool = typer.Option(True, "--bias/--no-bias"),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """One fully connected layer: params = F_in·F_out + F_out, MACs = F_in·F_out."""
    _calculate(f"{{type: linear, out_features: {units}, bias: {str(bias).lower()}}}", input, InputLayout.auto, fmt)


@app.command()
def ops() -> None:
    """List the ops a spec can use, with their aliases and arguments."""
    from rich import box
    from rich.table import Table

    from .ops import REGISTRY
    from .ops.base import REQUIRED

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h in ("Op", "Also accepted", "Arguments (required*)", "What it does"):
        table.add_column(h)
    for op in REGISTRY.values():
        args = ", ".join(a.name + ("*" if a.default is REQUIRED else "") for a in op.args)
        table.add_row(op.name, ", ".join(op.aliases), args, op.summary)
    _console().print(table)


def main() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        rc = app(standalone_mode=False)  # returns the code of a typer.Exit
        sys.exit(rc if isinstance(rc, int) else 0)
    except CnnError as e:
        sys.exit(_report(e))
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
