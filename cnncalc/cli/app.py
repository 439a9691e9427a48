"""The command line's shared parts: the typer app, the options (declared once), the
pipeline call every command makes, and the entry point that turns errors into exit codes.

Kept thin on purpose: no formula, no op name and no output formatting appear in
cnncalc/cli. Each command resolves its inputs with `analysis_for` (numeric or symbolic
sizes alike), then hands the result to a renderer in cnncalc/render. Heavy modules
(numpy, sympy, rich) are imported inside the command that needs them so `cnncalc
summarize` stays fast.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_INVALID, CnnError, Option, fail
from ..graph import DEFAULT_MAX_LAYERS
from ..i18n import T, _, choose_language, language, set_language

app = typer.Typer(
    name="cnncalc",
    help=_("A calculator for convolutional neural networks: shapes, parameters, MACs and receptive fields "
           "from a YAML spec or a bundled model (alexnet, vgg16, resnet50, ...)."),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

def _version(value: bool) -> None:
    if value:
        from .. import __version__

        sys.stdout.write(f"cnncalc {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                   help=_("Print the version and exit."))] = False,
             lang: Annotated[Optional[str], typer.Option("--lang", metavar="LANG", help=_(
                 "Language of the output: en or es, anywhere on the command line (default: the locale, "
                 "e.g. LANG=es_UY.UTF-8)."))] = None) -> None:
    """The app's help is Typer(help=...). --lang is declared here only to be listed in --help: main()
    has read it and taken it off the command line before typer parses it (i18n.take_language)."""


COLLAPSE_ABOVE = 1000  # layers; bigger networks are summarised per block unless --depth is given


class Format(str, Enum):
    """summarize's formats (the only command that writes every one)."""
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class TextFormat(str, Enum):
    """The other commands': text for people, json for programs (README "JSON output")."""
    table = "table"
    json = "json"


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
# help texts are translated here, at import: cnncalc/entry.py has chosen the language by then
Spec = Annotated[str, typer.Argument(metavar="SPEC", help=_(
    "A YAML spec file or a bundled model name (see `cnncalc list`)."))]
InputShape = Annotated[Optional[str], typer.Option(
    "--input", "-i", help=_("Override the input shape, channels first: CxHxW (3x224x224), CxL (1x16000), "
                            "CxDxHxW, F (channels last with --layout hwc: 224x224x3); letters for symbolic "
                            "sizes (3xHxW)."))]
LayoutOpt = Annotated[Layout, typer.Option("--layout", help=_(
    "Channels first (chw: C×H×W, PyTorch) or last (hwc: H×W×C, papers and Keras), both for the shapes shown "
    "and for reading --input (hwc reads 227x227x3)."))]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help=_(
    "Output format: table, json (README \"JSON output\"), markdown or csv."))]
TEXT_OR_JSON_HELP = _("table (text) or json (README \"JSON output\").")
TextOrJson = Annotated[TextFormat, typer.Option("--format", "-f", help=TEXT_OR_JSON_HELP)]
MaxLayers = Annotated[int, typer.Option("--max-layers", min=1, help=_(
    "Refuse specs that expand beyond this many layers (and twice as many expansion steps)."))]
ModelArgs = Annotated[Optional[List[str]], typer.Option(
    "--arg", "-a", metavar="NAME=VALUE", help=_("Set one of the model's args (repeatable): --arg width=1.1."))]
OutputFile = Annotated[Optional[Path], typer.Option("--output", "-o", help=_("Write to this file (atomically)."))]
DepthOpt = Annotated[Optional[int], typer.Option("--depth", "-d", min=1, help=_(
    "One row per block, opened to this depth (paper-style table); default: every layer (networks over "
    "1,000 layers: depth 1)."))]
CompareOpt = Annotated[bool, typer.Option("--compare", help=_(
    "Show the figures the spec's sources publish beside the computed ones, and which assumption explains "
    "each."))]

# the tools whose counting rules cnncalc/ops/conventions.py holds (summarize --convention)
from ..ops.conventions import TOOLS as _TOOLS  # noqa: E402 - the ops are loaded on this path already

Convention = Enum("Convention", {name: name for name in _TOOLS}, type=str)
ConventionOpt = Annotated[Convention, typer.Option("--convention", help=_(
    "Give the totals as another tool counts them: cnncalc, torchvision, fvcore, thop, ptflops, torchinfo, "
    "flopcounter."))]
CompareToolsOpt = Annotated[bool, typer.Option("--compare-tools", help=_(
    "Show every tool's figure for this network and why each differs from cnncalc's MACs."))]


class View(str, Enum):
    auto = "auto"
    volume = "volume"
    graph = "graph"


ViewOpt = Annotated[View, typer.Option("--view", help=_(
    "volume (the papers' feature-map boxes), graph (nodes and edges) or auto (volume for a chain, graph when "
    "the network branches)."))]


def depth_for(analysis, depth: Optional[int]) -> Optional[int]:
    """--depth as given, or 1 (one row, or node, per top-level block, said in a note) for a network of
    more than COLLAPSE_ABOVE layers: summarize, report and draw alike."""
    if depth is not None or len(analysis.layers) <= COLLAPSE_ABOVE:
        return depth
    from ..render.console import console

    console(stderr=True).print(_("note: {n:,} layers; showing one row per top-level block (--depth N to "
                                 "open blocks)").format(n=len(analysis.layers)), markup=False)
    return 1


def model_args(values: Optional[List[str]]) -> dict:
    """--arg width=1.1 --arg depth=2 -> {"width": 1.1, "depth": 2} (values read like the calculators')."""
    from ..calculator import option_value

    out = {}
    for text in values or []:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise fail("E004", T("'{text}' is not NAME=VALUE", text=text), Option("--arg"),
                       T("e.g. --arg width=1.1"))
        try:
            out[name.strip()] = option_value(value)
        except OverflowError as e:
            raise fail("E004", T("{name}: {problem}", name=name.strip(), problem=e.args[0]), Option("--arg")) from None
    return out


def analysis_for(spec: str, input: Optional[str], layout: str = "chw", max_layers: int = DEFAULT_MAX_LAYERS,
                 strict: bool = False, args: Optional[List[str]] = None):
    """Load and analyse `spec` for --input: numbers, or letters for symbolic sizes (sympy, only then)."""
    from ..pipeline import load
    from ..shapes import has_symbols, parse_shape

    graph = load(spec, max_layers, model_args(args))
    if input and has_symbols(input):
        from ..symbolic import analyze_symbolic, parse_symbolic_shape, start_clock

        start_clock()  # the command's CPU budget for sympy (stopped when main() returns)
        return analyze_symbolic(graph, parse_symbolic_shape(input, layout), strict)
    from ..analysis import analyze

    shape = parse_shape(input, Option("--input"), layout=layout, code="E004", what="--input") if input else None
    return analyze(graph, shape, strict)


def no_symbols(analysis, *given) -> None:
    names = [name for name, value in given if value]
    if analysis.symbols and names:
        raise fail("E004", T("{options} cannot be used with a symbolic --input", options=", ".join(names)),
                   Option(names[0]), T("give the input size as numbers, e.g. 3x224x224"))


def report(analysis) -> None:
    """Warnings and errors to stderr; exit 1 for an invalid design."""
    from ..render.console import print_diagnostics

    shown = [d for d in analysis.diagnostics if d.severity != "note"]
    if shown:
        print_diagnostics(shown)
    if not analysis.ok:
        _json_failure(analysis.diagnostics)
        raise typer.Exit(EXIT_INVALID)


def column_list(values, choices: tuple) -> tuple:
    """--columns kernel,rf --columns all -> ('kernel', 'rf', ...): the names asked for, in the order
    given, each once; an unknown one is an option error naming --columns."""
    out = []
    for v in values or []:
        for c in v.split(","):
            c = c.strip().lower()
            if c == "all":
                out.extend(choices)
            elif c in choices:
                out.append(c)
            elif c:
                raise fail("E004", T("unknown column '{column}'", column=c), Option("--columns"),
                           T("choose from {columns}, all", columns=", ".join(choices)))
    return tuple(dict.fromkeys(out))


def extra_columns(values: Optional[List[str]]) -> tuple:
    from ..render.rows import OPTIONAL_COLUMNS

    return column_list(values, OPTIONAL_COLUMNS)


def published_figures(analysis, spec: str) -> tuple:
    """--compare's comparisons, with a note on stderr when the spec records none."""
    from ..compare import compare

    comparisons = compare(analysis)
    if not comparisons:
        from ..render.console import console

        console(stderr=True).print(_("note: {spec} records no published figures (published: keys)").format(
            spec=spec), markup=False)
    return comparisons


from .outfile import write_output  # noqa: E402,F401 - its rules are outfile.py's; commands import it from here


def parse_bytes(text: str) -> int:
    """'2GiB', '512MiB', '1.5G', '1000000' -> bytes (KiB/MiB/GiB binary, K/M/G decimal)."""
    import re
    from fractions import Fraction

    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B?\s*", text, re.IGNORECASE)
    if not m:
        raise fail("E004", T("'{text}' is not a size", text=text), Option("--max-memory"),
                   T("write e.g. 2GiB, 512MiB or 4G"))
    num, unit, binary = m.groups()
    power = "KMGT".index(unit.upper()) + 1 if unit else 0
    return int(Fraction(num) * (1024 if binary else 1000) ** power)



def run() -> None:
    """The console script and `python -m cnncalc`: main(), then a quick exit.

    Once the output is flushed nothing is left to do, yet tearing down the interpreter (every
    module, and the 864 layers of an EfficientNet-B7 summary) took ~30 ms of a 0.3 s budget;
    os._exit skips it. Tests call main(), which exits normally."""
    import os

    code = 0
    try:
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left before the last of the output: as in main()
            code = EXIT_BROKEN_PIPE if stream is sys.stdout and code == 0 else code
        except (OSError, ValueError, AttributeError):  # a closed stream: nothing more to say there
            pass
    os._exit(code)


def main() -> None:
    """Console entry point: no traceback ever reaches the user. The language is chosen for this run
    (--lang, else the locale) and put back afterwards, so an in-process run leaves it as it was."""
    previous = language()
    try:
        _main()
    finally:
        set_language(previous)
        symbolic = sys.modules.get("cnncalc.symbolic")
        if symbolic is not None:
            symbolic.start_clock(None)


def json_command() -> Optional[str]:
    """The command being run when it was asked for `--format json` (`-f json`, `--format=json`), else None:
    then a failure is also the JSON envelope on stdout (README "JSON output")."""
    argv = sys.argv[1:]
    argv = [a for i, a in enumerate(argv) if a != "--lang" and (i == 0 or argv[i - 1] != "--lang")]
    wants = any((a in ("--format", "-f") and i + 1 < len(argv) and argv[i + 1] == "json")
                or a in ("--format=json", "-fjson") for i, a in enumerate(argv))
    if not wants:
        return None
    return next((a for a in argv if not a.startswith("-")), None)


def _json_failure(diagnostics) -> None:
    command = json_command()
    if command is None:
        return
    from ..render.reports import dumps, failure_dict

    try:
        sys.stdout.write(dumps(failure_dict(command, diagnostics)))
    except BrokenPipeError:
        raise
    except (OSError, ValueError):
        pass


def _usage_diagnostic(e):
    """A click usage error (bad --format, missing option) as an E004 diagnostic naming the option."""
    from ..errors import Diagnostic

    param = getattr(e, "param", None)
    opts = getattr(param, "opts", None) or []
    name = max(opts, key=len) if opts else getattr(param, "name", None)
    from .usage import usage_message

    return Diagnostic("E004", usage_message(e), Option(name) if name else None, None)


def _main() -> None:
    try:
        try:
            sys.argv[1:] = choose_language(sys.argv[1:])
            rc = app(standalone_mode=False)  # returns the code of a typer.Exit
        except SystemExit:
            if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's own EPIPE handling exits 1
                raise BrokenPipeError from None
            raise
        if rc == EXIT_INTERRUPTED:  # typer returns Ctrl-C as the code of an Exit
            sys.stderr.write(_("interrupted") + "\n")
        sys.exit(rc if isinstance(rc, int) else 0)
    except BrokenPipeError:  # `cnncalc check sheet.yaml | head -1`: the reader left; say nothing more
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except CnnError as e:
        from ..render.console import print_diagnostics

        print_diagnostics(e.diagnostics)
        _json_failure(e.diagnostics)
        sys.exit(e.exit_code)
    except typer.Exit as e:
        if e.exit_code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
            sys.stderr.write(_("interrupted") + "\n")
        sys.exit(e.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write(_("interrupted") + "\n")
        sys.exit(EXIT_INTERRUPTED)
    except typer.Abort:
        sys.stderr.write(_("interrupted") + "\n")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if isinstance(e, typer.TyperException) and hasattr(e, "show"):
            from .usage import show

            show(e)  # usage errors: bad option, missing argument (exit 2), in the chosen language
            if getattr(e, "exit_code", 2) == 2:
                _json_failure([_usage_diagnostic(e)])
            sys.exit(getattr(e, "exit_code", 2))
        sys.stderr.write(_("cnncalc: internal error: {kind}: {error}\nThis is a bug in cnncalc; please report it "
                           "with the command and spec you ran.\n").format(kind=type(e).__name__, error=e))
        sys.exit(EXIT_INTERNAL)


def _silence_stdout() -> None:
    """After a broken pipe, what is still buffered must not fail again at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
