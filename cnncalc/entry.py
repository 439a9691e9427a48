"""The console script and `python -m cnncalc`.

Kept apart from cnncalc.cli so that what runs first imports nothing heavy: Ctrl-C while
typer and the commands are still being imported ends with "interrupted" and exit 130, not
a traceback, and the standard streams are made safe (cnncalc/streams.py) before any
command can write to them.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    try:
        from . import streams

        streams.prepare()
        from .cli.app import run as run_command
        from .cli import commands  # noqa: F401  (registers the commands)
    except KeyboardInterrupt:
        _interrupted()
    run_command()


def _interrupted() -> None:
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    os._exit(130)
