"""verify's memory model and weight generation (cnncalc/backend/runner.py).

The estimate is derived by hand for small networks (every element counted in the docstring
of runner.memory_plan), shown to allocate nothing and to stay an exact Python int for sizes
no int64 holds, and held against what a forward pass really allocates (tracemalloc sees
every NumPy buffer). Generated weights are drawn in the run's dtype with no float64 copy.
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

import cnncalc
from cnncalc.backend import runner
from cnncalc.backend.runner import BASELINE_BYTES, LAYER_BYTES, init_weights, memory_plan


def net(layers: str, shape=(1, 4, 4)):
    a = cnncalc.analyze(cnncalc.load_string(f"name: t\ninput: {list(shape)}\nlayers:\n{layers}"))
    assert a.ok, [d.format() for d in a.diagnostics]
    return a


CONV = "  - {type: conv2d, out_channels: 2, kernel_size: 3}\n"
CONV_PADDED = "  - {type: conv2d, out_channels: 2, kernel_size: 3, padding: 1}\n"


def test_a_convolution_by_hand():
    # input 1×4×4 = 16 elements, kept; output 2×2×2 = 8; im2col columns C_in·k² × O² = 1·9·4 = 36
    plan = memory_plan(net(CONV), batch=3)
    assert plan.weights == (2 * 9 + 2) * 4
    assert plan.activations == (16 + 8 + 36) * 3 * 4
    assert plan.interpreter == BASELINE_BYTES + LAYER_BYTES
    assert plan.loading == 0
    assert plan.total == plan.interpreter + plan.weights + plan.activations


def test_padding_adds_the_padded_canvas():
    # output 2×4×4 = 32, columns 1·9·16 = 144, the zero-padded copy of the input 1×6×6 = 36
    assert memory_plan(net(CONV_PADDED)).activations == (16 + 32 + 144 + 36) * 4


def test_a_tensor_is_freed_after_its_last_consumer():
    # input (kept) + the previous relu's output + this one's: 3 × 16, never 4 × 16
    plan = memory_plan(net("  - relu\n  - relu\n  - relu\n"))
    assert plan.activations == 3 * 16 * 4


def test_a_branch_keeps_its_input_alive():
    # a's output is read again by the add, so it is alive beside b and c
    a = net("  - {type: relu, name: a}\n  - {type: relu, name: b}\n  - {type: relu, name: c}\n"
            "  - {type: add, inputs: [a, c]}\n")
    assert memory_plan(a).activations == (16 + 16 + 16 + 16 + 16) * 4 - 16 * 4  # input, a, c, sum (b freed)


def test_float64_doubles_every_part():
    a = net(CONV_PADDED)
    p32, p64 = memory_plan(a, 5, "float32"), memory_plan(a, 5, "float64")
    assert (p64.weights, p64.activations) == (2 * p32.weights, 2 * p32.activations)


def test_the_estimate_allocates_nothing_per_batch():
    a = cnncalc.summarize("vgg16")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        huge = runner.estimate_peak_bytes(a, 10**6)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 256 * 2**10  # a few dicts of layer names, whatever the batch
    assert huge > 10**6 * 3 * 224 * 224 * 4


def test_sizes_beyond_int64_stay_exact():
    a = net("".join("  - {type: upsample, scale_factor: 2}\n" for _ in range(30)), (1, 2, 2))
    batch = 10**400
    plan = memory_plan(a, batch)
    assert type(plan.total) is int and type(plan.activations) is int
    # the last two maps (2·2^29)² and (2·2^30)² plus the kept input 2·2
    assert plan.activations == (4 + (2 ** 30) ** 2 + (2 ** 31) ** 2) * batch * 4


def test_a_forward_pass_allocates_what_the_estimate_says():
    # tracemalloc sees every NumPy buffer: the forward pass's peak above the input it was given
    for name in ("resnet18", "densenet121", "mobilenet_v2", "vgg11"):
        a = cnncalc.summarize(name, (3, 64, 64))
        w = init_weights(a)
        x = np.random.default_rng(0).standard_normal((2, *a.input_shape), dtype=np.float32)
        model = memory_plan(a, 2).activations - x.nbytes
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            runner.run(a, x, w, batch=2)
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
        assert 0.8 * model <= peak <= 1.05 * model + 64 * 2**10, (name, peak, model)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_generated_weights_have_the_run_dtype(dtype):
    w = init_weights(cnncalc.summarize("resnet18"), 0, dtype)
    assert {a.dtype for arrays in w.values() for a in arrays.values()} == {np.dtype(dtype)}


def test_weights_are_drawn_without_a_float64_copy():
    a = net("  - flatten\n  - {type: linear, out_features: 4096}\n", (1, 64, 64))  # 16.8M weights, 64 MiB
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        w = init_weights(a, 0, "float32")
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    held = sum(x.nbytes for arrays in w.values() for x in arrays.values())
    assert held == (4096 * 4096 + 4096) * 4
    assert peak < 1.02 * held  # a float64 draw then a cast would peak at 3×


def test_he_initialisation_has_its_standard_deviation():
    w = init_weights(net("  - flatten\n  - {type: linear, out_features: 512}\n", (1, 32, 32)), 3)
    weight = w[next(iter(w))]["weight"]
    assert weight.shape == (512, 1024)
    assert abs(float(weight.std()) / np.sqrt(2 / 1024) - 1) < 0.01
    assert abs(float(weight.mean())) < 0.01 * np.sqrt(2 / 1024)


def test_uniform_initialisation_is_in_minus_one_one():
    centres = init_weights(cnncalc.summarize("lenet5_1998"), 0)["output"]["weight"]  # the RBF centres
    assert centres.shape == (10, 84)
    assert centres.min() >= -1 and centres.max() < 1
    assert abs(float(centres.std()) - 1 / np.sqrt(3)) < 0.05


def test_weights_do_not_depend_on_threads_or_on_which_are_skipped(monkeypatch):
    a = net("  - {type: conv2d, name: conv, out_channels: 8, kernel_size: 3}\n  - flatten\n"
            "  - {type: linear, name: fc, out_features: 4096}\n", (1, 34, 34))  # 33.6M weights: drawn on every core
    full = init_weights(a, 5)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    one_core = init_weights(a, 5, skip={"conv.weight"})
    assert list(one_core["conv"]) == ["bias"]
    for layer, arrays in one_core.items():
        for name, arr in arrays.items():
            np.testing.assert_array_equal(arr, full[layer][name])
    assert not np.array_equal(init_weights(a, 6)["fc"]["weight"], full["fc"]["weight"])


def test_a_layer_over_the_scratch_budget_runs_on_slices_of_the_batch(monkeypatch):
    a = cnncalc.summarize("resnet18", (3, 64, 64))
    w = init_weights(a)
    x = np.random.default_rng(0).standard_normal((4, *a.input_shape), dtype=np.float32)
    whole = runner.run(a, x, w, batch=4).output
    unsliced = memory_plan(a, 4).activations
    monkeypatch.setattr(runner, "SCRATCH_BUDGET", 256 * 2**10)  # conv1's columns: 3·49·32² floats = 588 KiB per image
    assert runner.batch_slice(a.layer("conv1"), 4, 4) == 1
    model = memory_plan(a, 4).activations - x.nbytes
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        sliced = runner.run(a, x, w, batch=4).output
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(sliced, whole)  # every op is per-sample: the same numbers
    assert 0.8 * model <= peak <= 1.05 * model + 64 * 2**10, (peak, model)
    assert memory_plan(a, 4).activations < unsliced  # the estimate follows the slices
