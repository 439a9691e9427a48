"""Drawing the networks of `cnncalc exercise` (cnncalc/exercise.py): random hyper-parameters within
bounds that keep every number workable by hand, one chooser of windows for every layer.

Bounds: square inputs of 5-32 (easy), 16-64 (medium) or 28-128 (hard) pixels with 1 or 3
channels; every spatial size after a window stays between 2 and 128; at most 128 channels and
4,096 flattened features. The window sizes are chosen with the project's own size rule
(ops/window.py), and exercise.py redraws what the analysis then rejects.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_
from .ops.adaptive import GlobalAvgPool
from .ops.conv import Conv
from .ops.linear import Flatten, Linear
from .ops.pool import AvgPool, MaxPool
from .ops.registry import REGISTRY
from .ops.window import extent, out_size

MIN_SIZE, MAX_SIZE, MAX_CHANNELS, MAX_FEATURES = 2, 128, 128, 4096
INPUT_SIZES = {"easy": (5, 32), "medium": (16, 64), "hard": (28, 128)}


def _spelling(cls) -> str:
    """The registered 2-D name of an op class (cnncalc/ops names the ops; this module never spells one)."""
    return next(op.name for op in REGISTRY.values() if type(op) is cls and op.spatial in (None, 2))


@dataclass(frozen=True)
class SpecLayer:
    """One layer as the spec writes it: its type, its arguments in the order shown, and what the
    statement calls it (an N_ text, translated when shown)."""

    name: str
    type: str
    label: str
    args: tuple  # ((key, value), ...)

    @property
    def arg(self) -> dict:
        return dict(self.args)

    @property
    def has_weights(self) -> bool:
        return "out_channels" in self.arg or "out_features" in self.arg

    @property
    def has_window(self) -> bool:
        return "kernel_size" in self.arg

    def as_spec(self) -> dict:
        return {"type": self.type, "name": self.name, **self.arg}



# -- drawing networks ---------------------------------------------------------------------
CONV, MAX, AVG, GAP, FLAT, FC = (_spelling(c) for c in (Conv, MaxPool, AvgPool, GlobalAvgPool, Flatten, Linear))
LABELS = {CONV: N_("2-D convolution"), MAX: N_("2-D max pooling"), AVG: N_("2-D average pooling"),
          GAP: N_("global average pooling (2-D)"), FLAT: N_("flatten to a vector"), FC: N_("fully connected (dense)")}


def _layer(kind: str, name: str, **args) -> SpecLayer:
    return SpecLayer(name, kind, LABELS[kind], tuple(args.items()))


def _window(rng, size: int, kernels, strides, paddings, dilations=(1,), exact: bool = True, same: bool = False):
    """(kernel, stride, padding, dilation, output size) of one window over `size` pixels, drawn among
    those whose output is MIN_SIZE to MAX_SIZE, whose stride is at most the kernel (W102), and whose
    windows tile the padded input exactly when `exact`; 'same' padding (stride 1) when `same`. None:
    no choice fits."""
    choices = []
    for k, d, s in ((k, d, s) for k in kernels for d in dilations for s in strides if s <= k):
        span = extent(k, d)
        for p in (("same",) if same and s == 1 else () if same else paddings(span)):
            if p == "same":
                o = size
            elif size + 2 * p < span:
                continue
            else:
                o = out_size(size, k, s, p, p, d)
                if exact and (o - 1) * s + span != size + 2 * p:
                    continue
            if MIN_SIZE <= o <= MAX_SIZE:
                choices.append((k, s, p, d, o))
    return rng.choice(choices) if choices else None


def _conv(rng, name: str, size: int, filters: int, exact: bool, kernels=(1, 3, 5, 7), strides=(1,),
          padded: bool = False, dilations=(1,), same: bool = False):
    w = _window(rng, size, kernels, strides, lambda span: range((span - 1) // 2 + 1) if padded else (0,),
                dilations, exact, same)
    if w is None:
        return None, size
    k, s, p, d, o = w
    dilation = {"dilation": d} if d != 1 else {}
    return _layer(CONV, name, out_channels=filters, kernel_size=k, stride=s, padding=p, **dilation), o


def _pool(rng, name: str, size: int, exact: bool):
    """A 2×2 or 3×3 pooling of stride 2, max or average; an exact one if there is one."""
    def pool_paddings(span):
        return range((span - 1) // 2 + 1)  # a 2×2 window unpadded, a 3×3 one padded by 0 or 1

    w = _window(rng, size, (2, 3), (2,), pool_paddings) or (
        None if exact else _window(rng, size, (2, 3), (2,), pool_paddings, exact=False))
    if w is None:
        return None, size
    k, s, p, _, o = w
    return _layer(rng.choice((MAX, AVG)), name, kernel_size=k, stride=s, padding=p), o


def _input(rng, difficulty: str) -> tuple:
    low, high = INPUT_SIZES[difficulty]
    size = rng.randint(low, high)
    return (rng.choice((1, 3)), size, size)


def _easy(rng):
    """One or two convolutions, stride 1, no padding (O = I − F + 1)."""
    shape = _input(rng, "easy")
    layers, size = [], shape[1]
    for i in range(rng.choice((1, 2))):
        layer, size = _conv(rng, f"c{i + 1}", size, rng.choice((2, 4, 6, 8, 10, 12, 16, 32)), True)
        if layer is None:
            break
        layers.append(layer)
    return shape, layers


def _medium(rng):
    """Three to five layers: convolutions with padding and stride, pooling, maybe a flatten and a
    fully connected output; every division exact."""
    shape = _input(rng, "medium")
    n = rng.randint(3, 5)
    head = n >= 4 and rng.random() < 0.5
    layers, size, convs, pools = [], shape[1], 0, 0
    while len(layers) < n - 2 * head:
        if layers and layers[-1].type == CONV and rng.random() < 0.5:
            pools += 1
            layer, new = _pool(rng, f"p{pools}", size, True)
            if layer is not None:
                layers.append(layer)
                size = new
                continue
            pools -= 1
        convs += 1
        layer, size = _conv(rng, f"c{convs}", size, rng.choice((8, 12, 16, 24, 32, 48, 64)), True,
                            kernels=(1, 3, 5, 7), strides=(1, 2), padded=True)
        layers.append(layer)
    if head:
        layers += [_layer(FLAT, "flat"), _layer(FC, "fc1", out_features=10)]
    return shape, layers


def _lenet(rng):
    """LeNet-like: two or three conv → pool stages (dilation, 'same' padding, floored divisions
    allowed), then flatten and two fully connected layers: 7 or 9 layers."""
    shape = _input(rng, "hard")
    layers, size, filters = [], shape[1], rng.choice((4, 6, 8, 16))
    for i in range(1, rng.choice((2, 3)) + 1):
        conv, size = _conv(rng, f"c{i}", size, filters, False, kernels=(3, 5, 7), strides=(1, 2), padded=True,
                           dilations=(1, 1, 2, 3), same=rng.random() < 0.25)
        pool, size = _pool(rng, f"p{i}", size, False)
        layers += [la for la in (conv, pool) if la is not None]
        filters = min(2 * filters, MAX_CHANNELS)
    layers += [_layer(FLAT, "flat"), _layer(FC, "fc1", out_features=rng.choice((32, 64, 84, 100, 120, 128))),
               _layer(FC, "fc2", out_features=10)]
    return shape, layers


def _vgg(rng):
    """VGG-style: two or three blocks of 3×3 convolutions ('same' or padding 1, a dilated one now
    and then) and a 2×2 max pooling, channels doubled from block to block; then global average
    pooling and a fully connected output: 6 to 10 layers."""
    shape = _input(rng, "hard")
    blocks = rng.choice((2, 3))
    convs_per_block = [rng.choice((1, 2)) for _ in range(blocks)]
    while sum(convs_per_block) + blocks > 8:
        convs_per_block[0] = 1
        convs_per_block[-1] -= 1
    layers, size, filters, n = [], shape[1], rng.choice((8, 16, 32)), 0
    for b, convs in enumerate(convs_per_block, 1):
        for _ in range(convs):
            n += 1
            dilation = rng.choice((1, 1, 1, 2))
            conv, size = _conv(rng, f"c{n}", size, filters, False, kernels=(3,), dilations=(dilation,),
                               padded=True, same=rng.random() < 0.5)
            layers.append(conv)
        layers.append(_layer(MAX, f"p{b}", kernel_size=2, stride=2, padding=0))
        size = out_size(size, 2, 2, 0, 0)
        filters = min(2 * filters, MAX_CHANNELS)
    layers += [_layer(GAP, "gap"), _layer(FC, "fc1", out_features=10)]
    return shape, [la for la in layers if la is not None]


DRAW = {"easy": _easy, "medium": _medium, "hard": lambda rng: (_lenet if rng.random() < 0.5 else _vgg)(rng)}
