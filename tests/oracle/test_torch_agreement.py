"""cnncalc's shape and parameter rules agree with what PyTorch builds, everywhere.

Random layer configurations (conv2d, conv_transpose2d, max/avg pools with padding and
ceil_mode, adaptive pools, upsample; random sizes, kernels, strides, paddings,
dilations, groups): the inferred output shape and parameter count equal PyTorch's,
and where PyTorch refuses the configuration, cnncalc reports an error too.
A few hundred examples run by default; `pytest -m torch_agreement` runs 10,000 per op.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from cnncalc import load_string  # noqa: E402
from cnncalc.analysis import analyze  # noqa: E402

small = st.integers(1, 4)


@st.composite
def configs(draw):
    op = draw(st.sampled_from(["conv2d", "conv_transpose2d", "maxpool2d", "avgpool2d", "adaptive_avgpool2d",
                               "adaptive_maxpool2d", "upsample"]))
    c_in = draw(st.integers(1, 6))
    h, w = draw(st.integers(1, 20)), draw(st.integers(1, 20))
    k = (draw(small), draw(small))
    s = (draw(small), draw(small))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    cfg = {"op": op, "c_in": c_in, "h": h, "w": w}
    if op in ("conv2d", "conv_transpose2d"):
        g = draw(st.sampled_from([1, 1, 2, 3, c_in]))
        c_out = draw(st.integers(1, 6)) * (g if draw(st.booleans()) else 1)
        cfg.update(c_out=c_out, k=k, s=s, d=d, p=p, g=g, bias=draw(st.booleans()))
        if op == "conv_transpose2d":
            cfg["op_"] = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    elif op in ("maxpool2d", "avgpool2d"):
        cfg.update(k=k, s=s, p=p, ceil=draw(st.booleans()))
        if op == "maxpool2d":
            cfg["d"] = d
        else:
            cfg["cip"] = draw(st.booleans())
    elif op.startswith("adaptive"):
        cfg["out"] = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    else:
        cfg["scale"] = (draw(small), draw(small))
    return cfg


def _torch_layer(c):
    nn = torch.nn
    op = c["op"]
    if op == "conv2d":
        return nn.Conv2d(c["c_in"], c["c_out"], c["k"], c["s"], c["p"], c["d"], c["g"], c["bias"])
    if op == "conv_transpose2d":
        return nn.ConvTranspose2d(c["c_in"], c["c_out"], c["k"], c["s"], c["p"], c["op_"], c["g"], c["bias"], c["d"])
    if op == "maxpool2d":
        return nn.MaxPool2d(c["k"], c["s"], c["p"], c["d"], ceil_mode=c["ceil"])
    if op == "avgpool2d":
        return nn.AvgPool2d(c["k"], c["s"], c["p"], ceil_mode=c["ceil"], count_include_pad=c["cip"])
    if op == "adaptive_avgpool2d":
        return nn.AdaptiveAvgPool2d(c["out"])
    if op == "adaptive_maxpool2d":
        return nn.AdaptiveMaxPool2d(c["out"])
    return nn.Upsample(scale_factor=c["scale"], mode="nearest")


def _spec(c) -> str:
    op = c["op"]
    pair = lambda v: f"[{v[0]}, {v[1]}]"  # noqa: E731
    if op == "conv2d":
        args = (f"out_channels: {c['c_out']}, kernel_size: {pair(c['k'])}, stride: {pair(c['s'])}, "
                f"padding: {pair(c['p'])}, dilation: {pair(c['d'])}, groups: {c['g']}, bias: {str(c['bias']).lower()}")
    elif op == "conv_transpose2d":
        args = (f"out_channels: {c['c_out']}, kernel_size: {pair(c['k'])}, stride: {pair(c['s'])}, "
                f"padding: {pair(c['p'])}, dilation: {pair(c['d'])}, groups: {c['g']}, bias: {str(c['bias']).lower()}, "
                f"output_padding: {pair(c['op_'])}")
    elif op == "maxpool2d":
        args = (f"kernel_size: {pair(c['k'])}, stride: {pair(c['s'])}, padding: {pair(c['p'])}, "
                f"dilation: {pair(c['d'])}, ceil_mode: {str(c['ceil']).lower()}")
    elif op == "avgpool2d":
        args = (f"kernel_size: {pair(c['k'])}, stride: {pair(c['s'])}, padding: {pair(c['p'])}, "
                f"ceil_mode: {str(c['ceil']).lower()}, count_include_pad: {str(c['cip']).lower()}")
    elif op.startswith("adaptive"):
        args = f"output_size: {pair(c['out'])}"
    else:
        args = f"scale_factor: {pair(c['scale'])}"
    return f"name: t\ninput: [{c['c_in']}, {c['h']}, {c['w']}]\nlayers:\n  - {{type: {op}, {args}}}\n"


def _agree(c):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = _torch_layer(c)
            with torch.no_grad():
                y = layer(torch.zeros(1, c["c_in"], c["h"], c["w"]))
        if y.numel() == 0:
            raise RuntimeError("empty output")
        expected = tuple(y.shape[1:])
        params = sum(p.numel() for p in layer.parameters())
    except (RuntimeError, ValueError) as exc:
        expected, params, torch_error = None, None, str(exc)
    a = analyze(load_string(_spec(c)))
    if expected is None:
        assert not a.ok, f"PyTorch refuses ({torch_error}) but cnncalc accepts {c}"
        return
    assert a.ok, f"PyTorch gives {expected} but cnncalc reports {[d.format() for d in a.errors]} for {c}"
    r = a.layers[0]
    assert r.output_shape == expected, c
    assert r.trainable == params, c


_health = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=_health)
@given(configs())
def test_agrees_with_pytorch(cfg):
    _agree(cfg)


@pytest.mark.torch_agreement
@settings(max_examples=10_000, deadline=None, suppress_health_check=_health)
@given(configs())
def test_agrees_with_pytorch_long(cfg):
    _agree(cfg)
