"""The standard streams (cnncalc/streams.py): ASCII spellings where Unicode cannot be encoded."""

import cnncalc.streams  # noqa: F401 - registers the "cnncalc-ascii" error handler


def test_symbols_get_ascii_spellings():
    text = "96×55×55 ⌊(H − 11)/4⌋ + 1 ≥ 2⁴⁰ ✓ — O_h · K"
    assert text.encode("ascii", "cnncalc-ascii") == b"96x55x55 floor((H - 11)/4) + 1 >= 2^40 ok - O_h * K"


def test_latin1_keeps_what_it_can_encode():
    assert "3×224 ≥ 1 ñ".encode("latin-1", "cnncalc-ascii") == "3×224 >= 1 ñ".encode("latin-1")


def test_an_unknown_symbol_is_a_question_mark():
    assert "a☃b".encode("ascii", "cnncalc-ascii") == b"a?b"
