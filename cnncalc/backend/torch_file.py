"""`--weights w.pth` (or .pt): a PyTorch state_dict read through torch, never by unpickling code.

torch.load(weights_only=True) refuses any pickle that would run code or build objects
other than tensors and plain containers. The file (a zip) is opened with mmap=True,
so the tensors are views of the file and their sizes are known before their data is
copied: the plan charges the largest one against --max-memory first, and only then
load_members copies each tensor into a numpy array of the run's dtype.

A plain state_dict, or a training checkpoint {"state_dict": ...} / {"model": ...}, is
accepted. torch is optional: without it, E009.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Pos, fail
from ..i18n import T
from .npyfile import _open, _reason, count_nonfinite, match_arrays

SAVE = T("save the weights with torch.save(model.state_dict(), 'w.pth')")


class TorchPlan(NamedTuple):
    path: str
    members: dict  # state_dict key -> (key, shape)
    missing: list
    unused: list
    tensors: dict  # key -> torch.Tensor (memory-mapped)
    nbytes: dict  # key -> bytes of the tensor in its file dtype

    def load_bytes(self, dtype: str) -> int:
        """The largest tensor, which the copy out of the mapped file may hold resident besides the result."""
        return max(self.nbytes.values(), default=0)


def _torch(path: str):
    try:
        import torch
    except ImportError:
        raise fail("E009", T("{path} is a PyTorch file and reading it needs torch, which is not installed",
                             path=path), Pos(path, 1, 1),
                   T("pip install torch (CPU build: pip install torch --index-url "
                     "https://download.pytorch.org/whl/cpu), or save the weights as .safetensors or .npz")) from None
    return torch


def state(path: str) -> dict:
    """{key: tensor} of the state_dict in `path`, memory-mapped where torch can; E006 for anything else."""
    pos = Pos(path, 1, 1)
    f, _ = _open(path, "weights", SAVE)  # E001/E006 for a missing or special file, before torch is imported
    f.close()
    torch = _torch(path)
    try:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError as exc:
            if "mmap" not in str(exc):
                raise
            obj = torch.load(path, map_location="cpu", weights_only=True)  # the legacy (non-zip) format
    except Exception as exc:  # noqa: BLE001 - UnpicklingError, RuntimeError, EOFError, zip errors
        raise fail("E006", T("{path} is not a PyTorch state_dict torch can load safely: {reason}", path=path,
                             reason=_why(exc)), pos, SAVE) from None
    if isinstance(obj, dict):
        for inner in ("state_dict", "model"):
            if isinstance(obj.get(inner), dict):
                obj = obj[inner]
                break
    if not isinstance(obj, dict):
        raise fail("E006", T("{path} holds a {kind}, not a state_dict of tensors", path=path,
                             kind=type(obj).__name__), pos, SAVE)
    out = {}
    for key, t in obj.items():
        if not isinstance(key, str) or not isinstance(t, torch.Tensor):
            continue
        if t.is_complex() or t.is_quantized:
            raise fail("E006", T("{path}, tensor '{name}' holds {dtype} values; cnncalc reads real numbers",
                                 path=path, name=key, dtype=str(t.dtype)), pos, T("save the tensor as float32"))
        out[key] = t
    if obj and not out:
        raise fail("E006", T("{path} holds no tensors keyed by name", path=path), pos, SAVE)
    return out


def _why(exc: BaseException) -> str:
    """torch's reason in a line, without its advice to load with weights_only=False (which runs the pickle's code)."""
    text = str(exc)
    for line in text.splitlines():
        if "WeightsUnpickler error:" in line:
            detail = line.split("WeightsUnpickler error:", 1)[1].strip().split(". ")[0]
            if not detail or "not a valid" in detail or "Unsupported operand" in detail:
                return T("it is not a file written by torch.save")
            return T("its pickle holds more than tensors ({detail}); cnncalc never runs a checkpoint's code",
                     detail=detail)
    if "weights_only" in text or "zipfile" in text or "mmap" in text:
        return T("it is not a file written by torch.save")
    return _reason(exc).split(". ")[0]  # torch's first sentence; the rest is advice


def shapes(path: str) -> dict:
    """{key: shape} of the state_dict (cnncalc validate --weights)."""
    return {k: tuple(int(d) for d in t.shape) for k, t in state(path).items()}


def weights_plan(path: str, needed: dict) -> TorchPlan:
    tensors = state(path)
    present, missing = match_arrays(path, needed, lambda key: tuple(int(d) for d in tensors[key].shape)
                                    if key in tensors else None)
    members = {key: (key, tuple(int(d) for d in tensors[key].shape)) for key in present}
    used = {k: tensors[k] for k in members}
    return TorchPlan(path, members, missing, sorted(set(tensors) - set(members)), used,
                     {k: t.numel() * t.element_size() for k, t in used.items()})


def load_members(plan: TorchPlan, dtype: str):
    """(key, array as `dtype`, NaN/inf count), each tensor copied out of the mapped file once."""
    import numpy as np
    import torch

    target = torch.float32 if dtype == "float32" else torch.float64
    for key in plan.members:
        a = np.array(plan.tensors[key].detach().to(target).numpy(), dtype=dtype, copy=True)
        yield key, a, count_nonfinite(a)
