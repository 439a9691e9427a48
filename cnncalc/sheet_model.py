"""The network an answer sheet is about: its `model:` (an inline spec, a bundled name, or a spec
file the sheet may read) analysed at the sheet's `input:`.

A sheet may come from anyone (an autograder runs it), so a file it names is read only when it
is a regular file under the sheet's folder, the bundled models or a --models-dir (symlinks
followed), and a file that is not a spec is reported in one line that echoes none of its
content. Grading a class reuses one analysis for every sheet on the same model and input
(`model_key`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from .errors import CATALOGUE, CnnError, Pos, did_you_mean, fail
from .files import kind_of
from .graph import expand
from .i18n import T
from .ops.base import SHAPE_NAMES
from .shapes import from_chw, guess_layout, split, to_chw
from .spec import parse_document
from .yamlsource import LMap, load_file


def load_model(sheet: LMap, sheet_path: Path, models_dirs: tuple = ()):
    """The expanded graph of the sheet's `model:`."""
    model = sheet.get("model")
    pos = sheet.at("model")
    if isinstance(model, LMap):
        return expand(parse_document(model, str(sheet_path)))
    if not isinstance(model, str) or not model.strip() or "\x00" in model:
        raise fail("E111", T("`model:` must name a bundled model, a spec file, or hold a spec"), pos,
                   T("e.g. model: alexnet"))
    candidate = sheet_path.parent / model
    is_path = Path(model).suffix in (".yaml", ".yml") or "/" in model or "\\" in model
    if not is_path and not os.path.isfile(candidate):
        bundled = _bundled(model)
        if bundled is not None:
            path, shown, variant = bundled
            return expand(parse_document(load_file(path, shown), shown), variant=variant)
        if not os.path.lexists(candidate):
            from .zoo import bundled_names

            raise fail("E001", T("'{model}' is neither a bundled model nor a file in the sheet's folder", model=model),
                       pos, did_you_mean(model, bundled_names()) or T("run `cnncalc list` to see the bundled models"))
    return _load_spec_file(model, candidate, pos, allowed_roots(sheet_path, models_dirs))


def model_key(sheet: LMap, sheet_path: Path):
    """What identifies the sheet's model across sheets: a bundled name, or a spec file's real path
    with the folder of the sheet (which decides what may be read); None for an inline spec, which
    is analysed with its sheet."""
    model = sheet.get("model")
    if not isinstance(model, str) or not model.strip() or "\x00" in model:
        return None
    candidate = sheet_path.parent / model
    if os.path.lexists(candidate):
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
        outside = (T("cnncalc does not read {model}: it is outside the sheet's folder", model=model)
                   if os.path.abspath(candidate) == str(real) else
                   T("cnncalc does not read {model}: it leads outside the sheet's folder", model=model))
        raise fail("E002", outside, pos,
                   T("`model:` names a bundled model or a spec in the sheet's folder; `cnncalc check --models-dir "
                     "DIR` allows the specs under DIR"))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        from .zoo import bundled_names

        raise fail("E001", T("no such file: {model} (a path in `model:` is read from the sheet's folder)", model=model),
                   pos, did_you_mean(Path(model).stem, bundled_names()) or
                   T("give a spec file beside the sheet, or a bundled name (`cnncalc list`)")) from None
    except OSError as exc:
        raise fail("E002", T("cannot read {model}: {reason}", model=model, reason=exc.strerror), pos) from None
    if not stat.S_ISREG(st.st_mode):
        raise fail("E002", T("{model} is {kind}, not a spec file; cnncalc does not read it", model=model,
                             kind=kind_of(st.st_mode)), pos, T("`model:` names a spec file (YAML) or a bundled model"))
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
        return T("the document is not a mapping with `input:` and `layers:`"), getattr(doc, "pos", None)
    unknown = [k for k in doc if k not in TOP_KEYS]
    if unknown:
        n = len(unknown)
        return (T("{n} top-level key that a spec does not have", n=n) if n == 1 else
                T("{n} top-level keys that a spec does not have", n=n)), doc.key_at(unknown[0])
    for key in ("input", "layers"):
        if key not in doc:
            return T("it has no `{key}:`", key=key), doc.pos
    return None


def _not_a_spec(model: str, shown: str, pos: Pos, code: str, problem, where) -> CnnError:
    hint = T("`cnncalc validate {shown}` lists every problem, if it is meant to be a spec", shown=shown)
    if isinstance(where, Pos) and where.file == shown and where.line > 0:
        return fail(code, T("{model} is not a cnncalc spec: {problem} (line {line})", model=model, problem=problem,
                            line=where.line), pos, hint)
    return fail(code, T("{model} is not a cnncalc spec: {problem}", model=model, problem=problem), pos, hint)


def hint_sheet_layout(analysis, written: str, layout: str):
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
    fix = T("this sheet reads input: {written} as {as_read} (layout: {layout}, as its answers); write {fixed}, or "
            "[{listed}] (a list is channels first), or set layout: {other}", written=written, as_read=as_read,
            layout=layout, fixed=fixed, listed=", ".join(map(str, intended)), other=other)
    diags = list(analysis.diagnostics)
    return replace(analysis, diagnostics=tuple(diags)) if hint_first_shape_error(diags, fix) else analysis
