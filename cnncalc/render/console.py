"""Where output goes: rich consoles for stdout/stderr, diagnostics, and atomic --output files."""

from __future__ import annotations

import sys

from rich.console import Console


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def print_diagnostics(diagnostics, out: Console | None = None) -> None:
    out = out or console(stderr=True)
    styles = {"error": "bold red", "warning": "yellow", "note": "cyan"}
    for d in diagnostics:
        out.print(d.format(), style=styles[d.severity], markup=False, highlight=False, soft_wrap=True)


def print_lines(lines, out: Console | None = None) -> None:
    out = out or console()
    for line in lines:
        out.print(line, markup=False, highlight=False)
