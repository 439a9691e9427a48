"""The command line (`cnncalc`): typer commands over the pipeline; `run` is the console script
(main, then a quick exit), `main` what tests call."""

from . import commands, check, verify, calculators, numeric, exercise, draw, report, interop, export  # noqa: F401  (each registers its commands, in --help order)
from .app import app, main, run

__all__ = ["app", "main", "run"]
