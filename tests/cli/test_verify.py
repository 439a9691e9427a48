"""`cnncalc verify` from the command line: real weights and inputs, the memory guard, JSON."""

from __future__ import annotations

import json

import numpy as np

import cnncalc
from cnncalc.backend.runner import estimate_peak_bytes, init_weights


def test_verify_passes_and_reports_every_layer(cli):
    res = cli("verify", "lenet5", "--format", "json")
    assert res.code == 0
    data = json.loads(res.out)
    assert data["ok"] is True
    assert [layer["name"] for layer in data["layers"]][:3] == ["c1", "c1_tanh", "s2"]
    c1 = data["layers"][0]
    assert c1["inferred_shape"] == c1["actual_shape"] == [6, 28, 28]
    assert c1["params_counted"] == c1["weights_allocated"] == 156


def test_real_weights_and_input_files(cli, tmp_path):
    a = cnncalc.summarize("lenet5")
    weights = init_weights(a, seed=7)
    np.savez(tmp_path / "w.npz", **{f"{layer}.{name}": arr for layer, arrays in weights.items()
                                   for name, arr in arrays.items()})
    x = np.random.default_rng(3).standard_normal((2, 1, 32, 32)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    res = cli("verify", "lenet5", "--weights", str(tmp_path / "w.npz"), "--input", str(tmp_path / "x.npy"),
              "--format", "json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data["batch"] == 2 and data["notes"] == []
    expected = cnncalc.run(a, x, weights).output
    ours = cnncalc.run(a, x, init_weights(a, seed=7)).output
    np.testing.assert_array_equal(ours, expected)


def test_missing_arrays_are_initialised_and_listed(cli, tmp_path):
    np.savez(tmp_path / "w.npz", **{"c1.weight": np.zeros((6, 1, 5, 5), "float32"),
                                    "nope.weight": np.zeros(3, "float32")})
    data = json.loads(cli("verify", "lenet5", "--weights", str(tmp_path / "w.npz"), "--format", "json").out)
    assert data["ok"]
    assert data["notes"][0].startswith("9 arrays not in")
    assert data["notes"][1].endswith("match no layer: nope.weight")


def test_wrong_weight_shape_is_unusable_input(cli, tmp_path):
    np.savez(tmp_path / "w.npz", **{"c1.weight": np.zeros((6, 1, 3, 3), "float32")})
    res = cli("verify", "lenet5", "--weights", str(tmp_path / "w.npz"))
    assert res.code == 2
    assert "'c1.weight' has shape (6, 1, 3, 3), the layer needs (6, 1, 5, 5)" in res.err


def test_memory_guard_refuses_before_allocating(cli):
    res = cli("verify", "vgg16", "--batch", "64")
    assert res.code == 1
    assert "error[E304]: running vgg16 at batch 64 (float32) needs about" in res.err
    assert estimate_peak_bytes(cnncalc.summarize("vgg16"), 64) > 2 * 2**30


def test_float64(cli):
    data = json.loads(cli("verify", "alexnet_torchvision", "--input", "3x64x64", "--dtype", "float64",
                          "--format", "json").out)
    assert data["ok"] and data["dtype"] == "float64"


def test_every_bundled_model_runs_under_the_default_memory_limit():
    # the limit `verify` applies without --max-memory (2 GiB); the largest is U-Net at 572×572
    from cnncalc.zoo import bundled_names

    over = {name: estimate_peak_bytes(cnncalc.summarize(name), 1) for name in bundled_names()}
    assert {name: b for name, b in over.items() if b > 2 * 2**30} == {}


def test_verify_runs_the_modern_zoo(cli):
    # one of each new family end to end (the oracle suite compares every model with torchvision)
    for name in ("mobilenet_v3_small", "squeezenet1_1", "shufflenet_v2_x0_5"):
        data = json.loads(cli("verify", name, "--format", "json").out)
        assert data["ok"], name
        assert sum(layer["weights_allocated"] for layer in data["layers"]) == \
            cnncalc.summarize(name).totals.params, name


def test_refused_before_any_weight_exists(cli, monkeypatch):
    from cnncalc.backend import runner

    def no(*args, **kwargs):
        raise AssertionError("allocated before the memory check")

    monkeypatch.setattr(runner, "init_weights", no)
    monkeypatch.setattr(runner, "run", no)
    res = cli("verify", "alexnet", "--batch", "500000", "--max-memory", "100MiB")
    assert res.code == 1
    assert "error[E304]: running alexnet at batch 500000 (float32) needs about" in res.err
    assert "above --max-memory 100.00 MiB (weights 232.56 MiB, activations" in res.err


def test_an_input_file_is_charged_before_it_is_read(cli, tmp_path, monkeypatch):
    from cnncalc.backend import npyfile

    with open(tmp_path / "x.npy", "wb") as f:  # 4 GB of float32 images in a sparse file
        np.lib.format.write_array_header_1_0(f, {"shape": (1_000_000, 1, 32, 32), "fortran_order": False,
                                                 "descr": "<f4"})
        f.truncate(128 + 4 * 1_000_000 * 1024)
    monkeypatch.setattr(npyfile, "_read_data", lambda *a: (_ for _ in ()).throw(AssertionError("read")))
    res = cli("verify", "lenet5", "--input", str(tmp_path / "x.npy"))
    assert res.code == 1
    assert "error[E304]: running lenet5 at batch 1000000 (float32)" in res.err


def test_a_yaml_file_as_input_says_what_input_takes(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text("name: x\ninput: [1, 32, 32]\nlayers: [relu]\n")
    res = cli("verify", "lenet5", "--input", str(tmp_path / "spec.yaml"))
    assert res.code == 2
    assert "error[E006]:" in res.err and "spec.yaml is not a .npy array" in res.err
    assert "--input takes a shape like 1x32x32 or a .npy file" in res.err
    assert "allow_pickle" not in res.err


def test_json_reports_the_parts_of_the_estimate(cli):
    data = json.loads(cli("verify", "resnet18", "--format", "json").out)
    parts = data["estimated_peak"]
    a = cnncalc.summarize("resnet18")
    assert parts["weight_bytes"] == a.totals.params * 4
    assert parts["total_bytes"] == data["estimated_peak_bytes"] == \
        parts["interpreter_bytes"] + parts["weight_bytes"] + max(parts["activation_bytes"], parts["loading_bytes"])


def test_float64_weights_file_is_charged_in_its_own_dtype(cli, tmp_path):
    a = cnncalc.summarize("lenet5")
    weights = init_weights(a, seed=1, dtype="float64")
    np.savez(tmp_path / "w.npz", **{f"{layer}.{name}": arr for layer, arrays in weights.items()
                                   for name, arr in arrays.items()})
    data = json.loads(cli("verify", "lenet5", "--weights", str(tmp_path / "w.npz"), "--format", "json").out)
    assert data["ok"] and data["notes"] == []
    assert data["estimated_peak"]["loading_bytes"] == 120 * 400 * 8  # c5.weight, the largest, read as float64
