"""cnncalc import --torch: torchvision models traced by torch.fx on meta tensors equal torchvision.

Each import is checked by tests/oracle/torchvision_oracle.compare: every state_dict entry is a
weight of the spec under the same name and shape, the trainable/non-trainable counts are
torchvision's parameters/buffers, the MACs are PyTorch's FlopCounterMode total / 2 and the
output shape is torchvision's forward on the meta device.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
from tests.oracle import torchvision_oracle as oracle  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "squeezenet1_0", "densenet121", "vgg11_bn",
          "alexnet", "efficientnet_b0", "resnext50_32x4d"]


@pytest.fixture
def factories(monkeypatch):
    oracle.torchvision()
    monkeypatch.syspath_prepend(str(FIXTURES))


def _import(cli, tmp_path, ref, *extra):
    out = tmp_path / "m.yaml"
    res = cli("import", "--torch", ref, *extra, "-o", str(out))
    return res, out


@pytest.mark.parametrize("name", MODELS)
def test_traced_torchvision_model_equals_torchvision(cli, tmp_path, factories, name):
    import cnncalc

    res, out = _import(cli, tmp_path, f"tv_factories:{name}")
    assert res.code == 0, res.err
    a = cnncalc.summarize(str(out))
    assert a.ok, a.errors
    oracle.compare(a, name)


def test_default_input_is_said_in_the_spec_and_input_is_taken(cli, tmp_path, factories):
    import cnncalc

    res, out = _import(cli, tmp_path, "tv_factories:resnet18")
    assert "input 3x224x224 (the default" in out.read_text()
    res, out = _import(cli, tmp_path, "tv_factories:resnet18", "--input", "3x160x160")
    assert res.code == 0, res.err
    a = cnncalc.summarize(str(out))
    assert a.input_shape == (3, 160, 160) and "the default" not in out.read_text()
    assert a.totals.macs == oracle.macs(oracle.build("resnet18"), (3, 160, 160))


def test_data_dependent_control_flow_is_e007_naming_the_model(cli, tmp_path, factories):
    res, _ = _import(cli, tmp_path, "tv_factories:data_dependent")
    assert res.code != 0 and "E007" in res.err and "DataDependent" in res.err and "Traceback" not in res.err


def test_bad_refs_are_e004_naming_torch(cli, tmp_path, factories):
    for ref, words in [("no_colon", "package.module:factory"), ("no_such_module_xyz:f", "ModuleNotFoundError"),
                       ("tv_factories:broken", "broken on purpose")]:
        res, _ = _import(cli, tmp_path, ref)
        assert res.code != 0 and "E004" in res.err and "--torch" in res.err and words in res.err, res.err
        assert "Traceback" not in res.err


def test_an_unmapped_module_is_e007_naming_node_target_and_path(cli, tmp_path, factories):
    res, _ = _import(cli, tmp_path, "tv_factories:with_unknown")
    assert res.code != 0 and "E007" in res.err
    assert "Bilinear" in res.err and "head" in res.err, res.err


def test_weights_stay_on_meta_memory_stays_small():
    """resnet152 has 60 M parameters (240 MB in float32); the import's peak RSS grows far less."""
    code = (f"import resource, sys; sys.path.insert(0, {str(FIXTURES)!r}); import tv_factories; tv_factories._tv(); "
            "from cnncalc.interop.torch_fx import read_factory; import torch; "
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "m = read_factory('tv_factories:resnet152', None); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, len(m.layers))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    grown_kb, layers = int(out[0]), int(out[1])
    assert layers > 400
    assert grown_kb < 60_000, grown_kb  # measured 15 MB; the real weights would take 240 MB


def test_functional_calls_are_layers_with_torchs_counts_and_shape(cli, tmp_path, factories):
    import cnncalc
    import tv_factories

    res, out = _import(cli, tmp_path, "tv_factories:functional", "--input", "3x16x16")
    assert res.code == 0, res.err
    a = cnncalc.summarize(str(out))
    assert a.ok, a.errors
    model = tv_factories.functional()
    assert a.totals.params == sum(p.numel() for p in model.parameters())
    assert a.output_shape == oracle.output_shape(model, (3, 16, 16))
    assert a.totals.macs == oracle.macs(tv_factories.functional(), (3, 16, 16))


def test_without_torch_it_is_e009(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    res, _ = _import(cli, tmp_path, "tv_factories:resnet18")
    assert res.code != 0 and "E009" in res.err and "pip install" in res.err
