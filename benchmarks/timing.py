"""The one timing rule of the benchmarks: the median of several runs (optionally after a warm-up)."""

from __future__ import annotations

import statistics
import subprocess
import time


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
    """A command as a fresh process each time, as a user runs it."""
    return median_time(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              check=False), runs)
