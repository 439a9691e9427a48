"""The command line: parse options, call the pipeline, render, map errors to exit codes.

Kept thin on purpose: no formula and no op name appears here. Heavy modules (numpy,
sympy, the renderers of other commands) are imported inside the command that needs
them so `cnncalc summarize` stays fast.
"""

from __future__ import annotations

import sys
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
    input: Optional[str] = typer.Option(None, "--input", "-i", help="Override the input shape: CxHxW (e.g. 3x224x224)."),
    layout: Layout = typer.Option(Layout.chw, "--layout", help="Show shapes C×H×W (PyTorch) or H×W×C (papers, Keras)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    batch: int = typer.Option(1, "--batch", min=1, help="Batch size for activation memory."),
    dtype: DType = typer.Option(DType.float32, "--dtype", help="Element type for memory figures."),
    columns: Optional[List[str]] = typer.Option(None, "--columns", "-c",
                                                help="Extra columns: kernel, input, trainable, memory, rf (receptive field), all."),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=1,
                                        help="One row per block, opened to this depth (paper-style table); "
                                             "default: every layer (networks over 1,000 layers: depth 1)."),
    compare: bool = typer.Option(False, "--compare", help="Show the figures the spec's sources publish beside "
                                                          "the computed ones, and which assumption explains each."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically)."),
    max_layers: int = typer.Option(100_000, "--max-layers", min=1, help="Refuse specs that expand beyond this."),
) -> None:
    """Print every layer's output shape, parameters and MACs, with totals."""
    from .analysis import analyze
    from .memory import memory
    from .pipeline import load

    extra = _columns(columns)
    shape = parse_shape(input, layout.value) if input else None
    graph = load(spec, max_layers)
    analysis = analyze(graph, shape)
    shown = [d for d in analysis.diagnostics if d.severity != "note"]
    if shown:
        from .render.table import print_diagnostics

        print_diagnostics(shown, _console(stderr=True))
    if not analysis.ok:
        raise typer.Exit(EXIT_INVALID)
    mem = memory(analysis, batch, dtype.value)
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
        Format.json: lambda: text.to_json(analysis, comparisons if compare else None),
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

    shape = parse_shape(input) if input else None
    try:
        analysis = analyze(load(spec, max_layers), shape)
        diags = list(analysis.diagnostics)
    except CnnError as e:
        if fmt is Format.json:
            sys.stdout.write(json.dumps({"valid": False, "diagnostics": [d.as_dict() for d in e.diagnostics]},
                                        indent=2) + "\n")
            raise typer.Exit(e.exit_code)
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
            _console().print(f"{spec}: valid — {len(analysis.layers)} layers, output {out}, {t.params:,} params, "
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
        table.add_column(h, justify="right" if right else "left", no_wrap=not h == "Source")
    for r in rows:
        table.add_row(r["name"], f.shape(tuple(r["input_shape"])), f"{r['trainable_params']:,}", f.si(r["macs"]),
                      r["source"])
    _console().print(table)


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
