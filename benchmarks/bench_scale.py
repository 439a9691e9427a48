"""Scale: a generated deep residual network of 100, 1,000 and 10,000 layers.

Measures, as the median of several runs, (1) the in-process pipeline (YAML parse,
block expansion, shape inference and counting) and (2) `cnncalc summarize` end to end
as a user runs it (which collapses networks over 1,000 layers to one row per block),
and prints the time per layer so the growth can be read off: linear growth keeps the
µs/layer column flat. Budget: 10,000 layers analysed in ≤ 1 s.

    python benchmarks/bench_scale.py [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import median_command, median_time

BLOCK = """\
name: deep{n}
input: [64, 32, 32]
blocks:
  residual:                 # 7 layers: conv-bn-relu-conv-bn-add-relu
    layers:
      - {{type: conv2d, name: conv1, out_channels: 64, kernel_size: 3, padding: 1, bias: false}}
      - {{type: batchnorm2d, name: bn1}}
      - {{type: relu, name: relu1}}
      - {{type: conv2d, name: conv2, out_channels: 64, kernel_size: 3, padding: 1, bias: false}}
      - {{type: batchnorm2d, name: bn2}}
      - {{type: add, name: add, inputs: [bn2, input]}}
      - {{type: relu, name: relu2}}
  stage:
    args: {{blocks: null}}
    layers:
      - {{block: residual, name: unit, repeat: $blocks}}
layers:
  - {{block: stage, name: stage1, blocks: {a}}}
  - {{block: stage, name: stage2, blocks: {b}}}
"""


def spec_text(layers: int) -> str:
    blocks = max(layers // 7, 2)
    return BLOCK.format(n=layers, a=blocks // 2, b=blocks - blocks // 2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000])
    args = p.parse_args()
    from cnncalc import analyze, load_string

    exe = [sys.executable, "-m", "cnncalc"]
    print(f"{'layers':>8} {'pipeline s':>11} {'µs/layer':>9} {'summarize s':>12} {'µs/layer':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            text = spec_text(size)
            path = Path(tmp) / f"deep{size}.yaml"
            path.write_text(text)
            n = len(analyze(load_string(text)).layers)
            t_pipe = median_time(lambda: analyze(load_string(text)), args.runs)  # noqa: B023
            t_cli = median_command([*exe, "summarize", str(path)], args.runs)
            print(f"{n:>8,} {t_pipe:>11.3f} {1e6 * t_pipe / n:>9.1f} {t_cli:>12.3f} {1e6 * t_cli / n:>9.1f}")
    print(f"\nmedian of {args.runs} runs; budget: 10,000 layers analysed in ≤ 1 s")


if __name__ == "__main__":
    main()
