"""End-to-end time of `cnncalc draw densenet201` (the budget is 0.5 s on a 2-core machine, issue 14).

Runs the whole command as a fresh process several times, as a user would, writing the SVG to a
temporary file, and prints the median with the size of the SVG:

    python benchmarks/bench_draw.py [--runs 9] [MODEL ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from timing import median_command

BUDGET = 0.5
DEFAULT = ["densenet201"]


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("models", nargs="*", default=DEFAULT)
    opts = parser.parse_args(argv)
    over = False
    with tempfile.TemporaryDirectory() as folder:
        for model in opts.models:
            target = os.path.join(folder, f"{model}.svg")
            seconds = median_command([sys.executable, "-m", "cnncalc", "draw", model, "-o", target], opts.runs)
            size = os.path.getsize(target)
            verdict = "ok" if seconds <= BUDGET else "OVER BUDGET"
            over |= seconds > BUDGET
            print(f"cnncalc draw {model:<14} median {seconds:.3f} s over {opts.runs} runs (budget {BUDGET} s, "
                  f"{verdict});"
                  f" SVG {size:,} bytes")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
