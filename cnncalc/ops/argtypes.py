"""Coercers for op arguments: they accept the spellings users write and return one form.

Each raises ValueError with a message that says what was expected; the spec layer
adds the file position (the calculators, the option name). Integers stay exact Python
ints; booleans are not integers here (YAML `true` is not a kernel size); floats are
accepted only where the argument is a rate or a constant (dropout p, eps, negative_slope).

Sizes that take one value per spatial dimension (kernel_size, stride, dilation,
padding, scale_factor) are coerced without knowing the rank: an int stays an int and a
list becomes a tuple. The op expands them once it is bound to its input (`per_dim`,
`pad_pairs`), where a list of the wrong length is an error at the argument's position.
"""

from __future__ import annotations

from fractions import Fraction

from ..i18n import T
from .base import OpError

MAX_SIZE = 2**40  # any size or count beyond this is a typo, not a network
_DIMS = {1: "[l]", 2: "[h, w]", 3: "[d, h, w]"}


def _int(v, what: str, minimum: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            raise ValueError(T('{what} must be an integer, got {v!r} (write {whole})', what=what, v=v, whole=int(v)))
        if isinstance(v, Fraction):
            raise ValueError(T('{what} must be a whole number, got {got}: round it with //, floor(), ceil() or '
                               'make_divisible()', what=what, got=show(v)))
        raise ValueError(T('{what} must be an integer, got {got}', what=what, got=show(v)))
    if v < minimum:
        raise ValueError(T('{what} must be ≥ {minimum}, got {v}', what=what, minimum=minimum, v=v))
    if v > MAX_SIZE:
        raise OverflowError(T('{what} = {v} is beyond the supported range (at most {limit:,})', what=what, v=v,
                              limit=MAX_SIZE))
    return v


def show(v) -> str:
    """A value as the user wrote it, for messages."""
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator} (= {float(v):g})"
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, dict):
        return T("a mapping")
    if v is None:
        return T("nothing (null)")
    return repr(v)


def positive_int(v):
    return _int(v, T("value"), 1)


def optional_positive_int(v):
    return None if v is None else positive_int(v)


def _sizes(v, minimum: int):
    """int | [a, b, …] | 'AxB' -> int or tuple of ints (one per spatial dimension)."""
    if isinstance(v, str) and "x" in v.lower():
        parts = v.lower().split("x")
        if all(p.strip().isdigit() for p in parts):
            v = [int(p) for p in parts]
    if isinstance(v, (list, tuple)):
        if not 1 <= len(v) <= 3:
            raise ValueError(T('expected an integer or one integer per spatial dimension, got {got}',
                               got=show(v)))
        return tuple(_int(x, T("each value"), minimum) for x in v)
    return _int(v, T("value"), minimum)


def number_int(v):
    """Any integer (an index may be negative)."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(T('expected an integer, got {got}', got=show(v)))
    return v


def optional_int(v):
    return None if v is None else number_int(v)


def positive_sizes_any(v):
    """A size ≥ 1, or a list of any length of sizes ≥ 1 (split's sections)."""
    if isinstance(v, (list, tuple)):
        if not v:
            raise ValueError(T('expected a size or a non-empty list of sizes'))
        return tuple(_int(x, T("each value"), 1) for x in v)
    return _int(v, T("value"), 1)


def layer_name(v):
    """The name of a layer (resolved by the graph: `like: enc4`)."""
    if not isinstance(v, str) or not v:
        raise ValueError(T('expected the name of a layer, got {got}', got=show(v)))
    return v


def positive_sizes(v):
    """kernel_size, stride, dilation, scale_factor: an int ≥ 1 or one per dimension."""
    return _sizes(v, 1)


def nonneg_sizes(v):
    return _sizes(v, 0)


def optional_positive_sizes(v):
    return None if v is None else _sizes(v, 1)


def padding(v):
    """int | [p per dimension] | [begin, end per dimension, flat] | [[begin, end], …] | 'same' | 'valid'.

    Returns 'same' (resolved by the op, which knows the stride), an int, or a tuple of
    ints or of (begin, end) pairs; `pad_pairs` gives the per-dimension pairs.
    """
    if isinstance(v, str):
        s = v.strip().lower()
        if s == "valid":
            return 0
        if s == "same":
            return "same"
        raise ValueError(T("padding must be an integer, one per dimension, (begin, end) pairs, 'same' or 'valid', "
                           "got {got}", got=show(v)))
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, (list, tuple)) for x in v):
        if len(v) > 3 or any(len(x) != 2 for x in v):
            raise ValueError(T('padding pairs are [[begin, end], …], one per spatial dimension, got {got}',
                               got=show(v)))
        return tuple((_int(b, T("padding"), 0), _int(e, T("padding"), 0)) for b, e in v)
    if isinstance(v, (list, tuple)):
        if not 1 <= len(v) <= 6:
            raise ValueError(T('padding takes one value or one (begin, end) pair per dimension, got {got}',
                               got=show(v)))
        return tuple(_int(x, T("padding"), 0) for x in v)
    return _int(v, T("padding"), 0)


def symmetric_padding(v):
    """Transposed convs pad both sides alike: int | one per dimension | 'valid'."""
    if isinstance(v, str):
        if v.strip().lower() == "valid":
            return 0
        raise ValueError(T('this op takes an integer or one padding per dimension, got {got}', got=show(v)))
    return nonneg_sizes(v)


def boolean(v):
    if isinstance(v, bool):
        return v
    raise ValueError(T('expected true or false, got {got}', got=show(v)))


def optional_boolean(v):
    return None if v is None else boolean(v)


def probability(v):
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)) or not 0 <= v <= 1:
        raise ValueError(T('expected a probability between 0 and 1, got {got}', got=show(v)))
    return float(v) if isinstance(v, Fraction) else v


def number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)):
        raise ValueError(T('expected a number, got {got}', got=show(v)))
    return float(v) if isinstance(v, Fraction) else v


def positive_number(v):
    v = number(v)
    if v <= 0:
        raise ValueError(T('expected a positive number, got {v}', v=v))
    return v


def choice(*options: str):
    def coerce(v):
        if isinstance(v, str) and v.lower() in options:
            return v.lower()
        raise ValueError(T('expected one of {options}, got {got}', options=', '.join(options), got=show(v)))

    coerce.__doc__ = f"one of {', '.join(options)}"
    return coerce


# -- binding: one value per spatial dimension ----------------------------------------
def per_dim(v, n: int, arg: str) -> tuple:
    """An int or n values -> a tuple of n values (an error at `arg` otherwise)."""
    if isinstance(v, tuple):
        if len(v) == n:
            return v
        raise OpError("E104", _too_many_values(arg, len(v), n), T('give one value, or {n} ({names})', n=n,
                                                                          names=_DIMS.get(n, n)), arg=arg)
    return (v,) * n


def pad_pairs(v, n: int, arg: str = "padding") -> tuple:
    """A coerced padding (not 'same') -> ((begin, end), …) for n dimensions.

    A flat list of n values pads both sides alike; of 2n values it is begin, end per
    dimension ([top, bottom, left, right] in 2-D).
    """
    if isinstance(v, int):
        return ((v, v),) * n
    if v and isinstance(v[0], tuple):
        if len(v) == n:
            return v
    elif len(v) == n:
        return tuple((p, p) for p in v)
    elif len(v) == 2 * n:
        return tuple((v[2 * j], v[2 * j + 1]) for j in range(n))
    hint = (T('give 1, {n} or {twice} values, or {n} [begin, end] pairs', n=n, twice=2 * n) if n > 1
            else T('give 1 or 2 values ([begin, end]), or {n} [begin, end] pairs', n=n))
    raise OpError("E104", _too_many_values(arg, len(v), n), hint, arg=arg)


def _too_many_values(arg: str, count: int, n: int):
    if n == 1:
        return T('{arg} has {count} values, but the input has {n} spatial dimension', arg=arg, count=count, n=n)
    return T('{arg} has {count} values, but the input has {n} spatial dimensions', arg=arg, count=count, n=n)
