"""`cnncalc check`: grade answer sheets against the calculator (cnncalc/grading.py)."""

import sys
from typing import Annotated, List, Optional

import typer

from ..errors import EXIT_INVALID, EXIT_UNUSABLE, CnnError
from .app import TextFormat, app


@app.command()
def check(
    answers: Annotated[str, typer.Argument(help="An answer sheet (YAML): model, answers per layer and totals.")],
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="table (text) or json (for autograders; "
                                                                   "README \"JSON output\").")] = TextFormat.table,
    models_dir: Annotated[Optional[List[str]], typer.Option(
        "--models-dir", metavar="DIR", help="Let `model:` name spec files under DIR too (repeatable); by default "
                                            "only a bundled model or a spec in the sheet's own folder.")] = None,
) -> None:
    """Grade answers (output shapes, params, MACs, receptive fields): ✓/✗ each, the right value and its
    worked formula, a score; exit 0 only when every answer is right, 1 when some are wrong, 2 when the
    sheet cannot be graded."""
    from ..grading import grade
    from ..render.console import print_lines
    from ..render.grading import grade_dict, grade_lines
    from ..render.reports import dumps

    try:
        g = grade(answers, tuple(models_dir or ()))
    except CnnError as e:  # a sheet that cannot be graded is unusable input (exit 2), never "wrong answers" (1)
        from ..render.console import print_diagnostics
        from ..render.reports import failure_dict

        print_diagnostics(e.diagnostics)
        if fmt is TextFormat.json:
            sys.stdout.write(dumps(failure_dict("check", e.diagnostics)))
        raise typer.Exit(max(e.exit_code, EXIT_UNUSABLE)) from None
    if fmt is TextFormat.json:
        sys.stdout.write(dumps(grade_dict(g)))
    else:
        print_lines(grade_lines(g))
    if not g.passed:
        raise typer.Exit(EXIT_INVALID)
