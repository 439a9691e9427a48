"""Benchmark cnncalc's NumPy conv2d forward (the conv2d op's own forward pass) against PyTorch's CPU conv2d.

Run from the repository root:

    python benchmarks/bench_kernels.py            # layer table + ResNet-50 conv stack
    python benchmarks/bench_kernels.py --detail   # also per-layer times for the stack

Part 1 times single ResNet-50-like layers; part 2 runs the whole sequence of
convolutions of a ResNet-50 v1.5 forward pass (batch 1, 224x224, 53 convolutions,
bias-free as in torchvision) back to back.  The conv stack is ~95 % of the FLOPs of
the network, so its numpy/torch ratio predicts the whole-network ratio.

Each measurement runs --repeats rounds (default 9, at least 7) of 3 timed calls per
library after a warm-up call; times are medians over all timed calls, ratios are
medians of the per-round ratios (see `timed_pair`).  torch keeps its default thread
count; NumPy's BLAS uses its own default.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cnncalc  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - the benchmark still reports numpy alone
    torch = None

# (name, C_in, C_out, kernel, stride, padding, H_in)
LAYERS = [
    ("conv1 7x7/2", 3, 64, 7, 2, 3, 224),
    ("3x3 64->64 @56", 64, 64, 3, 1, 1, 56),
    ("1x1 256->64 @56", 256, 64, 1, 1, 0, 56),
    ("1x1 64->256 @56", 64, 256, 1, 1, 0, 56),
    ("3x3/2 128 @56", 128, 128, 3, 2, 1, 56),
    ("3x3 128 @28", 128, 128, 3, 1, 1, 28),
    ("3x3/2 256 @28", 256, 256, 3, 2, 1, 28),
    ("3x3 256 @14", 256, 256, 3, 1, 1, 14),
    ("1x1/2 1024->2048 @14", 1024, 2048, 1, 2, 0, 14),
    ("3x3 512 @7", 512, 512, 3, 1, 1, 7),
]


def resnet50_convs() -> list[tuple[int, int, int, int, int, int]]:
    """(C_in, C_out, kernel, stride, padding, H_in) of every convolution in torchvision's
    resnet50 (v1.5: the bottleneck's stride sits on the 3x3), batch 1, 224x224 input."""
    convs = [(3, 64, 7, 2, 3, 224)]
    h, c_in = 56, 64  # after conv1 and the 3x3/2 max pool
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        c_out = 4 * width
        for b in range(blocks):
            s = stride if b == 0 else 1
            convs.append((c_in, width, 1, 1, 0, h))
            convs.append((width, width, 3, s, 1, h))
            convs.append((width, c_out, 1, 1, 0, h // s))
            if b == 0:
                convs.append((c_in, c_out, 1, s, 0, h))  # projection shortcut
            c_in, h = c_out, h // s
    return convs


def flops(c_in, c_out, k, s, p, h) -> int:
    oh = (h + 2 * p - k) // s + 1
    return 2 * c_in * c_out * k * k * oh * oh


def conv_layer(c_in, c_out, k, s, p, h):
    """The bound conv2d layer of a one-layer spec: its forward is what `cnncalc verify` runs."""
    spec = (f"name: bench\ninput: [{c_in}, {h}, {h}]\nlayers:\n  - {{type: conv2d, out_channels: {c_out}, "
            f"kernel_size: {k}, stride: {s}, padding: {p}, bias: false}}\n")
    return cnncalc.analyze(cnncalc.load_string(spec)).layers[0]


def make_case(c_in, c_out, k, s, p, h, rng):
    x = rng.standard_normal((1, c_in, h, h), dtype=np.float32)
    w = rng.standard_normal((c_out, c_in, k, k), dtype=np.float32)
    w *= np.float32(1 / np.sqrt(c_in * k * k))
    layer = conv_layer(c_in, c_out, k, s, p, h)
    run_np = lambda: layer.forward([x], {"weight": w})  # noqa: E731
    if torch is None:
        return run_np, None
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)

    def run_torch():
        with torch.inference_mode():
            return F.conv2d(tx, tw, None, s, p)

    return run_np, run_torch


def _block(fn, calls: int) -> list[float]:
    """One warm-up call (wakes the library's worker threads), then `calls` timed calls."""
    fn()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def timed_pair(fn_np, fn_torch, repeats: int, calls: int = 3, settle: float = 0.15):
    """Median seconds per call of fn_np and of fn_torch, and the median per-round ratio.

    Each of `repeats` rounds times a block of `calls` numpy calls, then a block of
    `calls` torch calls; the ratio of a round is the ratio of its two block medians.
    Blocks never interleave call by call: after a call, OpenBLAS's and torch's OpenMP
    worker threads keep spinning for up to ~0.1 s, and on a 2-core machine the idle
    spinners of one library steal the cores from the other (interleaved calls come out
    2-5x slower for both).  A short sleep (`settle`) lets them park before the other
    library runs.  Pairing the blocks round by round keeps the ratio honest when the
    machine is shared and its load drifts."""
    med = statistics.median
    all_np, all_torch, ratios = [], [], []
    for _ in range(repeats):
        b_np = _block(fn_np, calls)
        all_np += b_np
        if fn_torch is None:
            continue
        time.sleep(settle)
        b_torch = _block(fn_torch, calls)
        all_torch += b_torch
        ratios.append(med(b_np) / med(b_torch))
        time.sleep(settle)
    if fn_torch is None:
        return med(all_np), None, None
    return med(all_np), med(all_torch), med(ratios)


def layer_table(repeats: int, rng) -> None:
    print(f"{'layer':<22}{'GFLOP':>7}{'numpy ms':>10}{'torch ms':>10}{'np/torch':>9}{'np GF/s':>9}{'torch GF/s':>11}")
    for name, *shape in LAYERS:
        run_np, run_torch = make_case(*shape, rng)
        t_np, t_t, ratio = timed_pair(run_np, run_torch, repeats)
        f = flops(*shape)
        if t_t is None:
            print(f"{name:<22}{f / 1e9:>7.3f}{t_np * 1e3:>10.2f}{'-':>10}{'-':>9}{f / t_np / 1e9:>9.0f}{'-':>11}")
        else:
            print(
                f"{name:<22}{f / 1e9:>7.3f}{t_np * 1e3:>10.2f}{t_t * 1e3:>10.2f}{ratio:>9.2f}"
                f"{f / t_np / 1e9:>9.0f}{f / t_t / 1e9:>11.0f}"
            )


def conv_stack(repeats: int, rng, detail: bool) -> None:
    convs = resnet50_convs()
    cases = [make_case(*shape, rng) for shape in convs]
    total_flops = sum(flops(*shape) for shape in convs)

    def stack(which: int):
        def run():
            for case in cases:
                case[which]()

        return run

    t_np, t_t, ratio = timed_pair(stack(0), stack(1) if torch is not None else None, repeats)
    print(f"\nResNet-50 v1.5 conv stack: {len(convs)} convolutions, {total_flops / 1e9:.2f} GFLOP (batch 1, 224x224)")
    print(f"  numpy  {t_np * 1e3:8.1f} ms  {total_flops / t_np / 1e9:6.0f} GFLOP/s")
    if t_t is not None:
        print(f"  torch  {t_t * 1e3:8.1f} ms  {total_flops / t_t / 1e9:6.0f} GFLOP/s")
        print(f"  ratio numpy/torch = {ratio:.2f} (median of per-round ratios)")
    if detail:
        print(f"\n{'#':>3} {'C_in':>5}{'C_out':>6}{'k':>3}{'s':>3}{'H':>5}{'numpy ms':>10}{'torch ms':>10}{'ratio':>7}")
        for i, (shape, (run_np, run_torch)) in enumerate(zip(convs, cases)):
            a, b, r = timed_pair(run_np, run_torch, repeats)
            c_in, c_out, k, s, _, h = shape
            bt = f"{b * 1e3:>10.2f}{r:>7.2f}" if b is not None else ""
            print(f"{i:>3} {c_in:>5}{c_out:>6}{k:>3}{s:>3}{h:>5}{a * 1e3:>10.2f}{bt}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9, help="timed runs per measurement (>= 7)")
    ap.add_argument("--detail", action="store_true", help="per-layer times for the conv stack")
    ap.add_argument("--no-layers", action="store_true", help="skip the single-layer table")
    args = ap.parse_args(argv)
    repeats = max(7, args.repeats)
    rng = np.random.default_rng(0)
    info = f"numpy {np.__version__}"
    if torch is not None:
        info += f", torch {torch.__version__} ({torch.get_num_threads()} threads)"
    info += f"; {repeats} rounds x 3 calls per measurement; load average {os.getloadavg()[0]:.2f}"
    print(info + " (the figures are only meaningful on an otherwise idle machine)\n")
    if not args.no_layers:
        layer_table(repeats, rng)
    conv_stack(repeats, rng, args.detail)


if __name__ == "__main__":
    main()
