"""A progress bar for `verify` on a terminal (nothing otherwise)."""

from __future__ import annotations

import contextlib
import sys

from ..i18n import _


@contextlib.contextmanager
def progress(name: str, total: int):
    """Yields tick(index, total, layer name); a rich bar on a terminal's stderr, silent elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .console import console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as bar:
        running = _("running {name}")
        task = bar.add_task(running.format(name=name), total=total)

        def tick(idx, _total, layer):
            bar.update(task, completed=idx, description=running.format(name=layer))

        yield tick
