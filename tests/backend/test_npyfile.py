""".npy and .npz files read header first (cnncalc/backend/npyfile.py): the plan reads no data,
the data read equals what numpy.load gives, and what the plan charges is what reading holds."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from cnncalc.backend import npyfile
from cnncalc.errors import CnnError

SHAPE = (3, 8, 8)


@pytest.fixture
def no_data_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("data read while planning")

    monkeypatch.setattr(npyfile, "_read_data", refuse)


@pytest.mark.parametrize("make", [
    lambda: np.random.default_rng(0).standard_normal((4, *SHAPE)),  # float64, converted
    lambda: np.asfortranarray(np.random.default_rng(1).standard_normal((2, *SHAPE)).astype(">f4")),
    lambda: np.arange(2 * 192, dtype=np.uint8).reshape(2, *SHAPE),
    lambda: np.random.default_rng(2).standard_normal((5, *SHAPE)).astype(np.float32),  # used as it is
])
def test_the_input_read_equals_numpy_load(tmp_path, make):
    a = make()
    np.save(tmp_path / "x.npy", a)
    plan = npyfile.input_plan(str(tmp_path / "x.npy"), SHAPE, batch=99)
    assert plan.batch == a.shape[0] and not plan.broadcast
    x, bad = npyfile.load_input(plan, "float32")
    assert x.dtype == np.float32 and x.flags.c_contiguous and bad == 0
    np.testing.assert_array_equal(x, np.load(tmp_path / "x.npy").astype(np.float32))
    as_is = a.dtype == np.float32 and a.flags.c_contiguous
    assert plan.load_bytes("float32") == (0 if as_is else a.nbytes)


def test_one_image_is_repeated_batch_times(tmp_path):
    one = np.random.default_rng(0).standard_normal(SHAPE)
    np.save(tmp_path / "x.npy", one)
    plan = npyfile.input_plan(str(tmp_path / "x.npy"), SHAPE, batch=3)
    assert (plan.batch, plan.broadcast) == (3, True)
    x, _ = npyfile.load_input(plan, "float64")
    assert x.shape == (3, *SHAPE)
    np.testing.assert_array_equal(x[2], one)


def test_nan_and_inf_are_counted(tmp_path):
    a = np.zeros((2, *SHAPE), np.float32)
    a[0, 0, 0, :3] = [np.nan, np.inf, -np.inf]
    np.save(tmp_path / "x.npy", a)
    _, bad = npyfile.load_input(npyfile.input_plan(str(tmp_path / "x.npy"), SHAPE, 1), "float32")
    assert bad == 3
    assert npyfile.count_nonfinite(np.full(10, 3e38, np.float32)) == 0  # the sum overflows, no value does


def test_planning_reads_only_headers(tmp_path, no_data_read):
    np.save(tmp_path / "x.npy", np.zeros((2, *SHAPE)))
    np.savez(tmp_path / "w.npz", **{"conv.weight": np.zeros((4, 3, 3, 3)), "other": np.zeros(7)})
    plan = npyfile.input_plan(str(tmp_path / "x.npy"), SHAPE, 1)
    assert plan.header.shape == (2, *SHAPE) and plan.header.dtype == np.float64
    w = npyfile.weights_plan(str(tmp_path / "w.npz"), {"conv.weight": (4, 3, 3, 3), "conv.bias": (4,)})
    assert list(w.members) == ["conv.weight"] and w.missing == ["conv.bias"] and w.unused == ["other"]
    assert w.load_bytes("float32") == 4 * 27 * 8 and w.load_bytes("float64") == 0


def test_members_read_equal_numpy_load(tmp_path):
    arrays = {"a.weight": np.random.default_rng(0).standard_normal((5, 4)),
              "b.weight": np.asfortranarray(np.arange(12, dtype=">i4").reshape(3, 4))}
    np.savez_compressed(tmp_path / "w.npz", **arrays)
    plan = npyfile.weights_plan(str(tmp_path / "w.npz"), {k: v.shape for k, v in arrays.items()})
    got = {k: (a, bad) for k, a, bad in npyfile.load_members(plan, "float32")}
    for key, value in arrays.items():
        assert got[key][0].dtype == np.float32 and got[key][1] == 0
        np.testing.assert_array_equal(got[key][0], value.astype(np.float32))


def test_a_member_larger_than_its_zip_entry_is_refused_from_the_header(tmp_path, no_data_read):
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as z, z.open("big.weight.npy", "w") as m:
        np.lib.format.write_array_header_1_0(m, {"shape": (1000, 1000), "fortran_order": False, "descr": "<f8"})
        m.write(bytes(100))
    with pytest.raises(CnnError) as e:
        npyfile.weights_plan(str(tmp_path / "w.npz"), {"big.weight": (1000, 1000)})
    d = e.value.diagnostics[0]
    assert d.code == "E006"
    assert d.message == ("w.npz, member 'big.weight.npy' is truncated or its header is wrong: the header promises "
                         "shape (1000, 1000) of float64 (8,000,000 bytes of data) but only 100 bytes follow it"
                         ).replace("w.npz", str(tmp_path / "w.npz"))


def test_a_zip_listing_too_many_members_is_refused_before_zipfile_reads_them(tmp_path, monkeypatch):
    monkeypatch.setattr(npyfile, "MIN_MEMBER_LIMIT", 10)
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as z:
        for i in range(40):  # 16 per needed array are allowed: one array, so 16
            z.writestr(f"junk{i}.npy", b"")
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed")))
    with pytest.raises(CnnError) as e:
        npyfile.weights_plan(str(tmp_path / "w.npz"), {"conv.weight": (4, 3, 3, 3)})
    assert e.value.diagnostics[0].code == "E006"
    assert e.value.diagnostics[0].message.endswith("w.npz lists 40 members; the network has 1 array")
