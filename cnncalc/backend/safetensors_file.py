"""`--weights w.safetensors` read without trusting it: the JSON header first, the data once checked.

A .safetensors file is an 8-byte little-endian header length, a JSON header
{name: {dtype, shape, data_offsets: [begin, end]}} (plus an optional "__metadata__"),
then raw little-endian data. The plan reads only the header, after capping its length
by the file's size and SAFETENSORS_HEADER_MAX, and checks every entry: a known dtype,
a shape of non-negative ints, offsets inside the file that hold exactly shape × itemsize
bytes. Everything wrong is an E006 naming the file (and tensor) before any data is read.

The data is read here with plain file reads into one numpy array of the planned size
(npyfile._read_data), not through the `safetensors` package: the format is simple
enough, no optional package is needed, and nothing is read beyond what the header
promised. BF16 (which numpy lacks) is read as uint16 and widened to float32 exactly.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from ..errors import Pos, fail
from ..i18n import T
from .npyfile import Header, _as_is, _open, _read_data, _reason, count_nonfinite, match_arrays

HEADER_MAX = 100 * 1024 * 1024  # the safetensors package's own limit on the JSON header
SAVE = T("save the state_dict with safetensors.torch.save_file(model.state_dict(), 'w.safetensors')")
DTYPES = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "BF16": "<u2", "BOOL": "|b1",
          "I8": "|i1", "I16": "<i2", "I32": "<i4", "I64": "<i8", "U8": "|u1", "U16": "<u2", "U32": "<u4", "U64": "<u8"}


class Tensor(NamedTuple):
    header: Header  # shape, numpy dtype of the stored values, absolute offset of the data
    bf16: bool


class SafetensorsPlan(NamedTuple):
    path: str
    members: dict  # state_dict key -> (key, Header)
    missing: list
    unused: list
    bf16: frozenset

    def load_bytes(self, dtype: str) -> int:
        """The largest tensor read in its file dtype before conversion (0 when all already are `dtype`)."""
        return max((h.nbytes for k, (_, h) in self.members.items() if k in self.bf16 or not _as_is(h, dtype)),
                   default=0)


def scan(path: str) -> dict:
    """{name: Tensor} of every tensor the header lists, each checked against the file's size; no data read."""
    import numpy as np

    pos = Pos(path, 1, 1)
    f, size = _open(path, "weights", SAVE)
    with f:
        try:
            first = f.read(8)
        except OSError as exc:
            raise fail("E006", T("cannot read {path}: {reason}", path=path, reason=_reason(exc)), pos, SAVE) from None
        if len(first) < 8:
            raise fail("E006", T("{path} is not a .safetensors file: it is shorter than the 8-byte header length",
                                 path=path), pos, SAVE)
        n = int.from_bytes(first, "little")
        if n > min(HEADER_MAX, size - 8):
            raise fail("E006", T("{path} is not a .safetensors file, or is truncated: its header length is {n:,} "
                                 "bytes but {left:,} bytes follow", path=path, n=n, left=size - 8), pos, SAVE)
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise fail("E006", T("{path} has a corrupt .safetensors header: {reason}", path=path,
                             reason=_reason(exc)), pos, SAVE) from None
    if not isinstance(header, dict):
        raise fail("E006", T("{path} has a corrupt .safetensors header: it is not a JSON object", path=path), pos,
                   SAVE)
    start, out = 8 + n, {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        where = T("{path}, tensor '{name}'", path=path, name=name)
        if not isinstance(entry, dict):
            raise fail("E006", T("{where}: the header entry is not an object", where=where), pos, SAVE)
        code, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if code not in DTYPES:
            raise fail("E006", T("{where} has dtype {dtype}; cnncalc reads {known}", where=where, dtype=repr(code),
                                 known=", ".join(DTYPES)), pos, T("save the tensor as float32"))
        if (not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape)):
            raise fail("E006", T("{where} has a corrupt shape: {shape}", where=where, shape=repr(shape)), pos, SAVE)
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(type(o) is int for o in offsets)
                or not 0 <= offsets[0] <= offsets[1]):
            raise fail("E006", T("{where} has corrupt data_offsets: {offsets}", where=where, offsets=repr(offsets)),
                       pos, SAVE)
        h = Header(tuple(shape), np.dtype(DTYPES[code]), False, start + offsets[0])
        if offsets[1] - offsets[0] != h.nbytes:
            raise fail("E006", T("{where}: data_offsets span {span:,} bytes but {array} takes {nbytes:,}", where=where,
                                 span=offsets[1] - offsets[0], array=h.describe(), nbytes=h.nbytes), pos, SAVE)
        if start + offsets[1] > size:
            raise fail("E006", T("{where} lies past the end of the file: its data ends at byte {end:,} of a "
                                 "{size:,}-byte file", where=where, end=start + offsets[1], size=size), pos,
                       T("the file is truncated; save it again"))
        out[name] = Tensor(h, code == "BF16")
    return out


def shapes(path: str) -> dict:
    """{name: shape} from the header alone (cnncalc validate --weights)."""
    return {k: t.header.shape for k, t in scan(path).items()}


def weights_plan(path: str, needed: dict) -> SafetensorsPlan:
    """The header checked against the network's arrays ({key: shape}); E006 on a wrong shape."""
    found = scan(path)
    present, missing = match_arrays(path, needed, lambda key: found[key].header.shape if key in found else None)
    members = {key: (key, found[key].header) for key in present}
    bf16 = frozenset(k for k in members if found[k].bf16)
    return SafetensorsPlan(path, members, missing, sorted(set(found) - set(members)), bf16)


def load_members(plan: SafetensorsPlan, dtype: str):
    """(key, array as `dtype`, NaN/inf count) for every planned tensor, each read at its planned offset."""
    import numpy as np

    pos = Pos(plan.path, 1, 1)
    f, size = _open(plan.path, "weights", SAVE)
    with f:
        for key, (_, h) in plan.members.items():
            if h.offset + h.nbytes > size:
                raise fail("E006", T("{path} changed while cnncalc was reading it", path=plan.path), pos,
                           T("run again"))
            f.seek(h.offset)
            where = T("{path}, tensor '{name}'", path=plan.path, name=key)
            a = _read_data(f, h, where, pos)
            if key in plan.bf16:
                a = (a.astype(np.uint32) << 16).view(np.float32)
            if a.dtype.name != dtype or not a.dtype.isnative:
                with np.errstate(all="ignore"):
                    a = a.astype(dtype)
            yield key, a, count_nonfinite(a)
