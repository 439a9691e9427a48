"""`cnncalc import` (a model from ONNX, PyTorch or Keras as a spec) and `cnncalc export` (a spec as code)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import Option, fail
from ..i18n import T, _
from .app import InputShape, Layout, LayoutOpt, OutputFile, app, write_output


@app.command("import", help=_("Read a model from another tool (an .onnx file, a Keras .keras or to_json() file, or a "
                              "PyTorch factory with --torch) and write it as a cnncalc spec."))
def import_model(
    source: Annotated[Optional[str], typer.Argument(metavar="MODEL", help=_(
        "An .onnx, .keras or Keras .json file (leave out with --torch)."))] = None,
    torch_ref: Annotated[Optional[str], typer.Option("--torch", help=_(
        "A PyTorch model factory, package.module:function (called with no arguments), traced by torch.fx on "
        "meta tensors."))] = None,
    input: InputShape = None,
    layout: LayoutOpt = Layout.chw,
    output: OutputFile = None,
    flat: Annotated[bool, typer.Option("--flat", help=_(
        "One line per layer: no blocks for the modules that repeat."))] = False,
) -> None:
    """Designs live in other tools too: the spec written here is what summarize analyses for that file."""
    from ..interop import sources
    from ..interop.model import to_yaml

    if (source is None) == (torch_ref is None):
        raise fail("E004", T("give either a model file or --torch package.module:factory"), Option("MODEL"),
                   T("e.g. cnncalc import model.onnx -o model.yaml, or cnncalc import --torch "
                     "torchvision.models:resnet18 -o resnet18.yaml"))
    if torch_ref is not None:
        from ..shapes import parse_shape

        shape = parse_shape(input, Option("--input"), layout=layout.value, code="E004") if input else None
        imported = sources.read_torch(torch_ref, shape)
        protected = ()
    else:
        from ..zoo import resolve

        path, shown, _found = resolve(source)
        if not sources.is_foreign(path):
            raise fail("E004", T("{file} is not a model file cnncalc imports (.onnx, .keras, .json)", file=shown),
                       Option("MODEL"), T("a YAML spec needs no import: use it as it is"))
        imported = sources.read(Path(path), shown)
        protected = (source,)
    write_output(to_yaml(imported, blocks=not flat), output, protected)
