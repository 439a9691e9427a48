"""Receptive fields: size r, effective stride S and effective padding P of every layer.

Following Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019, one spatial dimension at a time, for any number of them. Going from the input
(r = 1, S = 1, P = 0) through a layer with kernel k, stride s, padding p (before the
input) and dilation d, whose kernel spans k' = d·(k − 1) + 1:

    r_l = r_{l−1} + (k' − 1)·S_{l−1}
    S_l = S_{l−1}·s
    P_l = P_{l−1} + p·S_{l−1}

Output pixel j then sees input pixels [j·S − P, j·S − P + r − 1]. Layers without a
window (activations, batch norm, linear on vectors) keep (r, S, P). A flatten sees its
whole input. VGG-16's pool5: r = 212, S = 32, P = 90 (the paper's Table 1 of Araujo).

Several inputs (add, concat): the field is the union of the inputs' fields, i.e. from
the leftmost start to the rightmost end; when the inputs' strides differ or their
centres do not coincide, the paths are not aligned and a W103 warning says so.

Transposed convolutions and upsampling shrink the stride by their factor (S becomes a
fraction). Output j of a transposed convolution reads the inputs i with i·s + d·t = j + p
(t = 0 … k − 1): at most ⌈k'/s⌉ of them, centred on average at input (j + p − (k' − 1)/2)/s.
So

    r_l = r_{l−1} + (⌈k'/s⌉ − 1)·S_{l−1}          (the widest output's field)
    S_l = S_{l−1}/s
    P_l = P_{l−1} − (p − (k' − 1)/2)·S_l + (r_l − r_{l−1})/2

which puts each field's centre where the outputs' centres lie on average (output j's own
centre is off by a periodic amount that averages to 0; P may be a fraction). Upsampling is
the transposed convolution that reads the same inputs: nearest ×s is k = s, p = 0 (as a pixel
shuffle); bilinear ×s is k = 2s, p = s/2; bicubic is k = 4s, p = 3s/2. This is what lets a
U-Net's crop and up-convolution, or an FPN's upsampled and lateral maps, be checked for alignment.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import NamedTuple

from .i18n import T
from .ops.window import DIM_SUFFIXES, both


def _one(values) -> str:
    """'7' when every dimension agrees, else '7×5'."""
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "×".join(texts)


class RF(NamedTuple):
    size: tuple  # one per spatial dimension
    stride: tuple
    padding: tuple

    def __str__(self) -> str:
        """'212 /32 p90' (size /stride pPadding), or '7×5 /2 p3×2' when the dimensions differ."""
        return f"{_one(self.size)} /{_one(self.stride)} p{_one(self.padding)}"

    def describe(self) -> str:
        """For messages: 'r 3, S 1, P 2'."""
        return f"r {_one(self.size)}, S {_one(self.stride)}, P {_one(self.padding)}"

    def as_dict(self) -> dict:
        def num(x):
            return int(x) if Fraction(x).denominator == 1 else float(x)

        return {"size": [num(v) for v in self.size], "stride": [num(v) for v in self.stride],
                "padding": [num(v) for v in self.padding]}


def input_field(shape: tuple) -> RF | None:
    """The model input's field: r = 1, S = 1, P = 0 in each spatial dimension (None for a vector)."""
    n = len(shape) - 1
    return RF((1,) * n, (1,) * n, (0,) * n) if n else None


def merge(fields: list, shapes: list | None = None) -> tuple:
    """Union of several inputs' fields -> (RF, misalignment), the latter None when the inputs'
    strides and (average) centres agree, else what differs, for the W103 message.

    shapes (the inputs' shapes, same order): an input broadcast along a dimension (size 1
    there while another input is larger: the C×1×1 gate of a squeeze-and-excitation block)
    gives every output position the same context. A (size, stride, padding) field cannot
    express that, so in that dimension the union follows the full-size inputs; otherwise the
    gate's global-pool stride would multiply the stride of every layer after it."""
    if len(fields) == 1:
        return fields[0], None
    size, stride, pad, issues = [], [], [], []
    for j in range(len(fields[0].size)):
        used = [f for k, f in enumerate(fields) if not _broadcast(shapes, k, j)] or fields
        starts = [-f.padding[j] for f in used]
        ends = [-f.padding[j] + f.size[j] - 1 for f in used]
        strides = sorted({f.stride[j] for f in used})
        twice = {s + e for s, e in zip(starts, ends)}  # twice the centres: equal iff the centres are
        if len(strides) > 1:
            issues.append(T("strides {strides}", strides=both([str(x) for x in strides])))
        elif len(twice) > 1:
            apart = max(twice) - min(twice)
            if isinstance(apart, (int, Fraction)):
                apart = _num(Fraction(apart) / 2)
                issues.append(T("centres {apart} input pixels apart", apart=apart) if apart > 1
                              else T("centres {apart} input pixel apart", apart=apart))
            else:
                issues.append(T("centres {apart} input pixels apart", apart=apart / 2))
        start, end = min(starts), max(ends)
        size.append(end - start + 1)
        stride.append(strides[-1])
        pad.append(-start)
    return RF(tuple(size), tuple(stride), tuple(pad)), (_listed(list(dict.fromkeys(issues))) or None)


def _listed(parts: list):
    """Parts joined with '; ' as one translatable text ('' for none)."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = T("{first}; {second}", first=text, second=part)
    return text


def _broadcast(shapes, k: int, j: int) -> bool:
    if shapes is None:
        return False
    dims = [s[1 + j] if len(s) > 1 + j else 1 for s in shapes]
    return dims[k] == 1 and any(d != 1 for d in dims)


def step(rf: RF, window) -> RF:
    """The field after one layer with the given Window (None = pixel to pixel)."""
    if window is None:
        return rf
    size, stride, pad = [], [], []
    for j in range(len(rf.size)):
        k, s, d = window.kernel[j], window.stride[j], window.dilation[j]
        p0 = window.pad[j][0]
        ext = d * (k - 1) + 1
        if window.transposed:
            new_s = Fraction(rf.stride[j]) / s
            new_r = rf.size[j] + (-(-ext // s) - 1) * rf.stride[j]
            size.append(new_r)
            stride.append(new_s)
            pad.append(_num(rf.padding[j] - (p0 - Fraction(ext - 1, 2)) * new_s + Fraction(new_r - rf.size[j], 2)))
        else:
            size.append(rf.size[j] + (ext - 1) * rf.stride[j])
            stride.append(rf.stride[j] * s)
            pad.append(rf.padding[j] + p0 * rf.stride[j])
    return RF(tuple(size), tuple(stride), tuple(pad))


def _num(x):
    """A whole Fraction as an int (exact either way; an int prints and compares as users expect)."""
    return x.numerator if isinstance(x, Fraction) and x.denominator == 1 else x


def worked(before: RF, window) -> str:
    """The step with numbers, e.g. 'r = 1 + (11 − 1)·1 = 11, S = 1·4 = 4, P = 0 + 0·1 = 0'.

    One line when every dimension reads alike, else one per dimension (r_h, r_w, …)."""
    after = step(before, window)
    n = len(before.size)
    if window is None:
        if len(set(before.size)) == 1 and len(set(before.stride)) == 1 and len(set(before.padding)) == 1:
            return T("r = {r}, S = {s}, P = {p} (unchanged)", r=before.size[0], s=before.stride[0],
                     p=before.padding[0])
        return T("unchanged: {field}", field=after)
    groups: dict = {}
    for j in range(n):
        key = (window.kernel[j], window.stride[j], window.pad[j], window.dilation[j], before.size[j], before.stride[j],
               before.padding[j])
        groups.setdefault(key, []).append(j)
    suffixes = DIM_SUFFIXES[n]
    parts = []
    for dims in groups.values():
        j = dims[0]
        k, s, d, p0 = window.kernel[j], window.stride[j], window.dilation[j], window.pad[j][0]
        ext = f"{d}·({k} − 1) + 1" if d != 1 else str(k)
        name = functools.partial(_labels, dims=dims, suffixes=suffixes if len(groups) > 1 else None)
        if window.transposed:
            parts.append(T("{r} = {r0} + (⌈{ext}/{s}⌉ − 1)·{s0} = {r1} (at most), {S} = {s0}/{s} = {s1}, "
                           "{P} = {p0} − ({pad} − ({ext} − 1)/2)·{s1} + ({r1} − {r0})/2 = {p1}",
                           r=name("r"), S=name("S"), P=name("P"), r0=before.size[j], r1=after.size[j],
                           s0=before.stride[j], s1=after.stride[j], p0=before.padding[j], p1=after.padding[j],
                           ext=ext, s=s, pad=p0))
            continue
        parts.append(f"{name('r')} = {before.size[j]} + ({ext} − 1)·{before.stride[j]} = {after.size[j]}, "
                     f"{name('S')} = {before.stride[j]}·{s} = {after.stride[j]}, "
                     f"{name('P')} = {before.padding[j]} {'−' if p0 < 0 else '+'} {abs(p0)}·{before.stride[j]} = "
                     f"{after.padding[j]}")
    return _listed(parts)


def _labels(q: str, dims: list, suffixes) -> str:
    """'r', or 'r_h = r_w' for a group of dimensions that read alike."""
    return q if suffixes is None else " = ".join(f"{q}{suffixes[i]}" for i in dims)
