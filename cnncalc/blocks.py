"""Paper-style rows: one row per block instance (inception module, residual stage,
dense block, transition) instead of one per layer, expanded to a chosen depth.

`depth` counts block nesting like torchinfo's `depth`: with depth 1 the rows are the
top-level layers and the top-level blocks (ResNet's layer1…layer4, GoogLeNet's
inception modules); depth 2 opens each of those one level; None shows every layer.

A block row's "depth" column is the number of weighted layers (those that multiply-
accumulate: convolutions, fully connected layers) on the longest path through the
block — the convention of the GoogLeNet table (an inception module is 2 deep: a 1×1
reduce then a 3×3 or 5×5) and of ResNet's names (the depths of ResNet-50's rows add
up to 50). Batch norm, pools and activations do not count.
"""

from __future__ import annotations

from typing import NamedTuple



class Row(NamedTuple):
    name: str
    kind: str  # "layer" | "block"
    type: str  # op name, or block name (×N for repeat groups)
    input_shapes: tuple
    output_shape: tuple
    params: int
    trainable: int
    non_trainable: int
    macs: int
    depth: int  # parametric layers on the longest path
    layers: tuple  # LayerResults inside (one for a layer row)


def longest_weighted_path(layers) -> int:
    inside = {r.name for r in layers}
    best: dict = {}
    for r in layers:
        own = 1 if r.macs else 0
        best[r.name] = own + max((best[i] for i in r.inputs if i in inside), default=0)
    return max(best.values(), default=0)


def layer_row(r) -> Row:
    """The row of one layer (its depth: 1 when it multiplies by weights)."""
    return Row(r.name, "layer", r.type, r.input_shapes, r.output_shape, r.params, r.trainable, r.non_trainable,
               r.macs, 1 if r.macs else 0, (r,))


def network_depth(analysis) -> int:
    """The network's depth as the papers count it: weighted layers on the longest path from input to
    output (GoogLeNet 22, VGG-19 19, ResNet-34 34, ResNet-152 152, DenseNet-121 121; AlexNet 8)."""
    return longest_weighted_path(analysis.layers)


def rows(analysis, depth: int | None = None) -> tuple:
    """Group analysis.layers to `depth` levels of blocks (None = every layer)."""
    groups: dict = {}
    order: list = []
    for r in analysis.layers:
        scope = r.scope
        if depth is None or len(scope) < depth:
            key = ("layer", r.name)
            groups[key] = [r]
            order.append(key)
            continue
        s = scope[depth - 1]
        key = ("block", s.name)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(r)
    out = []
    for key in order:
        members = groups[key]
        if key[0] == "layer":
            out.append(layer_row(members[0]))
            continue
        scope = next(s for s in members[0].scope if s.name == key[1])
        count = sum(1 for s in _instances(members, scope))
        label = f"{scope.block} ×{count}" if scope.repeat else scope.block
        inside = {m.name for m in members}
        ins = tuple(shape for m in members for i, shape in zip(m.inputs, m.input_shapes) if i not in inside)
        out.append(Row(key[1], "block", label, ins[:1], members[-1].output_shape,
                       sum(m.params for m in members), sum(m.trainable for m in members),
                       sum(m.non_trainable for m in members), sum(m.macs for m in members),
                       longest_weighted_path(members), tuple(members)))
    return tuple(out)


def _instances(members, scope):
    """Distinct child instances of a repeat group (layer1.0, layer1.1, ...)."""
    seen = []
    level = None
    for m in members:
        chain = m.scope
        idx = next(i for i, s in enumerate(chain) if s.name == scope.name)
        level = idx + 1
        if level < len(chain) and chain[level].name not in seen:
            seen.append(chain[level].name)
    return seen or [scope.name]


def max_depth(analysis) -> int:
    return max((len(r.scope) for r in analysis.layers), default=0)
