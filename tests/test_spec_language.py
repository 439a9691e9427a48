"""The spec language: canonical form, sugar, blocks, repeat, when, $expressions, naming."""

from __future__ import annotations

import pytest

import cnncalc

from cnncalc import CnnError, load_string
from cnncalc.analysis import analyze

CANONICAL = """
name: tiny
input: [3, 32, 32]            # C, H, W (channels first)
layers:
  - {type: conv2d, name: c1, out_channels: 16, kernel_size: 3, padding: 1}
  - {type: relu}
  - {type: conv2d, name: c2, out_channels: 16, kernel_size: 3, padding: 1}
  - {type: add, name: sum, inputs: [c1, c2]}    # merge: elementwise add
  - {type: concat, inputs: [sum, c1]}           # channel concat: 32 channels
  - {type: maxpool2d, kernel_size: 2}
  - {type: flatten}
  - {type: linear, out_features: 10}
"""


def _run(text):
    a = analyze(load_string(text))
    assert a.ok, "\n".join(d.format() for d in a.diagnostics)
    return a


def test_canonical_example_of_the_issue():
    a = _run(CANONICAL)
    assert [r.name for r in a.layers] == ["c1", "relu_1", "c2", "sum", "concat_1", "maxpool2d_1", "flatten_1",
                                          "linear_1"]
    assert [r.inputs for r in a.layers][:4] == [("input",), ("c1",), ("relu_1",), ("c1", "c2")]
    shapes = {r.name: r.output_shape for r in a.layers}
    assert shapes["concat_1"] == (32, 32, 32)
    assert shapes["flatten_1"] == (32 * 16 * 16,)
    assert a.totals.params == (27 * 16 + 16) + (144 * 16 + 16) + (8192 * 10 + 10)


def test_sugar_forms_equal_the_canonical_form():
    sugar = _run("""
name: s
input: [3, 32, 32]
layers:
  - conv2d: {name: c1, out_channels: 16, kernel_size: 3, padding: 1}
  - relu
  - {type: Conv2D, name: c2, filters: 16, kernel_size: 3, padding: same, activation: relu}
  - {type: MaxPooling2D, pool_size: 2}
""")
    assert [(r.name, r.type, r.output_shape) for r in sugar.layers] == [
        ("c1", "conv2d", (16, 32, 32)), ("relu_1", "relu", (16, 32, 32)), ("c2", "conv2d", (16, 32, 32)),
        ("c2_relu", "relu", (16, 32, 32)), ("max_pooling2d", "maxpool2d", (16, 16, 16))]


RESNETISH = """
name: resnetish
input: [64, 56, 56]
blocks:
  basic:
    args: {planes: null, stride: 1, downsample: false}
    layers:
      - {type: conv2d, name: conv1, out_channels: $planes, kernel_size: 3, stride: $stride, padding: 1, bias: false}
      - {type: batchnorm2d, name: bn1}
      - {type: relu, name: relu}
      - {type: conv2d, name: conv2, out_channels: $planes, kernel_size: 3, padding: 1, bias: false}
      - {type: batchnorm2d, name: bn2}
      - {type: conv2d, name: downsample.0, inputs: [input], out_channels: $planes, kernel_size: 1,
         stride: $stride, bias: false, when: $downsample}
      - {type: batchnorm2d, name: downsample.1, when: $downsample}
      - {type: add, name: add, inputs: [bn2, downsample.1]}
      - {type: relu, name: out}
layers:
  - {block: basic, name: layer1, repeat: 2, planes: 64}
  - {block: basic, name: layer2, repeat: 2, planes: 128, stride: "$2 if i == 0 else 1", downsample: "$i == 0"}
"""


def test_blocks_repeat_and_torchvision_names():
    a = _run(RESNETISH)
    names = [r.name for r in a.layers]
    assert names[:9] == ["layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu", "layer1.0.conv2", "layer1.0.bn2",
                         "layer1.0.add", "layer1.0.out", "layer1.1.conv1", "layer1.1.bn1"]
    assert "layer2.0.downsample.0" in names and "layer2.1.downsample.0" not in names
    L = {r.name: r for r in a.layers}
    # when: false makes downsample.1 stand for the block input
    assert L["layer1.0.add"].inputs == ("layer1.0.bn2", "input")
    assert L["layer1.1.add"].inputs == ("layer1.1.bn2", "layer1.0.out")
    assert L["layer2.0.add"].inputs == ("layer2.0.bn2", "layer2.0.downsample.1")
    assert L["layer2.0.conv1"].output_shape == (128, 28, 28)
    assert L["layer2.1.out"].output_shape == (128, 28, 28)
    # torchvision resnet18 layer1 + layer2 parameter count (BasicBlock, BN affine = 2·C trainable)
    assert a.totals.trainable_params == 147_968 + 525_568
    assert a.totals.non_trainable_params == 2 * (4 * 64) + 2 * (4 * 128 + 128)


def test_repeat_group_and_block_names_can_be_referenced():
    a = _run(RESNETISH + "  - {type: concat, inputs: [layer1, layer2.0.conv1, layer1.1.relu]}\n"
             .replace("layer2.0.conv1", "layer1.0.out"))
    assert a.layers[-1].inputs == ("layer1.1.out", "layer1.0.out", "layer1.1.relu")


def test_deferred_in_channels_expression():
    a = _run("""
name: transition
input: [256, 56, 56]
layers:
  - {type: conv2d, name: conv, out_channels: $in_channels // 2, kernel_size: 1, bias: false}
  - {type: conv2d, name: dw, out_channels: $in_channels, groups: $in_channels, kernel_size: 3, padding: 1}
""")
    assert [r.output_shape for r in a.layers] == [(128, 56, 56), (128, 56, 56)]
    assert a.layers[1].params == 128 * 9 + 128


def test_interpolated_names_with_repeat():
    a = _run("""
name: dense
input: [64, 8, 8]
blocks:
  dense_layer:
    args: {growth: 32}
    layers:
      - {type: conv2d, name: conv, out_channels: $growth, kernel_size: 3, padding: 1}
      - {type: concat, name: cat, inputs: [input, conv]}
layers:
  - {block: dense_layer, name: "denselayer${i + 1}", repeat: 3, growth: 16}
""")
    assert [r.name for r in a.layers] == ["denselayer1.conv", "denselayer1.cat", "denselayer2.conv",
                                          "denselayer2.cat", "denselayer3.conv", "denselayer3.cat"]
    assert a.output_shape == (64 + 3 * 16, 8, 8)


def test_repeat_on_a_plain_layer_chains_copies():
    a = _run("name: r\ninput: [8, 16, 16]\nlayers:\n  - {type: conv2d, name: c, repeat: 3, out_channels: 8, "
             "kernel_size: 3, padding: 1}\n")
    assert [(r.name, r.inputs) for r in a.layers] == [("c.0", ("input",)), ("c.1", ("c.0",)), ("c.2", ("c.1",))]


def test_declared_in_channels_is_checked():
    a = analyze(load_string("name: x\ninput: [3, 8, 8]\nlayers:\n"
                            "  - {type: conv2d, in_channels: 4, out_channels: 8, kernel_size: 3}\n"))
    assert [(d.code, d.pos.line, d.message) for d in a.errors] == [
        ("E203", 4, "conv2d_1: in_channels is 4 but the input has 3 channels")]


def _errors(text):
    with pytest.raises(CnnError) as exc:
        a = analyze(load_string(text))
        a.raise_for_errors()
    return [(d.code, d.pos.line if d.pos else None, d.message) for d in exc.value.diagnostics]


def test_block_recursion_is_reported():
    errs = _errors("""
name: loop
input: [3, 8, 8]
blocks:
  a:
    layers: [{block: b}]
  b:
    layers: [{block: a}]
layers:
  - {block: a}
""")
    assert errs == [("E109", 8, "block 'a' uses itself: a → b → a")]


def test_unknown_block_and_block_arguments():
    errs = _errors("""
name: x
input: [3, 8, 8]
blocks:
  unit:
    args: {width: null}
    layers: [{type: conv2d, out_channels: $width, kernel_size: 1}]
layers:
  - {block: unti}
  - {block: unit, widht: 4}
""")
    assert ("E108", 9, "unknown block 'unti'") in errs
    assert ("E102", 10, "unknown argument 'widht' for block 'unit'") in errs
    assert ("E103", 10, "block 'unit' needs argument 'width'") in errs


def test_bad_expressions():
    errs = _errors("name: x\ninput: [3, 8, 8]\nlayers:\n"
                   "  - {type: conv2d, out_channels: $width * 2, kernel_size: 3}\n"
                   "  - {type: conv2d, out_channels: $7 / 2, kernel_size: 3}\n")
    assert errs == [("E110", 4, "unknown name 'width' in expression 'width * 2'"),
                    ("E104", 5, "out_channels: value must be a whole number, got 7/2 (= 3.5): round it with //, "
                                "floor(), ceil() or make_divisible()")]


def test_layer_limit():
    errs = _errors("name: x\ninput: [3, 8, 8]\nlayers:\n  - {type: relu, repeat: 1000000000}\n")
    assert errs == [("E301", 4, "repeat: 1,000,000,000 would exceed the limit of 10,000 layers")]  # the default


def test_huge_integer_is_an_error_not_an_overflow():
    errs = _errors("name: x\ninput: [3, 8, 8]\nlayers:\n"
                   "  - {type: conv2d, out_channels: 8, kernel_size: 1000000000000000000000000000000}\n")
    assert errs[0][:2] == ("E303", 4)


# -- the language features modern networks need (issue: MobileNet, EfficientNet, U-Net specs) -----
def _net(text: str):
    import textwrap

    return cnncalc.analyze(cnncalc.load_string(textwrap.dedent(text).lstrip("\n"), "net.yaml"))


def test_a_block_argument_may_name_a_layer_outside_the_block():
    a = _net("""
        name: t
        input: [4, 16, 16]
        blocks:
          up:
            args: {skip: null}
            layers:
              - {type: conv2d, name: conv, out_channels: 4, kernel_size: 1}
              - {type: concat, name: cat, inputs: [$skip, conv]}
        layers:
          - {type: conv2d, name: enc, out_channels: 4, kernel_size: 3, padding: 1}
          - {type: maxpool2d, name: down, kernel_size: 1}
          - {block: up, name: dec, skip: enc}
        """)
    assert a.ok, [d.format() for d in a.diagnostics]
    assert a.layer("dec.cat").inputs == ("enc", "dec.conv") and a.output_shape == (8, 16, 16)


def test_expressions_inside_lists_and_flow_mappings_need_no_quotes():
    a = _net("""
        name: t
        input: [8, 16, 16]
        blocks:
          b:
            args: {c: 16}
            layers:
              - {type: conv2d, out_channels: $max(1, c // 4), kernel_size: [1, $c // 8], padding: [0, $c // 16]}
        layers:
          - {block: b}
        """)
    r = a.layers[0]
    assert a.ok and r.args.kernel_size == (1, 2) and r.output_shape == (4, 16, 17)


def test_where_yaml_itself_forces_quotes_the_error_says_so():
    with pytest.raises(CnnError) as info:  # block style: ': ' inside a plain scalar is YAML's own syntax
        cnncalc.load_string("name: t\ninput: [3, 8, 8]\nlayers:\n  - type: relu\n    when: $a: b\n")
    (d,) = info.value.diagnostics
    assert d.code == "E003" and d.pos.line == 5 and "must be quoted in YAML" in d.hint


def test_type_may_be_an_expression_and_its_keys_are_checked_for_that_op():
    text = """
        name: t
        input: [8, 4, 4]
        blocks:
          act:
            args: {kind: relu}
            layers: [{type: $kind, name: a}]
        layers:
          - {block: act, name: x, kind: hardswish}
          - {block: act, name: y}
        """
    a = _net(text)
    assert [r.type for r in a.layers] == ["hardswish", "relu"]
    bad = _net(text.replace("layers: [{type: $kind, name: a}]", "layers: [{type: $kind, name: a, slope: 2}]"))
    assert [(d.code, d.message) for d in bad.errors][0] == ("E102", "unknown key 'slope' for hardswish")
    bad = _net(text.replace("kind: hardswish}", "kind: relu7}"))
    assert [(d.code, d.message) for d in bad.errors] == [("E101", "unknown op 'relu7' (from type: kind)")]


def test_when_may_read_the_input_size_and_not_works():
    spec = """
        name: t
        input: [%d, 8, 8]
        blocks:
          res:
            args: {out: 8, plain: false}
            layers:
              - {type: conv2d, name: conv, out_channels: $out, kernel_size: 3, padding: 1}
              - {type: add, name: sum, inputs: [input, conv], when: $in_channels == out and not plain, else: conv}
        layers:
          - {block: res, name: r}
        """
    same = _net(spec % 8)
    assert [r.name for r in same.layers] == ["r.conv", "r.sum"]
    other = _net(spec % 3)  # 3 channels in, 8 out: no residual
    assert [r.name for r in other.layers] == ["r.conv"] and other.output_shape == (8, 8, 8)
    plain = _net((spec % 8).replace("- {block: res, name: r}", "- {block: res, name: r, plain: true}"))
    assert [r.name for r in plain.layers] == ["r.conv"]


def test_exact_rational_widths_as_torchvision_computes_them():
    # torchvision efficientnet_b2 (width 1.1): stem 32·1.1 = 35.2 → 32; stage 3 40·1.1 = 44 → 48
    a = _net("""
        name: t
        input: [3, 32, 32]
        blocks:
          w:
            args: {c: null, width: 1.1}
            layers: [{type: conv2d, out_channels: $make_divisible(c * width, 8), kernel_size: 1}]
        layers:
          - {block: w, c: 32}
          - {block: w, c: 40}
          - {type: conv2d, out_channels: $ceil(3 * 1.1 * 10) // 10, kernel_size: 1}
        """)
    assert [r.output_shape[0] for r in a.layers] == [32, 48, 3]


def test_list_arguments_are_indexed():
    a = _net("""
        name: t
        input: [3, 8, 8]
        args: {widths: [4, 8, 16]}
        blocks:
          stage:
            args: {k: null}
            layers: [{type: conv2d, out_channels: $widths[k], kernel_size: 1}]
        layers:
          - {block: stage, name: "s${i}", repeat: 3, k: $i}
        """)
    assert [r.output_shape[0] for r in a.layers] == [4, 8, 16]
    bad = _net("name: t\ninput: [3, 8, 8]\nargs: {w: [4]}\nlayers:\n  - {type: conv2d, out_channels: $w[3], "
               "kernel_size: 1}\n")
    assert [d.message for d in bad.errors] == ["cannot evaluate 'w[3]': index 3 is outside a list of 1"]


def test_len_counts_a_table_of_rows():
    a = _net("""
        name: t
        input: [3, 8, 8]
        args: {rows: [[4, 1], [8, 2], [16, 1]]}
        layers:
          - {type: conv2d, name: "c${i}", repeat: $len(rows), out_channels: $rows[i][0], kernel_size: 1,
             stride: $rows[i][1]}
          - {type: conv2d, out_channels: $len(rows) * len('ab'), kernel_size: 1}
        """)
    assert [r.output_shape for r in a.layers] == [(4, 8, 8), (8, 4, 4), (16, 4, 4), (6, 4, 4)]
    bad = _net("name: t\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: $len(3), kernel_size: 1}\n")
    assert [d.message for d in bad.errors] == ["cannot evaluate 'len(3)': len() needs a list or a string, got int"]


def test_positions_after_an_expression_in_a_flow_mapping_are_exact():
    line = "  - {type: conv2d, out_channels: $max(1, [8, 4][0]), kernel_size: [1, $2], strid: 2}"
    a = _net("name: t\ninput: [3, 8, 8]\nlayers:\n" + line + "\n")
    (e,) = a.errors
    assert (e.code, e.message, e.pos.line, e.pos.col) == ("E102", "unknown key 'strid' for conv2d", 4,
                                                          line.index("strid") + 1)
