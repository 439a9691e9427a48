"""Figures written the way papers and students write them, read with their rounding.

    34944, "34,944", 34_944        exact: every digit is given
    "159K", "1.8G", "61 M"         K/M/G/B/T = 10³, 10⁶, 10⁹, 10⁹, 10¹²
    "3.6×10^9", "3.6x10^9", "3.6·10⁹", "3.6*10**9", "3.6e9"

A rounded figure stands for every number that rounds or truncates to it, as papers write
both: "159K" is right for any count in [158,500, 160,000), "1.8×10^9" for [1.75·10⁹, 1.9·10⁹)
(half a unit of the last written digit below, up to a unit above). So GoogLeNet's inception
(3a) at 163,696 parameters is "164K" (or "163K"), and the table's "159K" is not: that figure
follows only from excluding biases and K = 1024, which grading reports (cnncalc/compare.py)
instead of accepting.

A comma is a thousands separator when every group after it has three digits ("34,944");
otherwise, next to a K/M/G suffix or a power of ten, it is a decimal comma, as Spanish
writes it ("1,8G" = 1.8G). Exact Fractions throughout: no float ever decides a grade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

SUFFIXES = {"": 0, "K": 3, "M": 6, "G": 9, "B": 9, "T": 12}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_MANTISSA = r"([0-9][0-9,_ ]*(?:[.,][0-9]+)?)"
_SCIENTIFIC = re.compile(_MANTISSA + r"\s*(?:[×x·*]\s*10\s*(?:\^|\*\*)?\s*([-⁻]?[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)|e([-+]?[0-9]+))",
                         re.IGNORECASE)
_SUFFIXED = re.compile(_MANTISSA + r"\s*([KMGBT]?)", re.IGNORECASE)
MAX_TEXT = 40  # characters; no figure a student writes is longer


@dataclass(frozen=True)
class Figure:
    text: str
    value: Fraction  # the number as written
    unit: Fraction  # one unit of the last written digit; 1 for an exact count
    scale: Fraction = Fraction(1)  # what the suffix or the power of ten multiplies by
    style: str = ""  # "K", "M", ... or "×10^9": how to write another number like this one

    @property
    def exact(self) -> bool:
        return self.unit == 1 and self.value.denominator == 1

    def matches(self, true: int) -> bool:
        """True when `true` rounded, or truncated, to the written digits is this figure (for an exact
        count: equal). Papers do both: GoogLeNet's table writes 73,608,192 MACs as 73M, 87,908,352 as 88M."""
        if self.exact:
            return self.value == true
        return self.value - self.unit / 2 <= true < self.value + self.unit

    def shows(self, true: int) -> str:
        """`true` written the way this figure is (164K for 163,696 when the answer was 159K)."""
        if self.exact:
            return f"{true:,}"
        decimals = _decimals(self.unit / self.scale)
        units = round(Fraction(true) / self.scale * 10**decimals)  # an int: the number in last-digit units
        whole, frac = divmod(units, 10**decimals)
        return (f"{whole}.{frac:0{decimals}d}" if decimals else f"{whole}") + self.style


def _decimals(unit: Fraction) -> int:
    d = 0
    while unit < 1 and d < 12:
        unit *= 10
        d += 1
    return d


def _clean(text: str) -> str:
    return text.strip().replace("\u202f", " ").replace("\u00a0", " ").replace("−", "-")


def _mantissa(text: str, rounded: bool) -> tuple | None:
    """(value, unit of its last digit) of '1,8', '34,944', '1.25', or None."""
    text = text.replace("_", "").replace(" ", "")
    if "," in text and "." not in text:
        head, *groups = text.split(",")
        if not (groups and all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3) and rounded and len(groups) == 1:
            text = text.replace(",", ".")  # a decimal comma: 1,8G
        elif not (all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3):
            return None
        else:
            text = text.replace(",", "")
    elif "," in text:  # 1,234.5: thousands and a decimal point
        head, *groups = text.split(".")[0].split(",")
        if not (all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3):
            return None
        text = text.replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    try:
        return Fraction(text), Fraction(1, 10**decimals)
    except (ValueError, ZeroDivisionError):
        return None


def parse_figure(value) -> Figure | None:
    """A written figure, or None when `value` is not one (then the grader says how to write it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Figure(str(value), Fraction(value), Fraction(1)) if value >= 0 else None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            return None
        text = repr(value)
        if "e" not in text and "E" not in text:
            return parse_figure(text) if not text.endswith(".0") else Figure(text, Fraction(int(value)), Fraction(1))
        return parse_figure(text)
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return None
    text = _clean(value)
    m = _SCIENTIFIC.fullmatch(text)
    if m:
        read = _mantissa(m.group(1), rounded=True)
        power = m.group(2) if m.group(2) is not None else m.group(3)
        power = int(power.translate(_SUPERSCRIPTS))
        if read is None or not -30 <= power <= 30:
            return None
        scale = Fraction(10) ** power
        return Figure(value, read[0] * scale, read[1] * scale, scale, f"×10^{power}")
    m = _SUFFIXED.fullmatch(text)
    if not m:
        return None
    suffix = m.group(2).upper()
    read = _mantissa(m.group(1), rounded=bool(suffix))
    if read is None:
        return None
    scale = Fraction(10) ** SUFFIXES[suffix]
    if not suffix:
        return Figure(value, read[0], read[1])
    return Figure(value, read[0] * scale, read[1] * scale, scale, suffix)
