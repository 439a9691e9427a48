"""Seeded exercise sets for the course (`cnncalc exercise`, issue 13): a network, the questions, the answers.

The exercises of the lecture slides (seeds 000-004): output sizes O = ⌊(I + 2P − D·(F − 1) − 1)/S⌋ + 1,
parameters (F·F·C_in)·K + K, MACs and receptive fields, from one layer to a small network
(LeNet-like conv/pool chains, VGG-style blocks). The generator only draws the hyper-parameters;
every answer is read off the project's own analysis of the spec it writes (cnncalc.analysis), so
the key can never disagree with `cnncalc check`. A drawn network that the analysis rejects, that
floors a division where the difficulty wants exact ones, or that leaves the bounds of
exercise_networks.py (where networks are drawn) is drawn again from the same random stream, so a
seed always gives the same exercise.

Pure: returns frozen data; the sheet and the statement are written by render/exercise.py.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from .errors import Option, fail
from .exercise_networks import DRAW, MAX_CHANNELS, MAX_FEATURES, MAX_SIZE, MIN_SIZE
from .i18n import T

DIFFICULTIES = ("easy", "medium", "hard")
TOPICS = {"sizes": "output_shape", "params": "params", "macs": "macs", "rf": "receptive_field"}
MAX_DRAWS = 200  # a network is redrawn until it fits; tests/test_exercise.py shows a few draws suffice


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
        input_shape, layers = DRAW[difficulty](rng)
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
