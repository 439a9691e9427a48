"""cnncalc import --torch: torchvision models traced by torch.fx on meta tensors equal torchvision.

Every bundled model that is a torchvision model (its source names torchvision.models.X) is
imported from torchvision.models.get_model(X, weights=None) and checked twice:
  - against torchvision, by tests/oracle/torchvision_oracle.compare: every state_dict entry
    is a weight of the spec under the same name and shape, the trainable/non-trainable counts
    are torchvision's parameters/buffers and its published num_params, the MACs are PyTorch's
    FlopCounterMode total / 2 and the output shape is torchvision's forward (all on meta);
  - against the bundled spec: params, trainable params, MACs, output shape and the
    state_dict names and shapes.
The whole zoo takes about a minute; the default run keeps one model of each family (FAST).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
from tests.oracle import torchvision_oracle as oracle  # noqa: E402

# googlenet(weights=None) warns that its default initialisation will change; no weight is initialised on meta
pytestmark = pytest.mark.filterwarnings("ignore:The default weight initialization of GoogleNet:FutureWarning")
FIXTURES = Path(__file__).parent / "fixtures"
# bundled name -> torchvision name; the bundled models whose source is torchvision.models.X
# (resnet50_v1 … resnet152_v1 only borrow torchvision's layer names, and are not here).
ZOO = {"alexnet_torchvision": "alexnet", "googlenet_torchvision": "googlenet",
       **{n: n for n in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
                         "resnext101_32x8d", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
                         "vgg19_bn", "densenet121", "densenet161", "densenet169", "densenet201", "mobilenet_v2",
                         "mobilenet_v3_large", "mobilenet_v3_small", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
                         "shufflenet_v2_x1_5", "shufflenet_v2_x2_0", "squeezenet1_0", "squeezenet1_1",
                         "convnext_tiny", "convnext_small", "convnext_base",
                         *(f"efficientnet_b{i}" for i in range(8))]}}
# One of each family in the default run; the rest in CI's long stage (-m torch_agreement).
FAST = {"alexnet_torchvision", "googlenet_torchvision", "resnet18", "resnet50", "resnext50_32x4d", "vgg11_bn",
        "densenet121", "mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x0_5", "squeezenet1_0",
        "squeezenet1_1", "convnext_tiny", "efficientnet_b0"}
# torchvision's googlenet(weights=None) has aux_logits=True: aux1 and aux2 are in its state_dict
# but only its training forward uses them. The traced (evaluation) forward has no aux heads, as
# the bundled spec and torchvision's published num_params (6,624,904) have none: the oracle is
# built without them (init_weights=False only spares scipy's truncated normal).
ORACLE_KWARGS = {"googlenet": {"aux_logits": False, "init_weights": False}}
VGG_NAMES = ("the bundled VGG specs name their layers after the paper (block1.conv1 … fc6, fc7, fc8), "
             "torchvision numbers them (features.0 … classifier.6): same shapes and counts, other state_dict "
             "names")
NAMES_DIFFER = {n: VGG_NAMES for n in ZOO if n.startswith("vgg")}


def _zoo(names):
    return [pytest.param(n, marks=() if n in FAST else pytest.mark.torch_agreement) for n in names]


@pytest.fixture
def factories(monkeypatch):
    oracle.torchvision()
    monkeypatch.syspath_prepend(str(FIXTURES))


def _import(cli, tmp_path, ref, *extra):
    out = tmp_path / "m.yaml"
    res = cli("import", "--torch", ref, *extra, "-o", str(out))
    return res, out


def test_zoo_is_every_bundled_model_whose_source_is_a_torchvision_model():
    """A bundled model added with a torchvision source is imported here too (the _v1 ResNets only borrow
    torchvision's layer names: "layer names as in torchvision.models.resnet50")."""
    import re

    from cnncalc.pipeline import load
    from cnncalc.zoo import bundled_names

    sources = {n: load(n).source or "" for n in bundled_names()}
    named = {n: re.search(r"(?<!as in )torchvision\.models\.(\w+)", s) for n, s in sources.items()}
    assert {n: m.group(1) for n, m in named.items() if m} == ZOO


_IMPORTED: dict = {}


def _imported(tmp_path_factory, spec_name):
    """The import of ZOO[spec_name] at the bundled spec's input size, summarised (once per session)."""
    import cnncalc
    from cnncalc.interop.model import to_yaml
    from cnncalc.interop.torch_fx import read_factory

    if spec_name not in _IMPORTED:
        oracle.torchvision()
        sys.path.insert(0, str(FIXTURES))
        try:
            text = to_yaml(read_factory(f"tv_factories:{ZOO[spec_name]}", cnncalc.summarize(spec_name).input_shape))
        finally:
            sys.path.remove(str(FIXTURES))
        path = tmp_path_factory.mktemp("fx") / f"{spec_name}.yaml"
        path.write_text(text)
        _IMPORTED[spec_name] = (cnncalc.summarize(str(path)), text)
    return _IMPORTED[spec_name]


@pytest.mark.parametrize("name", _zoo(ZOO))
def test_traced_torchvision_model_equals_torchvision(tmp_path_factory, name):
    import torch

    a, _ = _imported(tmp_path_factory, name)
    assert a.ok, a.errors
    tv = ZOO[name]
    with torch.device("meta"):  # torchvision's model as the oracle, with no weights allocated
        oracle.compare(a, tv, **ORACLE_KWARGS.get(tv, {}))
    assert a.totals.trainable_params == oracle.meta(tv)["num_params"]


def _weights(analysis) -> dict:
    from cnncalc.layer import state_dict_key

    return {state_dict_key(r.name, w): tuple(s.shape) for r in analysis.layers for w, s in r.weights().items()}


@pytest.mark.parametrize("name", _zoo(ZOO))
def test_traced_torchvision_model_equals_the_bundled_spec(tmp_path_factory, name):
    import cnncalc

    a, _ = _imported(tmp_path_factory, name)
    b = cnncalc.summarize(name)
    assert (a.totals.params, a.totals.trainable_params, a.totals.macs, a.output_shape) == \
        (b.totals.params, b.totals.trainable_params, b.totals.macs, b.output_shape)


@pytest.mark.parametrize("name", [pytest.param(p.values[0], marks=(*p.marks, *(
    [pytest.mark.xfail(reason=NAMES_DIFFER[p.values[0]], strict=True)] if p.values[0] in NAMES_DIFFER else [])))
    for p in _zoo(ZOO)])
def test_traced_torchvision_model_has_the_bundled_specs_state_dict(tmp_path_factory, name):
    import cnncalc

    a, _ = _imported(tmp_path_factory, name)
    assert _weights(a) == _weights(cnncalc.summarize(name))


def test_googlenets_aux_heads_are_said_not_dropped_silently(tmp_path_factory):
    """torchvision's googlenet(weights=None) keeps aux1/aux2 for training; the spec says they are left out."""
    _, text = _imported(tmp_path_factory, "googlenet_torchvision")
    model = oracle.build("googlenet", init_weights=False)
    aux = sum(p.numel() for n, p in model.named_parameters() if n.startswith(("aux1.", "aux2.")))
    assert f"not in the traced forward, so not in this spec: aux1, aux2 ({aux:,} parameters)" in text


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


@pytest.mark.parametrize("case,words", [
    ("permute", "permute [0, 3, 2, 1] is not supported"),
    ("layer_norm", "nn.LayerNorm normalises the last dimension of a 1x8x8x8 tensor"),
    ("parameter", "a tensor attribute used outside its module"),
    ("chunk", "chunk along dimension 2 is not supported"),
    ("transpose", "a tensor mid-way through a split or a channel shuffle"),
])
def test_calls_outside_the_patterns_are_e007_naming_the_node(cli, tmp_path, factories, case, words):
    res, _ = _import(cli, tmp_path, f"tv_factories:unreadable_{case}", "--input", "3x8x8")
    assert res.code != 0 and "E007" in res.err and words in res.err and "--torch:" in res.err, res.err
    assert "Traceback" not in res.err


def test_a_wrong_input_size_is_e007_at_input_with_torchs_reason_and_no_traceback(cli, tmp_path, factories):
    """ShapeProp prints a failing node's traceback itself; the user sees one error line naming the node."""
    res, _ = _import(cli, tmp_path, "tv_factories:resnet18", "--input", "1x32x32")
    assert res.code == 2 and "Traceback" not in res.err
    assert res.err.startswith("--input: error[E007]: running ResNet on an input of 1x32x32 failed")
    assert "expected input[1, 1, 32, 32] to have 3 channels, but got 1 channels instead (at conv1)" in res.err
