"""No two node boxes overlap, no two texts overlap, no text overlaps a box it does not belong to,
and everything lies inside the viewBox; computed from the Scene's exact numbers (a text is
len(text)·0.6·size wide and size high, cnncalc/draw/scene.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.draw import draw
from cnncalc.pipeline import summarize

ROOT = Path(__file__).resolve().parents[2]
MODELS = ["alexnet", "googlenet", "resnet18", "resnet50", "densenet121", "unet", "mobilenet_v2",
          str(ROOT / "examples" / "audio_m5.yaml"), str(ROOT / "examples" / "video_c3d.yaml")]


def overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def problems(scene) -> list:
    found = []
    boxes = [b for b in scene.boxes if b.kind != "kernel"]
    nodes = sorted(scene.node_boxes, key=lambda b: b.y)
    for i, a in enumerate(nodes):  # sorted by top: stop once the next box starts below this one
        for b in nodes[i + 1:]:
            if b.y >= a.y + a.h:
                break
            if overlap(a.bounds, b.bounds):
                found.append(f"boxes {a.name} and {b.name} overlap")
    texts = sorted(scene.texts, key=lambda t: t.bounds[1])
    for i, s in enumerate(texts):
        for t in texts[i + 1:]:
            if t.bounds[1] >= s.bounds[3]:
                break
            if overlap(s.bounds, t.bounds):
                found.append(f"texts {s.text!r} and {t.text!r} overlap")
    for t in scene.texts:
        for b in boxes:
            if (b.name != t.name or not t.name) and overlap(t.bounds, b.bounds):
                found.append(f"text {t.text!r} ({t.name}) overlaps box {b.name or b.family}")
    for x0, y0, x1, y1 in [b.bounds for b in scene.boxes] + [t.bounds for t in scene.texts]:
        if x0 < 0 or y0 < 0 or x1 > scene.width or y1 > scene.height:
            found.append(f"({x0}, {y0}, {x1}, {y1}) is outside the viewBox 0 0 {scene.width} {scene.height}")
    for line in scene.lines:
        if any(not (0 <= x <= scene.width and 0 <= y <= scene.height) for x, y in line.points):
            found.append(f"an edge to {line.name} leaves the viewBox")
    return found


@pytest.mark.parametrize("model", MODELS, ids=lambda m: Path(m).stem)
@pytest.mark.parametrize("view", ["volume", "graph"])
def test_nothing_overlaps(model, view):
    scene = draw(summarize(model), view, columns=("shape", "params", "macs", "rf"))
    assert scene.node_boxes
    assert problems(scene) == []


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("view", ["volume", "graph"])
def test_nothing_overlaps_with_blocks(depth, view):
    """GoogLeNet at depth 1 is a chain of 18 nodes after its input, wrapped onto two rows in the volume view."""
    scene = draw(summarize("googlenet"), view, depth)
    assert problems(scene) == []


def test_the_check_finds_an_overlap():
    from dataclasses import replace

    scene = draw(summarize("alexnet"))
    first, second = scene.node_boxes[:2]
    moved = replace(second, x=first.x, y=first.y)
    broken = replace(scene, boxes=tuple(moved if b is second else b for b in scene.boxes))
    assert any("overlap" in p for p in problems(broken))


def test_one_and_three_dimensional_maps():
    """M5 (Dai et al. 2017, Table 1) reads 1×32000 samples; C3D (Tran et al. 2015) reads 3×16×112×112 clips:
    both draw as volumes with the shape of their input in its label."""
    m5 = draw(summarize(str(ROOT / "examples" / "audio_m5.yaml")))
    assert m5.view == "volume" and "1×32000" in [t.text for t in m5.texts]
    c3d = draw(summarize(str(ROOT / "examples" / "video_c3d.yaml")))
    assert "3×16×112×112" in [t.text for t in c3d.texts]
    assert c3d.node_boxes[0].kind == "volume"
