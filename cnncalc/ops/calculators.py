"""The one-layer calculators (`cnncalc conv`, `pool`, `conv-transpose`, `linear`), as data.

Each calculator names the op family it builds (the member is chosen by the rank of
--input, so `cnncalc conv --input 1x32000 --kernel 80` is a conv1d) and maps its
command-line options onto the op's own arguments: the CLI declares one option per
entry and hands the values to the op's argument schema, the same coercers a spec
goes through. Nothing is written as YAML and parsed back.
"""

from __future__ import annotations

from typing import NamedTuple

from ..i18n import N_


class Option(NamedTuple):
    flags: tuple  # ("--kernel", "-f"); a boolean is ("--bias/--no-bias",)
    arg: str  # the op argument it sets
    help: str
    required: bool = False
    metavar: str = "N"
    boolean: bool = False
    default: object = None  # used, and said (`note`), when the option is not given
    note: str = ""


class Calculator(NamedTuple):
    command: str
    help: str
    family: str = ""  # the op family built
    kinds: tuple = ()  # or chosen by --kind: ((kind, family), ...), the first is the default
    options: tuple = ()
    layout: bool = True  # the input may be channels-last


CALCULATORS = (
    Calculator(
        "conv", N_("One convolution: output shape, parameters and MACs with the worked formulas. No spec needed."),
        family="conv", options=(
            Option(("--filters", "--out-channels", "-k"), "out_channels", N_("Number of filters (K); 1 if not given."),
                   default=1, note=N_("no --filters given: one filter (K = 1)")),
            Option(("--kernel", "-f"), "kernel_size",
                   N_("Kernel size F (one value, or one per dimension: h,w)."), required=True, metavar="F"),
            Option(("--stride", "-s"), "stride", N_("Stride S (one value, or one per dimension: h,w)."), metavar="S"),
            Option(("--padding", "-p"), "padding", N_("Zero padding P: n, one per dimension, begin,end per dimension, "
                                                   "same or valid."), metavar="P"),
            Option(("--dilation",), "dilation", N_("Dilation D (one value, or one per dimension: h,w)."), metavar="D"),
            Option(("--groups",), "groups", N_("Groups (C_in for depthwise).")),
            Option(("--bias/--no-bias",), "bias", N_("Count a bias per filter."), boolean=True),
        )),
    Calculator(
        "pool", N_("One pooling layer: output shape with the worked formula."),
        kinds=(("max", "maxpool"), ("avg", "avgpool")), options=(
            Option(("--kernel", "-f"), "kernel_size",
                   N_("Window size F (one value, or one per dimension: h,w)."), required=True, metavar="F"),
            Option(("--stride", "-s"), "stride", N_("Stride (default: the window size)."), metavar="S"),
            Option(("--padding", "-p"), "padding", N_("Padding on each side (or one per dimension)."), metavar="P"),
            Option(("--ceil-mode",), "ceil_mode", N_("Round the output size up (PyTorch ceil_mode)."), boolean=True),
        )),
    Calculator(
        "conv-transpose", N_("One transposed convolution: O = (I − 1)·S − 2P + D·(F − 1) + output_padding + 1."),
        family="conv_transpose", options=(
            Option(("--filters", "--out-channels", "-k"), "out_channels", N_("Output channels; 1 if not given."),
                   default=1, note=N_("no --filters given: one output channel")),
            Option(("--kernel", "-f"), "kernel_size",
                   N_("Kernel size (one value, or one per dimension: h,w)."), required=True, metavar="F"),
            Option(("--stride", "-s"), "stride", N_("Stride (one value, or one per dimension: h,w)."), metavar="S"),
            Option(("--padding", "-p"), "padding",
                   N_("Padding on each side (one value, or one per dimension: h,w)."), metavar="P"),
            Option(("--output-padding",), "output_padding",
                   N_("Extra size at the end (one value, or one per dimension: h,w).")),
            Option(("--dilation",), "dilation", N_("Dilation (one value, or one per dimension: h,w)."), metavar="D"),
            Option(("--groups",), "groups", N_("Groups.")),
            Option(("--bias/--no-bias",), "bias", N_("Count a bias per output channel."), boolean=True),
        )),
    Calculator(
        "linear", N_("One fully connected layer: params = F_in·F_out + F_out, MACs = F_in·F_out."),
        family="linear", layout=False, options=(
            Option(("--units", "--out-features", "-u"), "out_features", N_("Number of outputs."), required=True),
            Option(("--bias/--no-bias",), "bias", N_("Count a bias per output."), boolean=True),
        )),
)
