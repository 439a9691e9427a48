"""cnncalc's training-memory estimate beside PyTorch's real peak for one training step.

For ResNet-18 and VGG-11 at batch 8, 224×224, float32, on the CPU: each measurement runs
in a fresh process that imports torch, notes its resident memory, builds the same
network as a torch.nn module (benchmarks/torch_nets.py), runs forward + backward + one
optimizer step, and reports the peak resident memory above that starting point
(ru_maxrss). The estimate is `summarize --batch 8 --optimizer …`'s "Training estimate".

    python benchmarks/bench_memory.py [--models resnet18 vgg11] [--batch 8] [--optimizer adam]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys
sys.path.insert(0, {bench!r})
import torch
torch.manual_seed(0)
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
from torch_nets import build
base = rss()
base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
net = build({model!r}).train()
opt = {{"sgd": lambda p: torch.optim.SGD(p, lr=0.01), "momentum": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
        "adam": lambda p: torch.optim.Adam(p)}}[{optimizer!r}](net.parameters())
loss = net(torch.randn({batch}, 3, 224, 224)).sum()
loss.backward()
opt.step()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"peak_above_start": peak - max(base, base_peak)}}))
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="*", default=["resnet18", "vgg11"])
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--optimizer", default="adam", choices=["sgd", "momentum", "adam"])
    args = p.parse_args()
    import cnncalc
    from cnncalc.memory import memory

    print(f"{'model':10} {'optimizer':9} {'estimate MiB':>13} {'PyTorch peak MiB':>17} {'estimate/PyTorch':>17}")
    for model in args.models:
        est = memory(cnncalc.summarize(model), args.batch, "float32", args.optimizer).training_bytes
        code = CHILD.format(bench=str(ROOT / "benchmarks"), model=model, optimizer=args.optimizer, batch=args.batch)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        real = json.loads(out.stdout.strip().splitlines()[-1])["peak_above_start"]
        print(f"{model:10} {args.optimizer:9} {est / 2**20:13.1f} {real / 2**20:17.1f} {est / real:17.2f}")
    print(f"\nbatch {args.batch}, 224×224, float32, CPU; PyTorch: peak RSS above the interpreter with torch imported")


if __name__ == "__main__":
    main()
