"""Real checkpoints for `verify --weights`: .safetensors written by the safetensors package and
.pth written by torch.save, their values run and compared with torch's own forward pass."""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import cnncalc
from cnncalc.backend import runner

SPEC = textwrap.dedent("""\
    name: small
    input: [3, 16, 16]
    layers:
      - {type: conv2d, name: conv1, out_channels: 8, kernel_size: 3, padding: 1}
      - {type: batchnorm2d, name: bn1}
      - {type: relu}
      - {type: maxpool2d, kernel_size: 2}
      - {type: flatten}
      - {type: linear, name: fc, out_features: 10}
    """)


def _model(torch):
    """The torch twin of SPEC (module names = the spec's layer names), with non-trivial BN statistics."""
    nn = torch.nn
    torch.manual_seed(0)
    m = nn.Sequential()
    for name, mod in [("conv1", nn.Conv2d(3, 8, 3, padding=1)), ("bn1", nn.BatchNorm2d(8)), ("r", nn.ReLU()),
                      ("p", nn.MaxPool2d(2)), ("f", nn.Flatten()), ("fc", nn.Linear(8 * 8 * 8, 10))]:
        m.add_module(name, mod)
    with torch.no_grad():
        m.bn1.running_mean.uniform_(-1, 1)
        m.bn1.running_var.uniform_(0.5, 2)
        m.bn1.weight.uniform_(0.5, 1.5)
    return m.eval()


@pytest.fixture
def files(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    m = _model(torch)
    sd = m.state_dict()
    (tmp_path / "spec.yaml").write_text(SPEC)
    torch.save(sd, tmp_path / "w.pth")
    torch.save({"epoch": 3, "state_dict": sd}, tmp_path / "ckpt.pt")
    st.save_file(sd, str(tmp_path / "w.safetensors"))
    st.save_file({k: v.to(torch.bfloat16) for k, v in sd.items() if v.is_floating_point()},
                 str(tmp_path / "bf16.safetensors"))
    return tmp_path, m, torch


@pytest.mark.parametrize("name", ["w.safetensors", "w.pth", "ckpt.pt"])
def test_real_checkpoint_runs_as_torch_does(files, name):
    tmp, m, torch = files
    a = cnncalc.summarize(str(tmp / "spec.yaml"))
    plan = runner.weights_plan(str(tmp / name), a)
    assert plan.missing == [] and plan.unused == []  # num_batches_tracked accepted silently
    w, missing, unused, bad = runner.load_weights(plan, a, "float32")
    x = np.random.default_rng(1).standard_normal((2, 3, 16, 16)).astype("float32")
    out = runner.run(a, x, w, batch=2).output
    with torch.no_grad():
        want = m(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def test_bf16_safetensors_widened_exactly(files):
    tmp, m, torch = files
    a = cnncalc.summarize(str(tmp / "spec.yaml"))
    plan = runner.weights_plan(str(tmp / "bf16.safetensors"), a)
    w, *_ = runner.load_weights(plan, a, "float32")
    want = m.conv1.weight.detach().to(torch.bfloat16).float().numpy()
    assert np.array_equal(w["conv1"]["weight"], want)
    assert plan.load_bytes("float32") == max(t.numel() * 2 for t in m.state_dict().values()
                                             if t.is_floating_point())


def test_plan_sizes_before_data(files):
    tmp, m, _ = files
    a = cnncalc.summarize(str(tmp / "spec.yaml"))
    st = runner.weights_plan(str(tmp / "w.safetensors"), a)
    assert {k: h.shape for k, (_, h) in st.members.items()} == {k: tuple(v.shape) for k, v in m.state_dict().items()
                                                                 if not k.endswith("num_batches_tracked")}
    assert st.load_bytes("float32") == 0  # every tensor already float32: read in place
    assert st.load_bytes("float64") == 10 * 512 * 4  # fc.weight, read as float32 before widening
    pth = runner.weights_plan(str(tmp / "w.pth"), a)
    assert pth.load_bytes("float32") == 10 * 512 * 4


def _corrupt(tmp, name, data):
    p = tmp / name
    p.write_bytes(data)
    return str(p)


def _st(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


_CONV = b'{"conv1.weight":{"dtype":"%s","shape":[8,3,3,3],"data_offsets":[0,%d]}}'


@pytest.mark.parametrize("data, words", [
    (struct.pack("<Q", 10**12) + b"{}", "header length is 1,000,000,000,000 bytes"),
    (b"abc", "shorter than the 8-byte header length"),
    (_st(b"{nope"), "corrupt .safetensors header"),
    (_st(b"[1, 2]"), "it is not a JSON object"),
    (_st(_CONV % (b"F32", 864), bytes(100)), "lies past the end of the file: its data ends at byte 945"),
    (_st(_CONV % (b"F32", 8), bytes(8)), "data_offsets span 8 bytes"),
    (_st(_CONV % (b"C64", 8), bytes(8)), "has dtype 'C64'"),
])
def test_corrupt_safetensors_is_e006(cli, tmp_path, data, words):
    (tmp_path / "spec.yaml").write_text(SPEC)
    path = _corrupt(tmp_path, "bad.safetensors", data)
    for command in ("verify", "validate"):
        res = cli(command, str(tmp_path / "spec.yaml"), "--weights", path)
        assert res.code == 2, res.err
        assert "error[E006]" in res.err and words in res.err and path in res.err
        assert "Traceback" not in res.err + res.out


def test_pickle_with_code_is_refused(cli, tmp_path):
    """weights_only=True: a .pth whose pickle would run code is an E006, and the code never runs."""
    torch = pytest.importorskip("torch")
    (tmp_path / "spec.yaml").write_text(SPEC)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    torch.save({"conv1.weight": Evil()}, tmp_path / "evil.pth")
    res = cli("verify", str(tmp_path / "spec.yaml"), "--weights", str(tmp_path / "evil.pth"))
    assert res.code == 2 and "error[E006]" in res.err and "Traceback" not in res.err
    assert "its pickle holds more than tensors" in res.err and "weights_only` set to `False`" not in res.err
    assert not marker.exists()
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    res = cli("validate", str(tmp_path / "spec.yaml"), "--weights", str(tmp_path / "junk.pt"))
    assert res.code == 2 and "it is not a file written by torch.save" in res.err


def test_missing_torch_is_e009(cli, tmp_path, monkeypatch):
    (tmp_path / "spec.yaml").write_text(SPEC)
    (tmp_path / "w.pth").write_bytes(b"PK\x03\x04 anything")
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    res = cli("verify", str(tmp_path / "spec.yaml"), "--weights", str(tmp_path / "w.pth"))
    assert res.code == 2 and "error[E009]" in res.err and "pip install torch" in res.err


def test_summarize_imports_no_checkpoint_packages():
    code = ("import sys; from cnncalc.cli import main; sys.argv = ['cnncalc', 'summarize', 'alexnet'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'safetensors', 'onnx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_memory_charged_before_any_tensor_is_copied(cli, files, monkeypatch):
    """The plan (headers, or torch's memory-mapped tensors) is refused by --max-memory before load_members runs."""
    tmp, _, _ = files
    from cnncalc.backend import safetensors_file, torch_file

    def never(*a, **k):
        raise AssertionError("data read before the memory check")

    monkeypatch.setattr(safetensors_file, "load_members", never)
    monkeypatch.setattr(torch_file, "load_members", never)
    for name in ("w.safetensors", "w.pth"):
        res = cli("verify", str(tmp / "spec.yaml"), "--weights", str(tmp / name), "--max-memory", "1MiB")
        assert res.code != 0 and "error[E304]" in res.err, res.err


@pytest.mark.parametrize("suffix", ["safetensors", "pth"])
def test_verify_refuses_a_tensor_of_another_shape(cli, files, suffix):
    # verify runs the spec as written: a checkpoint tensor of another shape is E006 naming it (validate lists all)
    tmp, m, torch = files
    sd = dict(m.state_dict())
    sd["fc.weight"] = torch.zeros(3, 3)
    path = tmp / f"wrong.{suffix}"
    if suffix == "pth":
        torch.save(sd, path)
    else:
        pytest.importorskip("safetensors.torch").save_file(sd, str(path))
    res = cli("verify", str(tmp / "spec.yaml"), "--weights", str(path))
    assert res.code == 2
    assert f"error[E006]: {path}: 'fc.weight' has shape (3, 3), the layer needs" in res.err
