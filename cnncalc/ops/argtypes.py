"""Coercers for op arguments: they accept the spellings users write and return one form.

Each raises ValueError with a message that says what was expected; the spec layer
adds the file position. Integers stay exact Python ints; booleans are not integers
here (YAML `true` is not a kernel size); floats are accepted only where the
argument is a rate or a constant (dropout p, eps, negative_slope).
"""

from __future__ import annotations

MAX_SIZE = 2**40  # any size or count beyond this is a typo, not a network


def _int(v, what: str, minimum: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            raise ValueError(f"{what} must be an integer, got {v!r} (write {int(v)})")
        raise ValueError(f"{what} must be an integer, got {_show(v)}")
    if v < minimum:
        raise ValueError(f"{what} must be ≥ {minimum}, got {v}")
    if v > MAX_SIZE:
        raise OverflowError(f"{what} = {v} is beyond the supported range (at most {MAX_SIZE:,})")
    return v


def _show(v) -> str:
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "a mapping"
    if v is None:
        return "nothing (null)"
    return repr(v)


def positive_int(v):
    return _int(v, "value", 1)


def nonneg_int(v):
    return _int(v, "value", 0)


def _pair(v, minimum: int):
    if isinstance(v, (list, tuple)):
        if len(v) != 2:
            raise ValueError(f"expected an integer or [h, w], got {_show(v)}")
        return (_int(v[0], "h", minimum), _int(v[1], "w", minimum))
    if isinstance(v, str) and "x" in v:
        parts = v.split("x")
        if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
            return (_int(int(parts[0]), "h", minimum), _int(int(parts[1]), "w", minimum))
    n = _int(v, "value", minimum)
    return (n, n)


def positive_pair(v):
    """int | [h, w] | 'HxW' -> (h, w), each ≥ 1."""
    return _pair(v, 1)


def nonneg_pair(v):
    return _pair(v, 0)


def optional_positive_pair(v):
    return None if v is None else _pair(v, 1)


def padding(v):
    """int | [h, w] | [top, bottom, left, right] | [[t, b], [l, r]] | 'same' | 'valid'.

    Returns 'same' (resolved by the op, which knows the stride) or ((t, b), (l, r)).
    """
    if isinstance(v, str):
        s = v.strip().lower()
        if s == "valid":
            return ((0, 0), (0, 0))
        if s == "same":
            return "same"
        raise ValueError(f"padding must be an integer, [h, w], [top, bottom, left, right], 'same' or 'valid', "
                         f"got {_show(v)}")
    if isinstance(v, (list, tuple)) and len(v) == 4:
        t, b, l, r = (_int(x, "padding", 0) for x in v)
        return ((t, b), (l, r))
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, (list, tuple)) for x in v):
        (t, b), (l, r) = nonneg_pair(v[0]), nonneg_pair(v[1])
        return ((t, b), (l, r))
    h, w = nonneg_pair(v)
    return ((h, h), (w, w))


def symmetric_padding(v):
    """Pools and transposed convs pad both sides alike: int | [h, w]."""
    if isinstance(v, str):
        if v.strip().lower() == "valid":
            return (0, 0)
        raise ValueError(f"this op takes an integer or [h, w] padding, got {_show(v)}")
    return nonneg_pair(v)


def boolean(v):
    if isinstance(v, bool):
        return v
    raise ValueError(f"expected true or false, got {_show(v)}")


def probability(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise ValueError(f"expected a probability between 0 and 1, got {_show(v)}")
    return v


def number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"expected a number, got {_show(v)}")
    return v


def positive_number(v):
    v = number(v)
    if v <= 0:
        raise ValueError(f"expected a positive number, got {v}")
    return v


def optional_positive_int(v):
    return None if v is None else positive_int(v)


def integer(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {_show(v)}")
    return v


def choice(*options: str):
    def coerce(v):
        if isinstance(v, str) and v.lower() in options:
            return v.lower()
        raise ValueError(f"expected one of {', '.join(options)}, got {_show(v)}")

    coerce.__doc__ = f"one of {', '.join(options)}"
    return coerce
