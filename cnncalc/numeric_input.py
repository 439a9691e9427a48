"""Reading the small matrices of `cnncalc convolve` and `cnncalc pooling`, exactly and within budgets.

A matrix is written inline (`"0 2 3; 2 4 1; 0 3 0"`: rows separated by `;`, values by spaces
or commas, channels by `|`; no `;` at all is a 1-D signal, a trailing `;` makes one row a
matrix) or in a YAML file as channels-first nested lists (`image: [[[0, 2, 3], ...]]`, the
project's shape convention) or as the same inline string. Values are integers, decimals or
fractions (`0.5`, `1/9`, `−2`), kept as `fractions.Fraction`: the slides' sums are exact.

Autograders run this on what students submit, so every budget is charged before the work it
pays for: at most MAX_VALUES numbers in all (counted before one is converted), numerals of at
most MAX_DIGITS digits, and a common denominator of at most MAX_DENOMINATOR per matrix (the
sums are computed in integers over that denominator; see cnncalc/numeric.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import Option, Pos, fail
from .i18n import T

MAX_VALUES = 10_000  # numbers read in all (image, kernels, bias)
MAX_DIGITS = 15  # digits of a numeral's integer, decimal or denominator part
MAX_DENOMINATOR = 10**18  # the common denominator of one matrix's values

_NUMBER = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:/(\d+))?\Z")
_MINUS = str.maketrans({"−": "-", "–": "-"})  # values copied from slides carry typographic minus signs


@dataclass(frozen=True)
class Tensor:
    """Channels-first values: shape (C, *spatial), values flat in row-major order."""

    shape: tuple
    values: tuple

    @property
    def rank(self) -> int:
        return len(self.shape) - 1


class Budget:
    """The numbers read so far, against MAX_VALUES, for the whole command."""

    def __init__(self) -> None:
        self.used = 0

    def charge(self, n: int, where) -> None:
        self.used += n
        if self.used > MAX_VALUES:
            raise fail(_code(where), T("more than {limit:,} values in the matrices (the budget of cnncalc's numeric "
                                       "calculators)", limit=MAX_VALUES), where,
                       T("these commands work slide-sized examples; use smaller matrices"))


def _code(where) -> str:
    """Option problems are bad arguments (exit 2); a file's are bad values (exit 1)."""
    return "E004" if isinstance(where, Option) else "E104"


def number(text, where) -> Fraction:
    """'3', '-0.25', '1/9', '−2' (or a YAML int/float) -> an exact Fraction."""
    if isinstance(text, bool) or text is None or isinstance(text, (list, dict)):
        raise fail(_code(where), T("a value of a matrix must be a number, got {got}", got=_shown(text)), where)
    if isinstance(text, int):
        text = str(text)
    elif isinstance(text, float):
        if not math.isfinite(text):
            raise fail(_code(where), T("expected a finite number, got {got}", got=text), where)
        text = repr(text)  # the shortest spelling that reads back: 0.1 is 1/10, as written
        if "e" in text or "E" in text:
            raise fail(_code(where), T("'{text}' is too large or too small for a slide's matrix", text=text), where,
                       T("write the value without an exponent"))
    t = str(text).strip().translate(_MINUS)
    m = _NUMBER.match(t)
    if not m or not (m.group(2) or m.group(3)) or (m.group(4) is not None and m.group(3) is not None):
        raise fail(_code(where), T("'{text}' is not a number a matrix can hold", text=text), where,
                   T("write integers, decimals or fractions: 3, -0.5, 1/9"))
    sign, whole, decimals, denominator = m.groups()
    if any(len(part or "") > MAX_DIGITS for part in (whole, decimals, denominator)):
        raise fail(_code(where), T("'{text}' has more than {limit} digits", text=text, limit=MAX_DIGITS), where,
                   T("a slide's values are short; round it"))
    if denominator is not None and int(denominator) == 0:
        raise fail(_code(where), T("'{text}' divides by zero", text=text), where)
    value = Fraction(int(whole or "0")) + (Fraction(int(decimals), 10 ** len(decimals)) if decimals else 0)
    if denominator is not None:
        value /= int(denominator)
    return -value if sign == "-" else value


def _shown(v) -> str:
    from .ops.argtypes import show

    return T("a list of {n} item(s)", n=len(v)) if isinstance(v, list) else show(v)


def _check_denominator(values, where) -> None:
    d = 1
    for v in values:
        d = d * v.denominator // math.gcd(d, v.denominator)
        if d > MAX_DENOMINATOR:
            raise fail(_code(where), T("the values' common denominator is beyond {limit:,}", limit=MAX_DENOMINATOR),
                       where, T("use fewer different denominators (1/9, 0.5 and 0.25 are fine)"))


# -- inline text ------------------------------------------------------------------------------
def parse_inline(text: str, where, budget: Budget, what=None) -> Tensor:
    """'0 2 3; 2 4 1 | 1 0 0; 0 1 0' -> Tensor (2, 2, 3); '1 2 3' -> a 1-D Tensor (1, 3)."""
    what = what or T("the matrix")
    channels = str(text).split("|")
    two_d = ";" in str(text)
    tokens = []  # per channel, per row, the values as written
    for c, channel in enumerate(channels, 1):
        rows = channel.split(";") if two_d else [channel]
        if two_d and len(rows) > 1 and not rows[-1].strip():
            rows = rows[:-1]  # a trailing ';' ends the last row
        split = [[v for v in re.split(r"[\s,]+", row.strip()) if v] for row in rows]
        budget.charge(sum(map(len, split)), where)
        if not any(split):
            raise fail(_code(where), T("channel {c} of {what} has no values", c=c, what=what), where,
                       T("write rows separated by ';', values by spaces or commas, channels by '|': \"0 2 3; 2 4 1\""))
        for r, row in enumerate(split, 1):
            if len(row) != len(split[0]):
                raise fail(_code(where), T("row {r} of channel {c} of {what} has {n} values, row 1 has {first}",
                                           r=r, c=c, what=what, n=len(row), first=len(split[0])), where,
                           T("every row of a matrix has the same number of values"))
        tokens.append(split)
    _same_channel_shapes([(len(ch), len(ch[0])) for ch in tokens], where, what)
    values = tuple(number(v, where) for ch in tokens for row in ch for v in row)
    _check_denominator(values, where)
    spatial = (len(tokens[0]), len(tokens[0][0])) if two_d else (len(tokens[0][0]),)
    return Tensor((len(tokens), *spatial), values)


def _same_channel_shapes(shapes: list, where, what) -> None:
    for c, shape in enumerate(shapes[1:], 2):
        if shape != shapes[0]:
            raise fail(_code(where), T("channel {c} of {what} is {shape}, channel 1 is {first}", c=c, what=what,
                                       shape="×".join(map(str, shape)), first="×".join(map(str, shapes[0]))), where,
                       T("every channel of a matrix has the same size"))


# -- YAML values --------------------------------------------------------------------------------
def from_yaml(value, pos: Pos, budget: Budget, what=None) -> Tensor:
    """An inline string, or channels-first nested lists ([C][H][W], [C][L]) with each item's position."""
    what = what or T("the matrix")
    if isinstance(value, str):
        return parse_inline(value, pos, budget, what)
    if not isinstance(value, list) or not value:
        raise fail("E104", T("{what} must be a list of channels (channels first: [[[0, 2, 3], ...]]) or a matrix "
                             "written \"0 2 3; 2 4 1\", got {got}", what=what, got=_shown(value)), pos)
    shape = _nested_shape(value, pos, what)
    if not 2 <= len(shape) <= 4:
        raise fail("E104", T("{what} has {n} levels of lists; channels first, it needs 2 (a 1-D signal [C][L]) or 3 "
                             "(a matrix [C][H][W])", what=what, n=len(shape)), pos,
                   T("a one-channel matrix is [[[0, 2, 3], [2, 4, 1]]]: one more pair of brackets"))
    flat: list = []
    _leaves(value, pos, len(shape), flat, budget, shape)
    values = tuple(number(v, p) for v, p in flat)
    _check_denominator(values, pos)
    return Tensor(shape, values)


def _nested_shape(value, pos: Pos, what) -> tuple:
    """The sizes along the first item at every level (every other item is checked in _leaves)."""
    shape, v = [], value
    while isinstance(v, list):
        if not v:
            raise fail("E104", T("{what} has an empty list", what=what), getattr(v, "pos", pos))
        shape.append(len(v))
        v = v[0]
        if len(shape) > 4:
            break
    return tuple(shape)


def _leaves(value, pos: Pos, depth: int, out: list, budget: Budget, shape: tuple) -> None:
    """Every number with its position, checking that the nesting is rectangular."""
    if depth == 1:
        budget.charge(len(value), pos)
    for i, item in enumerate(value):
        where = value.at(i) if hasattr(value, "at") else pos
        if depth == 1:
            out.append((item, where))
            continue
        if not isinstance(item, list) or len(item) != shape[1]:
            got = len(item) if isinstance(item, list) else 1
            raise fail("E104", T("this list has {n} items where the first has {first}", n=got, first=shape[1]), where,
                       T("every row of a matrix has the same number of values (every channel the same size)"))
        _leaves(item, where, depth - 1, out, budget, shape[1:])


def bias_values(value, where, budget: Budget) -> tuple:
    """'1' / '1, -2' / 1 / [1, -2] -> exact values."""
    if isinstance(value, list):
        budget.charge(len(value), where)
        return tuple(number(v, value.at(i) if hasattr(value, "at") else where) for i, v in enumerate(value))
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,;|]+", value.strip()) if p]
        budget.charge(len(parts), where)
        return tuple(number(p, where) for p in parts)
    budget.charge(1, where)
    return (number(value, where),)


def position(value, where) -> tuple:
    """--at '1,2' / '3' or `at: [1, 2]` -> (1, 2): indices counted from 0."""
    if isinstance(value, list):
        items = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        items = re.split(r"[\s,x×]+", str(value).strip())
    out = []
    for item in items:
        if isinstance(item, bool) or not re.fullmatch(r"\d{1,9}", str(item).strip()):
            raise fail(_code(where), T("'{value}' is not an output position", value=value), where,
                       T("write the row and column counted from 0, e.g. --at 0,0 (one index for a 1-D signal)"))
        out.append(int(str(item).strip()))
    return tuple(out)
