"""The console script and `python -m cnncalc`.

Kept apart from cnncalc.cli so that what runs first imports nothing heavy: Ctrl-C while
typer and the commands are still being imported ends with "interrupted" and exit 130, not
a traceback, the standard streams are made safe (cnncalc/streams.py) before any
command can write to them, and the language (--lang, else the locale) is chosen before
typer builds its help texts.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    try:
        from . import streams

        streams.prepare()
        _choose_language()
        from .cli.app import run as run_command
        from .cli import commands  # noqa: F401  (registers the commands)
    except KeyboardInterrupt:
        _interrupted()
    run_command()


def _choose_language() -> None:
    """--lang (or the locale) before cnncalc.cli is imported: typer's help texts are built, in the
    chosen language, when it is. main() reads --lang again, takes it off the command line and
    reports a bad value (E004) as every option error; here a bad value leaves the locale's choice."""
    import contextlib

    from . import i18n
    from .errors import CnnError

    with contextlib.suppress(CnnError):
        i18n.choose_language(sys.argv[1:])


def _interrupted() -> None:
    try:
        from .i18n import _

        sys.stderr.write(_("interrupted") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError, ImportError):
        pass
    os._exit(130)
