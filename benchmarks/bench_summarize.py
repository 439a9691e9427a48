"""End-to-end time of `cnncalc summarize MODEL` (the budget is 0.3 s on a 2-core machine).

Runs each command several times as a fresh process, as a user would, and prints the
median beside a reference run (a bare interpreter start, and `import typer, rich`)
so the cost of cnncalc itself is visible:

    python benchmarks/bench_summarize.py [--runs 9] [MODEL ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from timing import median_command

BUDGET = 0.3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="*", default=["vgg16", "alexnet", "resnet152", "densenet201", "googlenet"])
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args()
    exe = shutil.which("cnncalc") or os.path.join(os.path.dirname(sys.executable), "cnncalc")
    refs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer, rich.table'": [sys.executable, "-c", "import typer, rich.table"],
    }
    print(f"{'command':48} {'median s':>9} {'× budget':>9}")
    base = None
    for label, cmd in refs.items():
        t = median_command(cmd, args.runs)
        base = base or t
        print(f"{label:48} {t:9.3f} {t / BUDGET:9.2f}")
    from cnncalc.zoo import bundled_names

    known = set(bundled_names())
    for model in args.models:
        if model not in known:
            print(f"{'summarize ' + model:48} {'(not bundled)':>9}")
            continue
        t = median_command([exe, "summarize", model], args.runs)
        print(f"{'cnncalc summarize ' + model:48} {t:9.3f} {t / BUDGET:9.2f}")
    print(f"\nmedian of {args.runs} runs each; budget {BUDGET} s; 'python -c pass' = {base:.3f} s")


if __name__ == "__main__":
    main()
