"""torchvision models exported by torch.onnx and read back: the same weights, counts and shapes as torchvision.

Each export keeps BatchNorm unfused (do_constant_folding=False, TrainingMode.PRESERVE on an
eval model), so the ONNX initializers are exactly torchvision's state_dict. The oracle
(tests/oracle/torchvision_oracle.compare) checks every weight name and shape against the
torchvision model, trainable and buffer counts, FlopCounterMode MACs and the output shape.
"""

from __future__ import annotations

import pytest

pytest.importorskip("onnx")
torch = pytest.importorskip("torch")

from tests.oracle import torchvision_oracle as oracle  # noqa: E402

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "squeezenet1_0",
          "densenet121", "alexnet", "shufflenet_v2_x1_0", "convnext_tiny", "googlenet"]
# GoogLeNet's auxiliary heads run in training only: an eval export has none of their weights
BUILD = {"googlenet": {"aux_logits": False, "init_weights": False}}


def export(name: str, path) -> None:
    import warnings

    model = oracle.build(name, **BUILD.get(name, {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), str(path), dynamo=False, opset_version=17,
                          do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE,
                          input_names=["x"], dynamic_axes={"x": {0: "batch"}})


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("onnx")
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = root / f"{name}.onnx"
            export(name, cache[name])
        return cache[name]

    return get


@pytest.mark.parametrize("name", MODELS)
def test_onnx_export_matches_torchvision(exported, name):
    import cnncalc

    a = cnncalc.summarize(str(exported(name)))
    assert a.ok, a.errors
    oracle.compare(a, name, **BUILD.get(name, {}))


def test_layer_shapes_equal_the_torch_forward(exported):
    """Every weighted layer's output shape is the shape torch's forward hook records for that module."""
    import cnncalc

    model = oracle.build("resnet18")
    seen = {}
    for mod_name, mod in model.named_modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.BatchNorm2d, torch.nn.Linear)):
            mod.register_forward_hook(lambda m, i, o, n=mod_name: seen.__setitem__(n, tuple(o.shape[1:])))
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    a = cnncalc.summarize(str(exported("resnet18")))
    ours = {r.name: tuple(r.output_shape) for r in a.layers}
    assert {n: ours.get(n) for n in seen} == seen


def test_import_writes_a_spec_with_the_same_figures(exported, cli, tmp_path):
    import cnncalc

    src = exported("mobilenet_v2")
    out = tmp_path / "m.yaml"
    res = cli("import", str(src), "-o", str(out))
    assert res.code == 0, res.err
    text = out.read_text()
    assert "# node " in text and "features.0.0" in text
    a, b = cnncalc.summarize(str(out)), cnncalc.summarize(str(src))
    assert (a.totals.trainable_params, a.totals.macs, a.output_shape) == \
        (b.totals.trainable_params, b.totals.macs, b.output_shape)
    oracle.compare(a, "mobilenet_v2")
