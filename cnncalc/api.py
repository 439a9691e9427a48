"""The Python API (README "From Python"): what the commands compute, as values for a notebook.

Thin: every function delegates to the pipeline (load/analyze), the grader, the NumPy runner or
the one-layer calculators, and nothing prints. Every function raises one exception type,
`CnnError` (its `.diagnostics` are the structured problems, each with a code, message, position
and hint), for input it cannot use: a missing file, text that is not YAML, a document that is
not shaped like a spec, a bad argument. A *design* with errors does not raise from `summarize`
or `validate`: the result has `.ok` False and `.errors`; `run` and `verify` need a valid design
and raise CnnError for one with errors.

A spec is given as any of: a bundled name ("alexnet"), a path (str or pathlib.Path), YAML text
(a str with a newline, or starting with `name:` or `{`), a Graph (`cnncalc.load`,
`cnncalc.load_string`), what `summarize` returns (a Summary, or any Analysis), or a torch.nn.Module
(traced by torch.fx on fake tensors at input_shape, as `cnncalc import --torch` reads a factory's).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .analysis import Analysis, analyze
from .errors import EXIT_INVALID, CnnError, Option, fail
from .graph import DEFAULT_MAX_LAYERS, Graph, expand
from .i18n import Msg, T
from .layer import Layer

# ---------------------------------------------------------------- reading a spec and a shape

def _is_text(spec: str) -> bool:
    s = spec.lstrip()
    return "\n" in spec or s.startswith(("name:", "{"))


def _graph(spec, args: dict | None, max_layers: int) -> Graph:
    """Any accepted spec -> Graph (raises CnnError)."""
    if isinstance(spec, Graph):
        return spec
    if isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    if not isinstance(spec, str):
        raise fail("E004", T("a spec is a bundled name, a path, YAML text, a Graph or a Summary, not {type}",
                             type=type(spec).__name__), Option("spec"), T("e.g. cnncalc.summarize('alexnet')"))
    if args is not None and not isinstance(args, dict):
        raise fail("E004", T("args is a dict of model arguments, not {type}", type=type(args).__name__),
                   Option("args"), T("e.g. args={'width': 0.75}"))
    if _is_text(spec):
        from .spec import parse_document
        from .yamlsource import load_text

        return expand(parse_document(load_text(spec, "<string>"), "<string>"), max_layers=max_layers,
                      overrides=args)
    from .pipeline import load

    if not spec.strip() or "\x00" in spec:
        raise fail("E004", T("{spec!r} is not a spec name or path", spec=spec), Option("spec"),
                   T("e.g. 'alexnet' or 'net.yaml'"))
    try:
        return load(spec, max_layers, args)
    except CnnError as e:  # the command's SPEC argument is this function's spec
        raise pythonic_error(e) from None


def pythonic_error(e: CnnError, names: dict | None = None) -> CnnError:
    """Diagnostics that name command-line options, renamed to the function's arguments."""
    names = {"SPEC": "spec", "--input": "input_shape", "--max-memory": "max_memory", "--arg": "args",
             **(names or {})}
    out = []
    for d in e.diagnostics:
        if isinstance(d.pos, Option) and d.pos.name in names:
            d = d._replace(pos=Option(names[d.pos.name]))
        if d.hint:
            d = d._replace(hint=replaced_text(d.hint, "--layout hwc", "layout='hwc'"))
        out.append(d)
    return CnnError(out)


def replaced_text(text, old: str, new: str):
    """text with `old` written `new`. A T() message stays one, with the replacement made in its
    values (str.replace would give plain English, which --lang es could no longer translate)."""
    if isinstance(text, Msg):
        return Msg(text.template, {k: replaced_text(v, old, new) if isinstance(v, str) else v
                                   for k, v in text.values.items()})
    return text.replace(old, new) if isinstance(text, str) else text


def _shape(value, layout: str = "chw"):
    """input_shape: (3, 224, 224), [3, 224, 224], '3x224x224' (or '3xHxW': symbolic) -> a shape or None."""
    from .shapes import has_symbols, parse_shape

    if value is None:
        return None
    if layout not in ("chw", "hwc"):
        raise fail("E004", T("layout must be 'chw' or 'hwc', got {layout!r}", layout=layout), Option("layout"))
    try:
        if isinstance(value, str) and has_symbols(value):
            from .symbolic import parse_symbolic_shape

            return parse_symbolic_shape(value, layout, Option("input_shape"))
        if isinstance(value, (list, tuple)) and layout == "hwc":
            value = list(value[-1:]) + list(value[:-1])
        return parse_shape(list(value) if isinstance(value, tuple) else value, Option("input_shape"),
                           layout=layout if isinstance(value, str) else "chw", code="E004", what="input_shape")
    except CnnError as e:
        raise pythonic_error(e) from None


def _analysis(spec, input_shape=None, args: dict | None = None, max_layers: int = DEFAULT_MAX_LAYERS,
              layout: str = "chw") -> Analysis:
    if isinstance(spec, Analysis):
        if input_shape is None and args is None:
            return spec
        if args is not None:
            raise fail("E004", T("args cannot change a model that is already analysed"), Option("args"),
                       T("pass the spec (name, path or text) with args="))
        spec = spec.graph
    if _is_torch_module(spec):
        if args is not None:
            raise fail("E004", T("args are a spec's arguments; a PyTorch module has none"), Option("args"),
                       T("build the module with the arguments you want"))
        return analyze(_torch_graph(spec, _shape(input_shape, layout), max_layers), None)
    graph = _graph(spec, args, max_layers)
    shape = _shape(input_shape, layout)
    if shape is not None and any(isinstance(d, str) or not isinstance(d, int) for d in shape):
        from .symbolic import analyze_symbolic

        return analyze_symbolic(graph, shape)
    return analyze(graph, shape)


def _is_torch_module(spec) -> bool:
    torch = sys.modules.get("torch")  # a module object means torch is imported already: never import it here
    return torch is not None and isinstance(spec, torch.nn.Module)


def _torch_graph(module, shape, max_layers: int) -> Graph:
    from .interop.sources import module_graph

    try:
        return module_graph(module, shape, max_layers)
    except CnnError as e:
        raise pythonic_error(e, {"--torch": "spec"}) from None


# ---------------------------------------------------------------- summarize

class LayerRecord(Layer):
    """One layer of a Summary: a Layer (cnncalc/layer.py) with the JSON field names too:
    name, type, inputs, output_shape, params, trainable_params, non_trainable_params, macs,
    receptive_field."""

    __slots__ = ()

    @property
    def trainable_params(self):
        return self.trainable

    @property
    def non_trainable_params(self):
        return self.non_trainable

    @property
    def receptive_field(self) -> dict | None:
        if self.rf is None:
            return None
        try:
            return self.rf.as_dict()
        except TypeError:  # a symbolic field
            return {k: [x if isinstance(x, int) else str(x) for x in getattr(self.rf, k)]
                    for k in ("size", "stride", "padding")}

    def __repr__(self) -> str:
        return (f"LayerRecord(name={self.name!r}, type={self.type!r}, inputs={self.inputs!r}, "
                f"output_shape={self.output_shape!r}, params={self.params!r}, macs={self.macs!r})")


@dataclass(frozen=True, repr=False, eq=False)
class Summary(Analysis):
    """What `cnncalc.summarize` returns: an Analysis (every attribute and method of one: .totals,
    .layer(name), .ok, .errors, .output_shape, .raise_for_errors()) whose .layers are LayerRecords,
    with a short repr, an HTML table for Jupyter and to_dict(), the JSON of `--format json`."""

    @classmethod
    def of(cls, a: Analysis) -> Summary:
        if isinstance(a, cls):
            return a
        return cls(a.graph, a.input_shape, tuple(LayerRecord._make(r) for r in a.layers), a.totals,
                   a.diagnostics, a.output)

    def to_dict(self, batch: int = 1, dtype: str = "float32", optimizer: str = "adam") -> dict:
        """The JSON contract (README "JSON output"): what `cnncalc summarize --format json` prints,
        its memory figures for batch, dtype and optimizer (the command's --batch, --dtype and
        --optimizer) included; none for a symbolic input."""
        from .memory import DTYPE_BYTES, OPTIMIZER_STATES
        from .render.text import summary_dict

        if dtype not in DTYPE_BYTES or optimizer not in OPTIMIZER_STATES or isinstance(batch, bool) \
                or not isinstance(batch, int) or batch < 1:
            raise fail("E004", T("to_dict(batch={batch!r}, dtype={dtype!r}, optimizer={optimizer!r}): batch is a "
                                 "positive int, dtype one of {dtypes}, optimizer one of {optimizers}", batch=batch,
                                 dtype=dtype, optimizer=optimizer, dtypes=", ".join(DTYPE_BYTES),
                                 optimizers=", ".join(OPTIMIZER_STATES)), Option("to_dict"))
        mem = None
        if not self.symbols:
            from .memory import memory

            mem = memory(self, batch, dtype, optimizer)
        return summary_dict(self, None, mem)

    def __repr__(self) -> str:
        from .render.notebook import summary_repr

        return summary_repr(self)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from .render.notebook import summary_html

        return summary_html(self)


def summarize(spec, input_shape=None, args: dict | None = None, *, layout: str = "chw",
              max_layers: int = DEFAULT_MAX_LAYERS) -> Summary:
    """A spec -> Summary: every layer's shape, parameters and MACs, as `cnncalc summarize` computes them.

    input_shape: (3, 224, 224), [3, 224, 224] or "3x224x224" (channels first; layout="hwc" reads
    both channels last); "3xHxW" gives formulas (needs sympy). args: the model's arguments
    ({"width": 0.75}, as --arg). Raises CnnError when the spec cannot be read or is not shaped
    like a spec; a design with errors does not raise: .ok is False and .errors says why (call
    .raise_for_errors() to make it raise)."""
    return Summary.of(_analysis(spec, input_shape, args, max_layers, layout))


# ---------------------------------------------------------------- validate

@dataclass(frozen=True)
class Validation:
    """What `cnncalc.validate` returns: .ok and every diagnostic (errors, warnings, notes)."""

    ok: bool
    diagnostics: tuple
    spec: str = "<string>"  # as the JSON's "spec" names it
    analysis: Analysis | None = None  # None when the document is not shaped like a spec

    @property
    def errors(self) -> tuple:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def __bool__(self) -> bool:
        return self.ok

    def to_dict(self) -> dict:
        """As `cnncalc validate --format json` prints it (README "JSON output")."""
        from .render import reports

        if self.analysis is None:
            return reports.failure_dict("validate", self.diagnostics)
        return reports.validate_dict(self.spec, self.analysis, list(self.diagnostics))

    def __repr__(self) -> str:
        from .render.notebook import validation_repr

        return validation_repr(self)


def validate(spec, input_shape=None, args: dict | None = None, *, layout: str = "chw",
             max_layers: int = DEFAULT_MAX_LAYERS) -> Validation:
    """Check a design, as `cnncalc validate`: a Validation with .ok and .diagnostics.

    Every problem of the design is returned, not raised, including a document not shaped like a
    spec; CnnError is raised only for unusable input (exit code 2 on the command line: a missing
    file, text that is not YAML, a bad argument)."""
    label = _label(spec)
    try:
        a = _analysis(spec, input_shape, args, max_layers, layout)
    except CnnError as e:
        if e.exit_code != EXIT_INVALID:
            raise
        return Validation(False, tuple(e.diagnostics), label)
    return Validation(a.ok, tuple(a.diagnostics), label, a)


def _label(spec) -> str:
    """How the JSON names a spec: as given (a name or path), '<string>' for text, else the model's name."""
    if isinstance(spec, os.PathLike):
        return os.fspath(spec)
    if isinstance(spec, str):
        return "<string>" if _is_text(spec) else spec
    name = getattr(spec, "name", None)
    return name if isinstance(name, str) else "<string>"


# ---------------------------------------------------------------- check

def check(sheet, models_dirs: tuple = ()):
    """Grade an answer sheet (a path, or its YAML text), as `cnncalc check`: a grading.Grade
    (.passed, .right, .total, .answers with the right value and worked formula of each).

    A sheet given as text names a bundled model or holds its spec inline (`model:` file paths are
    read relative to a sheet's folder, and text has none). Raises CnnError for a sheet that cannot
    be used (the command's exit code 1 or 2 with diagnostics)."""
    from .grading import grade

    if isinstance(sheet, os.PathLike):
        sheet = os.fspath(sheet)
    if not isinstance(sheet, str):
        raise fail("E004", T("an answer sheet is a path or YAML text, not {type}", type=type(sheet).__name__),
                   Option("sheet"))
    dirs = tuple(os.fspath(d) for d in models_dirs)
    if not _is_text(sheet) and not sheet.lstrip().startswith("model:"):
        return grade(sheet, dirs)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cnncalc-sheet-") as folder:
        path = Path(folder) / "sheet.yaml"
        path.write_text(sheet, encoding="utf-8")
        try:
            g = grade(str(path), dirs)
        except CnnError as e:
            raise CnnError([_as_string(d, str(path)) for d in e.diagnostics]) from None
    from dataclasses import replace

    return replace(g, sheet="<string>", answers=tuple(
        replace(a, pos=a.pos._replace(file="<string>")) if getattr(a.pos, "file", None) == str(path) else a
        for a in g.answers))


def _as_string(d, tmp: str):
    """A diagnostic about the temporary copy of a text sheet, placed in '<string>' instead."""
    pos = d.pos
    if getattr(pos, "file", None) == tmp:
        d = d._replace(pos=pos._replace(file="<string>"))
    return d._replace(message=replaced_text(d.message, tmp, "<string>"),
                      hint=d.hint and replaced_text(d.hint, tmp, "<string>"))


# ---------------------------------------------------------------- run and verify

def run(spec, x=None, weights=None, *, input_shape=None, args: dict | None = None, batch: int = 1,
        dtype: str = "float32", seed: int = 0):
    """Run a network in NumPy and check every tensor against the analysis.

    spec: anything `summarize` accepts, or what it returns. x: an (N, *input_shape) array or None
    (seeded normal input of `batch` samples); weights: {layer: {array: ndarray}} or None (seeded He
    init). Returns backend.runner.RunResult (.layers with per-layer checks, .output, .ok). Raises
    CnnError for a design with errors or an x of the wrong shape. NumPy is imported only here."""
    from .backend.runner import run as _run

    analysis = _analysis(spec, input_shape, args)
    analysis.raise_for_errors()
    if analysis.symbols:
        raise fail("E004", T("a network with a symbolic input cannot be run"), Option("input_shape"),
                   T("give the input size as numbers, e.g. (3, 224, 224)"))
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise fail("E004", T("batch must be a positive integer, got {batch!r}", batch=batch), Option("batch"))
    if x is not None:
        import numpy as np

        x = np.asarray(x)
        if x.ndim != len(analysis.input_shape) + 1 or tuple(x.shape[1:]) != tuple(analysis.input_shape) \
                or x.shape[0] < 1:
            raise fail("E004", T("x has shape {shape}; {name} takes (N, {sizes})", shape=x.shape, name=analysis.name,
                                 sizes=", ".join(map(str, analysis.input_shape))), Option("x"),
                       T("add the batch axis first: x[None] for one sample"))
        x = x.astype(dtype, copy=False) if dtype in ("float32", "float64") else x
    return _run(analysis, x, weights, batch=batch, dtype=dtype, seed=seed)


def verify(spec, input_shape=None, *, x=None, weights=None, args: dict | None = None, batch: int = 1,
           dtype: str = "float32", seed: int = 0, max_memory: int | str = 2 * 2**30):
    """`cnncalc verify`: `run`, after refusing (CnnError E304) a run whose estimated peak memory is
    above max_memory (bytes, or text such as "2GiB"). Returns backend.runner.RunResult; .ok is
    False when a tensor's shape or a layer's weight count differs from the analysis."""
    from .backend import runner

    analysis = _analysis(spec, input_shape, args)
    analysis.raise_for_errors()
    if isinstance(max_memory, str):
        from .cli.app import parse_bytes

        try:
            limit = parse_bytes(max_memory)
        except CnnError as e:
            raise pythonic_error(e) from None
    elif isinstance(max_memory, int) and not isinstance(max_memory, bool) and max_memory > 0:
        limit = max_memory
    else:
        raise fail("E004", T("max_memory is a number of bytes or text such as '2GiB', got {max_memory!r}",
                             max_memory=max_memory),
                   Option("max_memory"))
    if not analysis.symbols and isinstance(batch, int) and batch >= 1:
        n = batch if x is None else int(getattr(x, "shape", (batch,))[0] or batch)
        need = runner.memory_plan(analysis, n, dtype if dtype in runner.DTYPES else "float32").total
        if need > limit:
            raise fail("E304", T("running {name} at batch {n} ({dtype}) needs about {need:,} bytes, above max_memory "
                                 "({limit:,} bytes)", name=analysis.name, n=n, dtype=dtype, need=need, limit=limit),
                       Option("max_memory"),
                       T("use a smaller batch or input_shape, or raise max_memory"))
    return run(analysis, x, weights, batch=batch, dtype=dtype, seed=seed)


__all__ = ["LayerRecord", "Summary", "Validation", "check", "run", "summarize", "validate", "verify"]
