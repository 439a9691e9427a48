"""How `cnncalc export --to keras` writes a layer: the KerasCode an op's keras() returns, and the helpers the
convolutions and pools share (Keras' own padding when it is cnncalc's, else a ZeroPadding layer first).

Kept beside ops/base.py, not in it: only the ops that Keras writes need it, and base stays the core rules.
"""

from __future__ import annotations

from typing import NamedTuple


class KerasWeight(NamedTuple):
    """One array of a Keras layer, in the order of its get_weights(), taken from cnncalc's (PyTorch's) array:
    `name` reshaped to `shape` (if given), then its axes in the order `axes` (if given)."""

    name: str
    axes: tuple | None = None
    shape: tuple | None = None


class KerasCode(NamedTuple):
    """How `cnncalc export --to keras` writes one layer (cnncalc/export/keras.py), channels first.

    call: the expression, a format template: {name} the layer's Keras name (a string literal), {0}, {1}, ... the
    inputs, {xs} all of them joined by ", ". A keras.layers constructor called on the inputs
    (`layers.Conv2D(96, (11, 11), strides=(4, 4), data_format=CF, name={name})({0})`), or a keras.ops expression
    for a parameter-free op Keras has no layer for. The file defines CF = "channels_first".
    pre: a statement's expression written first, whose result replaces {0} in call (the zero padding before a
    convolution that Keras' 'valid' and 'same' do not give); its {name} is the layer's name + "_pad".
    helpers: sources of the Layer subclasses call uses, written once into the file.
    weights: the Keras layer's arrays (KerasWeight), so that cnncalc's weights can be loaded into it.
    """

    call: str
    pre: str = ""
    helpers: tuple = ()
    weights: tuple = ()


def keras_padding(padding, sizes, kernel, stride, dilation=None):
    """'valid' or 'same' when Keras' own padding is cnncalc's (begin, end) pairs, else None (pad first)."""
    from .window import same_padding

    dilation = dilation or (1,) * len(kernel)
    if all(p == (0, 0) for p in padding):
        return "valid"
    if all(tuple(same_padding(i, k, s, d)) == tuple(p)
           for i, k, s, d, p in zip(sizes, kernel, stride, dilation, padding)):
        return "same"
    return None


def keras_options(stride=(), padding="valid", dilation=(), bias=True, **more) -> str:
    """", strides=(2, 2), padding=\"same\"": the options that differ from Keras' defaults, as source."""
    opts = [f"strides={tuple(stride)}" if any(s != 1 for s in stride) else "",
            f'padding="{padding}"' if padding != "valid" else "",
            f"dilation_rate={tuple(dilation)}" if any(d != 1 for d in dilation) else "",
            *(f"{k}={v!r}" for k, v in more.items()), "" if bias else "use_bias=False"]
    return "".join(f", {o}" for o in opts if o)


def keras_zero_pad(padding) -> str:
    """The ZeroPadding layer that pads as cnncalc's (begin, end) pairs (a `pre` of KerasCode)."""
    n, pairs = len(padding), tuple(tuple(p) for p in padding)
    if n == 1:
        return f"layers.ZeroPadding1D({pairs[0]}, data_format=CF, name={{name}})({{0}})"
    return f"layers.ZeroPadding{n}D({pairs}, data_format=CF, name={{name}})({{0}})"


def keras_kernel(n: int) -> tuple:
    """PyTorch's (out, in, *k) kernel axes in Keras' order (*k, in, out)."""
    return (*range(2, n + 2), 1, 0)


class NoKeras(NotImplementedError):
    """An op's layer that Keras cannot write as cnncalc computes it; `hint` says what to change (E007)."""

    def __init__(self, hint) -> None:
        super().__init__(hint)
        self.hint = hint
