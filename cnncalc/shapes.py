"""The one shape parser: `--input`, a spec's `input:`, answer sheets and symbolic sizes.

A shape is channels first without the batch axis: [F] (a feature vector), [C, L],
[C, H, W] or [C, D, H, W]. It may be written as a YAML list of ints (always channels
first, like PyTorch and cnncalc's JSON) or as text, '3x224x224' or '3×224×224' (also
'3,224,224'), which `layout="hwc"` reads channels last (224x224x3). With
`symbols=True` a spatial size may be a name ('3xHxW'); names come back as strings and
cnncalc/symbolic.py turns them into sympy symbols. Every size is a whole number
between 1 and 2⁴⁰.
"""

from __future__ import annotations

import re

from .errors import fail
from .i18n import T

MAX_SIZE = 2**40
RANKS = (1, 2, 3, 4)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def has_symbols(text) -> bool:
    """True when a text shape names a size with a letter ('3xHxW'); x, X and × separate sizes."""
    return isinstance(text, str) and any(ch.isalpha() for ch in re.sub(r"[xX×]", "", text))


def split(text: str) -> list:
    """'3x224x224', '3×224×224', '3,224,224', '3 x 224 x 224' -> ['3', '224', '224']."""
    t = text.strip()
    parts = re.split(r"\s*[x×,]\s*", t)
    if len(parts) == 1 and "X" in t:
        parts = re.split(r"\s*X\s*", t)
    return parts


def to_chw(dims: tuple) -> tuple:
    """A channels-last shape (…, C) as channels first (C, …)."""
    return (dims[-1], *dims[:-1]) if len(dims) > 1 else dims


def from_chw(dims: tuple) -> tuple:
    return (*dims[1:], dims[0]) if len(dims) > 1 else dims


def parse_shape(value, where, *, layout: str = "chw", symbols: bool = False, code: str = "E111",
                what: str = "input") -> tuple:
    """value -> a channels-first tuple of positive ints (and, with symbols, names as str).

    where: the Pos (or errors.Option) named by a failure; code: E111 in a spec, E004 for an
    option, E104 in an answer sheet.
    """
    if isinstance(value, bool):
        raise _bad(value, where, code, what)
    if isinstance(value, int):
        value = [value]
    if isinstance(value, str):
        parts = split(value)
        dims = []
        for p in parts:
            if p.isdigit():
                dims.append(int(p))
            elif symbols and _NAME.match(p):
                dims.append(p)
            else:
                raise _bad(value, where, code, what, symbols)
        dims = tuple(dims)
        if layout == "hwc":
            dims = to_chw(dims)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in value):
            raise _bad(value, where, code, what)
        dims = tuple(value)
    else:
        raise _bad(value, where, code, what)
    if len(dims) not in RANKS or any(isinstance(d, int) and d < 1 for d in dims):
        raise _bad(value, where, code, what, symbols)
    if isinstance(dims[0], str):
        raise fail(code, T("{what} '{value}': the channel count must be a number", what=what, value=value),
                   where,
                   T("only the spatial sizes may be names, e.g. 3xHxW"))
    big = max((d for d in dims if isinstance(d, int)), default=0)
    if big > MAX_SIZE:
        raise fail("E004" if code == "E004" else "E303",  # an option's value is a usage error (exit 2)
                   T("{what} size {big:,} is beyond the supported range (at most 2⁴⁰)", what=what, big=big), where)
    return dims


def _bad(value, where, code: str, what: str, symbols: bool = False):
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    if code == "E004":
        # the option is a value: the Python API names it layout='hwc' (api.pythonic_error)
        hint = (T("write CxHxW, e.g. 3x224x224 (or HxWxC with {option}); 1xL for a sequence, CxDxHxW for a "
                  "volume; names for symbolic sizes, e.g. 3xHxW", option="--layout hwc") if symbols else
                T("write CxHxW, e.g. 3x224x224 (or HxWxC with {option}); 1xL for a sequence, CxDxHxW for a "
                  "volume", option="--layout hwc"))
        return fail(code, T("{shown} is not a shape", shown=shown), where, hint)
    return fail(code, T("{what} must be [C, L], [C, H, W], [C, D, H, W] (channels first) or [features], got {shown}",
                        what=what, shown=shown), where, T("e.g. input: [3, 224, 224]"))


def looks_channels_last(dims: tuple, channels: int | None = None) -> bool:
    """True when a shape read channels first (C, H, W) reads more naturally channels last (H, W, C):
    read so, its channels are those the first layer declares (`channels`), or, none declared, its
    last size is small (at most 4: grey, RGB, RGBA) and smaller than its first (28, 28, 1)."""
    if len(dims) < 2 or not all(isinstance(d, int) for d in dims):
        return False
    if channels is not None:
        return dims[0] != channels and dims[-1] == channels
    return dims[-1] <= 4 and dims[-1] < dims[0]


def guess_layout(dims: tuple) -> str:
    """How a calculator reads a text shape given without --layout: 'hwc' or 'chw'.

    Images are usually square, so the reading whose last two spatial sizes agree wins
    (32x32x3 is H×W×C, 3x32x32 is C×H×W); otherwise channels last when the last number is
    at most 4 and the first is larger (32000x1, 224x200x3)."""
    if len(dims) < 2:
        return "chw"
    first, last = dims[1:], dims[:-1]
    square_chw = len(first) >= 2 and first[-1] == first[-2]
    square_hwc = len(last) >= 2 and last[-1] == last[-2]
    if square_chw != square_hwc:
        return "hwc" if square_hwc else "chw"
    return "hwc" if dims[-1] <= 4 < dims[0] else "chw"
