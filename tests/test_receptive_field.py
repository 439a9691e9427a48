"""Receptive fields (Araujo, Norris & Sim, Distill 2019) against known values and brute force."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc import load_string
from cnncalc.analysis import analyze


def _layer(a, name):
    return next(r for r in a.layers if r.name == name)


def test_vgg16_pool5_field():
    # Araujo et al. 2019, Table 1: VGG-16 pool5 r = 212, S = 32, P = 90
    rf = _layer(cnncalc.summarize("vgg16"), "block5.pool").rf
    assert (rf.size, rf.stride, rf.padding) == ((212, 212), (32, 32), (90, 90))


def test_alexnet_conv1_and_pool5():
    a = cnncalc.summarize("alexnet")
    assert _layer(a, "conv1").rf.size == (11, 11) and _layer(a, "conv1").rf.stride == (4, 4)
    # Araujo et al. 2019, Table 1: AlexNet pool5 (here conv5 then pool5) r = 195, S = 32
    assert _layer(a, "pool5").rf.size == (195, 195) and _layer(a, "pool5").rf.stride == (32, 32)


def test_three_3x3_convs_see_as_far_as_one_7x7_with_fewer_weights():
    # The VGG argument (Simonyan & Zisserman 2015, §2.3): 3·(3²C²) = 27C² vs 7²C² = 49C²
    c = 64
    stack = analyze(load_string(f"name: s\ninput: [{c}, 32, 32]\nlayers:\n" + "".join(
        f"  - {{type: conv2d, out_channels: {c}, kernel_size: 3, padding: 1, bias: false}}\n" for _ in range(3))))
    single = analyze(load_string(f"name: s\ninput: [{c}, 32, 32]\nlayers:\n"
                                 f"  - {{type: conv2d, out_channels: {c}, kernel_size: 7, padding: 3, bias: false}}\n"))
    assert stack.layers[-1].rf.size == single.layers[-1].rf.size == (7, 7)
    assert stack.totals.params == 27 * c * c
    assert single.totals.params == 49 * c * c


def test_dilation_and_merge_take_the_union():
    a = analyze(load_string("""
name: m
input: [8, 64, 64]
layers:
  - {type: conv2d, name: a, out_channels: 8, kernel_size: 3, padding: 2, dilation: 2}
  - {type: conv2d, name: b, out_channels: 8, kernel_size: 3, padding: 1, inputs: [input]}
  - {type: add, name: s, inputs: [a, b]}
"""))
    assert _layer(a, "a").rf.size == (5, 5)
    assert _layer(a, "s").rf.size == (5, 5)  # centred paths: the union is the larger one
    assert not [d for d in a.diagnostics if d.code == "W103"]


def test_unaligned_paths_warn():
    a = analyze(load_string("""
name: m
input: [8, 64, 64]
layers:
  - {type: conv2d, name: a, out_channels: 8, kernel_size: 3, padding: 0}
  - {type: zeropad2d, name: pa, padding: [2, 0, 2, 0]}
  - {type: conv2d, name: b, out_channels: 8, kernel_size: 3, padding: 1, inputs: [input]}
  - {type: add, name: s, inputs: [pa, b]}
"""))
    w = [d for d in a.diagnostics if d.code == "W103"]
    assert len(w) == 1 and w[0].message.startswith("s: the receptive fields of its inputs are not aligned, "
                                                   "centres 1 input pixel apart (pa: r 3, S 1, P 2; b: r 3, S 1, P 1)")
    assert w[0].pos.line == 8


def _w103(text):
    return [d.message for d in analyze(load_string(text)).diagnostics if d.code == "W103"]


def test_an_up_convolution_lines_up_with_the_map_it_came_from():
    # pool 2/2 then up-conv 2/2: output j reads pooled j // 2, i.e. input pixels 2·(j // 2) and
    # +1; on average centred on j (off by ±1/2), so adding the input is aligned
    spec = """
name: u
input: [1, 8]
layers:
  - {type: maxpool1d, name: pool, kernel_size: 2}
  - {type: conv_transpose1d, name: up, out_channels: 1, kernel_size: 2, stride: 2}
  - {type: add, name: sum, inputs: [input, up]}
"""
    a = analyze(load_string(spec))
    up = _layer(a, "up").rf
    assert (up.size, up.stride, up.padding) == ((2,), (1,), (Fraction(1, 2),))
    assert _w103(spec) == []
    # the usual stride-2 pair, conv k3 p1 then up-conv k3 p1 output_padding 1: output j reads
    # j − 1 … j + 1 (odd j) or j − 2 … j + 2 via one input (even j): centred, widest 5
    a = analyze(load_string(spec.replace("{type: maxpool1d, name: pool, kernel_size: 2}",
                                         "{type: conv1d, name: pool, out_channels: 1, kernel_size: 3, stride: 2, "
                                         "padding: 1}").replace("kernel_size: 2, stride: 2}",
                                                                "kernel_size: 3, stride: 2, padding: 1, "
                                                                "output_padding: 1}")))
    up = _layer(a, "up").rf
    assert (up.size, up.stride, up.padding) == ((5,), (1,), (2,))
    assert not [d for d in a.diagnostics if d.code == "W103"]


def test_upsampling_is_aligned_after_a_pool_and_half_a_pixel_off_after_a_centred_conv():
    # nearest ×2 after pool 2/2: outputs 2m and 2m + 1 read pooled m, centred at 2m + 1/2: aligned.
    # linear ×2 (align_corners=False) treats sample m as centred at 2m + 1/2, but a k3 s2 p1
    # conv centres it at 2m: half a pixel off (a true misalignment), reported unless allowed.
    spec = """
name: u
input: [1, 16]
layers:
  - {type: maxpool1d, name: p, kernel_size: 2}
  - {type: upsample, name: up, scale_factor: 2}
  - {type: add, name: s1, inputs: [input, up]}
  - {type: conv1d, name: d, out_channels: 1, kernel_size: 3, stride: 2, padding: 1}
  - {type: upsample, name: up2, mode: linear}
  - {type: add, name: s2, inputs: [s1, up2]ALLOW}
"""
    assert _w103(spec.replace("ALLOW", "")) == [
        "s2: the receptive fields of its inputs are not aligned, centres 1/2 input pixel apart "
        "(s1: r 2, S 1, P 1/2; up2: r 6, S 1, P 3)"]
    assert _w103(spec.replace("ALLOW", ", allow: [W103]")) == []


def test_unet_skip_connections_are_aligned():
    # Ronneberger et al. 2015, Fig. 1: each crop is centred on the up-convolved map it is joined to
    a = cnncalc.summarize("unet")
    assert not [d.message for d in a.diagnostics if d.code == "W103"]


def test_a_broadcast_gate_leaves_the_field_of_the_full_size_path():
    # Squeeze-and-excitation: x · gate(x), gate C×1×1. The product at (i, j) reads x at (i, j)
    # through a 3×3 conv, so its field is 3×3 at stride 1, not the global pool's stride 16.
    a = analyze(load_string("""
name: se
input: [8, 16, 16]
layers:
  - {type: conv2d, name: c, out_channels: 8, kernel_size: 3, padding: 1}
  - {type: adaptive_avgpool2d, name: gap, output_size: 1}
  - {type: multiply, name: m, inputs: [gap, c]}
  - {type: adaptive_avgpool2d, name: gap2, output_size: 1}
  - {type: multiply, name: m2, inputs: [gap2, m]}
  - {type: conv2d, name: c2, out_channels: 8, kernel_size: 3, padding: 1}
"""))
    for name, size in (("m", 3), ("m2", 3), ("c2", 5)):
        rf = _layer(a, name).rf
        assert (rf.size, rf.stride, rf.padding) == ((size, size), (1, 1), (size // 2, size // 2)), name
    assert not [d for d in a.diagnostics if d.code == "W103"]


def test_efficientnet_and_mobilenet_v3_fields_stay_aligned():
    # every SE block broadcasts its gate; none of them may misalign or rescale the field
    for model in ("efficientnet_b0", "mobilenet_v3_small"):
        a = cnncalc.summarize(model)
        assert not [d for d in a.diagnostics if d.code == "W103"], model
    # b0 is 224 → 7×7 before its head: overall stride 32
    b0 = cnncalc.summarize("efficientnet_b0")
    head = [r for r in b0.layers if r.output_shape[1:] == (7, 7)][-1]
    assert head.rf.stride == (32, 32)


_CONVS = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)), max_size=3)
_UP = st.one_of(
    st.tuples(st.just("conv_transpose"), st.integers(1, 3), st.integers(0, 5), st.integers(0, 4)),  # s, k − s, p
    st.tuples(st.sampled_from(["nearest", "linear", "bicubic"]), st.integers(1, 3), st.just(0), st.just(0)))


def _reads(o, up):
    """The inputs that output o of one upsampling layer reads (an unbounded line)."""
    kind, s, extra, p = up
    if kind == "conv_transpose":  # o + p = i·s + t, t = 0 … k − 1
        k = s + extra
        return {(o + p - t) // s for t in range(k) if (o + p - t) % s == 0}
    x = Fraction(2 * o + 1, 2 * s) - Fraction(1, 2)  # PyTorch's source coordinate (align_corners=False)
    i = x.numerator // x.denominator
    if kind == "nearest" or x.denominator == 1:  # on a sample: the other taps weigh 0
        return {o // s} if kind == "nearest" else {i}
    return {"linear": {i, i + 1}, "bicubic": {i - 1, i, i + 1, i + 2}}[kind]


@settings(max_examples=150, deadline=None)
@given(_CONVS, _UP)
def test_upsampling_field_against_the_pixels_it_reads(convs, up):
    """After any conv stack, a transposed conv or an upsampling: r is the widest output's field
    and the field's centre is where the outputs' centres lie on average over one period."""
    kind, s, extra, p = up
    p = min(p, s + extra - 1) if kind == "conv_transpose" else 0
    up = (kind, s, extra, p)
    last = (f"{{type: conv_transpose1d, out_channels: 1, kernel_size: {s + extra}, stride: {s}, padding: {p}}}"
            if kind == "conv_transpose" else f"{{type: upsample, scale_factor: {s}, mode: {kind}}}")
    text = "name: p\ninput: [1, 64]\nlayers:\n" + "".join(
        f"  - {{type: conv1d, out_channels: 1, kernel_size: {k}, stride: {st_}, padding: {pd}, dilation: {d}}}\n"
        for k, st_, pd, d in convs) + f"  - {last}\n"
    a = analyze(load_string(text))
    if not a.ok:
        return

    def deps(o, depth):  # the input pixels that output o of the conv stack's layer `depth` reads
        if depth == 0:
            return {o}
        k, st_, pd, d = convs[depth - 1]
        return set().union(*(deps(o * st_ - pd + t * d, depth - 1) for t in range(k)))

    def field(o):
        return set().union(*(deps(i, len(convs)) for i in _reads(o, up)))

    rf = a.layers[-1].rf
    r, stride, pad = rf.size[0], rf.stride[0], rf.padding[0]
    seen = [field(o) for o in range(20, 20 + s)]
    assert max(max(f) - min(f) + 1 for f in seen if f) == r
    offsets = [Fraction(min(f) + max(f), 2) - (o * stride - pad + Fraction(r - 1, 2))
               for o, f in zip(range(20, 20 + s), seen) if f]
    assert sum(offsets) == 0 or len(offsets) < s  # a transposed kernel shorter than its stride leaves holes


_layers = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)),
                   min_size=1, max_size=4)


@settings(max_examples=120, deadline=None)
@given(_layers)
def test_field_equals_brute_force_dependency(chain):
    """r, S and P agree with the set of input pixels that output pixels 0 and 1 depend on."""
    layers = chain
    size = 64
    text = f"name: p\ninput: [1, {size}, {size}]\nlayers:\n" + "".join(
        f"  - {{type: conv2d, out_channels: 1, kernel_size: {k}, stride: {s}, padding: {p}, dilation: {d}}}\n"
        for k, s, p, d in layers)
    a = analyze(load_string(text))
    if not a.ok or a.output_shape[1] < 2:
        return

    def deps(j, depth):  # input coordinates (padding included) that output j of layer `depth` reads
        if depth == 0:
            return {j}
        k, s, p, d = layers[depth - 1]
        out = set()
        for t in range(k):
            out |= deps(j * s - p + t * d, depth - 1)
        return out

    rf = a.layers[-1].rf
    d0, d1 = deps(0, len(layers)), deps(1, len(layers))
    assert max(d0) - min(d0) + 1 == rf.size[0]
    assert -min(d0) == rf.padding[0]
    assert min(d1) - min(d0) == rf.stride[0]
