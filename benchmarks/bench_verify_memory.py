"""`cnncalc verify`'s estimated peak beside the measured peak RSS of the verify process.

Each run is a fresh child process, `python -m cnncalc verify MODEL --batch B --format json`,
started in an empty folder (so no local file shadows a bundled name) with --max-memory high
enough not to refuse. Its peak resident memory comes from os.wait4 (ru_maxrss of the child,
everything it ever held: interpreter, NumPy, BLAS, weights, activations); the estimate is
the `estimated_peak_bytes` the command itself reports. The estimate is meant to be the
process's peak (runner.estimate_peak_bytes), so a ratio within 1 ± 0.25 passes.

    python benchmarks/bench_verify_memory.py [--models lenet5 alexnet ...] [--batches 1 8] [--dtype float32]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["lenet5", "alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2", "densenet121"]
TOLERANCE = 0.25


def measure(model: str, batch: int, dtype: str, folder: str) -> tuple:
    """(estimated bytes, peak RSS bytes, wall seconds) of one verify process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "cnncalc", "verify", model, "--batch", str(batch), "--dtype", dtype,
           "--format", "json", "--max-memory", "1TiB"]
    out_path = Path(folder) / "out.json"
    with open(out_path, "wb") as out, open(Path(folder) / "err.txt", "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{(Path(folder) / 'err.txt').read_text()[-2000:]}")
    estimate = json.loads(out_path.read_text())["estimated_peak_bytes"]
    return estimate, usage.ru_maxrss * 1024, wall  # ru_maxrss is in KiB on Linux


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="*", default=MODELS)
    p.add_argument("--batches", nargs="*", type=int, default=[1, 8])
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = p.parse_args()

    print(f"{'model':18} {'batch':>5} {'estimate MiB':>13} {'peak RSS MiB':>13} {'est/peak':>9} {'wall s':>7}  ±25%")
    passed = total = 0
    with tempfile.TemporaryDirectory() as folder:
        for model in args.models:
            for batch in args.batches:
                est, peak, wall = measure(model, batch, args.dtype, folder)
                ratio = est / peak
                ok = abs(ratio - 1) <= TOLERANCE
                passed += ok
                total += 1
                print(f"{model:18} {batch:5} {est / 2**20:13.1f} {peak / 2**20:13.1f} {ratio:9.2f} {wall:7.2f}  "
                      f"{'PASS' if ok else 'FAIL'}", flush=True)
    print(f"\n{passed} of {total} within ±{TOLERANCE:.0%} ({args.dtype}; peak RSS of the whole verify process, "
          "from os.wait4)")
    sys.exit(0 if passed == total else 1)


if __name__ == "__main__":
    main()
