"""Graph expansion semantics (cnncalc/graph.py): names, `when:`/`else:`, placeholders, unused layers.

Each case is one a user hit writing a spec by hand; the assertions are the message, its
code and the line it points at.
"""

from __future__ import annotations

import textwrap

import pytest

from cnncalc import load_string
from cnncalc.analysis import analyze
from cnncalc.errors import CnnError


def _analyze(text: str):
    return analyze(load_string(textwrap.dedent(text).lstrip("\n"), "net.yaml"))


RESIDUAL = """
name: res
input: [8, 16, 16]
blocks:
  unit:
    args: {residual: true}
    layers:
      - {type: conv2d, name: conv, out_channels: 8, kernel_size: 3, padding: 1}
      - {type: add, name: sum, inputs: [input, conv], when: $residual%s}
layers:
  - {block: unit, name: u, residual: false}
  - {type: conv2d, name: head, out_channels: 4, kernel_size: 1}
"""


def test_dropping_a_layer_with_several_inputs_must_say_which_stands_in():
    # Before: the dropped add silently meant its *first* input (the block input), so the block's
    # conv was disconnected but still counted.
    a = _analyze(RESIDUAL % "")
    (err,) = a.errors
    assert err.code == "E113" and err.pos.line == 8
    assert err.message == ("this layer has several inputs (input, conv); when it is dropped, which one stands in "
                           "for it is not said")
    assert "add else: <name> (e.g. else: conv)" in err.hint


def test_the_stand_in_message_shows_computed_names_as_written():
    # found writing MobileNetV2 from the README: the message printed Template(parts=(…), pos=Pos(…))
    a = _analyze(RESIDUAL.replace("name: conv,", 'name: "conv${1 + 1}",').replace("[input, conv]",
                                                                                 '[input, "conv${1 + 1}"]') % "")
    (err,) = a.errors
    assert err.message == ("this layer has several inputs (input, conv${1 + 1}); when it is dropped, which one "
                           "stands in for it is not said")
    assert "add else: <name> (e.g. else: conv${1 + 1})" in err.hint


def test_else_names_the_stand_in():
    a = _analyze(RESIDUAL % ", else: conv")
    assert a.ok, [d.format() for d in a.diagnostics]
    assert [r.name for r in a.layers] == ["u.conv", "head"]
    assert a.layers[1].inputs == ("u.conv",)  # the block's output is its conv, not its input
    assert not [d for d in a.diagnostics if d.code == "W104"]


def test_a_single_input_layer_dropped_still_stands_for_its_input():
    a = _analyze("""
        name: t
        input: [3, 8, 8]
        layers:
          - {type: conv2d, name: a, out_channels: 4, kernel_size: 1}
          - {type: relu, name: b, when: false}
          - {type: conv2d, name: c, out_channels: 4, kernel_size: 1, inputs: [b]}
        """)
    assert a.ok and a.layers[-1].inputs == ("a",)


def test_a_layer_no_path_to_the_output_uses_is_a_warning_naming_it():
    a = _analyze("""
        name: t
        input: [3, 8, 8]
        layers:
          - {type: conv2d, name: side, out_channels: 4, kernel_size: 3}
          - {type: conv2d, name: main, out_channels: 4, kernel_size: 1, inputs: [input]}
        """)
    (w,) = [d for d in a.diagnostics if d.code == "W104"]
    assert w.message == "side: its output is never used on the way to the model output (main)"
    assert w.pos.line == 4 and a.ok


def test_an_error_before_the_output_does_not_call_the_layers_feeding_it_unused():
    # found writing U-Net from the README: one E204 at a concat came with 7 W104s naming a
    # crop "the model output" and blaming the encoder layers its skip connections read
    a = _analyze("""
        name: t
        input: [3, 16, 16]
        layers:
          - {type: conv2d, name: enc, out_channels: 4, kernel_size: 3, padding: 1}
          - {type: maxpool2d, name: pool, kernel_size: 2}
          - {type: center_crop, name: crop, inputs: [enc], size: 4}
          - {type: concat, name: join, inputs: [crop, pool]}
          - {type: conv2d, name: head, out_channels: 2, kernel_size: 1}
        """)
    assert [(d.code, d.pos.line) for d in a.diagnostics] == [("E204", 7)]


def test_an_acknowledged_unused_layer_is_quiet():
    a = _analyze("""
        name: t
        input: [3, 8, 8]
        layers:
          - {type: conv2d, name: side, out_channels: 4, kernel_size: 3, allow: [W104]}
          - {type: conv2d, name: main, out_channels: 4, kernel_size: 1, inputs: [input]}
        """)
    assert not a.diagnostics


def test_after_an_unknown_input_later_layers_are_not_told_it_is_defined_later():
    with pytest.raises(CnnError) as info:
        _analyze("""
            name: t
            input: [3, 8, 8]
            layers:
              - {type: conv2d, name: a, out_channels: 4, kernel_size: 1}
              - {type: add, name: s, inputs: [a, missing]}
              - {type: relu, name: r, inputs: [s]}
              - {type: conv2d, name: c, out_channels: 4, kernel_size: 1, inputs: [s]}
            """).raise_for_errors()
    msgs = [(d.code, d.message, d.pos.line) for d in info.value.diagnostics]
    assert msgs == [("E106", "unknown input 'missing'", 5)]


def test_a_name_taken_twice_after_expansion_is_an_error_at_the_second():
    text = """
        name: t
        input: [3, 8, 8]
        blocks:
          b: {layers: [{type: conv2d, name: c, out_channels: 4, kernel_size: 1}]}
        layers:
          - {type: relu, name: a.c}
          - {block: b, name: a}
        """
    a = _analyze(text)
    (err,) = a.errors
    assert (err.code, err.message, err.pos.line) == ("E105", "duplicate layer name 'a.c' (first defined at line 6)", 4)
    assert len({r.name for r in a.layers}) == len(a.layers)


def test_duplicate_names_do_not_crash_the_commands(cli, spec_file):
    path = spec_file("""
        name: t
        input: [3, 8, 8]
        blocks:
          b: {layers: [{type: conv2d, name: c, out_channels: 4, kernel_size: 1}]}
        layers:
          - {block: b, name: a}
          - {type: relu, name: a.c}
        """)
    for argv in (["validate", path], ["summarize", path, "--depth", "1"], ["verify", path],
                 ["summarize", path, "-f", "json"]):
        res = cli(*argv)
        assert res.code == 1, (argv, res.err)
        assert "error[E105]: duplicate layer name 'a.c' (first defined at line 4)" in res.err
        assert "Traceback" not in res.err


def test_names_are_unique_across_blocks_and_repeats():
    a = _analyze("""
        name: t
        input: [3, 8, 8]
        blocks:
          unit: {layers: [{type: conv2d, name: conv, out_channels: 3, kernel_size: 1}, relu]}
        layers:
          - {block: unit, name: stage, repeat: 3}
        """)
    assert [r.name for r in a.layers] == ["stage.0.conv", "stage.0.relu_1", "stage.1.conv", "stage.1.relu_1",
                                          "stage.2.conv", "stage.2.relu_1"]
