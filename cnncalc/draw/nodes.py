"""The things a diagram draws: one node per row of `summarize --depth N` (cnncalc/blocks.py rows()),
the model input first, with the edges `inputs:` make between them.

An activation, a dropout or a normalization that follows a layer read by nothing else is folded
into that layer's node (`conv1 +2`): a figure of AlexNet shows conv1, not conv1, relu1 and norm1
as three volumes of the same size. Everything else, merges included, is its own node.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..blocks import rows
from ..graph import INPUT
from ..render import fmt
from .families import family_of

COLUMNS = ("shape", "params", "macs", "rf")
FOLDED = ("elementwise", "normalization")


@dataclass(frozen=True)
class DrawNode:
    name: str
    family: str
    type: str  # the op's or block's name as summarize prints it
    shape: tuple  # output shape
    params: int
    macs: int
    rf: object  # receptive_field.RF | None
    window: object  # the first layer's window (the kernel drawn on its input), or None
    inputs: tuple  # names of the nodes it reads
    folded: int = 0  # layers folded into it
    layout: str = "chw"  # how its shape is written (`--layout hwc`: 55×55×96)

    @property
    def merge(self) -> bool:
        return self.family in ("sum", "scale", "concatenation")

    def column(self, column: str) -> str:
        """One labelled value: 'shape' 96×55×55, 'params' 34,944, 'macs' 105.42 M, 'rf' 11 /4 p0."""
        if column == "shape":
            return fmt.shape(self.shape, self.layout)
        if column == "params":
            return fmt.count(self.params) + " P"
        if column == "macs":
            return fmt.si(self.macs) + " MAC"
        return fmt.rf(self.rf)

    def labels(self, columns: tuple) -> list:
        """The chosen columns' values, the input's only its shape (it has no parameters nor MACs)."""
        return [self.column(c) for c in columns if c == "shape" or self.family != "input"]

    @property
    def title(self) -> str:
        return f"{self.type} +{self.folded}" if self.folded else self.type


def draw_nodes(analysis, depth: int | None = None, layout: str = "chw") -> tuple:
    """The input node, then one DrawNode per row, in topological order; shapes written in `layout`."""
    nodes = {INPUT: DrawNode(INPUT, "input", "", tuple(analysis.input_shape), 0, 0, None, None, (), layout=layout)}
    owner = {INPUT: INPUT}
    for row in rows(analysis, depth):
        inside = {r.name for r in row.layers}
        reads = tuple(dict.fromkeys(owner[i] for r in row.layers for i in r.inputs if i not in inside and i in owner))
        first, last = row.layers[0], row.layers[-1]
        family = family_of(first) if row.kind == "layer" else "block"
        node = DrawNode(row.name, family, row.type, tuple(row.output_shape), row.params, row.macs, last.rf,
                        first.window if row.kind == "layer" else None, reads, layout=layout)
        for r in row.layers:
            owner[r.name] = row.name
        nodes[row.name] = node
    return _fold(tuple(nodes.values()))


def _fold(nodes: tuple) -> tuple:
    readers: dict = {}
    for n in nodes:
        for i in n.inputs:
            readers[i] = readers.get(i, 0) + 1
    by_name = {n.name: n for n in nodes}
    into: dict = {}
    for n in nodes:
        if n.family in FOLDED and len(n.inputs) == 1:
            target = into.get(n.inputs[0], n.inputs[0])
            host = by_name[target]
            if host.family != "input" and readers.get(n.inputs[0]) == 1:
                into[n.name] = target
                by_name[target] = replace(host, shape=n.shape, params=host.params + n.params, macs=host.macs + n.macs,
                                          rf=n.rf, folded=host.folded + 1)
    out = []
    for n in nodes:
        if n.name in into:
            continue
        n = by_name[n.name]
        inputs = tuple(dict.fromkeys(into.get(i, i) for i in n.inputs))
        out.append(replace(n, inputs=inputs))
    return tuple(out)


def is_chain(nodes: tuple) -> bool:
    """Each node reads the one before it and nothing else: the volume view's case."""
    return all(n.inputs == (prev.name,) for prev, n in zip(nodes, nodes[1:]))
