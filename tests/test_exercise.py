"""`cnncalc exercise` (issue 13): seeded exercise sets whose keys `cnncalc check` grades 100%.

The exercises are those of the course slides: output sizes O = ⌊(I + 2P − F)/S⌋ + 1 (seed
002_5d5c09489cd87331.txt: O = (I − k + 2p)/s + 1; seed 003_ff5e01fd50cb8664.txt with P_start + P_end),
parameters (F·F·C₁)·K + K (seed 000_9af42e0fbabdecbd.txt, "Resumen: Capa Convolutiva"), MACs and
receptive fields ("campo receptivo", seed 004_86f6edb397104d29.txt). The numbers of the generated
keys are checked against PyTorch building the same layers, not against cnncalc itself.
"""

from __future__ import annotations

from collections import Counter

import pytest

from cnncalc import exercise_networks as ex_mod
from cnncalc.errors import CnnError
from cnncalc.exercise import DIFFICULTIES, TOPICS, analyse, generate, parse_topics
from cnncalc.grading import grade
from cnncalc.render.exercise import sheet, statement

SEEDS = range(1000)


def _files(ex) -> tuple:
    return statement(ex), sheet(ex), sheet(ex, filled=True)


def _write(tmp_path, ex) -> tuple:
    tmp_path.mkdir(parents=True, exist_ok=True)
    blank, key = tmp_path / "sheet.yaml", tmp_path / "key.yaml"
    blank.write_text(sheet(ex), encoding="utf-8")
    key.write_text(sheet(ex, filled=True), encoding="utf-8")
    return str(blank), str(key)


# -- reproducible, and varied ---------------------------------------------------------------------
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_the_same_seed_gives_the_same_files(difficulty):
    assert _files(generate(42, difficulty)) == _files(generate(42, difficulty))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_different_seeds_give_different_networks(difficulty):
    networks = Counter(repr(generate(seed, difficulty).spec()["input"]) + repr(generate(seed, difficulty).layers)
                       for seed in range(100))
    assert _files(generate(1, difficulty)) != _files(generate(2, difficulty))
    assert len(networks) >= 95, networks.most_common(3)  # easy has fewer networks to draw from


def test_the_topics_and_the_layout_do_not_change_the_network():
    base = generate(9, "hard")
    for other in (generate(9, "hard", ("rf",)), generate(9, "hard", layout="chw"), generate(9, "hard", questions=3)):
        assert (other.input_shape, other.layers) == (base.input_shape, base.layers)


# -- never an invalid network, sizes within the bounds (1,000 seeds × each difficulty) ---------------
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_a_thousand_seeds_give_valid_networks_within_the_bounds(difficulty):
    n_layers, used = Counter(), Counter()
    for seed in SEEDS:
        ex = generate(seed, difficulty)
        analysis = analyse(ex.input_shape, ex.layers)  # the spec as the sheet writes it, analysed again
        assert analysis.ok, (seed, analysis.errors)
        codes = {d.code for d in analysis.diagnostics}
        assert codes <= ({"W101", "N101"} if difficulty == "hard" else set()), (seed, codes)
        low, high = ex_mod.INPUT_SIZES[difficulty]
        c, h, w = ex.input_shape
        assert c in (1, 3) and h == w and low <= h <= high
        for layer in analysis.layers:
            shape = layer.output_shape
            if len(shape) == 3:
                assert shape[0] <= 128 and all(2 <= d <= 128 for d in shape[1:]), (seed, layer.name, shape)
            else:
                assert shape[0] <= 4096, (seed, layer.name, shape)
        n_layers[len(ex.layers)] += 1
        for la in ex.layers:
            a = la.arg
            used["dilation"] += a.get("dilation", 1) > 1
            used["same"] += a.get("padding") == "same"
            used["padding"] += isinstance(a.get("padding"), int) and a["padding"] > 0
            used["stride"] += a.get("stride", 1) > 1
            used["pool"] += la.has_window and not la.has_weights
        used["floored"] += "W101" in codes or "N101" in codes
    if difficulty == "easy":  # one or two convolutions, no padding or stride
        assert set(n_layers) == {1, 2}
        assert used["padding"] == used["same"] == used["stride"] == used["dilation"] == used["pool"] == 0
    elif difficulty == "medium":
        assert set(n_layers) == {3, 4, 5}
        assert used["dilation"] == used["same"] == used["floored"] == 0
        assert min(used["padding"], used["stride"], used["pool"]) > 100
    else:
        assert set(n_layers) <= set(range(6, 11)) and len(n_layers) >= 4
        assert min(used["dilation"], used["same"], used["floored"], used["padding"], used["pool"]) > 100


# -- the key grades 100%, the blank sheet 0% ----------------------------------------------------
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("layout", ["hwc", "chw"])
def test_the_key_grades_full_marks(tmp_path, difficulty, layout):
    for seed in range(10):
        ex = generate(seed, difficulty, layout=layout)
        _, key = _write(tmp_path / str(seed), ex)
        g = grade(key)
        assert g.passed and g.right == g.total == len(ex.questions), [a for a in g.answers if not a.correct]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_the_blank_sheet_grades_zero(tmp_path, difficulty):
    """A blank answer (null) is graded wrong, not an error (the grader's blank-answer change)."""
    ex = generate(3, difficulty)
    blank, _ = _write(tmp_path, ex)
    g = grade(blank)
    assert g.total == len(ex.questions) and g.right == 0


def test_the_sheets_have_one_line_per_question_with_its_number():
    ex = generate(5, "hard")
    lines = [line for line in sheet(ex).splitlines() if line.startswith("    ") and ": null" in line]
    assert [int(line.rsplit("# ", 1)[1]) for line in lines] == list(range(1, len(ex.questions) + 1))
    assert [line.split(":")[0].strip() for line in lines] == [q.quantity for q in ex.questions]


# -- topics -------------------------------------------------------------------------------------
@pytest.mark.parametrize("topics, asked", [
    (("sizes",), {"output_shape"}), (("params",), {"params"}), (("macs",), {"macs"}), (("rf",), {"receptive_field"}),
    (("params", "rf"), {"params", "receptive_field"}), (tuple(TOPICS), set(TOPICS.values()))])
def test_the_topics_choose_the_quantities_asked(topics, asked):
    for seed in range(20):
        ex = generate(seed, "hard", topics)
        assert {q.quantity for q in ex.questions} == asked
        layers = {la.name: la for la in ex.layers}
        for q in ex.questions:
            if q.layer == "totals":
                assert q.quantity in ("params", "macs")
            elif q.quantity in ("params", "macs"):
                assert layers[q.layer].has_weights
            elif q.quantity == "receptive_field":
                assert layers[q.layer].has_window
        if "sizes" in topics:  # every layer's output shape is asked
            assert [q.layer for q in ex.questions if q.quantity == "output_shape"] == list(layers)


def test_topics_are_read_from_comma_lists_and_repeats():
    assert parse_topics(["rf,sizes", "macs"]) == ("sizes", "macs", "rf")
    assert parse_topics(None) == parse_topics(["all"]) == ("sizes", "params", "macs", "rf")
    with pytest.raises(CnnError) as e:
        parse_topics(["sizes,shapes"])
    d = e.value.diagnostics[0]
    assert (d.code, str(d.pos), d.message) == ("E004", "--topic", "unknown topic 'shapes'")


def test_questions_limits_the_count_keeping_the_order():
    full, some = generate(4, "medium"), generate(4, "medium", questions=5)
    assert [q.number for q in some.questions] == [1, 2, 3, 4, 5]
    picked = [(q.layer, q.quantity, q.answer) for q in some.questions]
    everything = [(q.layer, q.quantity, q.answer) for q in full.questions]
    assert all(p in everything for p in picked) and picked == sorted(picked, key=everything.index)


# -- an independent oracle: PyTorch builds the same layers ----------------------------------------
def _torch_layers(torch, ex, channels=None, rank=2):
    """The exercise's network as torch modules (rank 1: the 1-channel chain the receptive field
    is measured on, every pooling averaged so that the gradient reaches the whole window)."""
    nn = torch.nn
    conv, avg, mx = ((nn.Conv1d, nn.AvgPool1d, nn.AvgPool1d) if rank == 1 else (nn.Conv2d, nn.AvgPool2d, nn.MaxPool2d))
    c, out = ex.input_shape[0] if channels is None else channels, []
    for la in ex.layers:
        a = la.arg
        if "out_channels" in a:
            k = 1 if channels else a["out_channels"]
            out.append(conv(c, k, a["kernel_size"], stride=a["stride"], padding=a["padding"],
                            dilation=a.get("dilation", 1)))
            c = k
        elif la.has_window:
            pool = mx if la.label == "2-D max pooling" else avg
            out.append(pool(a["kernel_size"], stride=a["stride"], padding=a["padding"]))
        elif "out_features" in a:
            out.append(nn.LazyLinear(a["out_features"]))
        elif la.label == "flatten to a vector":
            out.append(nn.Flatten())
        else:
            out.append(nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()))
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_shapes_params_and_macs_agree_with_pytorch(difficulty):
    torch = pytest.importorskip("torch")
    for seed in range(150):
        ex = generate(seed, difficulty)
        answers = ex.answers()
        x = torch.zeros(1, *ex.input_shape)
        total_params = total_macs = 0
        with torch.no_grad():
            for la, module in zip(ex.layers, _torch_layers(torch, ex)):
                x = module(x)
                params = sum(p.numel() for p in module.parameters())
                weight = getattr(module, "weight", None)
                macs = x.numel() * weight[0].numel() if isinstance(module, torch.nn.Conv2d) else (
                    weight.numel() if weight is not None else 0)  # per output value: one kernel (bias excluded)
                total_params, total_macs = total_params + params, total_macs + macs
                mine = answers[la.name]
                assert mine["output_shape"] == tuple(x.shape[1:]), (seed, la)
                if la.has_weights:
                    assert (mine["params"], mine["macs"]) == (params, macs), (seed, la)
        if len(ex.layers) > 1:  # a one-layer exercise asks no totals
            assert (answers["totals"]["params"], answers["totals"]["macs"]) == (total_params, total_macs)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_receptive_fields_agree_with_pytorch_gradients(difficulty):
    """The receptive field of a layer is the span of input pixels that one output's gradient
    reaches (weights 1, so no contribution cancels), measured on a 1-D, 1-channel copy of the
    layers, which have square kernels: the span is the same in each dimension."""
    torch = pytest.importorskip("torch")
    for seed in range(60):
        ex = generate(seed, difficulty, ("rf",))
        modules = _torch_layers(torch, ex, channels=1, rank=1)
        for m in modules:
            if isinstance(m, torch.nn.Conv1d):
                torch.nn.init.ones_(m.weight)
                torch.nn.init.zeros_(m.bias)
        for q in ex.questions:
            upto = [la.name for la in ex.layers].index(q.layer) + 1
            length = 3 * q.answer + 64
            x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
            y = x
            for m in modules[:upto]:
                y = m.double()(y)
            y[0, 0, y.shape[-1] // 2].backward()
            seen = torch.nonzero(x.grad[0, 0]).flatten()
            first, last = int(seen[0]), int(seen[-1])
            assert first > 0 and last < length - 1, (seed, q)  # the field is not cut by the input's edges
            assert last - first + 1 == q.answer, (seed, q)


# -- Spanish ------------------------------------------------------------------------------------
@pytest.fixture
def spanish():
    from cnncalc.i18n import set_language

    set_language("es")
    yield
    set_language("en")


def test_the_statement_and_the_sheets_in_spanish(spanish):
    ex = generate(12, "hard")
    text = statement(ex)
    assert text.startswith("# Ejercicio 12 (difícil)\n")
    assert "| # | Capa | Tipo | Filtros / unidades | Kernel | Paso (stride) | Relleno (padding)" in text
    assert "1. Shape de salida de `c1` (H×W×C)." in text
    assert "## Preguntas" in text and "Parámetros entrenables de `c1` (pesos y sesgos)." in text
    assert "Campo receptivo de `c1`" in text and "Total de parámetros de la red" in text
    assert "convolución 2D" in text and "completamente conectada (densa)" in text
    for english in ("Output shape", "Questions", "Parameters of", "Receptive field", "2-D convolution"):
        assert english not in text
    assert sheet(ex).startswith("# Hoja de respuestas del ejercicio 12")
