"""Run one hostile case as a user's process would run, and measure what it cost.

Each case is a child process, `python -m cnncalc ARGS` in a fresh folder holding the case's
files, started by launch.py (so its memory is its own, not the test runner's) with limits set
by `resource.setrlimit` before it starts (CPU seconds, address space)
so a case that hangs or balloons is stopped instead of stopping the test run. What it cost
is measured as CPU time and peak RSS from `os.wait4`, not wall time: a busy machine slows a
case down but does not make it fail. BLAS runs on one thread, since spinning BLAS threads
count CPU time that is not cnncalc's work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CPU_LIMIT_S = 5.0  # "a hang over 5 s" (issue 11): the bound each case must stay under
RSS_LIMIT_MB = 300  # peak resident memory of any case, except `verify` within its --max-memory
HARD_CPU_S = 20  # RLIMIT_CPU: past this the child is killed (a hang shows as a failure, not a stuck run)
HARD_AS = 4 * 2**30  # RLIMIT_AS: address space, so a blow-up ends in MemoryError rather than the OOM killer

LAUNCHER = Path(__file__).with_name("launch.py")
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING",
                                                         "PYTHONUTF8", "LC_ALL", "LANG", "NO_COLOR")}
ENV.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})


@dataclass
class Case:
    id: str
    cls: int  # the class, 1 … 11
    args: tuple  # after `cnncalc`
    files: dict = field(default_factory=dict)  # name -> str | bytes | callable(path) that makes it
    codes: tuple = (2,)  # acceptable exit codes
    err: tuple = ()  # substrings stderr must contain
    out: tuple = ()  # substrings stdout must contain
    not_out: tuple = ()  # substrings stdout must not contain
    env: dict = field(default_factory=dict)
    stdin: bytes | None = None
    close_stdout: bool = False
    close_stderr: bool = False
    head: bool = False  # read one line of stdout, then close the pipe (`| head -1`)
    interrupt_after: float | None = None  # send SIGINT after this many seconds
    rss_mb: int = RSS_LIMIT_MB
    check: object = None  # callable(folder, Result) for extra assertions

    def __str__(self) -> str:
        return self.id


@dataclass
class Result:
    code: int
    out: str
    err: str
    cpu_s: float
    rss_mb: float
    wall_s: float


def run(case: Case, folder: Path) -> Result:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    out_path, err_path, report = folder / ".stdout", folder / ".stderr", folder / ".usage.json"
    env = {**ENV, **case.env}
    close = ",".join([*(["1"] if case.close_stdout else []), *(["2"] if case.close_stderr else [])])
    cmd = [sys.executable, str(LAUNCHER), str(report), str(HARD_CPU_S), str(HARD_AS), close, "--",
           sys.executable, "-m", "cnncalc", *case.args]
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        stdout = subprocess.PIPE if case.head else out_f
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=stdout, stderr=err_f,
                                stdin=subprocess.PIPE if case.stdin is not None else subprocess.DEVNULL)
        if case.stdin is not None:
            try:
                proc.stdin.write(case.stdin)
                proc.stdin.close()
            except BrokenPipeError:
                pass
        if case.head:
            line = proc.stdout.readline()
            out_f.write(line)
            proc.stdout.close()
        if case.interrupt_after is not None:
            time.sleep(case.interrupt_after)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # the launcher passes it on to the case
        proc.wait()
        wall = time.perf_counter() - t0
    usage = json.loads(report.read_text())
    code = usage["code"] if usage["code"] >= 0 else 128 - usage["code"]
    return Result(code, out_path.read_text(errors="replace"), err_path.read_text(errors="replace"),
                  usage["cpu_s"], usage["rss_mb"], wall)
