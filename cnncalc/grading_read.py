"""Reading an answer as a sheet writes it: shapes in the sheet's layout or channels-first lists,
spatial sizes, whole numbers, figures rounded as papers print them (cnncalc/figures.py), and
receptive fields; and showing it back. Every unreadable answer is an E104 at its position.
"""

from __future__ import annotations

from .errors import CnnError, Pos, fail
from .figures import parse_figure
from .i18n import T
from .shapes import from_chw, parse_shape

BLANKS = (None, "", "?")  # an answer left empty: graded wrong, not an error


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANKS)


def shape_text(shape, layout: str) -> str:
    return "×".join(map(str, from_chw(shape) if layout == "hwc" else shape))


def read_shape(value, layout: str, pos: Pos) -> tuple:
    try:
        return parse_shape(value, pos, layout=layout, code="E104", what="the shape")
    except CnnError:
        raise fail("E104", T("cannot read the shape {value!r}", value=value), pos,
                   T("write 55x55x96 (read as the sheet's layout) or [96, 55, 55] (channels first)")) from None


def read_size(value, pos: Pos, rank: int) -> tuple:
    """output_size: the spatial size alone, '56x56', [56, 56], or 56 for every dimension."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return (value,) * rank
    try:
        return parse_shape(value, pos, layout="chw", code="E104", what="the size")
    except CnnError:
        raise fail("E104", T("cannot read the size {value!r}", value=value), pos,
                   T("write 56x56 or [56, 56]: the height and width, without the channels")) from None


def read_int(value, pos: Pos) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise fail("E104", T("expected a whole number, got {value!r}", value=value), pos, T("write 22"))


def read_figure(value, pos: Pos):
    figure = parse_figure(value)
    if figure is None:
        raise fail("E104", T("cannot read the number {value!r}", value=value), pos,
                   T("write 34944, \"34,944\", or rounded as papers do: 159K, 1.8G, 3.6×10^9"))
    return figure


def read_rf(value, pos: Pos, rank: int) -> dict:
    """11, [11, 11] or {size, stride, padding}: one value, or one per spatial dimension."""

    def per_dim(v) -> tuple:
        if isinstance(v, list):
            if len(v) != rank:
                raise fail("E104", T("{value!r} has {n} values; this layer has {rank} spatial dimension(s)", value=v,
                                     n=len(v), rank=rank), pos, T("give one value, or one per dimension"))
            return tuple(read_int(x, pos) for x in v)
        return (read_int(v, pos),) * rank

    if isinstance(value, (int, list)) and not isinstance(value, bool):
        return {"size": per_dim(value)}
    if isinstance(value, dict):
        out = {key: per_dim(value[key]) for key in ("size", "stride", "padding") if key in value}
        if out:
            return out
    raise fail("E104", T("cannot read the receptive field {value!r}", value=value), pos,
               T("write 11, [11, 11] or {size: 11, stride: 4, padding: 0}"))


def as_written(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "[" + ", ".join(str(as_written(v)) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {as_written(v)}" for k, v in value.items()) + "}"
    return str(value)


def show_rf(d: dict) -> str:
    return ", ".join(f"{k} {'×'.join(map(str, v)) if len(set(v)) > 1 else v[0]}" for k, v in d.items())
