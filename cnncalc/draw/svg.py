"""A Scene as a standalone SVG document: a viewBox, inline styles, a monospace font, no script."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .families import colour

STROKE = "#333333"


def _n(v) -> str:
    """A coordinate as written: integers without '.0', others to two decimals."""
    r = round(v, 2)
    return str(int(r)) if r == int(r) else f"{r:.2f}".rstrip("0")


def _polygon(points, fill: str) -> str:
    text = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    return f'<polygon points="{text}" style="fill:{fill};stroke:{STROKE};stroke-width:0.8"/>'


def _shade(hex_colour: str, factor: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _box(b) -> str:
    fill = colour(b.family)
    title = f"<title>{escape(b.name)}</title>" if b.name else ""
    if b.kind == "volume":
        x, y, w, h, dx, dy = b.x, b.y, b.w - b.dx, b.h - b.dy, b.dx, b.dy
        front = [(x, y + dy), (x + w, y + dy), (x + w, y + dy + h), (x, y + dy + h)]
        top = [(x, y + dy), (x + dx, y), (x + dx + w, y), (x + w, y + dy)]
        right = [(x + w, y + dy), (x + w + dx, y), (x + w + dx, y + h), (x + w, y + dy + h)]
        faces = "".join([_polygon(front, fill), _polygon(top, _shade(fill, 0.9)), _polygon(right, _shade(fill, 0.75))])
        return f'<g class="volume">{title}{faces}</g>'
    rx = {"merge": b.w / 2, "node": 4}.get(b.kind, 0)
    style = f"fill:{fill};stroke:{STROKE};stroke-width:{'0.6' if b.kind == 'kernel' else '1'}"
    if b.kind == "kernel":
        style = f"fill:{_shade(fill, 0.7)};fill-opacity:0.8;stroke:{STROKE};stroke-width:0.6"
    return (f'<rect class="{b.kind}" x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}" '
            f'rx="{_n(rx)}" style="{style}">{title}</rect>')


def _line(ln) -> str:
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in ln.points)
    marker = ' marker-end="url(#arrow)"' if ln.arrow else ""
    dash = "" if ln.arrow else ";stroke-dasharray:3,2"
    return f'<polyline points="{points}" style="fill:none;stroke:#555555;stroke-width:1{dash}"{marker}/>'


def _text(t) -> str:
    return (f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-size="{t.size}" text-anchor="{t.anchor}" '
            f'dominant-baseline="central">{escape(t.text)}</text>')


def to_svg(scene) -> str:
    """The SVG text of a Scene (cnncalc/draw/scene.py)."""
    w, h = _n(scene.width), _n(scene.height)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'style="font-family:\'DejaVu Sans Mono\',Menlo,Consolas,monospace;background:#ffffff">',
        f"<title>{escape(scene.title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" style="fill:#555555"/></marker></defs>',
        f'<rect x="0" y="0" width="{w}" height="{h}" style="fill:#ffffff"/>',
        '<g class="edges">', *(_line(ln) for ln in scene.lines), "</g>",
        '<g class="boxes">', *(_box(b) for b in scene.boxes if b.kind != "kernel"), "</g>",
        '<g class="kernels">', *(_box(b) for b in scene.boxes if b.kind == "kernel"), "</g>",
        f'<g class="labels" style="fill:#111111" data-view={quoteattr(scene.view)}>',
        *(_text(t) for t in scene.texts), "</g>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
