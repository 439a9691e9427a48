"""`.npy` inputs and `.npz` weights read without trusting them: the header first, the data only once checked.

numpy.load would allocate whatever a header claims, unpickle object arrays (unless
told not to, and then say to allow it), and read a member's data before anyone could
see its size. Here a file is read in two steps:

1. plan: the magic string and the header (numpy.lib.format.read_magic and
   read_array_header_1_0/2_0, a few hundred bytes; for an .npz, each needed member's
   header from the zip stream) give the shape, dtype and byte count. Everything a
   header can get wrong is an E006 naming the file (and member) before any data is
   read: not a .npy at all, Python objects (pickles), strings, structured or complex
   values, a header that promises more data than the file (or member) holds, an empty
   batch, a shape the network cannot take.
2. load: only after verify has charged the planned bytes against --max-memory, the data
   is read into one array of the planned size, in CHUNK pieces from a zip member, and
   never more than the header promised.

Sizes are Python ints throughout (a header may claim 2⁶⁴ elements).
"""

from __future__ import annotations

import os
import warnings
from typing import NamedTuple

from ..errors import Pos, fail
from ..i18n import T
from ..memory import numel

CHUNK = 1 << 20  # bytes read from a zip member at a time
ACCEPTED_KINDS = "fiub"  # float, signed, unsigned, bool: converted to the run's float dtype
NPY_MAGIC = b"\x93NUMPY"
SAVE_INPUT = T("save one array with numpy.save('x.npy', x.astype('float32'))")
SAVE_WEIGHTS = T("save the arrays with numpy.savez('w.npz', **{'conv1.weight': array, ...})")
_ENDS_IN_MAGIC = T("the file ends inside its magic string")


class Header(NamedTuple):
    shape: tuple
    dtype: object  # numpy.dtype
    fortran: bool
    offset: int  # where the data starts, from the start of the file or member

    @property
    def numel(self) -> int:
        return numel(self.shape)

    @property
    def nbytes(self) -> int:
        return self.numel * self.dtype.itemsize

    def describe(self) -> str:
        return T("shape {shape} of {dtype}", shape=self.shape, dtype=self.dtype.name)


class InputPlan(NamedTuple):
    path: str
    header: Header
    batch: int
    broadcast: bool  # one image (C, H, W) repeated --batch times

    def load_bytes(self, dtype: str) -> int:
        """What reading it holds beside the network's input array: the file's own array, when it must be converted."""
        return 0 if _as_is(self.header, dtype) and not self.broadcast else self.header.nbytes


class WeightsPlan(NamedTuple):
    path: str
    members: dict  # state_dict key -> (member name, Header)
    missing: list  # keys the network needs that the file lacks (initialised)
    unused: list  # keys of the file no layer needs

    def load_bytes(self, dtype: str) -> int:
        """The largest array read in the file's dtype before conversion (0 when every array already is `dtype`)."""
        return max((h.nbytes for _, h in self.members.values() if not _as_is(h, dtype)), default=0)


def _as_is(h: Header, dtype: str) -> bool:
    """True when the file's array can be used without a converted copy."""
    return h.dtype.name == dtype and h.dtype.isnative and not h.fortran


def _what(dt) -> str | None:
    """Why an array of this dtype cannot be used, or None."""
    if dt.hasobject:
        return T("holds Python objects (a pickled object array), which cnncalc never unpickles")
    if dt.names is not None or dt.subdtype is not None or dt.kind == "V":
        return T("holds a structured or void dtype ({dtype}), not numbers", dtype=dt.descr if dt.names else dt.str)
    if dt.kind == "c":
        return T("holds complex numbers ({dtype}); the network runs on real float32 or float64 values", dtype=dt.name)
    if dt.kind in "SU":
        return T("holds strings ({dtype})", dtype=dt.str)
    if dt.kind in "mM":
        return T("holds dates or time spans ({dtype})", dtype=dt.str)
    if dt.kind not in ACCEPTED_KINDS:
        return T("holds values of dtype {dtype}", dtype=dt.str)
    return None


def read_header(f, where: str, pos: Pos, available: int, hint: str, what: str = T("a .npy array")) -> Header:
    """Magic string and header of a .npy stream; E006 (naming `where`) for anything cnncalc cannot use.

    `available`: the bytes the file (or zip member) holds, against which the header's
    promise of shape × itemsize is checked."""
    from numpy.lib import format as npf

    try:
        first = f.read(len(NPY_MAGIC))
    except Exception as exc:  # noqa: BLE001 - a corrupt zip member raises zlib, zipfile or OS errors
        raise fail("E006", T("cannot read {where}: {reason}", where=where, reason=_reason(exc)), pos, hint) from None
    if first != NPY_MAGIC:
        raise fail("E006", T("{where} is not {what}: {reason}", where=where, what=what, reason=_not_npy(first)), pos,
                   hint)
    try:
        version = f.read(2)
        if len(version) < 2:
            raise ValueError(_ENDS_IN_MAGIC)
        major, minor = version
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's "created on Python 2" note
            if (major, minor) == (1, 0):
                shape, fortran, dtype = npf.read_array_header_1_0(f)
            elif (major, minor) == (2, 0):
                shape, fortran, dtype = npf.read_array_header_2_0(f)
            else:
                raise fail("E006", T("{where} is .npy format version {major}.{minor}; cnncalc reads versions 1.0 and "
                                     "2.0 (what numpy.save writes for numeric arrays)", where=where, major=major,
                                     minor=minor), pos, hint)
        offset = f.tell()
    except Exception as exc:  # noqa: BLE001 - header parsing raises ValueError, SyntaxError, zlib errors, ...
        if getattr(exc, "diagnostics", None):
            raise
        raise fail("E006", T("{where} has a corrupt .npy header: {problem}", where=where, problem=_header_problem(exc)),
                   pos, hint) from None
    bad = _what(dtype)
    if bad:
        convert = "x.real.astype('float32') (or abs(x))" if dtype.kind == "c" else "x.astype('float32')"
        raise fail("E006", T("{where} {problem}", where=where, problem=bad), pos,
                   T("save the values as a real float array, e.g. {convert}", convert=convert))
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise fail("E006", T("{where} has a corrupt .npy header: shape {shape} has a negative size", where=where,
                             shape=shape), pos, hint)
    h = Header(shape, dtype, bool(fortran), offset)
    if offset + h.nbytes > available:
        raise fail("E006", T("{where} is truncated or its header is wrong: the header promises {array} ({nbytes:,} "
                             "bytes of data) but only {left:,} bytes follow it", where=where, array=h.describe(),
                             nbytes=h.nbytes, left=max(available - offset, 0)),
                   pos, hint)
    return h


_HEADER_PROBLEMS = ("descr is not a valid dtype descriptor", "shape is not valid", "fortran_order is not a valid bool",
                    "Header does not contain the correct keys", "Header is not a dictionary", "EOF")


def _header_problem(exc: BaseException) -> str:
    """NumPy's own words when they describe the header; never a parser's internals (AST nodes)."""
    import re

    text = _reason(exc)
    m = re.match(r"Header info length \((\d+)\)", text)
    if m:
        return T("its header is {n:,} characters long (numpy.save writes a few hundred)", n=int(m.group(1)))
    if isinstance(exc, (ValueError, EOFError)) and text.startswith(_HEADER_PROBLEMS) and len(text) < 200:
        return text[0].lower() + text[1:] if not text.startswith("EOF") else text
    if isinstance(exc, ValueError) and text == _ENDS_IN_MAGIC:
        return exc.args[0]
    return T("it is not the {'descr': …, 'fortran_order': …, 'shape': …} dictionary numpy.save writes")


def _not_npy(first: bytes) -> str:
    if not first:
        return T("the file is empty")
    if first.startswith(b"PK"):
        return T("it is a zip archive (an .npz of several arrays)")
    if first[:1] == b"\x80":
        return T("it is a Python pickle")
    try:
        first.decode("ascii")
        return T("it is text, not NumPy's binary format (which starts with \\x93NUMPY)")
    except UnicodeDecodeError:
        return T("it does not start with NumPy's \\x93NUMPY magic string")


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    return text or type(exc).__name__


def _open(path: str, what: str, hint: str):
    """The file opened for reading, and its size; E001 when missing, E006 when unreadable or
    not a regular file (files.open_regular: a FIFO with no writer cannot hang verify)."""
    from ..files import NotRegular, open_regular

    pos = Pos(path, 1, 1)
    try:
        fd, st = open_regular(path)
    except FileNotFoundError:
        missing = (T("no such input file: {path}", path=path) if what == "input" else
                   T("no such weights file: {path}", path=path))
        raise fail("E001", missing, pos) from None
    except NotRegular as e:
        wrong = (T("{path} is {kind}, not an input file", path=path, kind=e.kind) if what == "input" else
                 T("{path} is {kind}, not a weights file", path=path, kind=e.kind))
        raise fail("E006", wrong, pos, hint) from None
    except OSError as exc:
        raise fail("E006", T("cannot read {path}: {reason}", path=path, reason=_reason(exc)), pos, hint) from None
    return os.fdopen(fd, "rb"), st.st_size


# -- --input x.npy ------------------------------------------------------------------------


def input_plan(path: str, shape: tuple, batch: int) -> InputPlan:
    """Header of `--input path` checked against the network's input shape; nothing of the data is read."""
    pos = Pos(path, 1, 1)
    hint = T("--input takes a shape like {shape} or a .npy file: {save}", shape="x".join(map(str, shape)),
             save=SAVE_INPUT)
    f, size = _open(path, "input", hint)
    with f:
        h = read_header(f, path, pos, size, hint)
    want = tuple(shape)
    if h.shape == want:
        return InputPlan(path, h, batch, True)
    if h.shape[1:] == want:
        if h.shape[0] == 0:
            raise fail("E006", T("{path} holds an empty batch: shape {shape}", path=path, shape=h.shape), pos,
                       T("save at least one input: an array of shape {want} or (N, {sizes})", want=want,
                         sizes=", ".join(map(str, want))))
        return InputPlan(path, h, h.shape[0], False)
    raise fail("E006", T("{path} holds an array of shape {shape}; the network takes {want} or (N, {sizes})", path=path,
                         shape=h.shape, want=want, sizes=", ".join(map(str, want))), pos,
               T("save the input in the network's layout (channels first), or give the spec's input size"))


def load_input(plan: InputPlan, dtype: str):
    """The planned input as a C-contiguous (N, *shape) array of `dtype`, and how many values are NaN or ±inf."""
    import numpy as np

    pos = Pos(plan.path, 1, 1)
    f, size = _open(plan.path, "input", SAVE_INPUT)
    with f:
        if read_header(f, plan.path, pos, size, SAVE_INPUT) != plan.header:
            raise fail("E006", T('{path} changed while cnncalc was reading it', path=plan.path), pos, T('run again'))
        a = _read_data(f, plan.header, plan.path, pos)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if plan.broadcast:
            a = np.broadcast_to(a, (plan.batch, *plan.header.shape))
        x = np.ascontiguousarray(a, dtype=dtype)
    del a
    return x, count_nonfinite(x)


def _read_data(f, h: Header, where: str, pos: Pos):
    """Exactly h.nbytes of data after the header, into one new array of h's dtype and shape."""
    import numpy as np

    a = np.empty(h.numel, dtype=h.dtype)
    view = memoryview(a.view(np.uint8)) if h.numel else memoryview(b"")
    got = 0
    try:
        while got < h.nbytes:
            if hasattr(f, "readinto"):
                n = f.readinto(view[got:got + CHUNK])
            else:
                chunk = f.read(min(CHUNK, h.nbytes - got))
                n = len(chunk)
                view[got:got + n] = chunk
            if not n:
                break
            got += n
    except Exception as exc:  # noqa: BLE001 - zlib.error, zipfile.BadZipFile, EOFError, OSError
        raise fail("E006", T("cannot read {where}: {reason}", where=where, reason=_reason(exc)), pos,
                   T("the file is corrupt; save it again")) from None
    if got < h.nbytes:
        raise fail("E006", T("{where} is truncated: {got:,} of the {nbytes:,} bytes its header promises", where=where,
                             got=got, nbytes=h.nbytes), pos,
                   T('the file is corrupt; save it again'))
    return a.reshape(h.shape, order="F" if h.fortran else "C")


def count_nonfinite(a) -> int:
    """NaN and ±inf values of a float array (0 for integers), without a temporary of its size."""
    import numpy as np

    if a.dtype.kind != "f" or not a.size:
        return 0
    with np.errstate(all="ignore"):
        if np.isfinite(np.add.reduce(a, axis=None, dtype=np.float64)):
            return 0
        flat = a.reshape(-1)
        step = CHUNK
        return sum(int(np.count_nonzero(~np.isfinite(flat[i:i + step]))) for i in range(0, flat.size, step))


# -- --weights w.npz ----------------------------------------------------------------------


def weights_plan(path: str, needed: dict) -> WeightsPlan:
    """Headers of the members of `--weights path` the network needs ({key: shape}), checked; no data is read.

    A member is `<key>.npy` (what numpy.savez writes); its header must promise exactly the
    shape the layer needs, in a dtype cnncalc can convert, and no more data than the zip
    says the member holds (ZipInfo.file_size, which also bounds what is decompressed)."""
    import zipfile

    pos = Pos(path, 1, 1)
    f, _ = _open(path, "weights", SAVE_WEIGHTS)
    with f:
        first = f.read(len(NPY_MAGIC))
        if first == NPY_MAGIC:
            raise fail("E006", T("{path} is a single .npy array; --weights takes an .npz archive of arrays keyed "
                                 "'<layer>.<array>'", path=path), pos, SAVE_WEIGHTS)
        if not zipfile.is_zipfile(f):
            why = (T("it is empty") if not first else
                   T("it starts like a zip archive but has no central directory (truncated?)") if first[:2] == b"PK"
                   else T("it is text") if _is_text(first) else T("it is not a zip archive"))
            raise fail("E006", T('{path} is not an .npz archive: {why}', path=path, why=why), pos, SAVE_WEIGHTS)
        count = _member_count(f)
        if count is not None and count > max(MEMBERS_PER_ARRAY * len(needed), MIN_MEMBER_LIMIT):
            many = (T("{path} lists {count:,} members; the network has {n:,} array", path=path, count=count,
                      n=len(needed)) if len(needed) == 1 else
                    T("{path} lists {count:,} members; the network has {n:,} arrays", path=path, count=count,
                      n=len(needed)))
            raise fail("E006", many, pos, T("save only the network's arrays: {save}", save=SAVE_WEIGHTS))
        with _zip(f, path, pos) as zf:
            by_key = {}
            for info in zf.infolist():
                if info.is_dir():
                    continue
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                if key in by_key:
                    raise fail("E006", T("{path} holds two arrays named '{key}' ({first}, {second})", path=path,
                                         key=key, first=by_key[key].filename, second=info.filename), pos, SAVE_WEIGHTS)
                by_key[key] = info
            headers = {}

            def shape_of(key):
                info = by_key.get(key)
                if info is None:
                    return None
                where = T("{path}, member '{member}'", path=path, member=info.filename)
                with _member(zf, info, where, pos) as stream:
                    headers[key] = read_header(stream, where, pos, info.file_size, _MEMBER_HINT)
                return headers[key].shape

            present, missing = match_arrays(path, needed, shape_of)
            members = {key: (by_key[key].filename, headers[key]) for key in present}
    return WeightsPlan(path, members, missing, sorted(set(by_key) - set(members)))


def match_arrays(path: str, needed: dict, shape_of) -> tuple:
    """(present, missing) keys of the network's arrays ({key: shape}) in a weights file of any format.

    shape_of(key): the file's shape for key, or None when it has none. A present array of another
    shape is E006 (verify runs the spec as written; validate --weights lists every such tensor)."""
    present, missing = [], []
    for key, shape in needed.items():
        got = shape_of(key)
        if got is None:
            missing.append(key)
        elif tuple(got) != tuple(shape):
            raise fail("E006", T("{path}: '{key}' has shape {shape}, the layer needs {needed}", path=path, key=key,
                                 shape=tuple(got), needed=tuple(shape)), Pos(path, 1, 1),
                       T("check the spec against the weights"))
        else:
            present.append(key)
    return present, missing


_MEMBER_HINT = T("the archive is damaged or was not written by numpy.savez; {save}", save=SAVE_WEIGHTS)
MEMBERS_PER_ARRAY, MIN_MEMBER_LIMIT = 16, 65_536  # zipfile builds a ZipInfo (~0.5 KiB) per listed member


def _member_count(f) -> int | None:
    """The member count the zip's end record declares, read before zipfile parses the directory."""
    import zipfile

    try:
        end = zipfile._EndRecData(f)  # the standard library's reader of the end record (zip64 too)
        f.seek(0)
        return int(end[zipfile._ECD_ENTRIES_TOTAL]) if end else None
    except Exception:  # noqa: BLE001 - private API: without it, zipfile's own parse is the guard
        return None


def _is_text(first: bytes) -> bool:
    try:
        first.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _zip(f, path: str, pos: Pos):
    import zipfile

    try:
        f.seek(0)
        return zipfile.ZipFile(f)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, OSError, ValueError, EOFError, ...
        raise fail("E006", T("{path} is not a readable .npz (zip) archive: {reason}", path=path, reason=_reason(exc)),
                   pos, SAVE_WEIGHTS) from None


def _member(zf, info, where: str, pos: Pos):
    try:
        return zf.open(info)
    except Exception as exc:  # noqa: BLE001 - encrypted (RuntimeError), unsupported method, bad local header
        raise fail("E006", T("cannot read {where}: {reason}", where=where, reason=_reason(exc)), pos,
                   _MEMBER_HINT) from None


def load_members(plan: WeightsPlan, dtype: str):
    """(key, array as `dtype`, NaN/inf count) for every planned member, the zip opened once.

    Each member's header is read again and must equal the plan; its data is read in
    CHUNK pieces into one array of the planned size, never beyond it."""
    import numpy as np

    pos = Pos(plan.path, 1, 1)
    f, _ = _open(plan.path, "weights", SAVE_WEIGHTS)
    with f, _zip(f, plan.path, pos) as zf:
        for key, (name, planned) in plan.members.items():
            where = T("{path}, member '{member}'", path=plan.path, member=name)
            try:
                info = zf.getinfo(name)
            except KeyError:
                raise fail("E006", T("{where} is gone: the file changed while cnncalc was reading it", where=where),
                           pos,
                           T('run again')) from None
            with _member(zf, info, where, pos) as stream:
                h = read_header(stream, where, pos, info.file_size, _MEMBER_HINT)
                if h != planned:
                    raise fail("E006", T("{where} changed while cnncalc was reading it", where=where), pos,
                               T("run again"))
                a = _read_data(stream, h, where, pos)
            if not _as_is(h, dtype):
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    a = a.astype(dtype)
            yield key, a, count_nonfinite(a)


def shapes(path: str) -> dict:
    """{key: shape} of every member of an .npz, from the member headers alone (cnncalc validate --weights)."""
    weights_plan(path, {})  # the zip itself checked (member count, readability) as verify does
    pos = Pos(path, 1, 1)
    out = {}
    f, _ = _open(path, "weights", SAVE_WEIGHTS)
    with f, _zip(f, path, pos) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            where = T("{path}, member '{member}'", path=path, member=info.filename)
            with _member(zf, info, where, pos) as stream:
                out[key] = read_header(stream, where, pos, info.file_size, _MEMBER_HINT).shape
    return out
