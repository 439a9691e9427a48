"""`cnncalc import` writes a block for each module that repeats (cnncalc/interop/spec_blocks.py), and one
call with `repeat:` for a chain of alike copies.

The spec with blocks and the flat one (`--flat`) must be the same network: every layer's name, type,
output shape, parameters and MACs. The block structure is checked against the model's own: torchvision's
resnet18 has 8 BasicBlocks, 3 of them with a downsample shortcut (layer2.0, layer3.0, layer4.0).
"""

from __future__ import annotations

import warnings

import pytest

from cnncalc.interop.model import Imported, ImportedLayer, to_yaml
from cnncalc.interop.spec_blocks import plan


def _layers(analysis):
    return [(r.name, r.type, r.output_shape, r.params, r.macs) for r in analysis.layers]


def test_resnet18_blocks_are_its_basic_blocks(cli, tmp_path):
    pytest.importorskip("onnx")
    torch = pytest.importorskip("torch")
    from tests.oracle import torchvision_oracle as oracle

    import cnncalc

    model = oracle.build("resnet18")
    src = tmp_path / "resnet18.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), str(src), dynamo=False, opset_version=17,
                          do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    blocks, flat = tmp_path / "blocks.yaml", tmp_path / "flat.yaml"
    assert cli("import", str(src), "-o", str(blocks)).code == 0
    assert cli("import", str(src), "--flat", "-o", str(flat)).code == 0
    import yaml

    spec = yaml.safe_load(blocks.read_text())
    calls: dict = {}
    for item in spec["layers"]:
        if "block" in item:
            calls.setdefault(item["block"], set()).add((item["name"], item.get("repeat", 1)))
    # layer1.0 and layer1.1 are alike and chained: one call, repeated (named layer1.0, layer1.1)
    assert sorted(calls.values(), key=len) == [{("layer2.0", 1), ("layer3.0", 1), ("layer4.0", 1)},
                                               {("layer1", 2), ("layer2.1", 1), ("layer3.1", 1), ("layer4.1", 1)}]
    assert "blocks" not in yaml.safe_load(flat.read_text())
    a, b = cnncalc.summarize(str(blocks)), cnncalc.summarize(str(flat))
    assert a.ok and b.ok, (a.errors, b.errors)
    assert _layers(a) == _layers(b)
    oracle.compare(a, "resnet18")


def L(name, type_="relu", inputs=(), **args):
    return ImportedLayer(name, type_, args, tuple(inputs))


def test_a_module_read_from_inside_is_not_a_block():
    """m2.act is read by `tail`: m2 cannot be a block (only its last layer is its output); m1 alone is left."""
    layers = (L("m1.conv", "conv", out_channels=4, kernel_size=1), L("m1.act"),
              L("m2.conv", "conv", out_channels=4, kernel_size=1), L("m2.act"), L("m2.extra"),
              L("tail", "add", inputs=("m2.act", "m2.extra")))
    assert plan(layers).blocks == {}


def test_instances_that_differ_in_a_value_share_a_block_with_an_argument(tmp_path):
    import cnncalc

    layers = (L("stem", "conv", out_channels=8, kernel_size=3),
              *(x for k, c in enumerate((8, 16, 32)) for x in (
                  L(f"stage.{k}.conv", "conv", out_channels=c, kernel_size=3, padding=1), L(f"stage.{k}.relu"))))
    model = Imported("toy", (3, 16, 16), layers)
    found = plan(layers)
    assert list(found.blocks) == ["stage_block"] and found.blocks["stage_block"].params == ("conv_out_channels",)
    (tmp_path / "toy.yaml").write_text(to_yaml(model))
    (tmp_path / "flat.yaml").write_text(to_yaml(model, blocks=False))
    a, b = cnncalc.summarize(str(tmp_path / "toy.yaml")), cnncalc.summarize(str(tmp_path / "flat.yaml"))
    assert a.ok, a.errors
    assert _layers(a) == _layers(b)
    assert [r.output_shape for r in a.layers if r.type == "conv2d"] == [(8, 14, 14), (8, 14, 14), (16, 14, 14),
                                                                        (32, 14, 14)]


def test_a_chain_of_alike_copies_is_one_repeated_call(tmp_path):
    """stage.1 … stage.3 are alike and each reads the one before: `{block: …, name: 'stage.${i + 1}',
    repeat: 3}` (stage.0 differs: its conv is 1×1)."""
    import yaml

    import cnncalc

    def unit(k, size):
        return (L(f"stage.{k}.conv", "conv", out_channels=16, kernel_size=size, padding=size // 2),
                L(f"stage.{k}.relu"))

    layers = (L("stem", "conv", out_channels=8, kernel_size=3),
              *unit(0, 1), *(x for k in (1, 2, 3) for x in unit(k, 3)), L("pool", "global_avgpool"))
    model = Imported("chain", (3, 16, 16), layers)
    text = to_yaml(model)
    calls = [item for item in yaml.safe_load(text)["layers"] if "block" in item]
    assert [(c["name"], c.get("repeat", 1)) for c in calls] == [("stage.0", 1), ("stage.${i + 1}", 3)]
    (tmp_path / "chain.yaml").write_text(text)
    (tmp_path / "flat.yaml").write_text(to_yaml(model, blocks=False))
    a, b = cnncalc.summarize(str(tmp_path / "chain.yaml")), cnncalc.summarize(str(tmp_path / "flat.yaml"))
    assert a.ok, a.errors
    assert _layers(a) == _layers(b)
    assert [r.name for r in a.layers if r.type == "conv2d"] == ["stem", "stage.0.conv", "stage.1.conv",
                                                               "stage.2.conv", "stage.3.conv"]


def test_torch_import_names_blocks_after_their_module_class(tmp_path, monkeypatch):
    """Through torch.fx the module classes are known: torchvision's resnet18 is BasicBlocks; the residual
    add, a call in BasicBlock.forward, is named under its block (layer2.1.add, not fx's add_3)."""
    pytest.importorskip("torch")
    pytest.importorskip("torchvision")
    from pathlib import Path

    import yaml

    import cnncalc
    from cnncalc.interop.sources import read_torch

    monkeypatch.syspath_prepend(str(Path(__file__).parent / "fixtures"))
    imported = read_torch("tv_factories:resnet18", None)
    assert "layer2.1.add" in {layer.name for layer in imported.layers}
    spec = yaml.safe_load(to_yaml(imported))
    assert set(spec["blocks"]) == {"basic_block", "basic_block_2"}
    (tmp_path / "r18.yaml").write_text(to_yaml(imported))
    (tmp_path / "flat.yaml").write_text(to_yaml(imported, blocks=False))
    a, b = cnncalc.summarize(str(tmp_path / "r18.yaml")), cnncalc.summarize(str(tmp_path / "flat.yaml"))
    assert a.ok, a.errors
    assert _layers(a) == _layers(b)
