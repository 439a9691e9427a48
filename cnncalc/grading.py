"""Grade a student's answers against the calculator (`cnncalc check ANSWERS.yaml`).

The answer file (README "Checking answers"):

    model: alexnet              # a bundled name, a path relative to this file, or an inline spec
    input: 227x227x3            # optional override, read in the sheet's layout like the answers
    layout: hwc                 # how "55x55x96" strings are read: hwc (default, as slides write) or chw
    tolerance: 0                # optional relative tolerance for params/MACs/FLOPs (0 = exact)
    answers:
      conv1: {output_shape: 55x55x96, params: 34944, macs: 105415200, receptive_field: 11}
      inception_3a: {output_shape: 28x28x256, params: 164K, macs: 128M, depth: 2}   # a block row
      conv2_x: {output_size: 56x56}                  # a row named as the paper's table names it
      totals: {params: 61M, depth: 8}

A row is a layer or a block row of `summarize --depth N` (cnncalc/grading_rows.py). Shapes written
as strings ("55x55x96", "55×55×96"), the input's too, are read in the sheet's `layout`; YAML lists
([96, 55, 55]) are channels-first, like cnncalc's JSON and PyTorch; `output_size` is the spatial
size alone (ResNet's and DenseNet's tables). Counts may be rounded as papers write them ("159K",
"1.8G", "3.6×10^9"): right when the true count rounds to them (cnncalc/figures.py). A receptive
field is a size (11), [h, w] sizes, or {size, stride, padding}. A blank answer (null, "" or "?")
is graded wrong. Pure: returns a Grade; rendering is in render/grading.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .analysis import analyze
from .blocks import layer_row, network_depth
from .errors import CnnError, Diagnostic, Option, Pos, did_you_mean, fail
from .figures import parse_figure
from .grading_hints import count_hint, figure_hint, layout_hint, published_hint, shape_hint
from .grading_read import as_written, is_blank, read_figure, read_int, read_rf, read_shape, read_size, shape_text, \
    show_rf
from .grading_rows import TOTALS, RowIndex, published_of, row_formula
from .i18n import T
from .shapes import parse_shape
from .sheet_model import hint_sheet_layout, load_model, model_key
from .yamlsource import LMap, load_file

COUNTS = ("params", "trainable_params", "non_trainable_params", "macs", "flops")
LAYER_QUANTITIES = ("output_shape", "output_size", *COUNTS, "depth", "receptive_field")
TOTAL_QUANTITIES = ("output_shape", "output_size", *COUNTS, "depth")
SHEET_KEYS = ("model", "input", "layout", "tolerance", "answers", "name", "description")


@dataclass(frozen=True)
class Answer:
    layer: str  # the row as the sheet names it; "totals" for the whole network
    quantity: str
    given: object  # as normalised (tuple for shapes; an int, or the text of a rounded figure); None if blank
    expected: object
    correct: bool
    shown_given: str
    shown_expected: str
    formula: str  # the worked formula (shown for wrong answers)
    hint: str
    pos: Pos
    written: str | None = None  # the answer as the sheet wrote it ("256x13x13"), echoed in JSON
    row: str | None = None  # the row it was graded against, when the sheet names it otherwise (conv2_x: layer1)

    @property
    def blank(self) -> bool:
        return self.given is None


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


def _sheet_options(sheet: LMap, problems: list) -> tuple:
    layout = str(sheet.get("layout", "hwc")).lower()
    if layout not in ("hwc", "chw"):
        problems.append(Diagnostic("E104", T("layout must be hwc or chw, got {layout!r}", layout=layout),
                                   sheet.at("layout")))
        layout = "hwc"
    tolerance = sheet.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
        problems.append(Diagnostic("E104", T("tolerance must be a number between 0 and 1 (relative)"),
                                   sheet.at("tolerance")))
        tolerance = 0
    return layout, tolerance


def _analysis(sheet: LMap, path: Path, layout: str, models_dirs: tuple, cache: dict | None):
    """The sheet's model analysed at its input, shared through `cache` by sheets on the same model."""
    written = sheet.get("input")
    shape = parse_shape(written, sheet.at("input"), layout=layout) if "input" in sheet else None
    key = model_key(sheet, path)
    key = None if cache is None or key is None else (key, shape, isinstance(written, str), layout)
    if key is not None and key in cache:
        return cache[key]
    graph = load_model(sheet, path, tuple(models_dirs))
    # a list is channels first, like a spec's input: (whose hint fits it); a string is read in the layout
    analysis = analyze(graph, shape, strict=True, input_from="" if isinstance(written, str) else "input:")
    if isinstance(written, str) and not analysis.ok:
        analysis = hint_sheet_layout(analysis, written, layout)
    analysis.raise_for_errors()
    context = _Context(analysis)
    if key is not None:
        cache[key] = context
    return context


class _Context:
    """One analysis and what grading derives from it once (rows, formulas, --compare verdicts)."""

    def __init__(self, analysis) -> None:
        self.analysis = analysis
        self.layers = {r.name: r for r in analysis.layers}
        self._rows = None
        self._formulas: dict = {}
        self._comparisons = None
        self.depth = network_depth(analysis)

    @property
    def rows(self) -> RowIndex:
        if self._rows is None:
            self._rows = RowIndex(self.analysis)
        return self._rows

    def find(self, name: str):
        """(row name, Row), or (None, a hint): a layer without building every block row first."""
        if name in self.layers:
            return name, layer_row(self.layers[name])
        return self.rows.find(name)

    def formula(self, row, quantity: str):
        key = (row.name if row is not None else None, quantity)
        if key not in self._formulas:
            self._formulas[key] = row_formula(self.analysis, row, quantity)
        return self._formulas[key]

    def comparison(self, row_name: str, quantity: str):
        if self._comparisons is None:
            from .compare import compare

            self._comparisons = {(c.row, c.quantity): c for c in compare(self.analysis)}
        return self._comparisons.get((row_name, "macs" if quantity == "flops" else quantity))


def grade(sheet_file: str, models_dirs: tuple = (), cache: dict | None = None) -> Grade:
    """Grade one answer sheet. models_dirs: folders besides the sheet's whose specs `model:` may name.

    cache: a dict kept across the sheets of a class, so that sheets naming the same model (a
    bundled name or the same file) with the same input share one analysis."""
    for d in models_dirs:
        if not Path(d).is_dir():
            raise fail("E004", T("{d} is not a directory", d=d or repr(d)), Option("--models-dir"),
                       T("give a folder that holds specs the sheets may name in `model:`"))
    path = Path(sheet_file)
    sheet = load_file(path, sheet_file)
    if not isinstance(sheet, LMap) or "model" not in sheet or "answers" not in sheet:
        raise fail("E111", T("an answer sheet is a mapping with `model:` and `answers:`"),
                   getattr(sheet, "pos", Pos(sheet_file, 1, 1)), T("see README, 'Checking answers'"))
    problems = [Diagnostic("E102", T("unknown key '{key}' in the answer sheet", key=k), sheet.key_at(k),
                           did_you_mean(k, SHEET_KEYS) or T("keys: {keys}", keys=", ".join(SHEET_KEYS)))
                for k in sheet if k not in SHEET_KEYS]
    layout, tolerance = _sheet_options(sheet, problems)
    context = _analysis(sheet, path, layout, models_dirs, cache)
    answers = sheet["answers"]
    if not isinstance(answers, LMap):
        raise fail("E111", T("`answers:` maps layer names (or totals) to answers"), sheet.at("answers"))
    graded = []
    for layer, given in answers.items():
        layer = str(layer)
        lpos = answers.key_at(layer)
        row = None
        if layer != TOTALS:
            name, row = context.find(layer)
            if name is None:
                problems.append(Diagnostic("E106", T("no layer or block row named '{layer}' in {model}", layer=layer,
                                                     model=context.analysis.name), lpos, row))
                continue
        if not isinstance(given, LMap):
            problems.append(Diagnostic("E111", T("answers for '{layer}' must be a mapping like {{output_shape: "
                                                 "55x55x96, params: 34944}}", layer=layer), answers.at(layer)))
            continue
        allowed = TOTAL_QUANTITIES if row is None else LAYER_QUANTITIES
        for quantity, value in given.items():
            qpos = given.at(quantity)
            if quantity not in allowed:
                problems.append(Diagnostic("E102", T("'{quantity}' is not something cnncalc grades",
                                                     quantity=quantity), given.key_at(quantity),
                                           did_you_mean(quantity, allowed) or
                                           T("gradable: {names}", names=", ".join(allowed))))
                continue
            try:
                answer = _grade_one(context, row, layer, quantity, value, qpos, layout, tolerance)
                graded.append(replace(answer, written=as_written(value),
                                      row=row.name if row is not None and row.name != layer else None))
            except CnnError as e:
                problems.extend(e.diagnostics)
    if problems:
        raise CnnError(problems)
    return Grade(context.analysis.name, sheet_file, tuple(graded))


def _expected(context, row, quantity: str):
    if quantity == "depth":
        return context.depth if row is None else row.depth
    if row is None:
        t = context.analysis.totals
        return {"params": t.params, "trainable_params": t.trainable_params, "non_trainable_params":
                t.non_trainable_params, "macs": t.macs, "flops": t.flops}[quantity]
    return {"params": row.params, "trainable_params": row.trainable, "non_trainable_params": row.non_trainable,
            "macs": row.macs, "flops": 2 * row.macs}[quantity]


def _grade_one(context, row, layer, quantity, value, pos, layout, tolerance) -> Answer:
    analysis = context.analysis
    if is_blank(value):
        return _blank(context, row, layer, quantity, pos, layout)
    if quantity in ("output_shape", "output_size"):
        expected = row.output_shape if row is not None else analysis.output_shape
        if quantity == "output_size":
            if len(expected) < 2:
                raise fail("E104", T("{layer} gives a vector of {n} features: it has no spatial size", layer=layer,
                                     n=expected[0]), pos, T("answer output_shape: {n}", n=expected[0]))
            expected = expected[1:]
            given = read_size(value, pos, len(expected))
            shown = ("×".join(map(str, given)), "×".join(map(str, expected)))
            hint = None
        else:
            given = read_shape(value, layout, pos)
            shown = (shape_text(given, layout), shape_text(expected, layout))
            hint = layout_hint(value, given, expected, layout, pos) or shape_hint(row, given, expected, layout)
        return Answer(layer, quantity, given, expected, given == expected, *shown,
                      context.formula(row, "output_shape"), hint or "", pos)
    if quantity == "receptive_field":
        rf = row.layers[-1].rf
        if rf is None:
            raise fail("E104", T("{layer} has no spatial receptive field (after a flatten)", layer=layer), pos)
        given = read_rf(value, pos, len(rf.size))
        expected = {k: tuple(getattr(rf, k)) for k in given}
        correct = all(given[k] == expected[k] for k in given)
        return Answer(layer, quantity, given, expected, correct, show_rf(given), show_rf(expected),
                      context.formula(row, quantity), "", pos)
    expected = _expected(context, row, quantity)
    if quantity == "depth":
        given = read_int(value, pos)
        return Answer(layer, quantity, given, expected, given == expected, str(given), str(expected),
                      context.formula(row, quantity), "", pos)
    figure = read_figure(value, pos)
    correct = figure.matches(expected) or (tolerance > 0 and abs(figure.value - expected) <= tolerance * expected)
    hint = None
    if not correct:
        hint = _published(context, row, quantity, figure)
        hint = hint or count_hint(analysis.layers if row is None else row.layers, quantity, figure, expected)
        hint = hint or figure_hint(figure, expected)
    given = int(figure.value) if figure.exact else str(value)
    shown_given = f"{given:,}" if figure.exact else str(value)
    shown_expected = f"{expected:,}" if figure.exact else f"{figure.shows(expected)} ({expected:,})"
    return Answer(layer, quantity, given, expected, correct, shown_given, shown_expected,
                  context.formula(row, quantity), hint or "", pos)


def _blank(context, row, layer, quantity, pos, layout) -> Answer:
    if quantity in ("output_shape", "output_size"):
        expected = row.output_shape if row is not None else context.analysis.output_shape
        expected = expected[1:] if quantity == "output_size" else expected
        shown = "×".join(map(str, expected)) if quantity == "output_size" else shape_text(expected, layout)
    elif quantity == "receptive_field":
        rf = row.layers[-1].rf
        expected = {"size": tuple(rf.size)} if rf is not None else None
        shown = show_rf(expected) if expected else "—"
    else:
        expected = _expected(context, row, quantity)
        shown = f"{expected:,}"
    return Answer(layer, quantity, None, expected, False, T("(blank)"), shown, context.formula(row, quantity), "",
                  pos)


def _published(context, row, quantity: str, figure):
    """The --compare verdict when the answer is the figure the spec's source prints for this row."""
    if quantity not in ("params", "macs", "flops"):
        return None
    published = published_of(context.analysis, row)
    if not published:
        return None
    keys = ("params",) if quantity == "params" else ("macs", "ops", "flops")
    raw = next((published[k] for k in keys if k in published), None)
    printed = parse_figure(raw) if raw is not None else None
    if printed is None or (printed.value, printed.unit) != (figure.value, figure.unit):
        return None
    comparison = context.comparison(row.name if row is not None else context.analysis.graph.name, quantity)
    return published_hint(comparison) if comparison is not None and comparison.verdict != "match" else None
