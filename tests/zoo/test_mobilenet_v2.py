"""MobileNetV2 (Sandler et al. 2018) against torchvision.models.mobilenet_v2 and the paper.

torchvision's weights table: 3,504,872 parameters, 0.301 GFLOPS (multiply-adds). Sandler et
al. Table 4: 3.4M parameters, 300M multiply-adds (their count without the classifier's bias
convention differences; the table rounds). Table 2: the stages' sizes 112, 56, 28, 14, 14, 7, 7.
"""

from __future__ import annotations

import cnncalc

from ..oracle import torchvision_oracle as tv


def test_sizes_follow_table_2():
    a = cnncalc.summarize("mobilenet_v2")
    sizes = {r.name: r.output_shape for r in a.layers}
    assert [sizes[f"features.{k}.conv.{2 if k == 1 else 3}"][1] for k in (1, 3, 6, 10, 13, 16, 17)] == [
        112, 56, 28, 14, 14, 7, 7]
    assert [sizes[f"features.{k}.conv.{2 if k == 1 else 3}"][0] for k in (1, 3, 6, 10, 13, 16, 17)] == [
        16, 24, 32, 64, 96, 160, 320]


def test_equals_torchvision():
    tv.bundled_equals_torchvision("mobilenet_v2")


def test_width_multiplier_equals_torchvision():
    a = cnncalc.analyze(cnncalc.load("mobilenet_v2", args={"width": 0.75}))
    tv.compare(a, "mobilenet_v2", width_mult=0.75)
    # the README's Python example: the same arguments through summarize, at 160×160
    b = cnncalc.summarize("mobilenet_v2", input_shape=(3, 160, 160), args={"width": 0.75})
    tv.compare(b, "mobilenet_v2", width_mult=0.75)
    assert b.layer("features.1.conv.0.0").output_shape == (24, 80, 80)


def test_forward_equals_torchvision():
    tv.forward_equal(cnncalc.summarize("mobilenet_v2", (3, 64, 64)), "mobilenet_v2")
