"""The graph view as text for other tools: graphviz's dot language and a TikZ picture.

dot gets the nodes and edges (graphviz lays them out itself); TikZ gets cnncalc's own layout
(layered.py), in points, so the picture looks like the SVG without running anything.
"""

from __future__ import annotations

from .families import FAMILIES, colour
from .layered import node_lines
from .layered import layout as graph_layout

_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$",
        "#": r"\#", "^": r"\^{}", "~": r"\~{}", "×": r"$\times$"}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(nodes: tuple, columns: tuple, title: str) -> str:
    out = [f"digraph {_quoted(title)} {{", "  rankdir=TB;",
           '  node [fontname="monospace", fontsize=10, style=filled];', '  edge [fontname="monospace", fontsize=9];']
    for n in nodes:
        shape = "circle" if n.merge else "box"
        label = "\\n".join(t.replace("\\", "\\\\").replace('"', '\\"') for t in node_lines(n, columns))
        out.append(f'  {_quoted(n.name)} [label="{label}", shape={shape}, fillcolor="{colour(n.family)}"];')
    shapes = {n.name: n.column("shape") for n in nodes}
    for n in nodes:
        for i in n.inputs:
            label = f" [label={_quoted(shapes[i])}]" if "shape" in columns else ""
            out.append(f"  {_quoted(i)} -> {_quoted(n.name)}{label};")
    out.append("}")
    return "\n".join(out) + "\n"


def _tex(text: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in text)


def to_tikz(nodes: tuple, columns: tuple, title: str) -> str:
    """A tikzpicture (\\usepackage{tikz}); y grows downwards in the SVG, so it is negated."""
    scene = graph_layout(nodes, columns, title)
    ids = {n.name: f"n{k}" for k, n in enumerate(nodes)}
    by_name = {n.name: n for n in nodes}
    out = [f"% {_tex(title)}: cnncalc draw --format tikz; needs \\usepackage{{tikz}}",
           "\\begin{tikzpicture}[x=1pt, y=1pt, every node/.style={font=\\ttfamily\\scriptsize, align=center}]"]
    for family in FAMILIES:
        r, g, b = (int(colour(family)[i:i + 2], 16) for i in (1, 3, 5))
        out.append(f"\\definecolor{{cc{family}}}{{RGB}}{{{r},{g},{b}}}")
    for box in scene.boxes:
        if box.kind not in ("node", "merge"):
            continue
        n = by_name[box.name]
        shape = "circle" if n.merge else "rectangle, rounded corners=2pt"
        text = " \\\\ ".join(_tex(t) for t in node_lines(n, columns))
        out.append(f"\\node[draw, {shape}, fill=cc{n.family}, minimum width={box.w:g}pt, minimum height={box.h:g}pt] "
                   f"({ids[n.name]}) at ({box.x + box.w / 2:g}, {-(box.y + box.h / 2):g}) {{{text}}};")
    for n in nodes:
        for i in n.inputs:
            label = f" node[right, font=\\ttfamily\\tiny] {{{_tex(by_name[i].column('shape'))}}}" \
                if "shape" in columns else ""
            out.append(f"\\draw[->] ({ids[i]}) --{label} ({ids[n.name]});")
    out.append("\\end{tikzpicture}")
    return "\n".join(out) + "\n"
