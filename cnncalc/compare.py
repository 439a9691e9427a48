"""Computed figures beside the ones a paper or slide publishes, and why they differ.

A spec records published numbers with `published: {params: 159K, macs: 128M,
source: "..."}` on a layer, a block call or the whole model. For each one we look
for the counting assumption that reproduces it, trying in turn:

    params  as computed · weights only (biases excluded) · as if groups were 1
    MACs    as computed · as if groups were 1 · FLOPs counted as 2·MACs

each read with K/M/G = 10³ⁿ and, for parameter counts, as some papers do, 2¹⁰ⁿ. A figure "reproduces" when
it is within one unit of its last printed digit (so both rounding and truncation
pass). Example: GoogLeNet's inception 3a "159K" params is 163,328 weights (biases
excluded) / 1024 = 159.5; its first row "2.7K" follows from no assumption, because
a 7×7×3×64 conv has 9,408 weights. This is reported, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .i18n import T

@dataclass(frozen=True)
class Published:
    text: str
    digits: Fraction  # the number as printed, before the suffix
    power: int  # 0 for none, 1 for K, 2 for M, 3 for G
    resolution: Fraction  # one unit of the last printed digit, before the suffix

    def value(self, base: int = 1000) -> Fraction:
        return self.digits * base**self.power

    def close(self, x: int, base: int) -> bool:
        return abs(Fraction(x) - self.value(base)) <= self.resolution * base**self.power


_LARGEST = 10**30  # no network's published count is larger; beyond it (or .inf, .nan) a figure is unreadable


def parse_published(v) -> Published | None:
    """A printed figure (60965224, 61M, 4.1G, 1,000, 3.6×10^9) or None when it is not one: read as answer
    sheets read figures (cnncalc/figures.py), its K/M/G kept apart so it can also be read as 1024ⁿ."""
    from .figures import parse_figure

    if isinstance(v, float):
        if not (0 <= v <= _LARGEST):  # also false for nan
            return None
        return Published(str(v), Fraction(str(v)), 0, Fraction(1))
    figure = parse_figure(v)
    if figure is None or figure.value > _LARGEST:
        return None
    power = next((p for p in range(5) if figure.scale == 1000**p), None)
    if power is None:  # a power of ten that is no K, M, G or T (3.6×10^8): the number itself
        return Published(str(v), figure.value, 0, figure.unit)
    return Published(str(v), figure.value / figure.scale, power, figure.unit / figure.scale)


@dataclass(frozen=True)
class Comparison:
    row: str
    quantity: str  # "params" | "macs"
    published: str
    published_value: int  # with K = 1000
    computed: int
    rel_diff: float
    verdict: str  # "match" | "assumption" | "mismatch"
    explanation: str
    source: str = ""
    note: str = ""


AS_COMPUTED = T("as computed")
# What each counting variant of a layer (Layer.variants, defined by its op) is called here.
VARIANT_LABELS = {"ungrouped": T("as if the grouped convs were not grouped (one GPU)")}


def _variant_total(layers, variant: str, index: int) -> int | None:
    """Σ over layers of (params, MACs)[index] under `variant`; None when no layer has it."""
    found, total = False, 0
    for r in layers:
        v = r.variants().get(variant)
        if v is not None:
            found = True
        total += v[index] if v is not None else (r.params, r.macs)[index]
    return total if found else None


def conventions(layers, quantity: str) -> list:
    """(label, value) for each counting convention tried; the first is cnncalc's own."""
    index = 0 if quantity == "params" else 1
    computed = sum(r.params if index == 0 else r.macs for r in layers)
    cands = [(AS_COMPUTED, computed)]
    if index == 0:
        cands.append((T("weights only, biases excluded"), sum(r.weights_only() for r in layers)))
        trainable = sum(r.trainable for r in layers)
        if trainable != computed:
            cands.append((T("trainable only (buffers and fixed weights excluded)"), trainable))
    for variant, label in VARIANT_LABELS.items():
        total = _variant_total(layers, variant, index)
        if total is not None:
            cands.append((label, total))
    if index == 1:
        cands.append((T("counting FLOPs = 2·MACs"), 2 * computed))
    return cands


def _judge(pub: Published, layers, quantity: str):
    """(computed, verdict, explanation): the closest assumption that reproduces the figure."""
    cands = conventions(layers, quantity)
    computed = cands[0][1]
    if pub.close(computed, 1000):
        return computed, "match", T("matches")
    best = None
    for label, value in cands:
        # K = 1024 is a habit of parameter (memory) counts; for operations it is only a coincidence
        for base in ((1000, 1024) if pub.power and quantity == "params" else (1000,)):
            if pub.close(value, base):
                err = abs(Fraction(value) - pub.value(base)) / max(pub.value(base), 1)  # a figure may be 0
                if best is None or err < best[0]:
                    best = (err, label, value, base)
    if best is None:
        return computed, "mismatch", T("does not follow from the formulas under any counting assumption tried")
    _, label, value, base = best
    unit = {1: "K", 2: "M", 3: "G", 4: "T"}.get(pub.power, "")
    k = f"{unit} = 1024{'' if pub.power == 1 else '²³⁴'[pub.power - 2]}" if base == 1024 else ""
    shown = f"{value:,} → {float(Fraction(value, base**pub.power)):.1f}{unit}"
    if label != AS_COMPUTED and k:
        why = T("{assumption}, {k}: {shown}", assumption=label, k=k, shown=shown)
    else:
        why = T("{assumption}: {shown}", assumption=label if label != AS_COMPUTED else k, shown=shown)
    return computed, "assumption", why


def compare(analysis) -> tuple:
    """All published figures of the model, its blocks and its layers, judged."""
    graph = analysis.graph
    out = []

    def judge(row: str, published, layers) -> None:
        if not isinstance(published, dict) or not layers:
            return
        source, note = str(published.get("source", "")), str(published.get("note", ""))
        for quantity, keys in (("params", ("params",)), ("macs", ("macs", "ops", "flops"))):
            raw = next((published[k] for k in keys if k in published), None)
            pub = parse_published(raw) if raw is not None else None
            if pub is None:
                continue
            computed, verdict, why = _judge(pub, layers, quantity)
            value = int(pub.value(1000))
            rel = (computed - value) / value if value else 0.0
            out.append(Comparison(row, quantity, pub.text, value, computed, rel, verdict, why, source, note))

    if graph.published is not None:
        judge(graph.name, graph.published, analysis.layers)
    seen_blocks = set()
    for r in analysis.layers:
        for s in r.scope:
            if s.name in graph.block_published and s.name not in seen_blocks:
                seen_blocks.add(s.name)
                members = [m for m in analysis.layers if any(x.name == s.name for x in m.scope)]
                judge(s.name, graph.block_published[s.name], members)
        if r.node.published is not None:
            judge(r.name, r.node.published, [r])
    return tuple(out)
