"""`cnncalc check`: grade answer sheets against the calculator (cnncalc/grading.py), one sheet or a
whole class in one process (cnncalc/classroom.py)."""

import os
import sys
from enum import Enum
from typing import Annotated, List, Optional

import typer

from ..errors import EXIT_INVALID, EXIT_UNUSABLE, CnnError
from ..i18n import _
from .app import app


class CheckFormat(str, Enum):
    """check's formats: text, json, and csv (one row per sheet, for a gradebook)."""
    table = "table"
    json = "json"
    csv = "csv"


# help texts: _() at import, in the language cnncalc/entry.py chose (as in cli/commands.py)
@app.command(help=_(
    "Grade answers (output shapes, params, MACs, receptive fields): ✓/✗ each, the right value and its worked "
    "formula, a score. Several sheets (or a folder) print a class table: each sheet's score and wrong answers "
    "(layer.quantity), or why it could not be graded, and a summary. Exit 0 only when every answer of every "
    "sheet is right, 1 when some are wrong, 2 when some sheet cannot be graded (the worst wins)."))
def check(
    sheets: Annotated[List[str], typer.Argument(metavar="SHEET...", help=_(
        "Answer sheets (YAML: model, answers per layer and totals), or folders of them (every *.yaml and *.yml "
        "in it, sorted by name)."))],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help=_(
        "table (text), json (for autograders; README \"JSON output\") or csv (one row per sheet, for a "
        "gradebook)."))] = CheckFormat.table,
    models_dir: Annotated[Optional[List[str]], typer.Option("--models-dir", metavar="DIR", help=_(
        "Let `model:` name spec files under DIR too (repeatable); by default only a bundled model or a spec in "
        "the sheet's own folder."))] = None,
    details: Annotated[bool, typer.Option("--details", help=_(
        "With several sheets, also print each sheet's own feedback before the class table."))] = False,
    max_sheets: Annotated[Optional[int], typer.Option("--max-sheets", min=1, help=_(
        "Refuse to grade more sheets than this (default 10,000), counted before any is read."))] = None,
) -> None:
    """One command for one sheet and for a class: a teacher runs the same thing on a homework and on
    the folder of every student's; one sheet keeps its own feedback, several get the gradebook."""
    dirs = tuple(models_dir or ())
    if len(sheets) == 1 and fmt is not CheckFormat.csv and not os.path.isdir(sheets[0]):
        _one_sheet(sheets[0], fmt, dirs)
        return
    from ..classroom import MAX_SHEETS, grade_class  # not at import: every command's start-up would pay for it
    from ..render.console import console, print_diagnostics
    from ..render.grading import class_csv, class_dict, print_class
    from ..render.reports import dumps

    room = grade_class(sheets, dirs, MAX_SHEETS if max_sheets is None else max_sheets)
    if room.diagnostics:
        print_diagnostics(room.diagnostics)
    if fmt is CheckFormat.json:
        sys.stdout.write(dumps(class_dict(room)))
    elif fmt is CheckFormat.csv:
        sys.stdout.write(class_csv(room))
    else:
        print_class(room, console(), details)
    if room.exit_code:
        raise typer.Exit(room.exit_code)


def _one_sheet(sheet: str, fmt: CheckFormat, models_dirs: tuple) -> None:
    from ..grading import grade
    from ..render.console import print_lines
    from ..render.grading import grade_dict, grade_lines
    from ..render.reports import dumps

    try:
        g = grade(sheet, models_dirs)
    except CnnError as e:  # a sheet that cannot be graded is unusable input (exit 2), never "wrong answers" (1)
        from ..render.console import print_diagnostics
        from ..render.reports import failure_dict

        print_diagnostics(e.diagnostics)
        if fmt is CheckFormat.json:
            sys.stdout.write(dumps(failure_dict("check", e.diagnostics)))
        raise typer.Exit(max(e.exit_code, EXIT_UNUSABLE)) from None
    if fmt is CheckFormat.json:
        sys.stdout.write(dumps(grade_dict(g)))
    else:
        print_lines(grade_lines(g))
    if not g.passed:
        raise typer.Exit(EXIT_INVALID)
