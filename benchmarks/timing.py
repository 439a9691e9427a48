"""The one timing rule of the benchmarks: the median of several runs (optionally after a warm-up)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time

# A user's install has compiled bytecode (pip writes .pyc files). Some sandboxes export
# PYTHONDONTWRITEBYTECODE=1, which makes every run recompile cnncalc (~35 ms); the timed
# commands run without it, after a warm-up run that writes the .pyc files.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_time(fn, runs: int, warmup: bool = False) -> float:
    if warmup:
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def median_command(cmd: list, runs: int) -> float:
    """A command as a fresh process each time, as a user runs it (bytecode cached, see ENV)."""
    return median_time(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              check=False, env=ENV), runs, warmup=True)
