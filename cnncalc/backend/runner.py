"""Run a network in NumPy and compare every tensor with what the analysis inferred.

Weights are allocated from each layer's own weight list (Layer.weights: the PyTorch
layouts), so a verification checks two independent statements of each op: its
parameter formula (Op.params) against the arrays it really needs, and its shape rule
(Op.infer) against the arrays its forward pass (Op.forward) really produces.

Initialisation (seeded) follows what each weight declares (ops.base.Weight.init): "he"
is normal with std = √(2 / fan_in), fan_in = Π shape[1:], so activations keep their
scale through ReLU stacks of 150+ layers; "zeros" and "ones" are constant; "uniform"
is in [−1, 1] (LeNet's RBF centres). A `.npz` file of real weights is read by key
"<layer>.<array>", the names of a PyTorch state_dict (`conv1.weight`,
`layer1.0.bn1.running_mean`).

Peak memory is estimated before anything is allocated (`memory_plan`, `estimate_peak_bytes`):
the peak resident memory of the whole verify process, i.e. the interpreter, the weights, and
the larger of the forward pass's peak (the activations alive at once, a tensor freed after
its last consumer, plus one layer's output and temporaries: Layer.scratch, the im2col
matrix of a conv, C_in·Πk × ΠO per image, and the padded copy of its input) and what
reading the --input/--weights files holds. Files are planned from their headers first
(backend/npyfile.py), so every figure is known before a byte of data is read. Weights are
drawn directly in the run's dtype, in pieces spread over the cores.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import fail
from ..graph import INPUT
from ..i18n import T
from ..layer import state_dict_key
from ..memory import DTYPE_BYTES, numel

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class LayerCheck:
    name: str
    op: str
    inferred: tuple
    actual: tuple
    counted: int  # params by the op's formula
    allocated: int  # elements of the arrays the forward pass used
    seconds: float

    @property
    def ok(self) -> bool:
        return self.inferred == self.actual and self.counted == self.allocated


@dataclass(frozen=True)
class RunResult:
    layers: tuple
    output: object  # the network's output array (N, ...)
    seconds: float
    batch: int
    dtype: str

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.layers)


BASELINE_BYTES = 40 * 2**20
"""The verify process before any array: Python, NumPy + OpenBLAS, typer and cnncalc loaded,
the analysis of a small network, BLAS's first workspace (`cnncalc verify lenet5` peaks at
40–41 MiB on the reference machine: Linux, CPython 3.11, NumPy 2.4 with OpenBLAS)."""
LAYER_BYTES = 4 * 2**10
"""Per layer: the analysis' Layer and Node objects, the LayerCheck, and the JSON or table
rows (a chain of 10,000 layers peaks ~36 MiB above one of 1,000)."""


class MemoryPlan(NamedTuple):
    """What the verify process holds at its peak, in bytes (see estimate_peak_bytes)."""

    interpreter: int  # BASELINE_BYTES + LAYER_BYTES per layer
    weights: int  # every layer's arrays, in the run's dtype
    activations: int  # the forward pass's peak: live tensors + one layer's output and temporaries
    loading: int  # the largest transient while reading files: the input file, a weight member in its own dtype

    @property
    def total(self) -> int:
        return self.interpreter + self.weights + max(self.activations, self.loading)

    def as_dict(self) -> dict:
        return {"interpreter_bytes": self.interpreter, "weight_bytes": self.weights,
                "activation_bytes": self.activations, "loading_bytes": self.loading, "total_bytes": self.total}


def memory_plan(analysis, batch: int = 1, dtype: str = "float32", input_plan=None, weights_plan=None) -> MemoryPlan:
    """The peak of a verify run, from shapes alone: nothing is allocated, every size is an exact Python int.

    weights      = params × bytes: every array, generated directly in the run's dtype
    activations  = max over layers of (tensors alive + its output + its temporaries) × batch × bytes,
                   where a tensor is freed after its last consumer, the input and the model output
                   are kept to the end (as `run` does), and the temporaries are Layer.scratch() (im2col
                   columns) plus the padded copy of the input a window with padding reads (padding_elements)
    loading      = the input array plus the file's own array when it must be converted (--input), or
                   the largest --weights member in its file dtype (read, then converted)
    interpreter  = BASELINE_BYTES + LAYER_BYTES × layers
    """
    size = DTYPE_BYTES[dtype]
    x = numel(analysis.input_shape) * batch * size
    loading = 0
    if input_plan is not None:
        loading = x + input_plan.load_bytes(dtype)
    if weights_plan is not None:
        loading = max(loading, weights_plan.load_bytes(dtype))
    return MemoryPlan(BASELINE_BYTES + LAYER_BYTES * len(analysis.layers), analysis.totals.params * size,
                      activation_peak(analysis, batch, size), loading)


SCRATCH_BUDGET = 64 * 2**20
"""Bytes of temporaries one layer may hold at once: a layer whose im2col columns (and padded
copy) for the whole batch would exceed it runs on slices of the batch (`batch_slice`), so a
batch of 8 through VGG-16 holds the 116 MiB columns of one image at a time, not 925 MiB.
Every op is per-sample at inference, so the slices give the same output."""


def batch_slice(r, batch: int, size: int) -> int:
    """Images per forward call of layer r: the whole batch, or as many as SCRATCH_BUDGET allows (≥ 1)."""
    per_image = (r.scratch() + padding_elements(r)) * size
    if per_image * batch <= SCRATCH_BUDGET:
        return batch
    return max(1, min(batch, SCRATCH_BUDGET // per_image))


def activation_peak(analysis, batch: int = 1, size: int = 1) -> int:
    """The forward pass's peak in bytes (see memory_plan); a Python int.

    A layer run on slices of the batch (batch_slice) holds its whole output, preallocated, and
    one slice's temporaries and output."""
    last_use = {}
    for idx, r in enumerate(analysis.layers):
        for i in r.inputs:
            last_use[i] = idx
    keep = {INPUT, analysis.output_layer.name if analysis.layers else INPUT}
    alive = {INPUT: numel(analysis.input_shape)}
    live = alive[INPUT]
    peak = live * batch
    for idx, r in enumerate(analysis.layers):
        out = numel(r.output_shape)
        temp = r.scratch() + padding_elements(r)
        k = batch_slice(r, batch, size)
        held = (out + temp) * batch if k == batch else out * batch + (out + temp) * k
        peak = max(peak, live * batch + held)
        alive[r.name] = out
        live += out
        for i in set(r.inputs):
            if last_use.get(i) == idx and i not in keep and i in alive:
                live -= alive.pop(i)
    return peak * size


def padding_elements(r) -> int:
    """The padded canvas a windowed layer's forward pass fills (primitives.padded): C_in × Π reach,
    or 0 when the windows read the input as it is (no padding, nothing past its edge)."""
    w = r.window
    if w is None or w.transposed or not r.input_shapes:
        return 0
    shape = r.input_shapes[0]
    spatial, out = shape[1:], r.output_shape[1:]
    if len(spatial) != len(w.kernel) or len(out) != len(w.kernel) or not w.pad:
        return 0
    sizes = [(o - 1) * s + d * (k - 1) + 1 for o, k, s, d in zip(out, w.kernel, w.stride, w.dilation)]  # reach
    if not any(p0 for p0, _ in w.pad) and all(n <= m for n, m in zip(sizes, spatial)):
        return 0
    return shape[0] * numel(sizes)


def estimate_peak_bytes(analysis, batch: int = 1, dtype: str = "float32", input_plan=None,
                        weights_plan=None) -> int:
    """The peak resident memory of the `cnncalc verify` process, in bytes, interpreter included.

    Convention: the figure is the whole process's peak RSS (what ru_maxrss reports and what
    --max-memory bounds), not only the arrays: BASELINE_BYTES of interpreter and libraries
    plus the arrays of memory_plan. benchmarks/bench_verify_memory.py measures it against the
    real peak of `python -m cnncalc verify MODEL` for several models and batches."""
    return memory_plan(analysis, batch, dtype, input_plan, weights_plan).total


def machine_limit():
    """(bytes, what) of the tightest bound the machine puts on this process, or None when unknown:
    physical memory, and the soft RLIMIT_AS / RLIMIT_DATA (past which an allocation fails).
    An estimate above it cannot run whatever --max-memory says."""
    import contextlib
    import os

    bounds = []
    with contextlib.suppress(AttributeError, ValueError, OSError):
        bounds.append((os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "this machine's memory"))
    try:
        import resource

        for name in ("RLIMIT_AS", "RLIMIT_DATA"):
            soft = resource.getrlimit(getattr(resource, name))[0]
            if soft != resource.RLIM_INFINITY and soft > 0:
                bounds.append((soft, f"the process's {name} limit"))
    except (ImportError, AttributeError, ValueError, OSError):
        pass
    bounds = [b for b in bounds if b[0] > 0]
    return min(bounds) if bounds else None


GEN_CHUNK = 1 << 22  # elements drawn by one generator: 16 MiB of float32


def init_weights(analysis, seed: int = 0, dtype: str = "float32", skip=()) -> dict:
    """{layer name: {array name: ndarray}} for every layer that owns arrays, drawn directly in `dtype`.

    Random arrays are drawn in GEN_CHUNK pieces, each by its own generator seeded by (seed,
    layer index, array index, piece): the values depend on nothing else, neither on which
    other arrays are generated (`skip`: state_dict keys a --weights file holds) nor on how
    many threads draw them. NumPy's generators release the GIL while they fill an array,
    so the pieces are drawn on every core (VGG-16's 138M weights: 2.3 s on one core).
    """
    import numpy as np

    dt = np.dtype(dtype)
    out, pieces = {}, []
    for li, r in enumerate(analysis.layers):
        arrays = {}
        for wi, (name, w) in enumerate(r.weights().items()):
            if state_dict_key(r.name, name) in skip:
                continue
            arrays[name] = a = _init_array(w, dt)
            if _random(w):
                flat = a.reshape(-1)
                scale = math.sqrt(2.0 / max(numel(w.shape[1:]), 1)) if w.init == "he" else None
                for ci, start in enumerate(range(0, flat.size, GEN_CHUNK)):
                    pieces.append((flat[start:start + GEN_CHUNK], scale, (li, wi, ci)))
        if arrays:
            out[r.name] = arrays
    _draw(pieces, seed)
    return out


def _random(w) -> bool:
    """He or uniform (every init that is not a constant)."""
    return not isinstance(w.init, (int, float)) and w.init not in ("ones", "zeros")


def _init_array(w, dtype):
    """One array in `dtype`: constants filled, random ones allocated for _draw to fill."""
    import numpy as np

    if _random(w):
        return np.empty(w.shape, dtype=dtype)
    if isinstance(w.init, (int, float)):
        return np.full(w.shape, w.init, dtype=dtype)
    return np.ones(w.shape, dtype=dtype) if w.init == "ones" else np.zeros(w.shape, dtype=dtype)


def _draw(pieces: list, seed: int) -> None:
    """Fill each (view, scale, key) in place: N(0, 1)·scale for He, U[−1, 1) for scale None; no float64 copy."""
    import os

    import numpy as np

    def fill(piece):
        view, scale, key = piece
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
        kind = view.dtype.type
        if scale is None:
            rng.random(out=view, dtype=view.dtype)
            view *= kind(2)
            view -= kind(1)
        else:
            rng.standard_normal(out=view, dtype=view.dtype)
            view *= kind(scale)

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    big = sum(p[0].size for p in pieces) > 2 * GEN_CHUNK
    if cores < 2 or not big:
        for piece in pieces:
            fill(piece)
        return
    from concurrent.futures import ThreadPoolExecutor

    pieces.sort(key=lambda p: -p[0].size)  # largest first: the threads finish together
    pool = ThreadPoolExecutor(min(cores, 8))
    try:
        for _ in pool.map(fill, pieces):
            pass
    finally:  # Ctrl-C (or a MemoryError) stops at once: the pieces not started are dropped
        pool.shutdown(wait=False, cancel_futures=True)


def needed_weights(analysis) -> dict:
    """{state_dict key: shape} of every array the network owns."""
    return {state_dict_key(r.name, name): tuple(w.shape) for r in analysis.layers for name, w in r.weights().items()}


TRACKED = "num_batches_tracked"  # a BatchNorm step counter in PyTorch state_dicts


def weights_reader(path: str):
    """The module that reads a --weights file, by its suffix: the one place formats are told apart.

    .safetensors (safetensors_file), .pth/.pt (torch_file, needs torch), anything else an .npz
    (npyfile). Each has weights_plan(path, needed), load_members(plan, dtype) and shapes(path)."""
    suffix = str(path).lower().rsplit(".", 1)[-1] if "." in str(path) else ""
    if suffix == "safetensors":
        from . import safetensors_file as reader
    elif suffix in ("pth", "pt"):
        from . import torch_file as reader
    else:
        from . import npyfile as reader
    return reader


def weights_plan(path: str, analysis):
    """The --weights file's headers checked against the network; no data read.

    PyTorch's BatchNorm `num_batches_tracked` counters are not weights of the design, so
    they are accepted silently rather than listed as unused."""
    plan = weights_reader(path).weights_plan(path, needed_weights(analysis))
    return plan._replace(unused=[k for k in plan.unused if not k.endswith(TRACKED)])


def input_plan(path: str, analysis, batch: int):
    """The --input file's header checked against the network's input (backend/npyfile.py); no data read."""
    from .npyfile import input_plan as plan

    return plan(path, analysis.input_shape, batch)


def load_weights(plan, analysis, dtype: str, seed: int = 0) -> tuple:
    """Weights from a planned --weights file; missing arrays are initialised (and listed).

    Returns (weights, missing keys, unused keys, NaN/inf counts {key: n})."""
    load_members = weights_reader(plan.path).load_members

    weights = init_weights(analysis, seed, dtype, skip=set(plan.members))
    owner = {state_dict_key(r.name, name): (r.name, name) for r in analysis.layers for name in r.weights()}
    nonfinite = {}
    for key, arr, bad in load_members(plan, dtype):
        layer, name = owner[key]
        weights.setdefault(layer, {})[name] = arr
        if bad:
            nonfinite[key] = bad
    # each layer's arrays in its declared order, whichever came from the file
    order = {r.name: list(r.weights()) for r in analysis.layers}
    weights = {layer: {n: arrays[n] for n in order[layer]} for layer, arrays in weights.items()}
    return weights, plan.missing, plan.unused, nonfinite


def load_input(plan, dtype: str):
    """The planned --input array as (N, *input_shape) in `dtype`, and its count of NaN/inf values."""
    from .npyfile import load_input as load

    return load(plan, dtype)


def run(analysis, x=None, weights=None, *, batch: int = 1, dtype: str = "float32", seed: int = 0,
        on_layer=None) -> RunResult:
    """Forward pass of an analysed network; returns per-layer checks and the output.

    x: (N, *input_shape) array or None for seeded N(0, 1) input of `batch` images.
    weights: {layer: {array: ndarray}} or None for seeded He initialisation.
    on_layer(index, total, name): progress callback.
    """
    import numpy as np

    if dtype not in DTYPES:
        raise fail("E004", T("dtype {dtype} is not supported by the NumPy backend", dtype=dtype), None,
                   T("use float32 or float64"))
    analysis.raise_for_errors()
    if x is None:
        x = np.random.default_rng(seed + 1).standard_normal((batch, *analysis.input_shape), dtype=dtype)
    if weights is None:
        weights = init_weights(analysis, seed, dtype)
    last_use = {}
    for idx, r in enumerate(analysis.layers):
        for i in r.inputs:
            last_use[i] = idx
    output = analysis.output_layer.name if analysis.layers else INPUT
    last_use[output] = len(analysis.layers)  # the model's output is kept to the end
    values = {INPUT: x}
    n, itemsize = int(x.shape[0]), np.dtype(dtype).itemsize
    checks = []
    t_start = time.perf_counter()
    total = len(analysis.layers)
    for idx, r in enumerate(analysis.layers):
        if on_layer is not None:
            on_layer(idx, total, r.name)
        w = weights.get(r.name, {})
        t0 = time.perf_counter()
        y = _forward(r, [values[i] for i in r.inputs], w, batch_slice(r, n, itemsize))
        seconds = time.perf_counter() - t0
        checks.append(LayerCheck(r.name, r.type, r.output_shape, tuple(y.shape[1:]), r.params,
                                 sum(int(a.size) for a in w.values()), seconds))
        values[r.name] = y
        for i in set(r.inputs):
            if last_use.get(i) == idx and i != INPUT:
                del values[i]
    out = values[output]
    return RunResult(tuple(checks), out, time.perf_counter() - t_start, int(x.shape[0]), dtype)


def _forward(r, xs: list, w: dict, k: int):
    """r's output for the whole batch, computed k images at a time into one preallocated array."""
    import numpy as np

    n = int(xs[0].shape[0]) if xs else 0
    if k >= n or any(int(x.shape[0]) != n for x in xs):
        return r.forward(xs, w)
    first = r.forward([x[:k] for x in xs], w)
    y = np.empty((n, *first.shape[1:]), dtype=first.dtype)
    y[:k] = first
    del first
    for i in range(k, n, k):
        y[i:i + k] = r.forward([x[i:i + k] for x in xs], w)
    return y
