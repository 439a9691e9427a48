"""Hostile cases for `cnncalc verify` (issue 11): the memory guard (class 5), malformed NumPy files
(class 8), sizes beyond any int64 (class 9) and interrupted or cut-off runs (class 11).

Class 5: every size is known before anything big exists. The estimate (runner.memory_plan) is
checked against --max-memory from the spec, the .npy header and the .npz members' headers alone,
so a refusal costs what reading a header costs; a run that is allowed stays under its --max-memory
(rss_mb). Class 8: a file numpy.load would trip over (or unpickle) is one E006 naming the file
and, in an .npz, the member, with a hint that says what to save instead; NaN and ±inf values are
allowed and reported in a note. The hostile files are written here by hand: headers with
numpy.lib.format.write_array_header_1_0, sparse files with truncate, zips with zipfile.
"""

from __future__ import annotations

import os
import pickle
import struct
import zipfile

import numpy as np
from numpy.lib import format as npf

from .harness import HARD_AS, Case

LENET_IN = (1, 32, 32)  # lenet5's input
C1 = (6, 1, 5, 5)  # lenet5's first conv weight, state_dict key c1.weight
E006, E304 = "error[E006]", "error[E304]"
SPEC = "name: tiny\ninput: [1, 32, 32]\nlayers:\n  - {type: conv2d, out_channels: 2, kernel_size: 3}\n"


# -- file makers (each returns a callable(path) for Case.files) ---------------------------------
def saved(make, allow_pickle=False):
    """numpy.save of make(): the array is only built when the case runs."""
    def write(path):
        with open(path, "wb") as f:
            np.save(f, make(), allow_pickle=allow_pickle)
    return write


def header(shape, descr="<f4", data=b"", size=None, fortran=False, version=(1, 0)):
    """A .npy header written by hand, then `data`; `size` makes the file that long (sparse)."""
    def write(path):
        with open(path, "wb") as f:
            d = {"shape": shape, "fortran_order": fortran, "descr": descr}
            (npf.write_array_header_1_0 if version == (1, 0) else npf.write_array_header_2_0)(f, d)
            f.write(data)
            if size is not None:
                f.truncate(size)
    return write


def raw_header(text: str, version=b"\x01\x00"):
    """Magic, version and a header dict of any text (a corrupt header numpy would refuse)."""
    body = text.encode("latin1")
    return b"\x93NUMPY" + version + struct.pack("<H", len(body)) + body


def npy_bytes(a) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=a.dtype.hasobject)
    return buf.getvalue()


def npz(members: dict, compression=zipfile.ZIP_STORED):
    """A zip of name -> bytes (or callable(ZipFile, name) for streamed members)."""
    def write(path):
        with zipfile.ZipFile(path, "w", compression=compression) as z:
            for name, content in members.items():
                if callable(content):
                    content(z, name)
                else:
                    z.writestr(name, content)
    return write


def zeros_member(shape, descr="<f8", level=1):
    """A deflated member of zeros streamed in: tiny on disk, shape × itemsize once inflated."""
    def write(z, name):
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = level
        with z.open(info, "w", force_zip64=True) as m:
            npf.write_array_header_1_0(m, {"shape": shape, "fortran_order": False, "descr": descr})
            left = int(np.prod(shape, dtype=object)) * np.dtype(descr).itemsize
            block = bytes(1 << 22)
            while left:
                n = min(left, len(block))
                m.write(block[:n])
                left -= n
    return write


def lenet_weights(**override):
    """Every array of lenet5 (zeros, float32) as .npy bytes, with `override` key -> bytes."""
    def make():
        import cnncalc
        from cnncalc.backend.runner import needed_weights

        arrays = {k: npy_bytes(np.zeros(s, np.float32)) for k, s in needed_weights(cnncalc.summarize("lenet5")).items()}
        arrays.update(override)
        return {f"{k}.npy": v for k, v in arrays.items()}
    return make


def npz_of(make_members, compression=zipfile.ZIP_STORED):
    def write(path):
        npz(make_members(), compression)(path)
    return write


def corrupt_member(path):
    """A deflated c1.weight whose compressed bytes are overwritten in the middle."""
    a = np.random.default_rng(0).standard_normal(C1).astype(np.float32)
    npz({"c1.weight.npy": npy_bytes(a)}, zipfile.ZIP_DEFLATED)(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("c1.weight.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 20, start + info.compress_size - 4):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def patched_method(path):
    """A stored member whose compression method says 99 (not one zipfile knows)."""
    npz({"c1.weight.npy": npy_bytes(np.zeros(C1, np.float32))})(path)
    data = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = data.find(sig)
        data[i + off:i + off + 2] = struct.pack("<H", 99)
    path.write_bytes(bytes(data))


def half_of(make):
    """The first half of what make(path) writes."""
    def write(path):
        make(path)
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
    return write


def duplicate_members(path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile: "Duplicate name"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("c1.weight.npy", npy_bytes(np.zeros(C1, np.float32)))
            z.writestr("c1.weight.npy", npy_bytes(np.ones(C1, np.float32)))


def upsample_chain(n: int, factor: int) -> str:
    return "name: up\ninput: [1, 2, 2]\nlayers:\n" + "".join(
        f"  - {{type: upsample, scale_factor: {factor}}}\n" for _ in range(n))


def _nothing_ran(folder, res):
    assert not (folder / "pwned").exists(), "the header's code ran"


def _mentions(*alternatives):
    def check(folder, res):
        assert any(a in res.err for a in alternatives), (alternatives, res.err)
    return check


V = ("verify", "lenet5")
NPY_HINT = "--input takes a shape like 1x32x32 or a .npy file"

CASES = [
    # -- class 5: the memory guard decides before anything big is allocated -----------------------
    Case("verify-batch-500000", 5, ("verify", "alexnet", "--batch", "500000", "--max-memory", "100MiB"),
         codes=(1,), err=(E304, "running alexnet at batch 500000 (float32) needs about",
                          "above --max-memory 100.00 MiB"), rss_mb=100),
    Case("verify-vgg16-batch-64-default-limit", 5, ("verify", "vgg16", "--batch", "64"), codes=(1,),
         err=(E304, "above --max-memory 2.00 GiB", "weights 527.79 MiB"), rss_mb=100),
    Case("verify-vgg16-just-under-its-estimate", 5, ("verify", "vgg16", "--max-memory", "650MiB"), codes=(1,),
         err=(E304, "interpreter"), rss_mb=100),
    Case("verify-float64-doubles-the-weights", 5, ("verify", "vgg16", "--dtype", "float64", "--max-memory", "1GiB"),
         codes=(1,), err=(E304, "weights 1.03 GiB"), rss_mb=100),
    Case("verify-limit-below-the-interpreter", 5, (*V, "--max-memory", "1MiB"), codes=(1,),
         err=(E304, "above --max-memory 1.00 MiB", "interpreter"), rss_mb=100),
    Case("verify-limit-zero", 5, (*V, "--max-memory", "0"), codes=(1,), err=(E304, "above --max-memory 0 B")),
    Case("verify-limit-not-a-size", 5, (*V, "--max-memory", "lots"), codes=(2,), err=("error[E004]", "--max-memory")),
    Case("verify-limit-negative", 5, (*V, "--max-memory", "-5MiB"), codes=(2,), err=("error[E004]",)),
    Case("verify-sparse-4GB-input", 5, (*V, "--input", "x.npy"),
         files={"x.npy": header((1_000_000, *LENET_IN), size=128 + 4 * 1_000_000 * 1024)}, codes=(1,),
         err=(E304, "at batch 1000000"), rss_mb=100),
    Case("verify-sparse-4GB-input-with-a-high-limit", 5, (*V, "--input", "x.npy", "--max-memory", "1TiB"),
         files={"x.npy": header((1_000_000, *LENET_IN), size=128 + 4 * 1_000_000 * 1024)}, codes=(1,),
         err=(E304, "running lenet5 at batch 1000000 (float32) needs about", f"above the process's RLIMIT_AS limit "
              f"({HARD_AS / 2**30:.2f} GiB)"), rss_mb=100),
    Case("verify-one-image-broadcast-to-a-huge-batch", 5, (*V, "--input", "x.npy", "--batch", "50000000"),
         files={"x.npy": saved(lambda: np.zeros(LENET_IN, np.float32))}, codes=(1,),
         err=(E304, "at batch 50000000"), rss_mb=100),
    Case("verify-inflating-member-1MiB", 5, ("verify", "alexnet", "--weights", "w.npz", "--max-memory", "1MiB"),
         files={"w.npz": npz({"fc6.weight.npy": zeros_member((4096, 9216))})}, codes=(1,),
         err=(E304, "reading w.npz 288.00 MiB"), rss_mb=100),
    Case("verify-inflating-member-charged-in-its-dtype", 5,
         ("verify", "alexnet", "--weights", "w.npz", "--max-memory", "400MiB"),
         files={"w.npz": npz({"fc6.weight.npy": zeros_member((4096, 9216))})}, codes=(1,),
         err=(E304, "reading w.npz 288.00 MiB", "weights 232.56 MiB"), rss_mb=100),
    Case("verify-inflating-member-no-layer-needs", 5, (*V, "--weights", "w.npz", "--format", "json"),
         files={"w.npz": npz({"junk.npy": zeros_member((4096, 9216))})}, codes=(0,),
         out=("1 arrays of w.npz match no layer: junk",), rss_mb=100),
    Case("verify-member-shape-checked-before-its-data", 5, ("verify", "alexnet", "--weights", "w.npz"),
         files={"w.npz": npz({"fc6.weight.npy": zeros_member((4096, 9217))})}, codes=(2,),
         err=(E006, "'fc6.weight' has shape (4096, 9217), the layer needs (4096, 9216)"), rss_mb=100),
    Case("verify-huge-im2col", 5, ("verify", "big.yaml"),
         files={"big.yaml": "name: big\ninput: [3, 4096, 4096]\nlayers:\n"
                            "  - {type: conv2d, out_channels: 8, kernel_size: 11}\n"},
         codes=(1,), err=(E304, "activations"), rss_mb=100),
    Case("verify-huge-transposed-conv", 5, ("verify", "big.yaml"),
         files={"big.yaml": "name: big\ninput: [64, 512, 512]\nlayers:\n"
                            "  - {type: conv_transpose2d, out_channels: 64, kernel_size: 16, stride: 8}\n"},
         codes=(1,), err=(E304,), rss_mb=100),
    Case("verify-large-batch-refused", 5, (*V, "--batch", "100000", "--max-memory", "200MiB"), codes=(1,),
         err=(E304, "at batch 100000")),
    Case("verify-lenet-batch-within-its-limit", 5, (*V, "--batch", "512", "--max-memory", "120MiB"),
         codes=(0,), out=("batch 512",), rss_mb=120),
    Case("verify-resnet18-within-its-limit", 5, ("verify", "resnet18", "--max-memory", "130MiB", "--format", "json"),
         codes=(0,), out=('"ok": true',), rss_mb=130),
    Case("verify-mobilenet-batch-within-its-limit", 5,
         ("verify", "mobilenet_v2", "--batch", "2", "--max-memory", "150MiB", "--format", "json"),
         codes=(0,), out=('"ok": true', '"estimated_peak"'), rss_mb=150),
    Case("verify-input-and-weights-within-the-limit", 5,
         (*V, "--input", "x.npy", "--weights", "w.npz", "--max-memory", "80MiB", "--format", "json"),
         files={"x.npy": saved(lambda: np.ones((64, *LENET_IN), np.float64)), "w.npz": npz_of(lenet_weights())},
         codes=(0,), out=('"batch": 64', '"notes": []'), rss_mb=80),

    # -- class 8: malformed NumPy files are E006, naming the file, the member and the fix ---------
    Case("verify-input-object-array", 8, (*V, "--input", "x.npy"),
         files={"x.npy": saved(lambda: np.array([{"a": 1}, None], dtype=object), allow_pickle=True)},
         err=(E006, "x.npy holds Python objects", "never unpickles"), not_out=("allow_pickle",)),
    Case("verify-input-pickle-file", 8, (*V, "--input", "x.npy"), files={"x.npy": pickle.dumps([1.0, 2.0])},
         err=(E006, "x.npy is not a .npy array: it is a Python pickle", NPY_HINT), not_out=("allow_pickle",)),
    Case("verify-input-spec-yaml", 8, (*V, "--input", "spec.yaml"), files={"spec.yaml": SPEC},
         err=(E006, "spec.yaml is not a .npy array", NPY_HINT), not_out=("allow_pickle",)),
    Case("verify-input-npz", 8, (*V, "--input", "w.npz"), files={"w.npz": npz_of(lenet_weights())},
         err=(E006, "w.npz is not a .npy array: it is a zip archive", NPY_HINT)),
    Case("verify-input-empty-file", 8, (*V, "--input", "x.npy"), files={"x.npy": b""},
         err=(E006, "x.npy is not a .npy array: the file is empty")),
    Case("verify-input-strings", 8, (*V, "--input", "x.npy"), files={"x.npy": saved(lambda: np.array(["a", "bc"]))},
         err=(E006, "x.npy holds strings (<U2)")),
    Case("verify-input-bytes", 8, (*V, "--input", "x.npy"), files={"x.npy": header(LENET_IN, "|S4", bytes(4096))},
         err=(E006, "x.npy holds strings (|S4)")),
    Case("verify-input-void", 8, (*V, "--input", "x.npy"), files={"x.npy": header(LENET_IN, "|V4", bytes(4096))},
         err=(E006, "x.npy holds a structured or void dtype")),
    Case("verify-input-structured", 8, (*V, "--input", "x.npy"),
         files={"x.npy": saved(lambda: np.zeros(LENET_IN, dtype=[("a", "<f4"), ("b", "<i4")]))},
         err=(E006, "x.npy holds a structured or void dtype", "[('a', '<f4'), ('b', '<i4')]")),
    Case("verify-input-subarray-dtype", 8, (*V, "--input", "x.npy"),
         files={"x.npy": header((1, 32), ("<f4", (32,)), bytes(4096))}, err=(E006, "structured or void")),
    Case("verify-input-complex", 8, (*V, "--input", "x.npy"),
         files={"x.npy": saved(lambda: np.ones(LENET_IN, np.complex64))},
         err=(E006, "x.npy holds complex numbers (complex64)", "x.real.astype('float32')"),
         not_out=("ComplexWarning", ".py:")),
    Case("verify-input-datetime", 8, (*V, "--input", "x.npy"),
         files={"x.npy": header(LENET_IN, "<M8[s]", bytes(8192))}, err=(E006, "dates or time spans")),
    Case("verify-input-truncated", 8, (*V, "--input", "x.npy"),
         files={"x.npy": half_of(saved(lambda: np.zeros((2, *LENET_IN), np.float32)))},
         err=(E006, "x.npy is truncated or its header is wrong", "(8,192 bytes of data) but only 4,032 bytes")),
    Case("verify-input-cut-inside-the-magic", 8, (*V, "--input", "x.npy"), files={"x.npy": b"\x93NUMPY\x01"},
         err=(E006, "x.npy has a corrupt .npy header")),
    Case("verify-input-lying-header", 8, (*V, "--input", "x.npy"),
         files={"x.npy": header((1000, *LENET_IN), data=bytes(4096))},
         err=(E006, "the header promises shape (1000, 1, 32, 32) of float32 (4,096,000 bytes of data) but only "
                    "4,096 bytes follow it")),
    Case("verify-input-header-not-a-dict", 8, (*V, "--input", "x.npy"), files={"x.npy": raw_header("[1, 2, 3]\n")},
         err=(E006, "x.npy has a corrupt .npy header")),
    Case("verify-input-header-garbage", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32, 32),\n")},
         err=(E006, "corrupt .npy header")),
    Case("verify-input-header-code", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': __import__('os').system('touch pwned'), 'fortran_order': False, "
                                    "'shape': (1,)}\n")},
         err=(E006, "corrupt .npy header"), check=_nothing_ran),
    Case("verify-input-negative-shape", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 1, 32, 32), }\n")},
         err=(E006, "shape (-1, 1, 32, 32) has a negative size")),
    Case("verify-input-bad-descr", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': '<x9', 'fortran_order': False, 'shape': (1, 32, 32), }\n")},
         err=(E006, "corrupt .npy header")),
    Case("verify-input-huge-header", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32, 32), 'x': '"
                                    + "a" * 60000 + "'}\n")},
         err=(E006, "corrupt .npy header")),
    Case("verify-input-format-version-3", 8, (*V, "--input", "x.npy"),
         files={"x.npy": raw_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32, 32), }\n",
                                    b"\x03\x00") + bytes(4096)},
         err=(E006, "format version 3.0")),
    Case("verify-input-empty-batch", 8, (*V, "--input", "x.npy"),
         files={"x.npy": saved(lambda: np.zeros((0, *LENET_IN), np.float32))},
         err=(E006, "x.npy holds an empty batch: shape (0, 1, 32, 32)")),
    Case("verify-input-wrong-rank", 8, (*V, "--input", "x.npy"), files={"x.npy": saved(lambda: np.zeros((32, 32)))},
         err=(E006, "x.npy holds an array of shape (32, 32); the network takes (1, 32, 32) or (N, 1, 32, 32)")),
    Case("verify-input-wrong-channels", 8, (*V, "--input", "x.npy"),
         files={"x.npy": saved(lambda: np.zeros((2, 3, 32, 32), np.float32))},
         err=(E006, "x.npy holds an array of shape (2, 3, 32, 32)")),
    Case("verify-input-directory", 8, (*V, "--input", "d.npy"), files={"d.npy/keep": ""},
         err=(E006, "d.npy is a directory")),
    Case("verify-input-fifo-never-blocks", 8, (*V, "--input", "x.npy"), files={"x.npy": os.mkfifo},
         err=(E006, "x.npy is a FIFO (named pipe), not an input file")),
    Case("verify-input-symlink-to-dev-zero", 8, (*V, "--input", "x.npy"),
         files={"x.npy": lambda p: os.symlink("/dev/zero", p)},
         err=(E006, "x.npy is a character device, not an input file")),
    Case("verify-weights-fifo-never-blocks", 8, (*V, "--weights", "w.npz"), files={"w.npz": os.mkfifo},
         err=(E006, "w.npz is a FIFO (named pipe), not a weights file")),
    Case("verify-weights-dev-zero", 8, (*V, "--weights", "/dev/zero"),
         err=(E006, "/dev/zero is a character device, not a weights file")),
    Case("verify-input-missing", 8, (*V, "--input", "nope.npy"), err=("error[E001]", "no such input file: nope.npy")),
    Case("verify-input-nan-is-a-note", 8, (*V, "--input", "x.npy", "--format", "json"),
         files={"x.npy": saved(lambda: np.where(np.arange(1024).reshape(LENET_IN) % 2, np.nan, np.inf))},
         codes=(0,), out=("1,024 of the 1,024 input values of x.npy are NaN or infinite",),
         not_out=("RuntimeWarning", "invalid value")),
    Case("verify-input-overflowing-cast-is-a-note", 8, (*V, "--input", "x.npy", "--format", "json"),
         files={"x.npy": saved(lambda: np.full(LENET_IN, 1e300))}, codes=(0,),
         out=("1,024 of the 1,024 input values of x.npy are NaN or infinite (as float32)",),
         not_out=("RuntimeWarning", "overflow")),
    Case("verify-input-big-endian-fortran-uint16", 8, (*V, "--input", "x.npy", "--format", "json"),
         files={"x.npy": saved(lambda: np.asfortranarray(np.arange(2048, dtype=">u2").reshape(2, 1, 32, 32)))},
         codes=(0,), out=('"ok": true', '"batch": 2', '"notes": []')),
    Case("verify-weights-npy-not-npz", 8, (*V, "--weights", "w.npy"),
         files={"w.npy": saved(lambda: np.zeros(C1, np.float32))},
         err=(E006, "w.npy is a single .npy array; --weights takes an .npz archive", "numpy.savez")),
    Case("verify-weights-text", 8, (*V, "--weights", "w.npz"), files={"w.npz": SPEC},
         err=(E006, "w.npz is not an .npz archive: it is text")),
    Case("verify-weights-empty-file", 8, (*V, "--weights", "w.npz"), files={"w.npz": b""},
         err=(E006, "w.npz is not an .npz archive: it is empty")),
    Case("verify-weights-truncated-zip", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": half_of(npz_of(lenet_weights()))},
         err=(E006, "w.npz is not an .npz archive: it starts like a zip archive but has no central directory")),
    Case("verify-weights-corrupt-member", 8, (*V, "--weights", "w.npz"), files={"w.npz": corrupt_member},
         err=(E006, "w.npz, member 'c1.weight.npy'")),
    Case("verify-weights-unknown-compression", 8, (*V, "--weights", "w.npz"), files={"w.npz": patched_method},
         err=(E006, "w.npz, member 'c1.weight.npy'")),
    Case("verify-weights-object-member", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.array([None] * 150, dtype=object))})},
         err=(E006, "w.npz, member 'c1.weight.npy' holds Python objects"), not_out=("allow_pickle",)),
    Case("verify-weights-complex-member", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.ones(C1, np.complex128))})},
         err=(E006, "member 'c1.weight.npy' holds complex numbers (complex128)"), not_out=("ComplexWarning", ".py:")),
    Case("verify-weights-string-member", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.full(C1, "w"))})},
         err=(E006, "member 'c1.weight.npy' holds strings")),
    Case("verify-weights-member-not-npy", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": b"just some bytes, not an array"})},
         err=(E006, "w.npz, member 'c1.weight.npy' is not a .npy array: it is text")),
    Case("verify-weights-lying-member-header", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.zeros(C1, np.float32))[:128 + 40]})},
         err=(E006, "member 'c1.weight.npy' is truncated or its header is wrong", "(600 bytes of data) but only 40")),
    Case("verify-weights-wrong-shape", 8, (*V, "--weights", "w.npz"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.zeros((6, 1, 3, 3), np.float32))})},
         err=(E006, "'c1.weight' has shape (6, 1, 3, 3), the layer needs (6, 1, 5, 5)")),
    Case("verify-weights-duplicate-member", 8, (*V, "--weights", "w.npz"), files={"w.npz": duplicate_members},
         err=(E006, "w.npz holds two arrays named 'c1.weight'")),
    Case("verify-weights-directory", 8, (*V, "--weights", "w.npz"), files={"w.npz/keep": ""},
         err=(E006, "w.npz is a directory")),
    Case("verify-weights-missing", 8, (*V, "--weights", "nope.npz"), err=("error[E001]", "no such weights file")),
    Case("verify-weights-inf-is-a-note", 8, (*V, "--weights", "w.npz", "--format", "json"),
         files={"w.npz": npz({"c1.weight.npy": npy_bytes(np.full(C1, np.inf, np.float32))})}, codes=(0,),
         out=("150 weights of w.npz are NaN or infinite (c1.weight)",), not_out=("RuntimeWarning",)),
    Case("verify-weights-float64-bzip2-lzma", 8, (*V, "--weights", "w.npz", "--format", "json"),
         files={"w.npz": lambda p: (npz({"c1.weight.npy": npy_bytes(np.ones(C1))}, zipfile.ZIP_BZIP2)(p),
                                    _append(p, "c3.weight.npy", npy_bytes(np.ones((16, 6, 5, 5))), zipfile.ZIP_LZMA))},
         codes=(0,), out=('"ok": true', "8 arrays not in w.npz were initialised")),

    # -- class 9: sizes beyond int64 are refused by the exact estimate -----------------------------
    Case("verify-30-upsamples", 9, ("verify", "up.yaml"), files={"up.yaml": upsample_chain(30, 2)}, codes=(1,),
         check=_mentions("error[E304]", "error[E303]")),
    Case("verify-upsample-by-2-to-the-40", 9, ("verify", "up.yaml"), files={"up.yaml": upsample_chain(2, 2**40)},
         codes=(1,), check=_mentions("error[E304]", "error[E303]")),
    Case("verify-batch-10-to-the-400", 9, (*V, "--batch", "1" + "0" * 400), codes=(1,),
         err=(E304, "needs about more than 2^")),
    Case("verify-input-shape-2-to-the-40", 9, (*V, "--input", f"1x{2**40}x{2**40}"), codes=(1, 2),
         check=_mentions("error[E304]", "error[E303]", "error[E201]", "error[E004]")),
    Case("verify-header-shape-beyond-int64", 9, (*V, "--input", "x.npy"),
         files={"x.npy": header((2**70, *LENET_IN), data=bytes(64))},
         err=(E006, "the header promises shape (1180591620717411303424, 1, 32, 32)")),
    Case("verify-seed-negative", 9, (*V, "--seed", "-1"), err=("error[E004]", "--seed -1")),
    Case("verify-seed-huge", 9, (*V, "--seed", str(2**200), "--format", "json"), codes=(0,), out=('"ok": true',)),

    # -- class 11: interrupted or cut-off runs end cleanly ------------------------------------------
    Case("verify-interrupted-while-drawing-weights", 11, ("verify", "vgg16"), interrupt_after=1.0, codes=(130,),
         err=("interrupted",), rss_mb=800),
    Case("verify-json-into-head", 11, (*V, "--format", "json"), head=True, codes=(0, 141), out=("{",)),
    Case("verify-stdout-closed", 11, V, close_stdout=True, codes=(0, 2)),
    Case("verify-error-with-stderr-closed", 11, (*V, "--input", "x.npy"), files={"x.npy": b"junk"},
         close_stderr=True, codes=(2,)),
]


def _append(path, name, data, compression):
    with zipfile.ZipFile(path, "a", compression=compression) as z:
        z.writestr(name, data)
