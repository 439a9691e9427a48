"""The bundled networks as torch.nn modules, for the benchmarks (tests/oracle/builders.py).

Same layers as the specs; the benchmarks use them to time PyTorch and to measure its
memory beside cnncalc's NumPy backend and estimates.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oracle import builders as B  # noqa: E402

VGG_A = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
VGG_D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]

NETWORKS = {
    "resnet18": lambda: B.ResNet(B.BasicBlock, [2, 2, 2, 2]),
    "resnet50": lambda: B.ResNet(B.Bottleneck, [3, 4, 6, 3]),
    "densenet121": lambda: B.DenseNet(32, (6, 12, 24, 16), 64),
    "vgg11": lambda: B.VGG(VGG_A, batch_norm=False),
    "vgg16": lambda: B.VGG(VGG_D, batch_norm=False),
    "alexnet": B.alexnet,
}


def build(model: str):
    if model not in NETWORKS:
        raise SystemExit(f"no torch.nn build of {model} here; choose from {', '.join(NETWORKS)}")
    return NETWORKS[model]().eval()
