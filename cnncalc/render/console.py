"""Where output goes: a rich console on a terminal (colours), plain text otherwise.

rich costs ~40 ms to import, an eighth of the 0.3 s `summarize` budget. Output that is
not a terminal (a pipe, a file, a test) has no colours anyway, so it goes through
`Plain`, which writes the same characters rich would; rich is imported only for a
terminal or for the few tables that wrap their cells (`as_rich`).
"""

from __future__ import annotations

import os
import sys

WIDTH = 200  # columns assumed when the output is not a terminal


class Plain:
    """The part of rich.Console the renderers use, for a stream that is not a terminal."""

    def __init__(self, file) -> None:
        self.file = file

    def print(self, *objects, end: str = "\n", **_style) -> None:  # style, markup: no colours here
        self.file.write(" ".join(str(o) for o in objects) + end)


def console(stderr: bool = False):
    stream = sys.stderr if stderr else sys.stdout
    if not _is_terminal(stream):
        return Plain(stream)
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=False)


def as_rich(out):
    """A rich Console writing where `out` writes (for rich Tables, which lay out and wrap cells)."""
    if not isinstance(out, Plain):
        return out
    from rich.console import Console

    return Console(file=out.file, width=WIDTH, highlight=False, soft_wrap=False, color_system=None)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty() and "NO_COLOR" not in os.environ
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def print_diagnostics(diagnostics, out=None) -> None:
    out = out or console(stderr=True)
    styles = {"error": "bold red", "warning": "yellow", "note": "cyan"}
    for d in diagnostics:
        out.print(d.format(), style=styles[d.severity], markup=False, highlight=False, soft_wrap=True)


def print_lines(lines, out=None) -> None:
    out = out or console()
    for line in lines:
        out.print(line, markup=False, highlight=False)
