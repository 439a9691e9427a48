"""Grade a student's answers against the calculator (`cnncalc check ANSWERS.yaml`).

The answer file (README "Checking answers"):

    model: alexnet              # a bundled name, a path relative to this file, or an inline spec
    input: 227x227x3            # optional override, read in the sheet's layout like the answers
    layout: hwc                 # how "55x55x96" strings are read: hwc (default, as slides write) or chw
    tolerance: 0                # optional relative tolerance for params/MACs/FLOPs (0 = exact)
    answers:
      conv1: {output_shape: 55x55x96, params: 34944, macs: 105415200, receptive_field: 11}
      totals: {params: 60965224}

Shapes written as strings ("55x55x96", "55×55×96"), the input's too, are read in the sheet's `layout`;
shapes written as YAML lists ([96, 55, 55]) are channels-first, like cnncalc's JSON and
PyTorch. A receptive field is a size (11), [h, w] sizes, or {size, stride, padding}.
Pure: returns a Grade; rendering is in render/grading.py.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from .analysis import analyze
from .errors import CATALOGUE, CnnError, Diagnostic, Option, Pos, did_you_mean, fail
from .explain import explain_layer
from .files import kind_of
from .graph import expand
from .ops.base import SHAPE_NAMES
from .shapes import from_chw, guess_layout, parse_shape, split, to_chw
from .spec import parse_document
from .yamlsource import LMap, load_file

LAYER_QUANTITIES = ("output_shape", "params", "trainable_params", "non_trainable_params", "macs", "flops",
                    "receptive_field")
TOTAL_QUANTITIES = ("output_shape", "params", "trainable_params", "non_trainable_params", "macs", "flops")
SHEET_KEYS = ("model", "input", "layout", "tolerance", "answers", "name", "description")


@dataclass(frozen=True)
class Answer:
    layer: str  # "totals" for the whole network
    quantity: str
    given: object  # as normalised (tuple for shapes)
    expected: object
    correct: bool
    shown_given: str
    shown_expected: str
    formula: str  # the worked formula (shown for wrong answers)
    hint: str
    pos: Pos
    written: str | None = None  # the answer as the sheet wrote it ("256x13x13"), echoed in JSON


@dataclass(frozen=True)
class Grade:
    model: str
    sheet: str
    answers: tuple

    @property
    def right(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def passed(self) -> bool:
        return self.right == self.total


def _shape_text(shape, layout: str) -> str:
    return "×".join(map(str, from_chw(shape) if layout == "hwc" else shape))


def _read_shape(value, layout: str, pos: Pos) -> tuple:
    try:
        return parse_shape(value, pos, layout=layout, code="E104", what="the shape")
    except CnnError:
        raise fail("E104", f"cannot read the shape {value!r}", pos, "write 55x55x96 (read as the sheet's layout) or "
                                                                    "[96, 55, 55] (channels first)") from None


def _read_int(value, pos: Pos) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.replace(",", "").replace("_", "").replace(" ", "").isdigit():
        return int(value.replace(",", "").replace("_", "").replace(" ", ""))
    raise fail("E104", f"expected a whole number, got {value!r}", pos, "write 34944 or \"34,944\"")


def _read_rf(value, pos: Pos, rank: int) -> dict:
    """11, [11, 11] or {size, stride, padding}: one value, or one per spatial dimension."""

    def per_dim(v) -> tuple:
        if isinstance(v, list):
            if len(v) != rank:
                raise fail("E104", f"{v!r} has {len(v)} values; this layer has {rank} spatial dimension"
                                   f"{'s' if rank != 1 else ''}", pos, "give one value, or one per dimension")
            return tuple(_read_int(x, pos) for x in v)
        return (_read_int(v, pos),) * rank

    if isinstance(value, (int, str, list)) and not isinstance(value, bool):
        return {"size": per_dim(value)}
    if isinstance(value, dict):
        out = {key: per_dim(value[key]) for key in ("size", "stride", "padding") if key in value}
        if out:
            return out
    raise fail("E104", f"cannot read the receptive field {value!r}", pos,
               "write 11, [11, 11] or {size: 11, stride: 4, padding: 0}")


def _load_model(sheet: LMap, sheet_path: Path, models_dirs: tuple = ()):
    """The sheet's `model:`: an inline spec, a bundled name, or a spec file in an allowed folder.

    A sheet may come from anyone (an autograder runs it), so a file it names is read only when
    it is a regular file under the sheet's folder, the bundled models or a --models-dir
    (symlinks followed), and a file that is not a spec is reported in one line that echoes
    none of its content."""
    model = sheet.get("model")
    pos = sheet.at("model")
    if isinstance(model, LMap):
        return expand(parse_document(model, str(sheet_path)))
    if not isinstance(model, str) or not model.strip() or "\x00" in model:
        raise fail("E111", "`model:` must name a bundled model, a spec file, or hold a spec", pos,
                   "e.g. model: alexnet")
    candidate = sheet_path.parent / model
    is_path = Path(model).suffix in (".yaml", ".yml") or "/" in model or "\\" in model
    if not is_path and not os.path.isfile(candidate):
        bundled = _bundled(model)
        if bundled is not None:
            path, shown, variant = bundled
            return expand(parse_document(load_file(path, shown), shown), variant=variant)
        if not os.path.lexists(candidate):
            from .zoo import bundled_names

            raise fail("E001", f"'{model}' is neither a bundled model nor a file in the sheet's folder", pos,
                       did_you_mean(model, bundled_names()) or "run `cnncalc list` to see the bundled models")
    return _load_spec_file(model, candidate, pos, allowed_roots(sheet_path, models_dirs))


def _model_key(sheet: LMap, sheet_path: Path):
    """What identifies the sheet's model across sheets: a bundled name, or a spec file's real path
    with the folder of the sheet (read once per class); None for an inline spec, which is analysed with its sheet."""
    model = sheet.get("model")
    if not isinstance(model, str) or not model.strip() or "\x00" in model:
        return None
    candidate = sheet_path.parent / model
    if os.path.lexists(candidate):  # the sheet's folder is part of the key: it decides what may be read
        return ("file", os.path.realpath(candidate), os.path.realpath(sheet_path.parent))
    return ("bundled", model)


def _bundled(name: str):
    """A bundled model's (file, name shown, variant), or None. Never looks outside the bundled folder."""
    from .zoo import architectures_dir, variant_index

    path = architectures_dir() / f"{name}.yaml"
    if os.path.isfile(path):
        return path, f"{name}.yaml", None
    family = variant_index().get(name)
    return (family, family.name, name) if family is not None else None


def allowed_roots(sheet_path: Path, models_dirs: tuple = ()) -> list:
    """The folders a sheet's `model:` file may be in, resolved: the sheet's, the bundled one, each --models-dir."""
    from .zoo import architectures_dir

    return [Path(os.path.realpath(d)) for d in (sheet_path.parent, architectures_dir(), *models_dirs)]


def _load_spec_file(model: str, candidate: Path, pos: Pos, roots: list):
    """Decide from the path and its stat (nothing is read before) whether the file may be read; read it."""
    real = Path(os.path.realpath(candidate))
    if not any(real == root or real.is_relative_to(root) for root in roots):
        where = "is" if os.path.abspath(candidate) == str(real) else "leads"
        raise fail("E002", f"cnncalc does not read {model}: it {where} outside the sheet's folder", pos,
                   "`model:` names a bundled model or a spec in the sheet's folder; `cnncalc check --models-dir "
                   "DIR` allows the specs under DIR")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        from .zoo import bundled_names

        raise fail("E001", f"no such file: {model} (a path in `model:` is read from the sheet's folder)", pos,
                   did_you_mean(Path(model).stem, bundled_names()) or
                   "give a spec file beside the sheet, or a bundled name (`cnncalc list`)") from None
    except OSError as exc:
        raise fail("E002", f"cannot read {model}: {exc.strerror}", pos) from None
    if not stat.S_ISREG(st.st_mode):
        raise fail("E002", f"{model} is {kind_of(st.st_mode)}, not a spec file; cnncalc does not read it", pos,
                   "`model:` names a spec file (YAML) or a bundled model")
    shown = str(candidate)
    try:
        doc = load_file(real, shown)
    except CnnError as e:
        first = next((d for d in e.diagnostics if d.severity == "error"), e.diagnostics[0])
        raise _not_a_spec(model, shown, pos, first.code, CATALOGUE[first.code].summary, first.pos) from None
    problem = _spec_shape_problem(doc)
    if problem is not None:
        raise _not_a_spec(model, shown, pos, "E111", *problem)
    return expand(parse_document(doc, shown))


def _spec_shape_problem(doc):
    """(what is wrong, where) when a document is not shaped like a spec, without quoting any of it."""
    from .spec import TOP_KEYS

    if not isinstance(doc, LMap):
        return "the document is not a mapping with `input:` and `layers:`", getattr(doc, "pos", None)
    unknown = [k for k in doc if k not in TOP_KEYS]
    if unknown:
        n = len(unknown)
        return f"{n} top-level key{'s' if n > 1 else ''} that a spec does not have", doc.key_at(unknown[0])
    for key in ("input", "layers"):
        if key not in doc:
            return f"it has no `{key}:`", doc.pos
    return None


def _not_a_spec(model: str, shown: str, pos: Pos, code: str, problem: str, where) -> CnnError:
    line = f" (line {where.line})" if isinstance(where, Pos) and where.file == shown and where.line > 0 else ""
    return fail(code, f"{model} is not a cnncalc spec: {problem}{line}", pos,
                f"`cnncalc validate {shown}` lists every problem, if it is meant to be a spec")


def grade(sheet_file: str, models_dirs: tuple = (), cache: dict | None = None) -> Grade:
    """Grade one answer sheet. models_dirs: folders besides the sheet's whose specs `model:` may name.

    cache: a dict kept across the sheets of a class, so that sheets naming the same model (a
    bundled name or the same file) with the same input share one analysis."""
    for d in models_dirs:
        if not os.path.isdir(d):
            raise fail("E004", f"{d or repr(d)} is not a directory", Option("--models-dir"),
                       "give a folder that holds specs the sheets may name in `model:`")
    path = Path(sheet_file)
    sheet = load_file(path, sheet_file)
    if not isinstance(sheet, LMap) or "model" not in sheet or "answers" not in sheet:
        raise fail("E111", "an answer sheet is a mapping with `model:` and `answers:`",
                   getattr(sheet, "pos", Pos(sheet_file, 1, 1)), "see README, 'Checking answers'")
    problems = [Diagnostic("E102", f"unknown key '{k}' in the answer sheet", sheet.key_at(k),
                           did_you_mean(k, SHEET_KEYS) or f"keys: {', '.join(SHEET_KEYS)}")
                for k in sheet if k not in SHEET_KEYS]
    layout = str(sheet.get("layout", "hwc")).lower()
    if layout not in ("hwc", "chw"):
        problems.append(Diagnostic("E104", f"layout must be hwc or chw, got {layout!r}", sheet.at("layout")))
        layout = "hwc"
    tolerance = sheet.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
        problems.append(Diagnostic("E104", "tolerance must be a number between 0 and 1 (relative)",
                                   sheet.at("tolerance")))
        tolerance = 0
    written = sheet.get("input")
    shape = parse_shape(written, sheet.at("input"), layout=layout) if "input" in sheet else None
    key = _model_key(sheet, path)
    key = None if cache is None or key is None else (key, shape, isinstance(written, str), layout)
    analysis = cache.get(key) if key is not None else None
    if analysis is None:
        graph = _load_model(sheet, path, tuple(models_dirs))
        # a list is channels first, like a spec's input: (whose hint fits it); a string is read in the layout
        analysis = analyze(graph, shape, strict=True, input_from="" if isinstance(written, str) else "input:")
        if isinstance(written, str) and not analysis.ok:
            analysis = _hint_sheet_layout(analysis, written, layout)
        analysis.raise_for_errors()
        if key is not None:
            cache[key] = analysis
    answers = sheet["answers"]
    if not isinstance(answers, LMap):
        raise fail("E111", "`answers:` maps layer names (or totals) to answers", sheet.at("answers"))
    by_name = {r.name: r for r in analysis.layers}
    graded = []
    for layer, given in answers.items():
        layer = str(layer)
        lpos = answers.key_at(layer)
        if layer != "totals" and layer not in by_name:
            problems.append(Diagnostic("E106", f"no layer named '{layer}' in {analysis.name}", lpos,
                                       other_numbering(layer, by_name) or
                                       did_you_mean(layer, [*by_name, "totals"]) or
                                       "`cnncalc summarize` lists the layer names"))
            continue
        if not isinstance(given, LMap):
            problems.append(Diagnostic("E111", f"answers for '{layer}' must be a mapping like "
                                                f"{{output_shape: 55x55x96, params: 34944}}", answers.at(layer)))
            continue
        allowed = TOTAL_QUANTITIES if layer == "totals" else LAYER_QUANTITIES
        for quantity, value in given.items():
            qpos = given.at(quantity)
            if quantity not in allowed:
                problems.append(Diagnostic("E102", f"'{quantity}' is not something cnncalc grades",
                                           given.key_at(quantity),
                                           did_you_mean(quantity, allowed) or f"gradable: {', '.join(allowed)}"))
                continue
            try:
                answer = _grade_one(analysis, by_name.get(layer), layer, quantity, value, qpos, layout, tolerance)
                graded.append(replace(answer, written=_as_written(value)))
            except CnnError as e:
                problems.extend(e.diagnostics)
    if problems:
        raise CnnError(problems)
    return Grade(analysis.name, sheet_file, tuple(graded))


def other_numbering(name: str, layers) -> str | None:
    """The hint for a layer name that exists under the other automatic numbering: Keras's (conv2d,
    conv2d_1, ...; a spec written with Keras classes) or cnncalc's (conv2d_1, conv2d_2, ...)."""
    m = re.fullmatch(r"(.+)_(\d+)", name)
    base, n = (m.group(1), int(m.group(2))) if m else (name, None)
    if n is not None and base in layers:  # Keras's numbering: cnncalc's base_n is Keras's base_{n-1}
        meant = base if n == 1 else f"{base}_{n - 1}"
        if meant in layers:
            return f"Keras numbers layers from {base}, {base}_1: did you mean {meant}?"
    if n is None and base not in layers and f"{base}_1" in layers:
        return (f"layers written with cnncalc's or PyTorch's types are numbered from {base}_1 (Keras's "
                f"from {base}, for Keras classes such as Conv2D): did you mean {base}_1?")
    return None


def _hint_sheet_layout(analysis, written: str, layout: str):
    """The analysis with a hint at its first shape error when the sheet's `input:` string reads more
    naturally in the other layout (3x227x227 in an H×W×C sheet)."""
    from .analysis import first_channels, hint_first_shape_error

    dims = tuple(int(p) for p in split(written))
    intended = dims if layout == "hwc" else to_chw(dims)  # channels first, read the other way
    channels = first_channels(analysis.graph)
    read = analysis.input_shape
    if channels is not None:
        misread = intended[0] == channels != read[0]
    else:
        misread = guess_layout(dims) != layout
    if not misread or len(dims) < 2:
        return analysis
    names = SHAPE_NAMES[len(dims)]
    as_read = "×".join(from_chw(tuple(names.split("×")))) if layout == "hwc" else names
    other = "chw" if layout == "hwc" else "hwc"
    fixed = "x".join(map(str, from_chw(intended) if layout == "hwc" else intended))
    fix = (f"this sheet reads input: {written} as {as_read} (layout: {layout}, as its answers); write "
           f"{fixed}, or [{', '.join(map(str, intended))}] (a list is channels first), or set layout: {other}")
    diags = list(analysis.diagnostics)
    return replace(analysis, diagnostics=tuple(diags)) if hint_first_shape_error(diags, fix) else analysis


def _as_written(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_as_written(v)}" for k, v in value.items()) + "}"
    return str(value)


def _grade_one(analysis, r, layer, quantity, value, pos, layout, tolerance) -> Answer:
    totals = analysis.totals
    hint = ""
    if quantity == "output_shape":
        given = _read_shape(value, layout, pos)
        expected = r.output_shape if r is not None else analysis.output_shape
        correct = given == expected
        if not correct and isinstance(value, str) and len(given) > 1:
            other = "chw" if layout == "hwc" else "hwc"
            if _read_shape(value, other, pos) == expected:
                first = SHAPE_NAMES[len(given)]
                last = "×".join(from_chw(tuple(first.split("×"))))
                letters = "x".join("ABCD"[:len(given)])
                hint = (f"this sheet reads {letters} as {last if layout == 'hwc' else first}; "
                        f"the answer is right read as {first if layout == 'hwc' else last}")
        return Answer(layer, quantity, given, expected, correct, _shape_text(given, layout),
                      _shape_text(expected, layout), _formula(analysis, layer, quantity), hint, pos)
    if quantity == "receptive_field":
        rf = r.rf
        if rf is None:
            raise fail("E104", f"{layer} has no spatial receptive field (after a flatten)", pos)
        given = _read_rf(value, pos, len(rf.size))
        expected = {k: tuple(getattr(rf, k)) for k in given}
        correct = all(given[k] == expected[k] for k in given)

        def show(d):
            return ", ".join(f"{k} {'×'.join(map(str, v)) if len(set(v)) > 1 else v[0]}" for k, v in d.items())

        return Answer(layer, quantity, given, expected, correct, show(given), show(expected),
                      _formula(analysis, layer, quantity), hint, pos)
    given = _read_int(value, pos)
    if r is not None:
        expected = {"params": r.params, "trainable_params": r.trainable, "non_trainable_params": r.non_trainable,
                    "macs": r.macs, "flops": 2 * r.macs}[quantity]
    else:
        expected = {"params": totals.params, "trainable_params": totals.trainable_params,
                    "non_trainable_params": totals.non_trainable_params, "macs": totals.macs,
                    "flops": totals.flops}[quantity]
    correct = given == expected or (tolerance > 0 and abs(given - expected) <= tolerance * abs(expected))
    if not correct and quantity in ("params", "macs", "flops"):
        hint = _which_convention(analysis.layers if r is None else [r], quantity, given)
    return Answer(layer, quantity, given, expected, correct, f"{given:,}", f"{expected:,}",
                  _formula(analysis, layer, quantity), hint, pos)


def _which_convention(layers, quantity: str, given: int) -> str:
    """Name the counting convention a wrong number follows, if any (the --compare candidates)."""
    from .compare import conventions

    base = "params" if quantity == "params" else "macs"
    for label, value in conventions(layers, base)[1:]:
        if quantity == "flops":
            value *= 2
        if given == value:
            return f"your number matches another convention: {label}"
    if quantity == "macs" and given == 2 * sum(r.macs for r in layers):
        return "that is FLOPs; MACs count a multiply-accumulate once (FLOPs = 2·MACs)"
    return ""


def _formula(analysis, layer: str, quantity: str) -> str:
    if layer == "totals":
        what = {"params": "the sum of every layer's parameters", "macs": "the sum of every layer's MACs",
                "flops": "2 × the sum of every layer's MACs", "output_shape": "the last layer's output"}
        return what.get(quantity, "the sum over the layers")
    e = explain_layer(analysis, layer)
    if quantity == "output_shape":
        return "; ".join(map(str, e.worked.shape))
    if quantity in ("params", "trainable_params", "non_trainable_params"):
        return str(e.worked.params)
    if quantity in ("macs", "flops"):
        return str(e.worked.macs) + ("; FLOPs = 2·MACs" if quantity == "flops" else "")
    return e.field
