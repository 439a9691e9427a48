"""The graph view's layout, computed here: a layered (Sugiyama-style) drawing, top to bottom.

1. Layers by longest path from the input: a node sits one layer below the lowest node it reads.
2. An edge that spans several layers gets a point in each layer it crosses (a dummy node 8
   units wide), so it bends around the nodes in between instead of running through them.
3. Crossing reduction: four sweeps (down, up, down, up) that sort each layer by the barycenter
   (mean position) of its neighbours in the layer just swept.
4. Coordinates: each node is pulled to the mean centre of its neighbours in the previous layer,
   then pushed right of its left neighbour (order kept, at least GAP apart); a pass down, a
   pass up and a pass down.
Nodes show their name, their type and the chosen columns other than the shape; the shape,
which is what flows along the node's outgoing edges, is written beside the edge, below the node.
"""

from __future__ import annotations

from math import ceil

from .scene import FONT, LINE, MARGIN, Box, Line, Text, text_width, with_header

GAP = 18
LAYER_GAP = 34
PAD = 6
MERGE = 22
DUMMY = 8
SYMBOL = {"sum": "+", "scale": "×", "concatenation": "||"}


def node_lines(node, columns: tuple) -> list:
    if node.merge:
        return [SYMBOL[node.family]]
    kind = [node.title] if node.title not in ("", node.name) else []
    return [node.name, *kind, *node.labels(tuple(c for c in columns if c != "shape"))]


MAX_POINTS = 50_000  # nodes and edge bends; the zoo's largest graph view (EfficientNet-B7) has 933


def layout(nodes: tuple, columns: tuple, title: str):
    """The Scene of the graph view. Its cost grows with the points it places: every node, and a bend in
    each layer an edge skips. Those are counted before any is made (a 3,000-layer net whose every layer
    also reads the input has 2.3 million and took a minute and 2 GB), and past MAX_POINTS it is E305."""
    layer = {}
    for n in nodes:
        layer[n.name] = 1 + max((layer[i] for i in n.inputs), default=-1)
    points = len(nodes) + sum(layer[n.name] - layer[i] - 1 for n in nodes for i in n.inputs)
    if points > MAX_POINTS:
        from ..errors import Option, fail
        from ..i18n import T

        raise fail("E305", T("the graph view would place {points:,} points (nodes, and a bend in each layer an edge "
                             "skips), more than the {limit:,} it draws", points=points, limit=MAX_POINTS),
                   Option("--view"), T("draw blocks as nodes with --depth 1, or the volume view (--view volume)"))
    # sizes: (width, height, left extent, right extent) of each node's slot
    size = {}
    for n in nodes:
        words = node_lines(n, columns)
        if n.merge:
            w = h = MERGE
        else:
            w = ceil(max(text_width(t) for t in words)) + 2 * PAD
            h = len(words) * LINE + PAD
        right = w / 2
        if "shape" in columns:
            right = max(right, 4 + text_width(n.column("shape")))
        size[n.name] = (w, h, w / 2, right)
    layers: list = [[] for _ in range(max(layer.values()) + 1)]
    for n in nodes:
        layers[layer[n.name]].append(n.name)
    up: dict = {n.name: [] for n in nodes}  # node -> its neighbours one layer up (dummies included)
    down: dict = {n.name: [] for n in nodes}
    routes = []  # (target, [source, dummy, ..., target])
    for n in nodes:
        for i in n.inputs:
            chain = [i]
            for k in range(layer[i] + 1, layer[n.name]):
                d = f"\0{i}\0{n.name}\0{k}"
                size[d] = (DUMMY, 0, DUMMY / 2, DUMMY / 2)
                layers[k].append(d)
                up[d], down[d] = [], []
                chain.append(d)
            chain.append(n.name)
            for a, b in zip(chain, chain[1:]):
                down[a].append(b)
                up[b].append(a)
            routes.append((n.name, chain))
    _reduce_crossings(layers, up, down)
    centre = _coordinates(layers, up, down, size)
    tops, heights, y = [], [], 0
    for names in layers:
        tops.append(y)
        heights.append(max(size[m][1] for m in names))
        y += heights[-1] + LAYER_GAP
    by_name = {n.name: n for n in nodes}
    boxes, texts, lines = [], [], []
    for k, names in enumerate(layers):
        for m in names:
            if m not in by_name:
                continue
            n, (w, h, _, _) = by_name[m], size[m]
            x0, y0 = centre[m] - w / 2, tops[k]
            boxes.append(Box(x0, y0, w, h, "merge" if n.merge else "node", m, n.family))
            words = node_lines(n, columns)
            for j, word in enumerate(words):
                ty = y0 + h / 2 if n.merge else y0 + PAD / 2 + LINE / 2 + j * LINE
                texts.append(Text(centre[m], ty, FONT, word, "middle", m))
            if "shape" in columns:
                texts.append(Text(centre[m] + 4, y0 + h + 4 + FONT / 2, FONT, n.column("shape"), "start", m))
    for target, chain in routes:
        points = [(centre[chain[0]], tops[layer[chain[0]]] + size[chain[0]][1])]
        for k, d in enumerate(chain[1:-1], layer[chain[0]] + 1):
            points += [(centre[d], tops[k]), (centre[d], tops[k] + heights[k])]
        points.append((centre[target], tops[layer[target]]))
        lines.append(Line(tuple(points), target))
    width = max(max(b.x + b.w for b in boxes), max(t.bounds[2] for t in texts)) + MARGIN
    return with_header(title, [n.family for n in nodes], width, y - LAYER_GAP + LINE + MARGIN, boxes, texts, lines,
                       "graph")


def _reduce_crossings(layers: list, up: dict, down: dict) -> None:
    for sweep in range(4):
        going_down = sweep % 2 == 0
        order = range(1, len(layers)) if going_down else range(len(layers) - 2, -1, -1)
        for k in order:
            ref = layers[k - 1] if going_down else layers[k + 1]
            pos = {m: i for i, m in enumerate(ref)}
            near = up if going_down else down
            current = {m: i for i, m in enumerate(layers[k])}

            def key(m, pos=pos, near=near, current=current):
                ps = [pos[p] for p in near[m] if p in pos]
                return (sum(ps) / len(ps) if ps else current[m], current[m])

            layers[k].sort(key=key)


def _coordinates(layers: list, up: dict, down: dict, size: dict) -> dict:
    centre = {}
    for names in layers:  # packed left to right
        x = MARGIN
        for m in names:
            centre[m] = x + size[m][2]
            x += size[m][2] + size[m][3] + GAP
    passes = [(range(1, len(layers)), up), (range(len(layers) - 2, -1, -1), down), (range(1, len(layers)), up)]
    for order, near in passes:
        for k in order:
            names = layers[k]
            want = []
            for m in names:
                ps = [centre[p] for p in near[m]]
                want.append(sum(ps) / len(ps) if ps else centre[m])
            placed, last = [], None
            for m, w in zip(names, want):
                x = w if last is None else max(w, placed[-1] + size[last][3] + GAP + size[m][2])
                placed.append(x)
                last = m
            shift = sum(w - p for w, p in zip(want, placed)) / len(placed)
            for m, p in zip(names, placed):
                centre[m] = p + shift
    left = min(centre[m] - size[m][2] for names in layers for m in names)
    return {m: round(c - left + MARGIN, 2) for m, c in centre.items()}
