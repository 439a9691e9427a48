"""`cnncalc draw`: -o writes the SVG, --format dot|tikz print text, bad options exit 2 naming the option,
and the legend speaks Spanish under --lang es."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cnncalc.i18n import set_language


def test_output_file_is_written(cli, tmp_path):
    target = tmp_path / "net.svg"
    r = cli("draw", "alexnet", "-o", str(target))
    assert r.code == 0 and r.out == ""
    root = ET.fromstring(target.read_bytes())
    assert root.get("viewBox").startswith("0 0 ")
    assert "96×55×55" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_dot_and_tikz_to_stdout(cli):
    dot = cli("draw", "resnet18", "--format", "dot")
    assert dot.code == 0 and dot.out.startswith('digraph "resnet18" {')
    assert '"layer1.0.add" -> "layer1.1.conv1" [label="64×56×56"];' in dot.out  # the identity shortcut's input
    tikz = cli("draw", "resnet18", "-f", "tikz", "--depth", "1")
    assert tikz.code == 0 and "\\begin{tikzpicture}" in tikz.out and tikz.out.count("\\node[") == 10


def test_bad_view_exits_2_naming_the_option(cli):
    r = cli("draw", "alexnet", "--view", "sideways")
    assert r.code == 2
    assert "--view" in r.err and "sideways" in r.err


def test_bad_column_exits_2_naming_the_option(cli):
    r = cli("draw", "alexnet", "--columns", "shape,colour")
    assert r.code == 2
    assert "--columns" in r.err and "unknown column 'colour'" in r.err


def test_symbolic_input_is_refused(cli):
    r = cli("draw", "alexnet", "--input", "3xHxW")
    assert r.code == 2 and "--input cannot be used with a symbolic --input" in r.err


def test_input_override_changes_the_shapes(cli):
    """VGG-16 at 3×32×32 (CIFAR): five 2×2 pools leave 512×1×1 (Simonyan & Zisserman 2015, Table 1 halvings)."""
    r = cli("draw", "vgg16", "--input", "3x32x32", "--view", "graph", "-f", "dot")
    assert r.code == 0 and '"512×1×1"' in r.out


@pytest.fixture
def spanish():
    set_language("es")
    yield
    set_language("en")


def test_legend_in_spanish(spanish):
    from cnncalc.draw import draw
    from cnncalc.pipeline import summarize

    words = [label for _, label, _ in draw(summarize("resnet18")).legend]
    assert "convolución" in words and "suma (unión)" in words and "agrupamiento (pooling)" in words


def test_a_broken_design_is_not_drawn(cli, tmp_path):
    """examples/broken.yaml's misspelt stride (line 6) is reported at its place, exit 1, and no file is written."""
    from tests.conftest import ROOT

    target = tmp_path / "broken.svg"
    r = cli("draw", str(ROOT / "examples" / "broken.yaml"), "-o", str(target))
    assert r.code == 1 and "broken.yaml:6:64: error[E102]: unknown key 'strid'" in r.err
    assert not target.exists()


def test_channels_last_as_the_papers_write_it(cli, tmp_path):
    """--layout hwc reads --input 227x227x3 and writes the shapes as seed 000's AlexNet table does
    (55 x 55 x 96, 27 x 27 x 96 … 6 x 6 x 256), in the drawing and in the report; without it the
    channels-last input is an error whose hint names --layout, an option both commands have."""
    res = cli("draw", "alexnet", "--input", "227x227x3", "--layout", "hwc", "--format", "dot")
    assert res.code == 0 and "227×227×3" in res.out and "55×55×96" in res.out and "6×6×256" in res.out
    page = tmp_path / "r.html"
    assert cli("report", "alexnet", "--input", "227x227x3", "--layout", "hwc", "-o", str(page)).code == 0
    assert "27×27×96" in page.read_text(encoding="utf-8")
    res = cli("draw", "alexnet", "--input", "227x227x3")
    assert res.code == 1 and "error[E201]" in res.err and "--layout hwc" in res.err
