"""The volume view, as the AlexNet and VGG papers draw a network: each feature map an oblique box.

Projection (integer arithmetic, so the figure is the same on every machine):
    C×H×W    front face W wide and H high, each 8·√n units (at least 6, at most 160), and an
             oblique depth of 3·bit_length(C) units for the channels (a log scale: 3, 64 and
             4,096 channels are 6, 21 and 39 deep), drawn up and to the right (dx, dx/2).
    C×L      (1-D) a strip 8 wide and 8·√L high, the channels receding as above.
    C×D×H×W  (3-D) the H×W face with the channels receding, as for 2-D; D is in the shape label
             (a fourth axis would need a second kind of depth the eye cannot read).
    F        (a vector: fully connected layers, flatten) a bar 8 wide and 10·bit_length(F) high
             (a log scale again: 1,000, 4,096 and 9,216 features are 100, 130 and 140 high).
A convolution's or pool's window is a small box on the front face of the map it slides over,
k/H of its height and k/W of its width, with a line to the map it makes. Names and the chosen
columns (shape, params, MACs, receptive field) are written under each volume. A long network
wraps onto further rows.
"""

from __future__ import annotations

from math import isqrt

from .scene import FONT, LINE, MARGIN, Box, Line, Text, text_width, with_header

ROW_WIDTH = 1400
GAP = 16


def side(n) -> int:
    return min(160, max(6, isqrt(64 * n))) if isinstance(n, int) else 40


def depth_of(channels) -> int:
    return 3 * channels.bit_length() if isinstance(channels, int) else 18


def geometry(shape: tuple) -> tuple:
    """(kind, front width, front height, dx, dy) of a map of this shape."""
    if len(shape) == 1:
        return "bar", 8, 10 * shape[0].bit_length() if isinstance(shape[0], int) else 40, 0, 0
    dz = depth_of(shape[0])
    if len(shape) == 2:
        return "volume", 8, side(shape[1]), dz, dz // 2
    return "volume", side(shape[-1]), side(shape[-2]), dz, dz // 2


def labels(node, columns: tuple) -> list:
    return [node.name, *node.labels(columns)]


def layout(nodes: tuple, columns: tuple, title: str):
    """The Scene of the volume view: volumes left to right in order, wrapped at ROW_WIDTH."""

    cells = []
    for n in nodes:
        kind, fw, fh, dx, dy = geometry(n.shape)
        lines = labels(n, columns)
        width = max(fw + dx, *(text_width(t) for t in lines))
        cells.append((n, kind, fw, fh, dx, dy, lines, int(width) + 1))
    rows, row, x = [], [], 0
    for cell in cells:
        if row and x + cell[7] > ROW_WIDTH:
            rows.append(row)
            row, x = [], 0
        row.append(cell)
        x += cell[7] + GAP
    rows.append(row)
    boxes, texts, lines, placed, row_top = [], [], [], {}, {}
    y = 0
    for row in rows:
        band = max(fh + dy for _, _, _, fh, _, dy, _, _ in row)
        x = MARGIN
        for n, kind, fw, fh, dx, dy, words, width in row:
            bx = x + (width - fw - dx) // 2
            by = y + (band - fh - dy) // 2
            box = Box(bx, by, fw + dx, fh + dy, kind, n.name, n.family, dx, dy)
            boxes.append(box)
            placed[n.name] = box
            row_top[n.name] = y
            centre = x + width / 2
            for i, word in enumerate(words):
                texts.append(Text(centre, y + band + 6 + FONT / 2 + i * LINE, FONT, word, "middle", n.name))
            x += width + GAP
        y += band + 6 + max(len(cell[6]) for cell in row) * LINE + 18
    by_name = {n.name: n for n in nodes}
    for n in nodes:
        target = placed[n.name]
        for source_name in n.inputs:
            source = placed[source_name]
            kernel = _kernel(n, by_name[source_name], source)
            if kernel is not None:
                boxes.append(kernel)
                start = (kernel.x + kernel.w, kernel.y + kernel.h / 2)
                lines.append(Line((start, _front_centre(target)), n.name, False))
            else:
                lines.append(Line(_route(source, target, row_top[source_name], row_top[n.name]), n.name))
    width = max(b.x + b.w for b in boxes) + MARGIN
    width = max(width, max(t.bounds[2] for t in texts) + MARGIN)
    return with_header(title, [n.family for n in nodes], width, y, boxes, texts, lines, "volume")


def _route(source: Box, target: Box, source_top: float, target_top: float) -> tuple:
    """From the source's front face to the target's: straight within a row; to a later row (or back),
    down the gap after the source, along the space above the target's row and into it from the left."""
    start = (source.x + source.w - source.dx, source.y + source.dy + (source.h - source.dy) / 2)
    end = (target.x, target.y + target.dy + (target.h - target.dy) / 2)
    if source_top == target_top and end[0] > start[0]:
        return (start, end)
    out, back, lane = source.x + source.w + GAP / 2, max(MARGIN / 2, target.x - GAP / 2), target_top - 9
    return (start, (out, start[1]), (out, lane), (back, lane), (back, end[1]), end)


def _front_centre(box: Box) -> tuple:
    return (box.x + (box.w - box.dx) / 2, box.y + box.dy + (box.h - box.dy) / 2)


def _kernel(node, source_node, source: Box):
    """The window of `node` drawn on the front face of the map it reads, or None (no window, or
    a window as large as the map: a global pool, a flatten)."""
    window, shape = node.window, source_node.shape
    if window is None or source.kind != "volume" or len(shape) < 2 or len(window.kernel) != len(shape) - 1:
        return None
    fw, fh = source.w - source.dx, source.h - source.dy
    if not all(isinstance(v, int) for v in (*window.kernel, *shape)):
        return None
    kh = window.kernel[-2] if len(shape) > 2 else window.kernel[-1]
    size_h = shape[-2] if len(shape) > 2 else shape[-1]
    kw_ = window.kernel[-1] if len(shape) > 2 else 1
    size_w = shape[-1] if len(shape) > 2 else 1
    if (kh >= size_h and kw_ >= size_w) or fw < 8 or fh < 8:
        return None
    w = max(3, min(fw - 4, fw * kw_ // size_w)) if len(shape) > 2 else 4
    h = max(3, min(fh - 4, fh * kh // size_h))
    x = source.x + fw - w - 2
    y = source.y + source.dy + (fh - h) // 2
    return Box(x, y, w, h, "kernel", node.name, node.family)
