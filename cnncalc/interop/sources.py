"""Which reader takes a model file, chosen by its suffix; each reader is imported only when used.

The summarize path of a YAML spec or a bundled name never imports this module's readers,
nor the optional packages they need (onnx, torch): `is_foreign` looks at the suffix alone.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .model import Imported, to_yaml

# suffix -> module of cnncalc.interop with `read(path: Path, shown: str) -> Imported`
READERS = {".onnx": "onnx_graph", ".keras": "keras_config", ".json": "keras_config"}  # zoo.FOREIGN_SUFFIXES too


def is_foreign(path) -> bool:
    return Path(path).suffix.lower() in READERS


def read(path: Path, shown: str) -> Imported:
    """A model file -> Imported (raises CnnError: E007 unsupported layer, E008 unreadable file, E009 missing extra)."""
    module = importlib.import_module(f"{__package__}.{READERS[Path(path).suffix.lower()]}")
    return module.read(Path(path), shown)


def read_torch(ref: str, input_shape: tuple | None) -> Imported:
    """`package.module:factory` -> Imported, traced by torch.fx on meta tensors (interop/torch_fx.py)."""
    from .torch_fx import read_factory

    return read_factory(ref, input_shape)


def spec_text(path: Path, shown: str) -> str:
    """The spec `cnncalc import` writes for a model file, and what summarize analyses for it."""
    return to_yaml(read(path, shown))


def module_graph(module, shape: tuple | None, max_layers: int):
    """A torch.nn.Module (Python's cnncalc.summarize(model)) as the spec `cnncalc import --torch` would write
    for it, expanded into a Graph."""
    from ..errors import Option, fail
    from ..graph import expand
    from ..i18n import T
    from ..spec import parse_document
    from ..yamlsource import load_text
    from .torch_fx import read_module

    if shape is not None and not all(isinstance(d, int) for d in shape):
        raise fail("E004", T("a PyTorch module is traced at a numeric input size, not {shape}",
                             shape="×".join(map(str, shape))), Option("--input"),
                   T("e.g. input_shape=(3, 224, 224)"))
    name = type(module).__name__
    imported = read_module(module, shape, name, str(T("PyTorch module {name} traced by torch.fx", name=name)))
    label = f"<{name}>"
    return expand(parse_document(load_text(to_yaml(imported), label), label), max_layers=max_layers)
