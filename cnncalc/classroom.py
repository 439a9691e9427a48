"""Grading a whole class in one process (`cnncalc check sheets/` or `cnncalc check a.yaml b.yaml ...`).

One run over 300 sheets costs one interpreter start and one analysis per (model, input) instead of
300 of each: grade()'s cache is kept for the whole class.

A class folder holds whatever students handed in, so it is listed before anything is read: at most
max_sheets names are counted (one more and nothing is graded), a symlink in it that leads outside it
is refused unread (a sheet named on the command line is the user's own choice, as for one sheet),
and every other path goes through the checks grade() makes for one sheet (cnncalc/files.py: regular
files only, opened without blocking, size-capped). A sheet that cannot be graded becomes a row with
its diagnostics; only a problem of the command line itself (an option) stops the class.

Pure: returns a frozen Classroom; rendering is in render/grading.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

from typing import TYPE_CHECKING

from .errors import EXIT_INVALID, EXIT_OK, EXIT_UNUSABLE, CnnError, Diagnostic, Option, Pos, fail
from .i18n import T

if TYPE_CHECKING:
    from .grading import Grade

MAX_SHEETS = 10_000
SHEET_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SheetResult:
    sheet: str  # the path as given, or as found in a folder given
    grade: Grade | None = None  # None: the sheet could not be graded
    diagnostics: tuple = ()  # why it could not be graded

    @property
    def status(self) -> str:
        """'passed' (every answer right), 'wrong' (some answer wrong) or 'ungradable'."""
        if self.grade is None:
            return "ungradable"
        return "passed" if self.grade.passed else "wrong"

    @property
    def score(self) -> Fraction | None:
        """right/total, exactly; a sheet with no answers has nothing wrong (as `check` of one sheet says)."""
        g = self.grade
        if g is None:
            return None
        return Fraction(g.right, g.total) if g.total else Fraction(1)

    @property
    def wrong(self) -> tuple:
        """The wrong answers as layer.quantity ("conv1.params", "totals.macs")."""
        return tuple(f"{a.layer}.{a.quantity}" for a in self.grade.answers if not a.correct) if self.grade else ()

    @property
    def reason(self) -> Diagnostic | None:
        """The first error that kept the sheet from being graded."""
        return next((d for d in self.diagnostics if d.severity == "error"), None)

    @property
    def exit_code(self) -> int:
        return {"passed": EXIT_OK, "wrong": EXIT_INVALID, "ungradable": EXIT_UNUSABLE}[self.status]


@dataclass(frozen=True)
class Classroom:
    sheets: tuple  # SheetResult, in the order graded

    def count(self, status: str) -> int:
        return sum(s.status == status for s in self.sheets)

    @property
    def graded(self) -> tuple:
        return tuple(s for s in self.sheets if s.grade is not None)

    @property
    def mean(self) -> Fraction | None:
        """The mean of the graded sheets' scores (each sheet weighs the same), exactly; None when none was graded."""
        scores = [s.score for s in self.graded]
        return sum(scores, Fraction(0)) / len(scores) if scores else None

    @property
    def exit_code(self) -> int:
        """The worst sheet's: 0 every sheet fully right, 1 some answer wrong, 2 some sheet not gradable."""
        return max((s.exit_code for s in self.sheets), default=EXIT_OK)

    @property
    def diagnostics(self) -> tuple:
        return tuple(d for s in self.sheets for d in s.diagnostics)


def grade_class(paths, models_dirs: tuple = (), max_sheets: int = MAX_SHEETS) -> Classroom:
    """Grade every sheet of `paths` (files, and folders: their *.yaml and *.yml, sorted by name)."""
    from .grading import grade  # the analysis stack: not imported by the CLI's start-up (summarize's budget)

    cache: dict = {}
    results = []
    for path, refused in sheet_paths(paths, max_sheets):
        if refused is not None:
            results.append(SheetResult(path, None, (refused,)))
            continue
        try:
            results.append(SheetResult(path, grade(path, tuple(models_dirs), cache)))
        except CnnError as e:
            if any(isinstance(d.pos, Option) for d in e.diagnostics):
                raise  # a bad --models-dir is the command line's problem, the same for every sheet
            results.append(SheetResult(path, None, tuple(e.diagnostics)))
    return Classroom(tuple(results))


def sheet_paths(paths, max_sheets: int = MAX_SHEETS) -> list:
    """(path, None) for each sheet to grade, or (path, the Diagnostic refusing it). Folders are listed
    (not recursed) and counted before any sheet is read; beyond max_sheets nothing is returned."""
    paths = list(paths)
    too_many = fail("E004", T("more than {limit:,} answer sheets to grade; none was read", limit=max_sheets),
                    Option("--max-sheets"), T("grade the class in parts, or raise the limit with --max-sheets N"))
    if len(paths) > max_sheets:
        raise too_many
    out = []
    for path in paths:
        if not os.path.isdir(path):
            out.append((path, None))
        else:
            out.extend(_listed(path, max_sheets - len(out), too_many))
        if len(out) > max_sheets:
            raise too_many
    return out


def _listed(folder: str, room: int, too_many: CnnError) -> list:
    """The sheets of one folder, sorted by name; listing stops as soon as there are more than `room`."""
    names = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(SHEET_SUFFIXES):
                    names.append(entry.name)
                    if len(names) > room:
                        raise too_many
    except OSError as exc:
        return [(folder, Diagnostic("E002", T("cannot list the folder {folder}: {reason}", folder=folder,
                                                reason=exc.strerror or str(exc)), Pos(folder, 1, 1)))]
    if not names:
        return [(folder, Diagnostic("E001", T("the folder {folder} holds no answer sheets (*.yaml, *.yml)",
                                              folder=folder), Pos(folder, 1, 1)))]
    inside = os.path.realpath(folder)
    out = []
    for name in sorted(names):
        path = os.path.join(folder, name)
        real = os.path.realpath(path)
        if os.path.islink(path) and os.path.commonpath([inside, real]) != inside:
            out.append((path, Diagnostic(
                "E002", T("{name} is a symlink that leads outside {folder}; cnncalc does not read it",
                          name=name, folder=folder), Pos(path, 1, 1),
                T("copy the sheet into the folder, or name it on the command line"))))
        else:
            out.append((path, None))
    return out
