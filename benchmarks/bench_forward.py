"""NumPy forward pass (cnncalc.run) beside PyTorch's CPU forward, and their peak memory.

Time: ResNet-50, VGG-16 and DenseNet-121 at 224×224, batch 1, float32; PyTorch runs the
same network as a torch.nn module (benchmarks/torch_nets.py) under torch.no_grad, cnncalc
its NumPy forward pass; median of several runs after a warm-up, in this process. The
target is NumPy ≤ 1.5× PyTorch for ResNet-50.

Memory: peak resident memory (ru_maxrss) of `cnncalc verify resnet50` as a user runs it,
beside a process that imports torch, builds the same module and runs one forward pass.

    python benchmarks/bench_forward.py [--runs 7] [--models resnet50 vgg16 densenet121]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from timing import median_time

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

TORCH_FORWARD = r"""
import sys
sys.path.insert(0, {bench!r})
import torch
from torch_nets import build
net = build({model!r})
with torch.no_grad():
    net(torch.randn(1, 3, 224, 224))
"""

# ru_maxrss survives fork + exec on Linux, so a process started from this (large) one would
# report at least our size: a small launcher starts the measured process and reads
# RUSAGE_CHILDREN, which is that grandchild's own peak.
LAUNCHER = r"""
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(json.dumps({"peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def peak(argv: list) -> int:
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--models", nargs="*", default=["resnet50", "vgg16", "densenet121"])
    p.add_argument("--no-memory", action="store_true")
    args = p.parse_args()
    import numpy as np
    import torch
    from torch_nets import build

    import cnncalc
    from cnncalc.backend.runner import init_weights, run

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}")
    print(f"{'model':12} {'numpy s':>9} {'torch s':>9} {'numpy/torch':>12} {'numpy GMAC/s':>13}")
    for model in args.models:
        a = cnncalc.summarize(model)
        w = init_weights(a, 0, "float32")
        x = np.random.default_rng(1).standard_normal((1, *a.input_shape)).astype("float32")
        t_np = median_time(lambda: run(a, x, w), args.runs, warmup=True)  # noqa: B023
        net, tx = build(model), torch.as_tensor(x)

        def torch_forward():
            with torch.no_grad():
                net(tx)  # noqa: B023

        t_torch = median_time(torch_forward, args.runs, warmup=True)
        print(f"{model:12} {t_np:9.3f} {t_torch:9.3f} {t_np / t_torch:12.2f} {a.totals.macs / t_np / 1e9:13.1f}")
    if not args.no_memory:
        ours = peak([sys.executable, "-m", "cnncalc", "verify", "resnet50"])
        theirs = peak([sys.executable, "-c", TORCH_FORWARD.format(model="resnet50", bench=str(BENCH))])
        print(f"\npeak RSS, resnet50 forward: cnncalc verify {ours / 2**20:.0f} MiB, "
              f"PyTorch {theirs / 2**20:.0f} MiB, ratio {ours / theirs:.2f}")
    print(f"median of {args.runs} runs after a warm-up; batch 1, 224×224, float32")


if __name__ == "__main__":
    main()
