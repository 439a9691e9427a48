"""Op families for colouring, read off a bound layer's behaviour, never off its op's name.

A layer's family follows from what the analysis computed for it (tests/test_ops_stay_in_ops.py
keeps op names inside cnncalc/ops): its sliding window, its multiply-accumulates, its
parameters, how many inputs it reads and the rank of its output. So a new op is coloured
correctly the day it is registered, in every rank.
"""

from __future__ import annotations

from ..i18n import N_, tr
from ..ops.base import numel

# family -> (legend label, fill colour); the order is the legend's
FAMILIES = {
    "input": (N_("input"), "#e0e0e0"),
    "convolution": (N_("convolution"), "#8ecae6"),
    "pooling": (N_("pooling"), "#ffb703"),
    "dense": (N_("fully connected"), "#c77dff"),
    "normalization": (N_("normalization"), "#b7e4c7"),
    "elementwise": (N_("activation / elementwise"), "#f1faee"),
    "sum": (N_("sum (merge)"), "#ef476f"),
    "scale": (N_("scale (broadcast product)"), "#ff99c8"),
    "concatenation": (N_("concatenation (merge)"), "#06d6a0"),
    "reshape": (N_("reshape"), "#adb5bd"),
    "resize": (N_("resize"), "#ffd6a5"),
    "channels": (N_("channel split"), "#e9c46a"),
    "block": (N_("block"), "#a8dadc"),
}


def family_of(layer) -> str:
    """The family of one bound layer (cnncalc/layer.py), from its window, MACs, params and shapes."""
    ins, out = layer.input_shapes, layer.output_shape
    if len(ins) > 1:
        if all(len(s) == len(out) and s[1:] == out[1:] for s in ins) and sum(s[0] for s in ins) == out[0]:
            return "concatenation"
        if all(s == out for s in ins):
            return "sum"
        if out in ins and all(len(s) == len(out) and all(d in (1, o) for d, o in zip(s, out)) for s in ins):
            return "scale"
    first = ins[0] if ins else out
    if layer.macs:
        return "convolution" if layer.window is not None and len(out) > 1 else "dense"
    if layer.window is not None:
        flat = len(out) != len(first) and numel(out) == numel(first)
        return "reshape" if flat else "pooling"
    if layer.params:
        return "normalization"
    if out == first:
        return "elementwise"
    if len(out) != len(first) or numel(out) == numel(first):
        return "reshape"
    return "channels" if out[1:] == first[1:] else "resize"


def label(family: str) -> str:
    """The legend's word for a family, in the chosen language."""
    return tr(FAMILIES[family][0])


def colour(family: str) -> str:
    return FAMILIES[family][1]
