"""One layer without a spec: what `cnncalc conv`, `pool`, `conv-transpose` and `linear` compute.

The calculator's table (cnncalc/ops/calculators.py) names an op family and maps
options to the op's arguments. Here the option values are read as values (an int,
one per dimension '3,3' or '3x3', a word such as 'same'), coerced by the op's own
argument schema, and the layer is built directly as a one-node graph, analysed in the
homework view (every floored division warned about) and explained. A wrong value is
reported at its option, never at a position in text the user did not write.
"""

from __future__ import annotations

import re

from .analysis import analyze
from .errors import CnnError, Diagnostic, Option, Pos, fail
from .explain import explain_layer
from .expressions import message_of
from .graph import single_layer
from .i18n import T
from .ops import FAMILIES, find_arg, find_op
from .ops.argtypes import MAX_SIZE
from .ops.base import REQUIRED, Args
from .ops.calculators import CALCULATORS
from .shapes import guess_layout, parse_shape

_MAX_DIGITS = 40  # no size has as many; int() of thousands of digits is refused (sys.set_int_max_str_digits)
_INT = re.compile(r"[+-]?\d+\Z")


def option_value(text: str):
    """'3' -> 3, '3,3' / '3x3' / '[3, 3]' -> [3, 3], '1.5' -> 1.5, 'true' -> True, anything else stays text."""
    t = text.strip()
    if len(t) >= 2 and t[0] + t[-1] in ("[]", "()"):
        return [option_value(p) for p in t[1:-1].split(",") if p.strip()]
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    if _INT.match(t):
        return _whole(t)
    parts = [p.strip() for p in re.split(r"[,x×]", t)]
    if len(parts) > 1 and all(_INT.match(p) for p in parts):
        return [_whole(p) for p in parts]
    try:
        return float(t)
    except ValueError:
        return t


def _whole(text: str) -> int:
    digits = len(text.lstrip("+-"))
    if digits > _MAX_DIGITS:
        raise OverflowError(T("a number of {digits:,} digits is beyond the supported range (at most {limit:,})",
                              digits=digits, limit=MAX_SIZE))
    return int(text)


def read_input(text: str, layout: str) -> tuple:
    """--input -> (channels-first shape, layout used, whether it was guessed)."""
    dims = parse_shape(text, Option("--input"), code="E004", what="--input")
    guessed = layout == "auto"
    used = guess_layout(dims) if guessed else layout
    if used == "hwc":
        dims = parse_shape(text, Option("--input"), layout="hwc", code="E004", what="--input")
    return dims, used, guessed and len(dims) > 1


def calculate(command: str, input_text: str, layout: str, values: dict, kind: str | None = None):
    """values: {option flag: text or bool or None}.

    Returns (Explanation, shape, layout used, guessed, notes): notes say which defaults were assumed."""
    calc = next(c for c in CALCULATORS if c.command == command)
    family_name = calc.family
    if calc.kinds:
        kinds = dict(calc.kinds)
        if kind not in kinds:
            choices = list(kinds)
            raise fail("E004", T("'{kind}': expected {others} or {last}", kind=kind, others=", ".join(choices[:-1]),
                                 last=choices[-1]), Option("--kind"))
        family_name = kinds[kind]
    family = FAMILIES.get(family_name)
    shape, used, guessed = read_input(input_text, layout)
    op = family.resolve([shape]) if family is not None else None
    if op is None:
        op = find_op(family_name)  # a single op (linear): its own rank check reports a wrong input
    given, arg_pos, problems, notes = {}, {}, [], []
    for option in calc.options:
        raw = values.get(option.flags[0])
        flag = option.flags[0].split("/")[0]
        if raw is None:
            if option.default is None:
                continue
            raw = str(option.default)
            notes.append(option.note or T("no {flag} given: {default}", flag=flag, default=option.default))
        arg_pos[option.arg] = Option(flag)
        try:
            given[option.arg] = raw if isinstance(raw, bool) else option_value(raw)
        except OverflowError as e:
            problems.append(Diagnostic("E004", message_of(e), Option(flag)))
    if problems:
        raise CnnError(problems)
    name = f"{op.name}_1"
    return explain_layer(one_layer(op, given, shape, name, arg_pos), name), shape, used, guessed, notes


def one_layer(op, given: dict, shape: tuple, name: str, places: dict, where=None):
    """The analysis of `op` alone on an input of `shape`, with the arguments `given` ({argument: value
    as read}) and the defaults for the rest: the one-layer calculators and the numeric ones.

    places: {argument: Option or Pos} named by the messages; where: the place of the whole problem. A
    value the op refuses at an option (a kernel with 3 sizes for an image) is a usage error, E004."""
    args, problems = {}, []
    for a in op.args:
        args[a.name] = None if a.default is None or a.default is REQUIRED else a.coerce(a.default)
    for arg, value in given.items():
        place = places.get(arg, where)
        try:
            args[arg] = find_arg(op, arg).coerce(value)
        except (ValueError, OverflowError) as e:
            problems.append(Diagnostic("E004" if isinstance(place, Option) else "E104", message_of(e), place))
    if problems:
        raise CnnError(problems)
    analysis = analyze(single_layer(op, Args(args), shape, name, places, where), strict=True)
    if not analysis.ok:
        raise CnnError([d._replace(code="E004") if d.code == "E104" and not isinstance(d.pos, Pos) else d
                        for d in analysis.diagnostics])
    return analysis
