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

Peak memory is estimated before anything is allocated (`estimate_peak_bytes`): the
weights, plus the largest set of activations alive at once (a tensor is freed after its
last consumer), plus the largest temporary of one layer (Layer.scratch: the im2col
matrix of a conv, C_in·Πk × ΠO per image).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import Pos, fail
from ..graph import INPUT
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


def estimate_peak_bytes(analysis, batch: int = 1, dtype: str = "float32") -> int:
    size = DTYPE_BYTES[dtype]
    weights = analysis.totals.params
    last_use = {}
    for idx, r in enumerate(analysis.layers):
        for i in r.inputs:
            last_use[i] = idx
    alive = {INPUT: numel(analysis.input_shape)}
    peak = 0
    for idx, r in enumerate(analysis.layers):
        out = numel(r.output_shape)
        peak = max(peak, sum(alive.values()) + out + r.scratch())
        alive[r.name] = out
        for i in set(r.inputs):
            if last_use.get(i) == idx:
                alive.pop(i, None)
    return (weights + peak * batch) * size


def init_weights(analysis, seed: int = 0, dtype: str = "float32") -> dict:
    """{layer name: {array name: ndarray}} for every layer that owns arrays."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = {}
    for r in analysis.layers:
        arrays = {name: _init_array(rng, w).astype(dtype, copy=False) for name, w in r.weights().items()}
        if arrays:
            out[r.name] = arrays
    return out


def _init_array(rng, w):
    import numpy as np

    if w.init == "he":
        fan_in = max(numel(w.shape[1:]), 1)
        return rng.standard_normal(w.shape, dtype=np.float64) * np.sqrt(2.0 / fan_in)
    if isinstance(w.init, (int, float)):
        return np.full(w.shape, float(w.init))
    if w.init == "ones":
        return np.ones(w.shape)
    if w.init == "zeros":
        return np.zeros(w.shape)
    return rng.uniform(-1.0, 1.0, size=w.shape)


def load_weights(path: str, analysis, dtype: str, seed: int = 0) -> tuple:
    """Weights from an .npz keyed '<layer>.<array>'; missing arrays are initialised (and listed)."""
    import zipfile

    import numpy as np

    if not Path(path).is_file():
        raise fail("E001", f"no such weights file: {path}", Pos(path, 1, 1))
    if not zipfile.is_zipfile(path):
        raise fail("E006", f"{path} is not an .npz archive", Pos(path, 1, 1),
                   "save the arrays with numpy.savez(path, **{'conv1.weight': array, ...})")
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise fail("E006", f"cannot read {path} as an .npz of arrays: {exc}", Pos(path, 1, 1)) from None
    weights = init_weights(analysis, seed, dtype)
    missing, used = [], set()
    for layer, arrays in weights.items():
        for name, arr in arrays.items():
            key = state_dict_key(layer, name)
            if key not in data.files:
                missing.append(key)
                continue
            value = data[key]
            if tuple(value.shape) != tuple(arr.shape):
                raise fail("E006", f"{path}: '{key}' has shape {tuple(value.shape)}, the layer needs "
                                   f"{tuple(arr.shape)}", Pos(path, 1, 1), "check the spec against the weights")
            arrays[name] = value.astype(dtype, copy=False)
            used.add(key)
    unused = sorted(set(data.files) - used)
    return weights, missing, unused


def load_input(path: str, shape: tuple, batch: int, dtype: str):
    import numpy as np

    try:
        x = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise fail("E001", f"no such input file: {path}", Pos(path, 1, 1)) from None
    except (OSError, ValueError) as exc:
        raise fail("E006", f"cannot read {path} as a .npy array: {exc}", Pos(path, 1, 1)) from None
    if tuple(x.shape) == tuple(shape):
        x = np.broadcast_to(x, (batch, *shape))
    if tuple(x.shape[1:]) != tuple(shape):
        raise fail("E006", f"{path} holds an array of shape {tuple(x.shape)}; the network takes "
                           f"{tuple(shape)} or (N, {', '.join(map(str, shape))})", Pos(path, 1, 1))
    return np.ascontiguousarray(x, dtype=dtype)


def run(analysis, x=None, weights=None, *, batch: int = 1, dtype: str = "float32", seed: int = 0,
        on_layer=None) -> RunResult:
    """Forward pass of an analysed network; returns per-layer checks and the output.

    x: (N, *input_shape) array or None for seeded N(0, 1) input of `batch` images.
    weights: {layer: {array: ndarray}} or None for seeded He initialisation.
    on_layer(index, total, name): progress callback.
    """
    import numpy as np

    if dtype not in DTYPES:
        raise fail("E004", f"dtype {dtype} is not supported by the NumPy backend", None, "use float32 or float64")
    analysis.raise_for_errors()
    if x is None:
        x = np.random.default_rng(seed + 1).standard_normal((batch, *analysis.input_shape)).astype(dtype)
    if weights is None:
        weights = init_weights(analysis, seed, dtype)
    last_use = {}
    for idx, r in enumerate(analysis.layers):
        for i in r.inputs:
            last_use[i] = idx
    output = analysis.output_layer.name if analysis.layers else INPUT
    last_use[output] = len(analysis.layers)  # the model's output is kept to the end
    values = {INPUT: x}
    checks = []
    t_start = time.perf_counter()
    total = len(analysis.layers)
    for idx, r in enumerate(analysis.layers):
        if on_layer is not None:
            on_layer(idx, total, r.name)
        w = weights.get(r.name, {})
        t0 = time.perf_counter()
        y = r.forward([values[i] for i in r.inputs], w)
        seconds = time.perf_counter() - t0
        checks.append(LayerCheck(r.name, r.type, r.output_shape, tuple(y.shape[1:]), r.params,
                                 sum(int(a.size) for a in w.values()), seconds))
        values[r.name] = y
        for i in set(r.inputs):
            if last_use.get(i) == idx and i != INPUT:
                del values[i]
    out = values[output]
    return RunResult(tuple(checks), out, time.perf_counter() - t_start, int(x.shape[0]), dtype)
