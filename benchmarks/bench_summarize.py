"""End-to-end time of `cnncalc summarize MODEL` (the budget is 0.3 s on a 2-core machine).

Runs each command several times as a fresh process, as a user would, and prints the
median beside reference runs (a bare interpreter start, and `import typer, rich`) so
the cost of cnncalc itself is visible. With `--baseline DIR` (another checkout, e.g.
`git worktree add /tmp/base origin/main`), the same commands run from that checkout,
interleaved with ours run by run so both see the same machine load, and the ratio
ours/baseline is printed. `--tty` runs every command under a pseudo-terminal, as a user
at a terminal sees it (rich is then imported for colours; a pipe gets plain text):

    python benchmarks/bench_summarize.py [--runs 9] [--baseline DIR] [--tty] [MODEL ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from timing import ENV, median_command

BUDGET = 0.3
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["vgg16", "alexnet", "resnet152", "densenet201", "googlenet"]


def _cmd(checkout: Path, model: str) -> tuple:
    """The command, its environment and its working directory: `python -m` imports the package
    from the working directory first, so each checkout runs from its own folder."""
    env = {**ENV, "PYTHONPATH": str(checkout)}
    return [sys.executable, "-m", "cnncalc", "summarize", model], env, str(checkout)


TTY = False


def _once(cmd, env, cwd) -> float:
    t0 = time.perf_counter()
    if TTY:
        _under_pty(cmd, env, cwd)
    else:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env, cwd=cwd)
    return time.perf_counter() - t0


def _under_pty(cmd, env, cwd) -> None:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal on stdout and stderr
        os.chdir(cwd)
        os.execve(cmd[0], cmd, env)
    while True:
        try:
            if not os.read(fd, 1 << 16):
                break
        except OSError:
            break
    os.waitpid(pid, 0)


def interleaved(model: str, baseline: Path, runs: int) -> tuple:
    """Medians (ours, baseline), one run of each in turn after a warm-up of both."""
    ours, theirs = _cmd(ROOT, model), _cmd(baseline, model)
    _once(*ours), _once(*theirs)
    a, b = [], []
    for _ in range(runs):
        a.append(_once(*ours))
        b.append(_once(*theirs))
    return statistics.median(a), statistics.median(b)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="*", default=DEFAULT)
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--baseline", type=lambda v: Path(v).resolve(), help="another checkout to compare against, "
                                                                          "run by run")
    p.add_argument("--tty", action="store_true", help="run under a pseudo-terminal (rich's colours)")
    args = p.parse_args()
    global TTY
    TTY = args.tty
    refs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer, rich.table'": [sys.executable, "-c", "import typer, rich.table"],
    }
    head = f"{'command':48} {'median s':>9} {'× budget':>9}"
    print(head + (f" {'baseline s':>11} {'ours/base':>10}" if args.baseline else ""))
    base = None
    for label, cmd in refs.items():
        t = median_command(cmd, args.runs)
        base = base or t
        print(f"{label:48} {t:9.3f} {t / BUDGET:9.2f}")
    sys.path.insert(0, str(ROOT))
    from cnncalc.zoo import bundled_names

    known = set(bundled_names())
    for model in args.models:
        label = "cnncalc summarize " + model
        if model not in known:
            print(f"{label:48} {'(not bundled)':>9}")
            continue
        if args.baseline:
            t, b = interleaved(model, args.baseline, args.runs)
            print(f"{label:48} {t:9.3f} {t / BUDGET:9.2f} {b:11.3f} {t / b:10.2f}")
        else:
            t = statistics.median([_once(*_cmd(ROOT, model)) for _ in range(args.runs + 1)][1:])
            print(f"{label:48} {t:9.3f} {t / BUDGET:9.2f}")
    print(f"\nmedian of {args.runs} runs each (`python -m cnncalc`, bytecode cached); budget {BUDGET} s; "
          f"'python -c pass' = {base:.3f} s")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
