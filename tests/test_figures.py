"""Figures as papers and students write them (cnncalc/figures.py). The written forms are the
papers' own: GoogLeNet's "159K"/"128M" (seed 001), ResNet's "3.6×10⁹" (seed 001), AlexNet's
"60 Million parameters" (seed 002)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.figures import parse_figure


@pytest.mark.parametrize("text, value, unit", [
    (34944, 34944, 1), ("34,944", 34944, 1), ("34_944", 34944, 1), ("60,965,224", 60965224, 1),
    ("159K", 159_000, 1000), ("159k", 159_000, 1000), ("1.8G", 1_800_000_000, 100_000_000),
    ("61 M", 61_000_000, 1_000_000), ("1072K", 1_072_000, 1000), ("0.5M", 500_000, 100_000),
    ("3.6×10^9", 3_600_000_000, 100_000_000), ("3.6x10^9", 3_600_000_000, 100_000_000),
    ("3.6·10⁹", 3_600_000_000, 100_000_000), ("3.6*10**9", 3_600_000_000, 100_000_000),
    ("11.3×10⁹", 11_300_000_000, 100_000_000), ("3.6e9", 3_600_000_000, 100_000_000),
    ("1,8G", 1_800_000_000, 100_000_000),  # a decimal comma, as Spanish writes it
    ("3,6×10^9", 3_600_000_000, 100_000_000), ("1,800K", 1_800_000, 1000),  # three digits: thousands
])
def test_written_forms(text, value, unit):
    f = parse_figure(text)
    assert (f.value, f.unit) == (value, unit)


@pytest.mark.parametrize("text", ["", "abc", "12,34", "1.2.3", "K", "-5", "1e400", True, None, "9" * 41, [1]])
def test_not_figures(text):
    assert parse_figure(text) is None


def test_a_rounded_figure_covers_rounding_and_truncation():
    """159K: 158,500 rounds to it, 159,999 truncates to it; 158,499 and 160,000 do neither."""
    f = parse_figure("159K")
    assert [f.matches(n) for n in (158_499, 158_500, 159_000, 159_999, 160_000)] == [False, True, True, True, False]


def test_an_exact_count_must_be_equal():
    f = parse_figure("34,944")
    assert f.exact and f.matches(34_944) and not f.matches(34_945)


def test_the_right_figure_is_shown_the_way_the_answer_was_written():
    assert parse_figure("159K").shows(163_696) == "164K"
    assert parse_figure("1.8×10^9").shows(3_628_146_688) == "3.6×10^9"
    assert parse_figure("0.50M").shows(1_234_567) == "1.23M"


@given(st.integers(min_value=1, max_value=10**13), st.sampled_from([("K", 3), ("M", 6), ("G", 9)]),
       st.integers(min_value=0, max_value=3))
def test_a_count_always_matches_itself_rounded_and_truncated(n, suffix, decimals):
    letter, power = suffix
    scaled = Fraction(n, 10**power)
    units = 10**decimals
    for digits in (round(scaled * units), int(scaled * units)):  # rounded, truncated
        whole, frac = divmod(digits, units)
        text = f"{whole}.{frac:0{decimals}d}{letter}" if decimals else f"{whole}{letter}"
        assert parse_figure(text).matches(n), text
