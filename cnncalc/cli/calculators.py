"""The one-layer calculators as commands: one per entry of cnncalc/ops/calculators.py."""

import inspect
from typing import Optional

import typer

from ..i18n import _, tr
from .app import TEXT_OR_JSON_HELP, InputLayout, TextFormat, app
from .commands import print_explanation


KERNEL_SHORT = "-F"  # the short name of --kernel (F for the filter size of the course notes); -f is --format

# help texts are translated at import (cnncalc/entry.py has chosen the language); those of
# ops/calculators.py are N_-marked there and looked up here with _()
_LAYOUT_HELP = _("How --input is read: auto (the odd one out of a square image's numbers is the channel count; "
                 "otherwise channels last when the last number is ≤ 4), chw or hwc.")


def _calculator(calc) -> None:
    """One typer command per entry of ops/calculators.py: its options, then the shared ones."""
    def run(**values) -> None:
        from ..calculator import calculate
        from ..render.explain import reading_line

        text = values.pop("input")
        layout = values.pop("layout", InputLayout.auto)
        fmt = values.pop("fmt")
        kind = values.pop("kind", None)
        flags = {o.flags[0]: values[o.arg] for o in calc.options}
        e, shape, used, guessed, notes = calculate(calc.command, text, getattr(layout, "value", layout), flags,
                                                   kind)
        notes = [tr(n) for n in notes]  # ops/calculators.py's notes, N_-marked there
        print_explanation(e, used, fmt, (reading_line(text, shape, used, guessed), *notes, ""), calc.command,
                          input_text=text, input_layout=used, input_read=list(shape), notes=notes)

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("input", kw, annotation=str, default=typer.Option(
        ..., "--input", "-i", help=_("Input shape, e.g. 32x32x3 or 3x32x32 (see --layout); 1x16000 for a sequence.")
                                   if calc.layout else _("Number of input features.")))]
    if calc.kinds:
        params.append(inspect.Parameter("kind", kw, annotation=str, default=typer.Option(
            calc.kinds[0][0], "--kind", help=_("One of: {kinds}.").format(kinds=", ".join(k for k, _f in calc.kinds)))))
    for o in calc.options:
        default = ... if o.required else None
        flags = tuple(KERNEL_SHORT if f == "-f" else f for f in o.flags)  # -f is --format everywhere
        if o.boolean:
            params.append(inspect.Parameter(o.arg, kw, annotation=Optional[bool],
                                            default=typer.Option(default, *flags, help=_(o.help))))
        else:
            params.append(inspect.Parameter(o.arg, kw, annotation=Optional[str] if default is None else str,
                                            default=typer.Option(default, *flags, help=_(o.help), metavar=o.metavar)))
    if calc.layout:
        params.append(inspect.Parameter("layout", kw, annotation=InputLayout,
                                        default=typer.Option(InputLayout.auto, "--layout", help=_LAYOUT_HELP)))
    params.append(inspect.Parameter("fmt", kw, annotation=TextFormat, default=typer.Option(
        TextFormat.table, "--format", "-f", help=TEXT_OR_JSON_HELP)))
    run.__signature__ = inspect.Signature(params)
    app.command(calc.command, help=_(calc.help))(run)


def _register_calculators() -> None:
    from ..ops.calculators import CALCULATORS

    for calc in CALCULATORS:
        _calculator(calc)


_register_calculators()
