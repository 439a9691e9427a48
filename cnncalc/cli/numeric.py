"""`cnncalc convolve` and `cnncalc pooling`: the numeric calculators of the course's slides (issue 13).

`cnncalc conv` and `cnncalc pool` compute shapes; these compute values: the output feature map
of small matrices and, at one position, the sum worked out as a slide writes it. Thin on
purpose: options are declared here, read in cnncalc/numeric_problem.py, printed by
cnncalc/render/numeric.py.
"""

import sys
from typing import Annotated, List, Optional

import typer

from ..i18n import _
from .app import TextFormat, TextOrJson, app

# help texts: _() at import, in the language cnncalc/entry.py chose (cnncalc/cli/commands.py)
File = Annotated[Optional[str], typer.Argument(metavar="[FILE]", help=_(
    "A YAML file with the problem (image:, kernels:, bias:, stride:, padding:, ...); options override its keys."))]
PoolFile = Annotated[Optional[str], typer.Argument(metavar="[FILE]", help=_(
    "A YAML file with the problem (image:, kind:, kernel_size:, stride:, padding:, ...); options override its keys."))]
Image = Annotated[Optional[str], typer.Option("--image", metavar="MATRIX", help=_(
    "The input: rows separated by ';', values by spaces or commas, channels by '|' (\"0 2 3; 2 4 1 | 1 0 0; 0 1 0\"); "
    "no ';' is a 1-D signal. Values: integers, decimals or fractions (0.5, 1/9)."))]
Stride = Annotated[Optional[str], typer.Option("--stride", "-s", metavar="S", help=_(
    "Stride: one value or one per dimension (2 or 2,1)."))]
Padding = Annotated[Optional[str], typer.Option("--padding", "-p", metavar="P", help=_(
    "Zero padding: n, one per dimension, begin,end per dimension, same or valid."))]
Dilation = Annotated[Optional[str], typer.Option("--dilation", metavar="D", help=_(
    "Dilation: one value or one per dimension."))]
At = Annotated[Optional[str], typer.Option("--at", metavar="ROW,COL", help=_(
    "The output position whose sum is worked out, counted from 0 (default 0,0; one index for a 1-D signal)."))]


def _print(result, fmt: TextFormat) -> None:
    from ..render.console import print_diagnostics, print_lines
    from ..render.numeric import result_dict, result_lines
    from ..render.reports import dumps

    warnings = [d for d in result.geometry.warnings if d.severity != "note"]
    if warnings:
        print_diagnostics(warnings)
    if fmt is TextFormat.json:
        sys.stdout.write(dumps(result_dict(result)))
    else:
        print_lines(result_lines(result))


@app.command(help=_("Convolve small matrices: the output feature map and, at one position, the sum worked out as "
                    "the slides write it (per input channel, then the bias). For output shapes only, see "
                    "`cnncalc conv`."))
def convolve(
    file: File = None,
    image: Image = None,
    kernel: Annotated[Optional[List[str]], typer.Option("--kernel", metavar="MATRIX", help=_(
        "A kernel, written like --image with one matrix per input channel ('|'); repeat it for each output "
        "channel."))] = None,
    bias: Annotated[Optional[str], typer.Option("--bias", metavar="B", help=_(
        "The bias of each kernel, in order (\"1\" or \"1, -2\"); default 0."))] = None,
    stride: Stride = None,
    padding: Padding = None,
    dilation: Dilation = None,
    at: At = None,
    fmt: TextOrJson = TextFormat.table,
) -> None:
    from ..numeric_problem import convolve_problem

    _print(convolve_problem(file, image=image, kernels=kernel, bias=bias, stride=stride, padding=padding,
                            dilation=dilation, at=at), fmt)


@app.command(help=_("Max or average pooling of small matrices: the output and, at one position, the max or the "
                    "average worked out. For output shapes only, see `cnncalc pool`."))
def pooling(
    file: PoolFile = None,
    image: Image = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="max|avg", help=_(
        "max (the default) or avg."))] = None,
    kernel: Annotated[Optional[str], typer.Option("--kernel", "-F", metavar="F", help=_(
        "Window size: one value or one per dimension (2 or 2,3)."))] = None,
    stride: Annotated[Optional[str], typer.Option("--stride", "-s", metavar="S", help=_(
        "Stride (default: the window size)."))] = None,
    padding: Annotated[Optional[str], typer.Option("--padding", "-p", metavar="P", help=_(
        "Padding on each side (at most half the window, as in PyTorch)."))] = None,
    dilation: Annotated[Optional[str], typer.Option("--dilation", metavar="D", help=_(
        "Dilation (max pooling only)."))] = None,
    ceil_mode: Annotated[Optional[bool], typer.Option("--ceil-mode/--floor-mode", help=_(
        "Round the output size up (PyTorch ceil_mode); default down."))] = None,
    count_include_pad: Annotated[Optional[bool], typer.Option("--count-include-pad/--no-count-include-pad", help=_(
        "Average pooling: divide by the whole window, padding zeros included (PyTorch's default), or by the input "
        "cells only."))] = None,
    at: At = None,
    fmt: TextOrJson = TextFormat.table,
) -> None:
    from ..numeric_problem import pooling_problem

    _print(pooling_problem(file, image=image, kind=kind, kernel_size=kernel, stride=stride, padding=padding,
                           dilation=dilation, ceil_mode=ceil_mode, count_include_pad=count_include_pad, at=at), fmt)
