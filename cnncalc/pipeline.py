"""The one-way pipeline as three calls: load (spec → graph), analyze, and both at once."""

from __future__ import annotations

from .analysis import Analysis, analyze
from .graph import DEFAULT_MAX_LAYERS, Graph, expand
from .spec import parse_document
from .yamlsource import load_file, load_text
from .interop.sources import is_foreign, spec_text
from .zoo import resolve


def load(ref: str, max_layers: int = DEFAULT_MAX_LAYERS, args: dict | None = None,
         variant: str | None = None) -> Graph:
    """A file path or bundled name -> Graph (raises CnnError).

    args: the model's arguments to override ({"width": 1.1}); variant: one of its `variants:`
    (a bundled variant name such as efficientnet_b3 chooses its own)."""
    path, shown, found = resolve(ref)
    if found is None and is_foreign(path):  # an ONNX or Keras model: analysed as the spec `cnncalc import` writes
        doc = load_text(spec_text(path, shown), f"{shown} (imported)")
    else:
        doc = load_file(path, shown)
    return expand(parse_document(doc, shown), max_layers=max_layers, variant=variant or found, overrides=args)


def load_string(text: str, filename: str = "<string>", max_layers: int = DEFAULT_MAX_LAYERS) -> Graph:
    return expand(parse_document(load_text(text, filename), filename), max_layers=max_layers)


def summarize(ref: str, input_shape: tuple | None = None, max_layers: int = DEFAULT_MAX_LAYERS,
              args: dict | None = None) -> Analysis:
    """A bundled name or a spec path -> Analysis, as `cnncalc summarize` computes it.

    input_shape: channels-first, no batch ((3, 64, 64)); args: the model's arguments
    ({"width": 0.75}, as --arg). A spec that cannot be read raises CnnError; a design with
    errors does not: it returns an Analysis with .ok False, .errors, and the totals of the
    layers that could be computed (call .raise_for_errors() to make it raise)."""
    return analyze(load(ref, max_layers, args), input_shape)
