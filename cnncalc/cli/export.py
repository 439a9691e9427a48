"""`cnncalc export`: a network as source for another framework (a readable PyTorch nn.Module file, or a Keras 3
file whose build() returns a functional keras.Model)."""

from enum import Enum
from typing import Annotated

import typer

from ..errors import Option, fail
from ..i18n import T, _
from .app import (InputShape, Layout, LayoutOpt, ModelArgs, OutputFile, Spec, analysis_for, app,
                  report as print_problems, write_output)


class Target(str, Enum):
    pytorch = "pytorch"
    keras = "keras"


TargetOpt = Annotated[Target, typer.Option("--to", help=_(
    "The framework to write: pytorch (an nn.Module file whose state_dict keys are the spec's layer names) or keras "
    "(a Keras 3 file, channels first, whose layers are named as in the spec)."))]


@app.command(help=_("Write a network as a PyTorch nn.Module file (one module per layer, named as in the spec, so "
                    "that a checkpoint's state_dict loads into it) or, with --to keras, as a Keras 3 model."))
def export(
    spec: Spec,
    to: TargetOpt = Target.pytorch,
    output: OutputFile = None,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    arg: ModelArgs = None,
) -> None:
    """The network as code a student can read, train and load weights into; it imports only torch (or keras)."""
    analysis = analysis_for(spec, input, layout.value, args=arg)
    if analysis.symbols:
        raise fail("E004", T("export needs the input size as numbers, not {shape}",
                             shape="×".join(map(str, analysis.input_shape))), Option("--input"),
                   T("give the input size as numbers, e.g. 3x224x224"))
    print_problems(analysis)
    analysis.raise_for_errors()
    if to is Target.keras:
        from ..export.keras import to_keras as write
    else:
        from ..export.pytorch import to_pytorch as write

    write_output(write(analysis, spec), output, (spec,))
