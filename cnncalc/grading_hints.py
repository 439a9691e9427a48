"""Why a wrong answer is wrong: the usual mistakes, each recognised by recomputing the figure
the way the mistake does and comparing it with the answer.

Shapes: division rounded up instead of down (or the reverse, for a ceil_mode pool), the padding
forgotten (or 'same' padding assumed), one GPU's half of AlexNet's channels, a vector written as a
1×1×N map (or the reverse), the spatial size without the channels, the layout swapped.
Counts: biases forgotten, FLOPs for MACs (or the reverse), one GPU's half, K read as 1024, another
counting convention (cnncalc/compare.py), and the figure a paper prints when it does not follow
from the formulas (the verdict of `summarize --compare`).

Each hint is a T() message, shown in the chosen language.
"""

from __future__ import annotations

from fractions import Fraction

from .grading_read import read_shape
from .i18n import T
from .ops.base import SHAPE_NAMES
from .ops.window import out_size
from .shapes import from_chw


def _as_text(shape, layout: str) -> str:
    return "×".join(map(str, from_chw(shape) if layout == "hwc" else shape))


def _window_sizes(layer, ceil_mode: bool, pad=None):
    """The layer's spatial output sizes with its window rule changed, or None for a layer without one."""
    w = layer.window
    if w is None or w.transposed or len(layer.input_shapes) != 1:
        return None
    sizes = layer.input_shapes[0][1:]
    if len(sizes) != len(w.kernel) or not all(isinstance(i, int) for i in sizes):
        return None
    pads = w.pad if pad is None else pad
    try:
        return tuple(out_size(i, k, s, p0, p1, d, ceil_mode)
                     for i, k, s, (p0, p1), d in zip(sizes, w.kernel, w.stride, pads, w.dilation))
    except (ZeroDivisionError, TypeError):
        return None


def layout_hint(value, given, expected, layout, pos):
    """For a shape that is right read in the other layout (96×27×27 in an H×W×C sheet)."""
    if not isinstance(value, str) or len(given) < 2 or given == expected:
        return None
    other = "chw" if layout == "hwc" else "hwc"
    if read_shape(value, other, pos) != expected:
        return None
    first = SHAPE_NAMES[len(given)]
    last = "×".join(from_chw(tuple(first.split("×"))))
    return T("this sheet reads {letters} as {read}; the answer is right read as {right}",
             letters="x".join("ABCD"[:len(given)]), read=last if layout == "hwc" else first,
             right=first if layout == "hwc" else last)


def shape_hint(row, given: tuple, expected: tuple, layout: str):
    """A hint for a wrong output shape, or None."""
    if len(expected) == 1 and len(given) == 3 and given[1:] == (1, 1) and given[0] == expected[0]:
        return T("a fully connected layer (or a flatten) gives a vector of {n} features: write {n}, not 1×1×{n}",
                 n=expected[0])
    if len(given) == 1 and len(expected) > 1 and set(expected[1:]) == {1} and given[0] == expected[0]:
        return T("the pooling keeps the spatial axes: the output is {shape}; it becomes {n} after a flatten",
                 shape=_as_text(expected, layout), n=expected[0])
    if len(given) == len(expected) - 1 and given == expected[1:]:
        return T("that is the spatial size only; the output shape also has the {c} channels: {shape} (or answer "
                 "output_size)", c=expected[0], shape=_as_text(expected, layout))
    if len(given) != len(expected):
        return None
    if given[1:] == expected[1:] and given[0] * 2 == expected[0]:
        return T("that is half the channels: one GPU's share in the AlexNet paper, which splits each layer over "
                 "two GPUs; the layer has {c}", c=expected[0])
    if given[0] != expected[0] or row is None or row.kind != "layer":
        return None
    layer = row.layers[0]
    w = layer.window
    spatial = given[1:]
    if w is None:
        return None
    flipped = _window_sizes(layer, not w.ceil_mode)
    if flipped is not None and flipped == spatial and flipped != expected[1:]:
        if w.ceil_mode:
            return T("that rounds the division down; this layer has ceil_mode, which rounds it up: "
                     "⌈(I + 2P − F)/S⌉ + 1")
        return T("that rounds the division up; the output size rounds it down: ⌊(I + 2P − F)/S⌋ + 1")
    if any(p != (0, 0) for p in w.pad):
        unpadded = _window_sizes(layer, w.ceil_mode, ((0, 0),) * len(w.pad))
        if unpadded == spatial:
            pads = ", ".join(f"{p0}+{p1}" for p0, p1 in w.pad)
            return T("that is the size without padding; this layer pads its input ({pads} per dimension)", pads=pads)
    else:
        same = tuple(-(-i // s) for i, s in zip(layer.input_shapes[0][1:], w.stride))
        if same == spatial and same != expected[1:]:
            return T("that is the size with 'same' padding; this layer does not pad its input")
    return None


def count_hint(layers, quantity: str, figure, expected: int):
    """A hint for a wrong parameter or MAC count (exact or rounded as papers write it), or None.

    The mistakes with words of their own come first, each recomputed from the layers; then any other
    counting convention --compare tries (compare.conventions), named by its label."""
    from .compare import conventions

    if not expected or figure.matches(expected):
        return None
    if quantity == "params":
        weights = sum(r.weights_only() for r in layers)
        if weights != expected and figure.matches(weights):
            return T("the biases are missing: {weights:,} weights + {biases:,} biases = {expected:,}",
                     weights=weights, biases=expected - weights, expected=expected)
    if quantity == "macs" and figure.matches(2 * expected):
        return T("that is FLOPs; MACs count a multiply-accumulate once (FLOPs = 2·MACs)")
    if quantity == "flops" and expected % 2 == 0 and figure.matches(expected // 2):
        return T("that is MACs (what the ResNet paper calls FLOPs); FLOPs count the multiply and the add: 2·MACs")
    if quantity in ("params", "macs", "flops"):
        scale = 2 if quantity == "flops" else 1
        for label, value in conventions(layers, "params" if quantity == "params" else "macs")[1:]:
            if scale * value != expected and figure.matches(scale * value):
                return T("your number matches another convention: {label}", label=label)
    if expected % 2 == 0 and figure.matches(expected // 2):
        return T("that is half: one GPU's share in the AlexNet paper, which splits each layer over two GPUs")
    return None


def figure_hint(figure, expected: int):
    """A hint for a rounded figure that is off: K read as 1024, or the right figure written the same way."""
    if figure.exact:
        return None
    for power, unit in ((3, "K"), (6, "M"), (9, "G")):
        if figure.scale == 10**power and abs(Fraction(expected, 1024 ** (power // 3)) * 10**power
                                             - figure.value) <= figure.unit / 2:
            return T("that reads {unit} as {base}; counts use {unit} = {decimal} ({shown})", unit=unit,
                     base=f"1024{'' if power == 3 else '²³'[power // 3 - 2]}", decimal=f"10{'³⁶⁹'[power // 3 - 1]}",
                     shown=figure.shows(expected))
    return T("rounded as written, the figure is {shown}", shown=figure.shows(expected))


def published_hint(comparison):
    """For an answer equal to a figure the paper prints that is not the computed one (a misprint or
    another counting): what --compare says of it."""
    if comparison.verdict == "assumption":
        return T("that is the figure {source} prints ({published}); it follows only from {why}",
                 source=comparison.source or T("the paper"), published=comparison.published,
                 why=comparison.explanation)
    return T("that is the figure {source} prints ({published}); it does not follow from the formulas under any "
             "counting tried (`cnncalc summarize --compare`)", source=comparison.source or T("the paper"),
             published=comparison.published)
