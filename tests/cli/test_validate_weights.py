"""`cnncalc validate SPEC --weights FILE`: a design against a real checkpoint, tensor by tensor."""

from __future__ import annotations

import json
import sys
import types

import pytest

from tests.backend.test_checkpoints import SPEC, _model

# SPEC's layer lines: conv1 at 4:5, bn1 at 5:5, fc at 9:5 (YAML flow mappings start at column 5)
CONV1, BN1, FC = "spec.yaml:4:5", "spec.yaml:5:5", "spec.yaml:9:5"


@pytest.fixture
def tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(SPEC)
    return tmp_path


def _save(torch, sd, name):
    from safetensors.torch import save_file

    if name.endswith(".safetensors"):
        save_file({k: v.contiguous() for k, v in sd.items()}, name)
    else:
        torch.save(sd, name)


@pytest.mark.parametrize("name", ["w.safetensors", "w.pth"])
def test_matching_checkpoint(cli, tmp, name):
    torch = pytest.importorskip("torch")
    pytest.importorskip("safetensors")
    sd = _model(torch).state_dict()
    _save(torch, sd, name)
    res = cli("validate", "spec.yaml", "--weights", name)
    assert res.code == 0, res.err
    n = sum(1 for k in sd if not k.endswith("num_batches_tracked"))  # 8: BN's counter is accepted, not counted
    params = sum(v.numel() for k, v in sd.items() if not k.endswith("num_batches_tracked"))
    assert f"weights match: {n} tensors, {params:,} params ({name})" in res.out
    res = cli("validate", "spec.yaml", "--weights", name, "--format", "json")
    data = json.loads(res.out)
    assert data["ok"] is True and data["weights"] == {"file": name, "match": True, "tensors": n, "params": params}


@pytest.mark.parametrize("name", ["bad.safetensors", "bad.pth"])
def test_wrong_checkpoint_tensor_by_tensor(cli, tmp, name):
    torch = pytest.importorskip("torch")
    pytest.importorskip("safetensors")
    sd = _model(torch).state_dict()
    del sd["conv1.bias"]                    # dropped
    sd["fc1.weight"] = sd.pop("fc.weight")  # renamed
    sd["bn1.weight"] = torch.ones(16)       # wrong shape
    sd["head.weight"] = torch.zeros(3, 3)   # extra
    _save(torch, sd, name)
    res = cli("validate", "spec.yaml", "--weights", name)
    assert res.code == 1 and "Traceback" not in res.err
    lines = [line for line in res.err.splitlines() if "error[E208]" in line]
    assert len(lines) == 5
    assert f"{CONV1}: error[E208]: {name} has no tensor 'conv1.bias': layer 'conv1' defines it with shape (8,)" in lines
    assert f"{BN1}: error[E208]: 'bn1.weight' in {name} has shape (16,); layer 'bn1' defines (8,)" in lines
    assert f"{FC}: error[E208]: {name} has no tensor 'fc.weight': layer 'fc' defines it with shape (10, 512)" in lines
    assert (f"{FC}: error[E208]: {name} has tensor 'fc1.weight' of shape (10, 512) that no layer defines"
            in lines)
    assert f"spec.yaml:1:1: error[E208]: {name} has tensor 'head.weight' of shape (3, 3) that no layer defines" in lines
    assert "axis 0: 8 in the spec, 16 in the file" in res.err
    assert "did you mean 'fc1.weight'?" in res.err and "did you mean 'fc.weight'?" in res.err
    data = json.loads(cli("validate", "spec.yaml", "--weights", name, "--format", "json").out)
    assert data["ok"] is False and data["weights"]["match"] is False
    where = sorted((e["line"], e["column"], e["message"].split("'")[1]) for e in data["errors"])
    assert where == [(1, 1, "head.weight"), (4, 5, "conv1.bias"), (5, 5, "bn1.weight"), (9, 5, "fc.weight"),
                     (9, 5, "fc1.weight")]


def test_torchvision_resnet18_checkpoint_matches_the_bundled_spec(cli, tmp_path):
    """torchvision's own state_dict names and shapes (random init, nothing downloaded)."""
    torch = pytest.importorskip("torch")
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    torchvision = pytest.importorskip("torchvision")
    sd = torchvision.models.resnet18().state_dict()
    torch.save(sd, tmp_path / "r18.pth")
    res = cli("validate", "resnet18", "--weights", str(tmp_path / "r18.pth"))
    assert res.code == 0, res.err
    params = sum(v.numel() for k, v in sd.items() if not k.endswith("num_batches_tracked"))
    assert f"weights match: 102 tensors, {params:,} params" in res.out
    assert len(sd) == 122  # the 20 BatchNorm counters accepted


def test_npz_checkpoint_too(cli, tmp):
    import numpy as np

    np.savez("w.npz", **{"conv1.weight": np.zeros((8, 3, 3, 3), "float32"), "fc.weight": np.zeros((10, 5), "f4")})
    res = cli("validate", "spec.yaml", "--weights", "w.npz")
    assert res.code == 1
    assert f"{FC}: error[E208]: 'fc.weight' in w.npz has shape (10, 5); layer 'fc' defines (10, 512)" in res.err
    assert f"{CONV1}: error[E208]: w.npz has no tensor 'conv1.bias'" in res.err
