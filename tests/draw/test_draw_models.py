"""Every bundled model draws in both views and as dot and TikZ; the counts a figure shows are the papers'."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cnncalc.draw import draw, to_dot, to_svg, to_tikz
from cnncalc.pipeline import summarize
from cnncalc.zoo import bundled_names
from tests.draw.test_geometry import problems

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def analyses():
    return {}


def _analysis(analyses, name):
    if name not in analyses:
        analyses[name] = summarize(name)
    return analyses[name]


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_model_draws(name, analyses):
    a = _analysis(analyses, name)
    for view in ("volume", "graph"):
        scene = draw(a, view)
        assert problems(scene) == []
        root = ET.fromstring(to_svg(scene).encode())
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        assert len(root.findall(f".//{SVG}text")) == len(scene.texts)
    dot = to_dot(a)
    assert dot.count("{") == dot.count("}") and dot.startswith("digraph")
    graph = draw(a, "graph")
    assert sum(1 for line in dot.splitlines() if "[label=" in line and "->" not in line) == len(graph.node_boxes)
    tikz = to_tikz(a)
    assert tikz.count("{") == tikz.count("}") and tikz.count("\\node[") == len(graph.node_boxes)


def _merges(name, family, depth=None):
    scene = draw(summarize(name), "graph", depth)
    return sum(1 for b in scene.node_boxes if b.kind == "merge" and b.family == family)


def test_merge_nodes_are_the_papers_joins():
    """GoogLeNet has 9 inception modules, each one concatenation (Szegedy et al. 2015, Table 1);
    ResNet-18 has 8 basic blocks and ResNet-50 16 bottlenecks, each one sum (He et al. 2016, Table 1);
    DenseNet-121's blocks have 6 + 12 + 24 + 16 = 58 layers, each concatenated (Huang et al. 2017, Table 1)."""
    assert _merges("googlenet", "concatenation") == 9
    assert _merges("resnet18", "sum") == 8
    assert _merges("resnet50", "sum") == 16
    assert _merges("densenet121", "concatenation") == 58


def test_auto_view_is_volume_for_chains_and_graph_for_branches():
    assert draw(summarize("alexnet")).view == "volume"
    assert draw(summarize("vgg16")).view == "volume"
    assert draw(summarize("googlenet")).view == "graph"
    assert draw(summarize("resnet18")).view == "graph"


def test_alexnet_volumes_carry_the_papers_shapes():
    """Krizhevsky et al. 2012, Fig. 2: 55×55×96 after the first convolution, 27×27×256 after the second,
    13×13×384, 13×13×384, 13×13×256, then 4096, 4096 and 1000 (bundled alexnet, channels first)."""
    scene = draw(summarize("alexnet"), columns=("shape",))
    words = [t.text for t in scene.texts]
    for shape in ("96×55×55", "256×27×27", "384×13×13", "256×13×13", "4096", "1000"):
        assert shape in words
    bars = [b for b in scene.node_boxes if b.kind == "bar"]
    assert len(bars) >= 3  # the three fully connected layers
    assert all(b.family == "dense" for b in bars[-3:])


def test_depth_opens_blocks_as_summarize_does():
    """ResNet-18 at depth 1: conv1 (with bn1, relu), maxpool, layer1…layer4, avgpool, flatten, fc
    (torchvision's top-level modules), after the input."""
    scene = draw(summarize("resnet18"), "graph", depth=1)
    names = [b.name for b in scene.node_boxes]
    assert names[:3] == ["input", "conv1", "maxpool"]
    assert [n for n in names if n.startswith("layer")] == ["layer1", "layer2", "layer3", "layer4"]
    assert all(b.family == "block" for b in scene.node_boxes if b.name.startswith("layer"))


def test_columns_label_params_and_macs():
    """AlexNet's first convolution (torchvision): 64·3·11·11 + 64 = 23,296 parameters."""
    scene = draw(summarize("alexnet_torchvision"), "graph", columns=("shape", "params", "macs", "rf"))
    words = [t.text for t in scene.texts if t.name == "features.0"]
    assert "23,296 P" in words


def test_bad_view_and_column_are_refused():
    a = summarize("lenet5")
    with pytest.raises(ValueError, match="view must be one of"):
        draw(a, "sideways")
    with pytest.raises(ValueError, match="unknown columns"):
        draw(a, columns=("colour",))


def _families(name):
    from collections import Counter

    from cnncalc.draw.nodes import draw_nodes

    return Counter(n.family for n in draw_nodes(summarize(name)))


def test_families_come_from_behaviour():
    """Read off shapes, windows and counts, never op names: EfficientNet-B0 has 16 MBConv blocks, each with a
    squeeze-and-excitation scale, and 9 of them (stride 1, same width) add a shortcut (Tan & Le 2019, Table 1);
    MobileNetV3-Large has 8 SE blocks (Howard et al. 2019, Table 1); U-Net crops and concatenates 4 skip copies
    (Ronneberger et al. 2015, Fig. 1); ShuffleNetV2 splits the channels into two halves (x1, x2) in each of
    its 13 stride-1 units and concatenates in all 16 (Ma et al. 2018, Table 5: 3 + 7 + 3 repeats after each
    stage's first unit); AlexNet has 5 convolutions, 3 max pools and 3 fully connected layers
    (Krizhevsky et al. 2012)."""
    eff = _families("efficientnet")
    assert (eff["scale"], eff["sum"]) == (16, 9)
    assert _families("mobilenet_v3")["scale"] == 8
    unet = _families("unet")
    assert (unet["concatenation"], unet["resize"]) == (4, 4)
    shuffle = _families("shufflenet_v2")
    assert (shuffle["channels"], shuffle["concatenation"]) == (2 * 13, 16)
    alex = _families("alexnet")
    assert (alex["convolution"], alex["pooling"], alex["dense"]) == (5, 3, 3)
