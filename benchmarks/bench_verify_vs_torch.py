"""Whole-process `cnncalc verify MODEL` beside PyTorch importing, building and running the same network.

Both sides are fresh child processes, run alternately RUNS times, and are measured the
same way: wall time from start to exit, and peak resident memory from os.wait4
(ru_maxrss). cnncalc: `python -m cnncalc verify MODEL --batch B --dtype D --format json`
(weights He-initialised in NumPy, one forward pass, every shape checked). PyTorch:
`import torch, torchvision`, `torchvision.models.MODEL(weights=None)` (its own random
initialisation), one forward pass under torch.no_grad() of a random (B, 3, 224, 224)
input in the same dtype. The figure of merit (issue 11): verify no slower than PyTorch,
and its peak RSS at most 1.5× PyTorch's.

    python benchmarks/bench_verify_vs_torch.py [--model vgg16] [--batch 1] [--dtype float32] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TORCH = r"""
import sys, types
sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
import torch, torchvision
net = getattr(torchvision.models, {model!r})(weights=None).eval().to(getattr(torch, {dtype!r}))
with torch.no_grad():
    y = net(torch.randn({batch}, 3, {size}, {size}, dtype=getattr(torch, {dtype!r})))
assert y.shape[0] == {batch}
"""


def child(cmd: list, folder: str) -> tuple:
    """(wall seconds, peak RSS bytes) of one child process, which must exit 0."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    err_path = Path(folder) / "err.txt"
    with open(os.devnull, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{err_path.read_text()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="vgg16")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--size", type=int, default=224, help="input height and width (the model's own: 224)")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()

    ours_cmd = [sys.executable, "-m", "cnncalc", "verify", args.model, "--batch", str(args.batch), "--dtype",
                args.dtype, "--format", "json", "--max-memory", "1TiB"]
    if args.size != 224:
        ours_cmd += ["--input", f"3x{args.size}x{args.size}"]
    torch_cmd = [sys.executable, "-c", TORCH.format(model=args.model, dtype=args.dtype, batch=args.batch,
                                                    size=args.size)]
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as folder:
        child(torch_cmd, folder)  # warm the page cache for torch's libraries, then alternate
        child(ours_cmd, folder)
        for i in range(args.runs):
            ours.append(child(ours_cmd, folder))
            theirs.append(child(torch_cmd, folder))
            print(f"run {i + 1}: cnncalc {ours[-1][0]:.2f} s {ours[-1][1] / 2**20:.0f} MiB   "
                  f"PyTorch {theirs[-1][0]:.2f} s {theirs[-1][1] / 2**20:.0f} MiB", flush=True)
    t_ours, t_torch = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    m_ours, m_torch = statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs)
    print(f"\n{args.model}, batch {args.batch}, {args.dtype}, {args.size}×{args.size}; medians of {args.runs} runs\n")
    print(f"{'':22} {'cnncalc verify':>15} {'PyTorch':>10} {'ratio':>7}  target")
    print(f"{'wall time (s)':22} {t_ours:15.2f} {t_torch:10.2f} {t_ours / t_torch:7.2f}  ≤ 1.00  "
          f"{'PASS' if t_ours <= t_torch else 'FAIL'}")
    print(f"{'peak RSS (MiB)':22} {m_ours / 2**20:15.0f} {m_torch / 2**20:10.0f} {m_ours / m_torch:7.2f}  ≤ 1.50  "
          f"{'PASS' if m_ours <= 1.5 * m_torch else 'FAIL'}")
    print(f"\nPyTorch: import torch + torchvision, torchvision.models.{args.model}(weights=None), one no_grad forward")


if __name__ == "__main__":
    main()
