"""Seeded exercise sets for the course (`cnncalc exercise`, issue 13): a network, the questions, the answers.

The exercises of the lecture slides (seeds 000-004): output sizes O = ⌊(I + 2P − D·(F − 1) − 1)/S⌋ + 1,
parameters (F·F·C_in)·K + K, MACs and receptive fields, from one layer to a small network
(LeNet-like conv/pool chains, VGG-style blocks). The generator only draws the hyper-parameters;
every answer is read off the project's own analysis of the spec it writes (cnncalc.analysis), so
the key can never disagree with `cnncalc check`. A drawn network that the analysis rejects, that
floors a division where the difficulty wants exact ones, or that leaves the bounds below is drawn
again from the same random stream, so a seed always gives the same exercise.

Bounds, so that every number can be worked out by hand: square inputs of 5-32 (easy), 16-64
(medium) or 28-128 (hard) pixels with 1 or 3 channels; every spatial size after a window stays
between 2 and 128; at most 128 channels and 4,096 flattened features.

Pure: returns frozen data; the sheet and the statement are written by render/exercise.py.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from .errors import Option, fail
from .i18n import N_, T
from .ops.adaptive import GlobalAvgPool
from .ops.conv import Conv
from .ops.linear import Flatten, Linear
from .ops.pool import AvgPool, MaxPool
from .ops.registry import REGISTRY
from .ops.window import extent, out_size

DIFFICULTIES = ("easy", "medium", "hard")
TOPICS = {"sizes": "output_shape", "params": "params", "macs": "macs", "rf": "receptive_field"}
MIN_SIZE, MAX_SIZE, MAX_CHANNELS, MAX_FEATURES = 2, 128, 128, 4096
INPUT_SIZES = {"easy": (5, 32), "medium": (16, 64), "hard": (28, 128)}
MAX_DRAWS = 200  # a network is redrawn until it fits; tests/test_exercise.py shows a few draws suffice


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


@dataclass(frozen=True)
class Question:
    number: int
    layer: str  # "totals" for the whole network
    quantity: str  # one of TOPICS' values
    answer: object  # a channels-first shape tuple, or an int (a receptive field: its size)


@dataclass(frozen=True)
class Exercise:
    seed: int
    difficulty: str
    topics: tuple  # keys of TOPICS
    layout: str  # how shapes are written: hwc (the slides) or chw
    name: str
    input_shape: tuple  # channels first
    layers: tuple  # of SpecLayer
    questions: tuple  # of Question
    draws: int  # how many networks were drawn before one fitted (1 = the first)
    limit: int | None = None  # --questions, when it left some of the questions out

    def spec(self) -> dict:
        """The network as a cnncalc spec (the `model:` of the sheets)."""
        return {"name": self.name, "input": list(self.input_shape), "layers": [la.as_spec() for la in self.layers]}

    def answers(self) -> dict:
        """layer -> {quantity: answer}, in question order (the sheet's `answers:`)."""
        out: dict = {}
        for q in self.questions:
            out.setdefault(q.layer, {})[q.quantity] = q.answer
        return out


def parse_topics(values) -> tuple:
    """--topic sizes,params --topic rf -> ('sizes', 'params', 'rf') in TOPICS order; none given: all."""
    chosen = set()
    for value in values or ():
        for part in str(value).split(","):
            part = part.strip().lower()
            if part == "all":
                chosen.update(TOPICS)
            elif part in TOPICS:
                chosen.add(part)
            elif part:
                raise fail("E004", T("unknown topic '{topic}'", topic=part), Option("--topic"),
                           T("choose from {topics}, or all (a comma list, or --topic repeated)",
                             topics=", ".join(TOPICS)))
    return tuple(t for t in TOPICS if t in chosen) or tuple(TOPICS)


def generate(seed: int, difficulty: str = "medium", topics: tuple = tuple(TOPICS), layout: str = "hwc",
             questions: int | None = None) -> Exercise:
    """The exercise of a seed. The network depends on seed and difficulty only (topics and the
    number of questions choose among its questions), so one network can be asked several ways."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(difficulty)
    rng = random.Random(f"cnncalc-exercise:{seed}:{difficulty}")
    for draw in range(1, MAX_DRAWS + 1):  # noqa: B007 - the number of the draw that fitted is kept
        input_shape, layers = _DRAW[difficulty](rng)
        analysis = analyse(input_shape, layers)
        if _fits(analysis, floors_allowed=difficulty == "hard"):
            break
    else:  # pragma: no cover - tests/test_exercise.py draws 1,000 seeds of each difficulty
        raise RuntimeError(f"no {difficulty} network fitted in {MAX_DRAWS} draws for seed {seed}")
    asked = _questions(analysis, layers, topics)
    limit = questions if questions is not None and questions < len(asked) else None
    if limit is not None:
        keep = sorted(random.Random(f"cnncalc-exercise-questions:{seed}:{difficulty}").sample(
            range(len(asked)), limit))
        asked = [asked[i] for i in keep]
    numbered = tuple(Question(n, layer, quantity, answer) for n, (layer, quantity, answer) in enumerate(asked, 1))
    return Exercise(seed, difficulty, tuple(t for t in TOPICS if t in topics), layout, f"exercise_{seed}_{difficulty}",
                    input_shape, tuple(layers), numbered, draw, limit)


def analyse(input_shape: tuple, layers) -> object:
    """The project's analysis of the network, from the spec as it is written in the sheet (JSON is YAML)."""
    from .analysis import analyze
    from .pipeline import load_string

    spec = {"name": "exercise", "input": list(input_shape), "layers": [la.as_spec() for la in layers]}
    return analyze(load_string(json.dumps(spec), "exercise.yaml"))


def _fits(analysis, floors_allowed: bool) -> bool:
    if not analysis.ok:
        return False
    allowed = ("W101", "N101") if floors_allowed else ()
    if any(d.code not in allowed for d in analysis.diagnostics):
        return False
    for layer in analysis.layers:
        shape = layer.output_shape
        if len(shape) > 1 and (shape[0] > MAX_CHANNELS or not all(MIN_SIZE <= d <= MAX_SIZE for d in shape[1:])):
            return False
        if len(shape) == 1 and shape[0] > MAX_FEATURES:
            return False
    return True


def _questions(analysis, layers, topics) -> list:
    """(layer, quantity, answer) for every quantity the topics ask: the output shape of every layer,
    the parameters and MACs of those with weights, the receptive field of those with a window, and
    the network's total parameters and MACs."""
    wanted = [TOPICS[t] for t in TOPICS if t in topics]
    out = []
    for spec_layer in layers:
        layer = analysis.layer(spec_layer.name)
        answers = {"output_shape": layer.output_shape}
        if spec_layer.has_weights:
            answers.update(params=layer.params, macs=layer.macs)
        if spec_layer.has_window:
            answers["receptive_field"] = layer.rf.size[0]  # square inputs and kernels: one size
        out.extend((spec_layer.name, q, answers[q]) for q in wanted if q in answers)
    if len(layers) > 1:
        totals = {"params": analysis.totals.params, "macs": analysis.totals.macs}
        out.extend(("totals", q, totals[q]) for q in wanted if q in totals)
    return out


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


_DRAW = {"easy": _easy, "medium": _medium, "hard": lambda rng: (_lenet if rng.random() < 0.5 else _vgg)(rng)}
