"""Write the README's figures: docs/alexnet.svg (the volume view of AlexNet) and docs/inception.svg
(GoogLeNet's inception (3a) module alone, in the graph view, with parameters and MACs).

    python docs/make_figures.py           # rewrite both
    python docs/make_figures.py --check   # exit 1 when one is stale

The module is drawn by cutting inception_3a's layers out of GoogLeNet's analysis: what they read
from outside the block (pool2, 192×28×28) becomes the drawing's input.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnncalc.draw import draw, to_svg  # noqa: E402
from cnncalc.graph import INPUT  # noqa: E402
from cnncalc.pipeline import summarize  # noqa: E402

BLOCK = "inception_3a"


def one_block(analysis, block: str):
    """The analysis of one block instance alone, its outside input renamed the model input."""
    inside = [r for r in analysis.layers if any(s.name == block for s in r.scope)]
    names = {r.name for r in inside}
    outer = next(shape for r in inside for i, shape in zip(r.inputs, r.input_shapes) if i not in names)
    layers = tuple(r._replace(inputs=tuple(i if i in names else INPUT for i in r.inputs)) for r in inside)
    graph = analysis.graph._replace(name=f"{analysis.name} {block}")
    return dataclasses.replace(analysis, graph=graph, layers=layers, input_shape=outer, output=layers[-1].name)


def figures() -> dict:
    return {
        ROOT / "docs" / "alexnet.svg": to_svg(draw(summarize("alexnet"), "volume")),
        ROOT / "docs" / "inception.svg": to_svg(draw(one_block(summarize("googlenet"), BLOCK), "graph",
                                                     columns=("shape", "params", "macs"))),
    }


def main(argv: list) -> int:
    stale = []
    for path, text in figures().items():
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({len(text.encode()):,} bytes)")
    for path in stale:
        print(f"{path.relative_to(ROOT)} is stale: run python docs/make_figures.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
