"""Grading at the level of the papers' tables: every block row of the GoogLeNet, ResNet and
DenseNet tables of seed 001 (../shared/seeds/001_*.txt, Gibran Fuentes-Pineda, "Redes
convolucionales": Szegedy et al. 2014 Table 1, He et al. 2015 Table 1, Huang et al. 2017 Table 1),
written as the tables write them, and the networks' depths the slides quote."""

from __future__ import annotations

import pytest

from cnncalc.grading import grade

# Seed 001, GoogLeNet table: row, output size, depth, #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj,
# params, ops (as printed).
GOOGLENET_INCEPTION = [
    ("inception (3a)", "28×28×256", 192, (64, 96, 128, 16, 32, 32), "159K", "128M"),
    ("inception (3b)", "28×28×480", 256, (128, 128, 192, 32, 96, 64), "380K", "304M"),
    ("inception (4a)", "14×14×512", 480, (192, 96, 208, 16, 48, 64), "364K", "73M"),
    ("inception (4b)", "14×14×512", 512, (160, 112, 224, 24, 64, 64), "437K", "88M"),
    ("inception (4c)", "14×14×512", 512, (128, 128, 256, 24, 64, 64), "463K", "100M"),
    ("inception (4d)", "14×14×528", 512, (112, 144, 288, 32, 64, 64), "580K", "119M"),
    ("inception (4e)", "14×14×832", 528, (256, 160, 320, 32, 128, 128), "840K", "170M"),
    ("inception (5a)", "7×7×832", 832, (256, 160, 320, 32, 128, 128), "1072K", "54M"),
    ("inception (5b)", "7×7×1024", 832, (384, 192, 384, 48, 128, 128), "1388K", "71M"),
]
# The table's rows that --compare finds reproduced under another counting (weights only and/or K = 1024).
PARAMS_BY_ANOTHER_COUNTING = {"inception (3a)", "inception (3b)", "inception (4b)"}


def _sheet(tmp_path, model: str, answers: str, name: str = "sheet.yaml", extra: str = "") -> str:
    path = tmp_path / name
    path.write_text(f"model: {model}\n{extra}answers:\n{answers}", encoding="utf-8")
    return str(path)


def _by_row(g):
    return {(a.layer, a.quantity): a for a in g.answers}


def _inception_params(c_in: int, n1, r3, n3, r5, n5, pp) -> int:
    """The module's parameter count from PyTorch's own Conv2d layers (weights and biases)."""
    torch = pytest.importorskip("torch")
    convs = [torch.nn.Conv2d(c_in, n1, 1), torch.nn.Conv2d(c_in, r3, 1), torch.nn.Conv2d(r3, n3, 3, padding=1),
             torch.nn.Conv2d(c_in, r5, 1), torch.nn.Conv2d(r5, n5, 5, padding=2), torch.nn.Conv2d(c_in, pp, 1)]
    return sum(p.numel() for c in convs for p in c.parameters())


def test_every_inception_row_written_as_the_table_writes_it(tmp_path):
    """Output size, depth 2 and ops as printed are right (73M is 73,608,192 truncated, 88M is
    87,908,352 rounded); the row named as printed ("inception (3a)") finds inception_3a."""
    lines = "".join(f'  "{row}": {{output_shape: {size}, depth: 2, macs: {ops}}}\n'
                    for row, size, _, _, _, ops in GOOGLENET_INCEPTION if row != "inception (5a)")
    g = grade(_sheet(tmp_path, "googlenet", lines))
    assert g.passed and g.total == 3 * 8
    assert {a.row for a in g.answers} == {f"inception_{r[11:13]}" for r, *_ in GOOGLENET_INCEPTION} - {"inception_5a"}


def test_inception_params_are_right_when_rounded_from_the_true_count(tmp_path):
    """The true count (PyTorch's) written in K as the table does: 164K for 3a, not the printed 159K."""
    truths = {row: _inception_params(c_in, *cols) for row, _, c_in, cols, _, _ in GOOGLENET_INCEPTION}
    assert truths["inception (3a)"] == 163_696
    lines = "".join(f'  "{row}": {{params: {round(n / 1000)}K}}\n' for row, n in truths.items())
    assert grade(_sheet(tmp_path, "googlenet", lines)).passed
    exact = "".join(f'  "{row}": {{params: {n}}}\n' for row, n in truths.items())
    assert grade(_sheet(tmp_path, "googlenet", exact, "exact.yaml")).passed


def test_the_tables_own_params_are_flagged_with_the_compare_verdict(tmp_path):
    lines = "".join(f'  "{row}": {{params: {params}}}\n' for row, _, _, _, params, _ in GOOGLENET_INCEPTION)
    g = grade(_sheet(tmp_path, "googlenet", lines))
    assert g.right == 0
    for a in g.answers:
        assert a.hint.startswith("that is the figure Szegedy et al. 2015, Table 1 prints"), a.hint
        if a.layer in PARAMS_BY_ANOTHER_COUNTING:
            assert "it follows only from" in a.hint and "K = 1024" in a.hint
        else:
            assert "does not follow from the formulas" in a.hint
    assert _by_row(g)[("inception (3a)", "params")].formula == (  # (F·F·C_in)·K + K per conv, seed 001's columns
        "1x1 12,352 + 3x3_reduce 18,528 + 3x3 110,720 + 5x5_reduce 3,088 + 5x5 12,832 + pool_proj 6,176 = 163,696")
    assert _by_row(g)[("inception (3a)", "params")].hint == (
        "that is the figure Szegedy et al. 2015, Table 1 prints (159K); it follows only from weights only, "
        "biases excluded, K = 1024: 163,328 → 159.5K")


def test_the_misprinted_ops_of_5a_are_flagged(tmp_path):
    """Table 1 prints 54M for inception (5a); its convolutions make 51,079,168 multiply-adds."""
    (a,) = grade(_sheet(tmp_path, "googlenet", '  "inception (5a)": {macs: 54M}\n')).answers
    assert not a.correct and a.expected == 51_079_168
    assert a.hint == ("that is the figure Szegedy et al. 2015, Table 1 prints (54M); it does not follow from the "
                      "formulas under any counting tried (`cnncalc summarize --compare`)")


def test_googlenet_layer_rows_and_its_depth(tmp_path):
    """Seed 001: "22 capas"; the max pool rows' sizes; the linear row's 1×1×1000 is a vector here."""
    lines = ("  pool1: {output_shape: 56×56×64, depth: 0}\n  pool2: {output_shape: 28×28×192}\n"
             "  pool3: {output_shape: 14×14×480}\n  pool4: {output_shape: 7×7×832}\n"
             "  pool5: {output_shape: 1×1×1024}\n  conv2: {output_shape: 56×56×192, depth: 2, macs: 360M}\n"
             "  totals: {depth: 22}\n")
    assert grade(_sheet(tmp_path, "googlenet", lines)).passed
    (a,) = grade(_sheet(tmp_path, "googlenet", "  fc: {output_shape: 1×1×1000}\n", "fc.yaml")).answers
    assert not a.correct
    assert a.hint == "a fully connected layer (or a flatten) gives a vector of 1000 features: write 1000, not 1×1×1000"


# Seed 001, ResNet table: stage blocks per depth; output sizes conv1 112×112 … conv5_x 7×7; FLOPs as printed.
RESNET = {"resnet18": ((2, 2, 2, 2), 2, "1.8×10^9"), "resnet34": ((3, 4, 6, 3), 2, "3.6×10^9"),
          "resnet50_v1": ((3, 4, 6, 3), 3, "3.8×10^9"), "resnet101_v1": ((3, 4, 23, 3), 3, "7.6×10^9"),
          "resnet152_v1": ((3, 8, 36, 3), 3, "11.3×10^9")}


@pytest.mark.parametrize("model", sorted(RESNET))
def test_resnet_stage_rows_as_the_table_names_them(tmp_path, model):
    """conv2_x … conv5_x (torchvision's layer1 … layer4): output size, depth (blocks × convs per block),
    the network's depth (its name) and the FLOPs row, which are multiply-adds: MACs here."""
    blocks, convs, flops = RESNET[model]
    lines = "  conv1: {output_size: 112x112, depth: 1}\n"
    for i, (n, size) in enumerate(zip(blocks, (56, 28, 14, 7))):
        lines += f"  conv{i + 2}_x: {{output_size: {size}×{size}, depth: {n * convs}}}\n"
    lines += f'  totals: {{depth: {model.split("_")[0][6:]}, macs: "{flops}"}}\n'
    sheet = _sheet(tmp_path, model, lines)
    g = grade(sheet)
    assert g.passed, [(a.layer, a.quantity, a.shown_given, a.shown_expected) for a in g.answers if not a.correct]
    assert {a.row for a in g.answers if a.layer.endswith("_x")} == {"layer1", "layer2", "layer3", "layer4"}


def test_the_resnet_tables_flops_are_macs(tmp_path):
    (a,) = grade(_sheet(tmp_path, "resnet34", '  totals: {flops: "3.6×10^9"}\n')).answers
    assert not a.correct and a.expected == 2 * 3_663_761_408
    assert a.hint == "that is MACs (what the ResNet paper calls FLOPs); FLOPs count the multiply and the add: 2·MACs"


# Seed 001, DenseNet table: layers per dense block, for each of the four networks.
DENSENET = {"densenet121": (6, 12, 24, 16), "densenet169": (6, 12, 32, 32), "densenet201": (6, 12, 48, 32),
            "densenet161": (6, 12, 36, 24)}


@pytest.mark.parametrize("model", sorted(DENSENET))
def test_densenet_rows_as_the_table_names_them(tmp_path, model):
    """Convolution 112×112, Pooling 56×56, Dense Block (i), Transition Layer (i) (its average pool halves
    the size), each dense block 2·n deep ([1×1 conv, 3×3 conv] × n) and the network's depth (its name)."""
    layers = DENSENET[model]
    rows = [("Convolution", 112), ("Pooling", 56)]
    size = 56
    for i in range(4):
        rows.append((f"Dense Block ({i + 1})", size))
        if i < 3:
            size //= 2
            rows.append((f"Transition Layer ({i + 1})", size))
    lines = "".join(f'  "{row}": {{output_size: {s}x{s}}}\n' for row, s in rows)
    lines += "".join(f"  denseblock{i + 1}: {{depth: {2 * n}}}\n" for i, n in enumerate(layers))
    lines += f"  totals: {{depth: {int(model[8:])}}}\n"
    g = grade(_sheet(tmp_path, model, lines))
    assert g.passed, [(a.layer, a.quantity, a.shown_given, a.shown_expected) for a in g.answers if not a.correct]
    assert g.total == len(rows) + 5


@pytest.mark.parametrize("model, depth", [("vgg19", 19), ("googlenet", 22), ("resnet34", 34), ("resnet152", 152),
                                          ("alexnet", 8)])
def test_network_depth_as_the_slides_quote_it(tmp_path, model, depth):
    """Seed 001: VGGNet "19 capas", GoogLeNet "22 capas"; ResNet-34 and -152 by name; AlexNet's 8 layers."""
    (a,) = grade(_sheet(tmp_path, model, f"  totals: {{depth: {depth}}}\n")).answers
    assert a.correct
    (a,) = grade(_sheet(tmp_path, model, f"  totals: {{depth: {depth + 1}}}\n", "off.yaml")).answers
    assert not a.correct and a.expected == depth


def test_a_block_answer_is_graded_against_the_block_not_an_inner_layer(tmp_path):
    """With a tolerance, inception_3a's params used to be matched against one of its convs."""
    one_conv = 96 * 128 * 9 + 128  # the 3×3 conv of inception (3a)
    g = grade(_sheet(tmp_path, "googlenet", f"  inception_3a: {{params: {one_conv}}}\n", extra="tolerance: 0.05\n"))
    (a,) = g.answers
    assert not a.correct and a.expected == 163_696


def test_an_ambiguous_row_name_lists_the_rows_it_could_be(tmp_path):
    from cnncalc.errors import CnnError

    with pytest.raises(CnnError) as e:
        grade(_sheet(tmp_path, "resnet18", "  conv6_x: {output_size: 7x7}\n"))
    (d,) = e.value.diagnostics
    assert (d.code, d.message, d.pos.line) == ("E106", "no layer or block row named 'conv6_x' in resnet18", 3)


def test_the_other_rows_of_the_googlenet_table(tmp_path):
    """Seed 001's GoogLeNet rows that are not inception modules, as printed: conv1 "7×7/2 112×112×64,
    depth 1, 2.7K, 34M"; conv2 "3×3/1 56×56×192, depth 2, 112K, 360M"; the pools, dropout and linear
    "1000K, 1M". Sizes, depths and the ops of conv2 and linear are right; conv1's figures follow from
    no counting (a 7×7×3×64 conv has 9,408 weights), conv2's and linear's params only without biases
    and with K = 1024."""
    lines = ('  conv1: {output_shape: 112×112×64, depth: 1, params: 2.7K, macs: 34M}\n'
             '  conv2: {output_shape: 56×56×192, depth: 2, params: 112K, macs: 360M}\n'
             '  pool1: {output_shape: 56×56×64, depth: 0}\n  pool4: {output_shape: 7×7×832, depth: 0}\n'
             '  pool5: {output_shape: 1×1×1024, depth: 0}\n  dropout: {output_shape: 1×1×1024, depth: 0}\n'
             '  fc: {depth: 1, params: 1000K, macs: 1M}\n')
    g = grade(_sheet(tmp_path, "googlenet", lines))
    wrong = {(a.layer, a.quantity): a for a in g.answers if not a.correct}
    assert set(wrong) == {("conv1", "params"), ("conv1", "macs"), ("conv2", "params"), ("fc", "params")}
    assert wrong[("conv1", "params")].expected == 9_472 and "does not follow" in wrong[("conv1", "params")].hint
    assert wrong[("conv1", "macs")].expected == 118_013_952 and "does not follow" in wrong[("conv1", "macs")].hint
    for row in ("conv2", "fc"):
        assert "it follows only from weights only, biases excluded, K = 1024" in wrong[(row, "params")].hint
