"""Documentation test: two networks written from the README alone.

``mobilenet_v2.yaml`` and ``unet.yaml`` in this directory were written by someone
who read only README.md and cnncalc's own help, ``cnncalc ops``, ``validate`` /
``summarize`` / ``explain`` output and error messages -- never the bundled specs in
``architectures/``, the other tests, ``examples/`` or the source. The architectures
themselves came from torchvision's ``mobilenetv2.py`` and from Fig. 1 of Ronneberger,
Fischer & Brox 2015. They test that the README is enough to write a real network with
blocks, ``repeat``, ``when:``/``else:``, expressions, ``${...}`` names and
``center_crop(like=...)``, and that what it teaches gives the published figures.

Do NOT edit these specs to copy, or to look like, the bundled
``architectures/mobilenet_v2.yaml`` or ``architectures/unet.yaml``: then they would
no longer test the documentation. If a README change breaks them, fix the README (or
the tool), or rewrite the spec from the README alone and say so.

Fast: only the Python API ``cnncalc.summarize(path)`` is used, no torch.
"""

from pathlib import Path

import pytest

import cnncalc

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def mobilenet_v2():
    return cnncalc.summarize(str(HERE / "mobilenet_v2.yaml"))


@pytest.fixture(scope="module")
def unet():
    return cnncalc.summarize(str(HERE / "unet.yaml"))


def _no_errors_or_warnings(analysis):
    assert analysis.ok
    assert not analysis.errors
    # notes (N101: only padding left uncovered by a stride-2 3x3 pad-1 conv) are fine
    assert [d for d in analysis.diagnostics if d.severity in ("error", "warning")] == []


def test_mobilenet_v2_figures(mobilenet_v2):
    a = mobilenet_v2
    _no_errors_or_warnings(a)
    assert a.output_shape == (1000,)
    # torchvision num_params counts the trainable parameters (BN gamma/beta, not the
    # running mean/variance)
    assert a.totals.trainable_params == 3_504_872
    assert a.totals.non_trainable_params == 34_112  # 2 x 17,056 BN channels
    assert a.totals.params == 3_504_872 + 34_112
    assert a.totals.macs == 300_774_272  # torchvision _ops 0.301 GFLOPS


def test_mobilenet_v2_names_are_torchvision_state_dict_prefixes(mobilenet_v2):
    a = mobilenet_v2
    with_params = [layer.name for layer in a.layers if layer.trainable]
    assert with_params[:8] == [
        "features.0.0", "features.0.1",
        "features.1.conv.0.0", "features.1.conv.0.1", "features.1.conv.1", "features.1.conv.2",
        "features.2.conv.0.0", "features.2.conv.0.1",
    ]
    assert with_params[-4:] == ["features.17.conv.3", "features.18.0", "features.18.1", "classifier.1"]
    # 1 stem conv + 17 blocks (1 with 2 convs, 16 with 3) + the last 1x1 conv = 52 convs,
    # each followed by a batch norm, then the classifier
    assert len(with_params) == 2 * 52 + 1
    residual = sorted(int(layer.name.split(".")[1]) for layer in a.layers if layer.type == "add")
    assert residual == [3, 5, 6, 8, 9, 10, 12, 13, 15, 16]
    assert a.layer("features.18.0").output_shape == (1280, 7, 7)


def test_unet_figures(unet):
    a = unet
    _no_errors_or_warnings(a)
    assert a.output_shape == (2, 388, 388)
    assert a.totals.params == 31_030_658
    assert a.totals.trainable_params == 31_030_658
    assert a.totals.macs == 150_428_424_448  # torch FlopCounterMode / 2


def test_unet_structure(unet):
    a = unet
    convs = [layer for layer in a.layers if layer.type in ("conv2d", "conv_transpose2d")]
    assert len(convs) == 23
    assert sum(layer.type == "conv_transpose2d" for layer in convs) == 4
    assert [a.layer(f"enc{k}.relu2").output_shape for k in range(1, 6)] == [
        (64, 568, 568), (128, 280, 280), (256, 136, 136), (512, 64, 64), (1024, 28, 28)]
    assert [a.layer(f"dec{k}.concat").output_shape for k in range(1, 5)] == [
        (1024, 56, 56), (512, 104, 104), (256, 200, 200), (128, 392, 392)]
    assert a.layer("final").output_shape == (2, 388, 388)
