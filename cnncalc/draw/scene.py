"""A drawing as frozen numbers: boxes, texts, lines and a legend, in SVG user units.

Every text is set in a monospace font whose advance is taken as 0.6 em, so a text's box is
known exactly without a font: `len(text) * 0.6 * size` wide and `size` high, centred on its
y (the SVG says dominant-baseline="central"), left of, around or right of x as its anchor
says. Tests compute overlaps from these numbers alone (Text.bounds, Box.bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from .families import FAMILIES, colour, label

FONT = 10  # the size of every label
LINE = 14  # the distance between two lines of labels
MARGIN = 12


def text_width(text: str, size: int = FONT) -> float:
    return len(text) * 0.6 * size


@dataclass(frozen=True)
class Box:
    """A node's drawn extent. kind: volume (a feature map, oblique by dx, dy), bar (a vector),
    node and merge (graph view), kernel (a window drawn on the map it slides over), swatch (legend)."""
    x: float
    y: float
    w: float
    h: float
    kind: str
    name: str  # the layer or block it stands for ("" for the legend)
    family: str
    dx: float = 0  # oblique depth of a volume: its back face is (dx, -dy) from its front face
    dy: float = 0

    @property
    def bounds(self) -> tuple:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    size: int
    text: str
    anchor: str  # start | middle | end
    name: str = ""  # the box it belongs to ("" for the legend and the title)

    @property
    def bounds(self) -> tuple:
        w = text_width(self.text, self.size)
        x0 = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return (x0, self.y - self.size / 2, x0 + w, self.y + self.size / 2)


@dataclass(frozen=True)
class Line:
    points: tuple  # ((x, y), ...)
    name: str = ""  # the node it leads to
    arrow: bool = True


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    boxes: tuple
    texts: tuple
    lines: tuple
    legend: tuple  # ((family, label, colour), ...) in the legend's order
    view: str = "graph"
    title: str = ""

    @property
    def node_boxes(self) -> tuple:
        return tuple(b for b in self.boxes if b.kind in ("volume", "bar", "node", "merge"))


def legend_items(families) -> tuple:
    used = set(families)
    return tuple((f, label(f), colour(f)) for f in FAMILIES if f in used)


def with_header(title: str, families, width: float, height: float, boxes: list, texts: list, lines: list,
                view: str) -> Scene:
    """The title and the legend above a drawing laid out from y = 0; everything below moves down."""
    legend = legend_items(families)
    head_boxes, head_texts = [], [Text(MARGIN, MARGIN + FONT, 12, title, "start")]
    x, y = MARGIN, MARGIN + FONT + LINE + 4
    for family, word, _colour in legend:
        need = 14 + text_width(word) + 16
        if x > MARGIN and x + need > max(width, 600):
            x, y = MARGIN, y + LINE
        head_boxes.append(Box(x, y - 5, 10, 10, "swatch", "", family))
        head_texts.append(Text(x + 14, y, FONT, word, "start"))
        x += need
    top = y + LINE
    wide = max(width, max((t.bounds[2] for t in head_texts), default=0) + MARGIN)

    def down(b: Box) -> Box:
        return Box(b.x, b.y + top, b.w, b.h, b.kind, b.name, b.family, b.dx, b.dy)

    moved_texts = [Text(t.x, t.y + top, t.size, t.text, t.anchor, t.name) for t in texts]
    moved_lines = [Line(tuple((px, py + top) for px, py in ln.points), ln.name, ln.arrow) for ln in lines]
    return Scene(wide, height + top, tuple(head_boxes + [down(b) for b in boxes]),
                 tuple(head_texts + moved_texts), tuple(moved_lines), legend, view, title)
