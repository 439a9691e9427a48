"""The rows an answer sheet may name: every layer, and every block row of `summarize --depth N`
at any depth (GoogLeNet's inception_3a, ResNet's layer1, DenseNet's denseblock1), as the papers'
tables print them.

A block row is graded as the table shows it: the sum of its layers' parameters and MACs, the
output of its last layer, and its depth (weighted layers on its longest path, blocks.py). The
name may be written as the paper's table writes it: a spec records a row's printed name with
`published: {row: conv2_x}` (ResNet's stages are torchvision's layer1…layer4), and a name is
also found by its letters and digits alone when that is unambiguous ("inception (3a)",
"Dense Block (1)" and "denseblock1" all name features.denseblock1). row_formula says how each
figure of a row is computed, for the feedback on a wrong answer.
"""

from __future__ import annotations

import re

from .blocks import Row, max_depth, rows
from .errors import did_you_mean
from .i18n import T

TOTALS = "totals"


def _letters(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


class RowIndex:
    """Every gradable row by name, and the other names a paper's table gives them."""

    def __init__(self, analysis) -> None:
        self.analysis = analysis
        self.rows: dict[str, Row] = {r.name: r for r in rows(analysis, None)}
        for depth in range(1, max_depth(analysis) + 1):
            for row in rows(analysis, depth):
                if row.kind == "block":
                    self.rows.setdefault(row.name, row)
        self.aliases: dict[str, str] = {}
        graph = analysis.graph
        for name, published in graph.block_published.items():
            self._alias(published, name)
        for r in analysis.layers:
            self._alias(r.node.published, r.name)
        self.by_letters: dict[str, set] = {}
        for name in self.rows:
            for form in {name, name.rsplit(".", 1)[-1]}:
                self.by_letters.setdefault(_letters(form), set()).add(name)
        for alias, name in self.aliases.items():
            self.by_letters.setdefault(_letters(alias), set()).add(name)

    def _alias(self, published, name: str) -> None:
        if isinstance(published, dict) and isinstance(published.get("row"), str) and name in self.rows:
            self.aliases.setdefault(published["row"], name)

    def find(self, written: str):
        """(row name, row) for a name as a sheet writes it, or (None, a hint) when there is none."""
        if written in self.rows:
            return written, self.rows[written]
        if written in self.aliases:
            name = self.aliases[written]
            return name, self.rows[name]
        found = self.by_letters.get(_letters(written), set())
        if len(found) == 1:
            name = next(iter(found))
            return name, self.rows[name]
        if len(found) > 1:
            return None, T("'{written}' could be any of {names}: write one of them", written=written,
                           names=", ".join(sorted(found)))
        return None, (other_numbering(written, self.rows) or did_you_mean(written, [*self.rows, TOTALS])
                      or T("`cnncalc summarize` lists the layer names, and `--depth 1` the block rows"))


def published_of(analysis, row: Row | None) -> dict | None:
    """The figures the spec records for a row (or, for None, for the whole model)."""
    graph = analysis.graph
    if row is None:
        return graph.published if isinstance(graph.published, dict) else None
    if row.kind == "block":
        published = graph.block_published.get(row.name)
    else:
        published = row.layers[0].node.published
    return published if isinstance(published, dict) else None


def other_numbering(name: str, layers):
    """The hint for a layer name that exists under the other automatic numbering: Keras's (conv2d,
    conv2d_1, ...; a spec written with Keras classes) or cnncalc's (conv2d_1, conv2d_2, ...)."""
    m = re.fullmatch(r"(.+)_(\d+)", name)
    base, n = (m.group(1), int(m.group(2))) if m else (name, None)
    if n is not None and base in layers:  # Keras's numbering: cnncalc's base_n is Keras's base_{n-1}
        meant = base if n == 1 else f"{base}_{n - 1}"
        if meant in layers:
            return T("Keras numbers layers from {base}, {base}_1: did you mean {meant}?", base=base, meant=meant)
    if n is None and base not in layers and f"{base}_1" in layers:
        return T("layers written with cnncalc's or PyTorch's types are numbered from {base}_1 (Keras's from {base}, "
                 "for Keras classes such as Conv2D): did you mean {base}_1?", base=base)
    return None


def row_formula(analysis, row, quantity: str):
    if row is None:
        what = {"params": T("the sum of every layer's parameters"), "macs": T("the sum of every layer's MACs"),
                "flops": T("2 × the sum of every layer's MACs"), "output_shape": T("the last layer's output"),
                "output_size": T("the last layer's output"),
                "depth": T("weighted layers (conv, fully connected) on the longest path from input to output")}
        return what.get(quantity, T("the sum over the layers"))
    if row.kind == "block":
        return {"depth": T("weighted layers (conv, fully connected) on the longest path through the block"),
                "output_shape": T("the output of the block's last layer, {name}", name=row.layers[-1].name),
                "output_size": T("the output of the block's last layer, {name}", name=row.layers[-1].name),
                "receptive_field": T("the receptive field of the block's last layer, {name}",
                                     name=row.layers[-1].name),
                }.get(quantity) or _block_sum(row, quantity)
    if quantity == "depth":
        return T("1 for a layer that multiplies by weights (conv, fully connected), else 0")
    from .explain import explain_layer

    e = explain_layer(analysis, row.name)
    if quantity in ("output_shape", "output_size"):
        return "; ".join(map(str, e.worked.shape))
    if quantity in ("params", "trainable_params", "non_trainable_params"):
        return str(e.worked.params)
    if quantity in ("macs", "flops"):
        return str(e.worked.macs) + ("; FLOPs = 2·MACs" if quantity == "flops" else "")
    return e.field


SUM_TERMS = 8  # a block sum is written out term by term up to this many layers that count


def _block_sum(row, quantity: str):
    """'1x1 12,352 + 3x3_reduce 18,528 + … = 163,696': the block's layers that count, by their names
    inside the block; past SUM_TERMS of them, how many there are."""
    attr = {"params": "params", "trainable_params": "trainable", "non_trainable_params": "non_trainable"}
    values = [(m.name, getattr(m, attr.get(quantity, "macs"))) for m in row.layers]
    terms = [(name[len(row.name) + 1:] if name.startswith(row.name + ".") else name, v) for name, v in values if v]
    total = sum(v for _, v in terms)
    flops = " · 2" if quantity == "flops" else ""
    if not terms or len(terms) > SUM_TERMS:
        return T("the sum over the block's {n} layers ({counted} of them count){flops} = {total:,}",
                 n=len(row.layers), counted=len(terms), flops=flops, total=total * (2 if flops else 1))
    written = " + ".join(f"{name} {v:,}" for name, v in terms)
    if flops:
        return T("2·({terms}) = {total:,}", terms=written, total=2 * total)
    return T("{terms} = {total:,}", terms=written, total=total)

