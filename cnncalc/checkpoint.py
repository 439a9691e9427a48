"""A design checked against a checkpoint from its tensor names and shapes alone (`validate --weights`).

verify loads a checkpoint to run it; before that, a student wants to know whether the
design they wrote is the network the checkpoint was trained as. This compares the
state_dict keys and shapes the analysis defines (Layer.weights(), the same names
PyTorch gives) with the file's, read from headers only (no tensor data), and returns
one E208 diagnostic per tensor that is missing, unexpected or of the wrong shape, at
the spec line of the layer that defines it, so an editor can jump to it.

PyTorch's BatchNorm `num_batches_tracked` counters are accepted when the design does
not declare them: they count training steps and are no weights of the network.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import Diagnostic, Pos, sort_key
from .i18n import T
from .layer import state_dict_key
from .ops.base import numel

TRACKED = "num_batches_tracked"


class Match(NamedTuple):
    diagnostics: list  # E208, in spec order
    tensors: int  # tensors of the file that matched
    params: int  # their elements


def _shape(shape) -> str:
    return str(tuple(int(d) for d in shape))


def _axes(want: tuple, got: tuple) -> str:
    """Which axes differ, e.g. 'axis 0: 8 in the spec, 16 in the file'."""
    if len(want) != len(got):
        return T("the spec's tensor has {a} axes, the file's {b}", a=len(want), b=len(got))
    return "; ".join(T("axis {i}: {a} in the spec, {b} in the file", i=i, a=a, b=b)
                     for i, (a, b) in enumerate(zip(want, got)) if a != b)


def _owner(key: str, layers) -> object:
    """The layer whose name is the longest prefix of `key` ('layer1.0' for 'layer1.0.conv3.weight'), or None."""
    best = None
    for r in layers:
        if (key == r.name or key.startswith(r.name + ".")) and (best is None or len(r.name) > len(best.name)):
            best = r
    if best is None:  # 'layer1.0.conv3.weight' with no layer 'layer1.0...': the longest dotted prefix match
        parts = key.split(".")
        for n in range(len(parts) - 1, 0, -1):
            head = ".".join(parts[:n])
            near = [r for r in layers if r.name.startswith(head + ".") or r.name == head]
            if near:
                return near[0]
    return best


def _pairs(absent: list, extra: list) -> dict:
    """Missing and unexpected keys paired one to one by spelling ('fc.weight' <-> 'fc1.weight'), both ways."""
    import difflib

    pairs, left = {}, list(extra)
    for key in absent:
        close = difflib.get_close_matches(key, left, n=1, cutoff=0.8)
        if close:
            pairs[key], pairs[close[0]] = close[0], key
            left.remove(close[0])
    return pairs


def compare(analysis, path: str) -> Match:
    """Every difference between the design's tensors and the file's, as E208 diagnostics."""
    from .backend.runner import weights_reader

    found = weights_reader(path).shapes(path)
    layers = list(analysis.layers)
    top = Pos(layers[0].pos.file, 1, 1) if layers and layers[0].pos else Pos(str(path), 1, 1)
    defined = {}
    for r in layers:
        for name, w in r.weights().items():
            defined[state_dict_key(r.name, name)] = (r, tuple(w.shape))
    extra = [k for k in found if k not in defined and not k.endswith(TRACKED)]
    absent = [k for k in defined if k not in found]
    # a renamed tensor: the missing key and the unexpected one paired once, each hinting at the other
    pairs = _pairs(absent, extra)
    diags, tensors, params = [], 0, 0
    for key, (r, want) in defined.items():
        got = found.get(key)
        if got is None:
            hint = (T("did you mean '{word}'?", word=pairs[key]) if key in pairs else
                    T("save the layer's weights under this name, or check the layer's name"))
            diags.append(Diagnostic("E208", T("{file} has no tensor '{key}': layer '{layer}' defines it with shape "
                                              "{shape}", file=str(path), key=key, layer=r.name, shape=_shape(want)),
                                    r.pos or top, hint))
        elif tuple(got) != want:
            diags.append(Diagnostic("E208", T("'{key}' in {file} has shape {got}; layer '{layer}' defines {want}",
                                              key=key, file=str(path), got=_shape(got), layer=r.name,
                                              want=_shape(want)), r.pos or top,
                                    T("make the layer match the checkpoint ({axes})", axes=_axes(want, tuple(got)))))
        else:
            tensors += 1
            params += numel(want)
    for key in extra:
        r = defined[pairs[key]][0] if key in pairs else _owner(key, layers)
        hint = (T("did you mean '{word}'? layer '{layer}' defines that name", word=pairs[key], layer=r.name)
                if key in pairs else
                T("no layer defines it: add the layer that owns it, or remove it from the checkpoint"))
        diags.append(Diagnostic("E208", T("{file} has tensor '{key}' of shape {shape} that no layer defines",
                                          file=str(path), key=key, shape=_shape(found[key])),
                                (r.pos if r is not None else None) or top, hint))
    diags.sort(key=sort_key)
    return Match(diags, tensors, params)
