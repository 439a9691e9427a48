"""The command line (`cnncalc`): typer commands over the pipeline; `main` is the console script."""

from . import commands, verify, calculators  # noqa: F401  (each registers its commands, in --help order)
from .app import app, main

__all__ = ["app", "main"]
