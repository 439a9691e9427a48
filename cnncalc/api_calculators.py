"""The one-layer calculators of the Python API (README "From Python"): conv, conv_transpose,
pool and linear return a Calculation, numbers and worked formulas, as `cnncalc conv` prints them.
Like the rest of cnncalc/api.py they raise CnnError naming the Python argument at fault."""

from __future__ import annotations

from dataclasses import dataclass

from .api import pythonic_error, replaced_text
from .errors import CnnError, Option, did_you_mean, fail
from .i18n import T

# ---------------------------------------------------------------- one-layer calculators

@dataclass(frozen=True)
class Calculation:
    """One layer worked out (`cnncalc.conv`, `pool`, `conv_transpose`, `linear`): numbers and formulas.

    input_shape and output_shape are channels first; params and macs are ints; shape_formulas,
    params_formula and macs_formula are the worked formulas as text (numbers substituted);
    notes say which defaults were assumed, diagnostics hold the warnings (a floored division)."""

    type: str
    input_shape: tuple
    output_shape: tuple
    params: int
    macs: int
    shape_formulas: tuple
    params_formula: str
    macs_formula: str
    receptive_field: str | None
    notes: tuple
    diagnostics: tuple
    explanation: object  # explain.Explanation, for render.explain
    command: str = ""  # the calculator command (conv, pool, conv-transpose, linear)
    input_text: str = ""  # input_shape as the command's --input would be written
    layout: str = "chw"  # how input_shape was read: chw or hwc

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def to_dict(self) -> dict:
        """As the calculator commands' --format json print it."""
        from .render.explain import explanation_dict

        return explanation_dict(self.explanation, self.command, input_text=self.input_text,
                                input_layout=self.layout, input_read=list(self.input_shape), notes=list(self.notes))

    def __repr__(self) -> str:
        from .render.notebook import calculation_repr

        return calculation_repr(self)


def _value_text(name: str, value) -> str | bool:
    """A Python value as the calculator option text it stands for: 3, (3, 3), 'same', True."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        flat = []
        for v in value:
            if isinstance(v, (list, tuple)):
                flat.extend(v)
            else:
                flat.append(v)
        if flat and all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
            return "[" + ",".join(map(str, flat)) + "]"
    raise fail("E004", T("{name}={value!r}: expected an int, one int per dimension, or a word such as 'same'",
                         name=name, value=value),
               Option(name))


def _calculate(command: str, input_shape, layout: str | None, kind: str | None, values: dict) -> Calculation:
    from .calculator import calculate
    from .ops.calculators import CALCULATORS

    calc = next(c for c in CALCULATORS if c.command == command)
    by_arg = {o.arg: o for o in calc.options}
    unknown = [k for k in values if k not in by_arg]
    if unknown:
        raise fail("E004", T("{command}() has no argument {name!r}", command=command, name=unknown[0]),
                   Option(unknown[0]),
                   did_you_mean(unknown[0], by_arg) or T("arguments: {args}", args=", ".join(by_arg)))
    missing = [o.arg for o in calc.options if o.required and values.get(o.arg) is None]
    if missing:
        raise fail("E004", T("{command}() needs {arg}", command=command, arg=missing[0]), Option(missing[0]))
    if isinstance(input_shape, bool) or not isinstance(input_shape, (int, str, list, tuple)):
        raise fail("E004", T("input_shape {shape!r} is not a shape", shape=input_shape), Option("input_shape"),
                   T("e.g. (3, 32, 32) or '32x32x3'"))
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    if isinstance(input_shape, (list, tuple)):
        if not all(isinstance(d, int) and not isinstance(d, bool) for d in input_shape):
            raise fail("E004", T("input_shape {shape!r} is not a shape", shape=tuple(input_shape)),
                       Option("input_shape"), T("e.g. (3, 32, 32)"))
        text, layout = "x".join(map(str, input_shape)), layout or "chw"
    else:
        text, layout = input_shape, layout or "auto"
    if layout not in ("auto", "chw", "hwc"):
        raise fail("E004", T("layout must be 'auto', 'chw' or 'hwc', got {layout!r}", layout=layout),
                   Option("layout"))
    flags = {by_arg[k].flags[0]: _value_text(k, v) for k, v in values.items() if v is not None}
    try:
        e, shape, used, _, notes = calculate(command, text, layout, flags, kind)
    except CnnError as err:  # the calculators name their command-line options; here the arguments
        raise pythonic_error(err, {o.flags[0].split("/")[0]: o.arg for o in calc.options}) from None
    names = {o.flags[0].split("/")[0]: o.arg for o in calc.options}
    notes = tuple(_renamed(n, names) for n in notes)
    w = e.worked
    return Calculation(e.op, tuple(shape), tuple(e.output_shape), w.params.value, w.macs.value,
                       tuple(str(f) for f in w.shape), str(w.params), str(w.macs), e.field or None, notes,
                       tuple(e.diagnostics), e, command, text, used)


def _command(function) -> str:
    """The calculator command a function stands for: conv_transpose -> conv-transpose."""
    return function.__name__.replace("_", "-")


def _renamed(note: str, names: dict) -> str:
    for flag, arg in names.items():
        note = replaced_text(note, flag, arg)
    return note


def conv(input_shape, out_channels: int | None = None, kernel_size=None, stride=None, padding=None,
         dilation=None, groups: int | None = None, bias: bool | None = None, *,
         layout: str | None = None) -> Calculation:
    """One convolution: output shape, params and MACs with the worked formulas (`cnncalc conv`).

    input_shape: a tuple is channels first ((3, 32, 32)); text is read as the command reads
    --input ('32x32x3' is H×W×C, 3x32x32 C×H×W; layout='chw'/'hwc' decides). kernel_size,
    stride, dilation: an int or one per dimension; padding: an int, one per dimension,
    begin,end per dimension, 'same' or 'valid'. out_channels defaults to 1 (a note says so)."""
    return _calculate(_command(conv), input_shape, layout, None, {
        "out_channels": out_channels, "kernel_size": kernel_size, "stride": stride, "padding": padding,
        "dilation": dilation, "groups": groups, "bias": bias})


def conv_transpose(input_shape, out_channels: int | None = None, kernel_size=None, stride=None, padding=None,
                   output_padding=None, dilation=None, groups: int | None = None, bias: bool | None = None, *,
                   layout: str | None = None) -> Calculation:
    """One transposed convolution (`cnncalc conv-transpose`); arguments as `conv`."""
    return _calculate(_command(conv_transpose), input_shape, layout, None, {
        "out_channels": out_channels, "kernel_size": kernel_size, "stride": stride, "padding": padding,
        "output_padding": output_padding, "dilation": dilation, "groups": groups, "bias": bias})


def pool(input_shape, kernel_size=None, stride=None, padding=None, ceil_mode: bool | None = None, *,
         kind: str = "max", layout: str | None = None) -> Calculation:
    """One pooling layer (`cnncalc pool`): kind 'max' or 'avg'; stride defaults to the window."""
    return _calculate(_command(pool), input_shape, layout, kind, {
        "kernel_size": kernel_size, "stride": stride, "padding": padding, "ceil_mode": ceil_mode})


def linear(in_features, out_features: int | None = None, bias: bool | None = None) -> Calculation:
    """One fully connected layer (`cnncalc linear`): params = F_in·F_out + F_out, MACs = F_in·F_out."""
    return _calculate(_command(linear), in_features, "chw", None, {"out_features": out_features, "bias": bias})
