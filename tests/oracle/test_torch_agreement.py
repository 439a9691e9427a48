"""cnncalc's shape and parameter rules agree with what PyTorch builds, in 1-D, 2-D and 3-D.

Random stacks of one to four layers — convolutions (groups, dilation, padding, 'same'
at stride 1, bias on/off), transposed convolutions (output_padding, dilation, groups),
max and average pools (padding, dilation, ceil_mode, count_include_pad), adaptive
pools, batch, layer, group and instance norm, PReLU, channel and pixel shuffles,
upsampling (every mode, size or factor, align_corners), crops, centre crops and
depthwise convolutions — on random input sizes: the inferred output shape and the
trainable and non-trainable counts equal PyTorch's nn.Sequential of the same layers,
and where PyTorch refuses the stack (at construction or in the forward pass), cnncalc
reports an error too. A few hundred stacks per rank run by default;
`pytest -m torch_agreement` runs 10,000 per rank.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from cnncalc import load_string  # noqa: E402
from cnncalc.analysis import analyze  # noqa: E402
from cnncalc.errors import CnnError  # noqa: E402

OPS = ("conv", "conv", "conv_transpose", "maxpool", "avgpool", "adaptive_avgpool", "adaptive_maxpool", "batchnorm",
       "layer_norm", "group_norm", "instance_norm", "prelu", "channel_shuffle", "pixel_shuffle", "upsample", "crop",
       "center_crop", "depthwise")
MODES = {1: ("nearest", "linear"), 2: ("nearest", "bilinear", "bicubic"), 3: ("nearest", "trilinear")}
MAX_SIZE = {1: 40, 2: 16, 3: 8}


def _dims(draw, n, lo, hi):
    """One value for every dimension (as an int when they agree, sometimes) or one per dimension."""
    if draw(st.booleans()):
        return draw(st.integers(lo, hi))
    return tuple(draw(st.integers(lo, hi)) for _ in range(n))


def _tuple(v, n):
    return v if isinstance(v, tuple) else (v,) * n


@st.composite
def stacks(draw, n: int):
    c = draw(st.integers(1, 6))
    sizes = tuple(draw(st.integers(1, MAX_SIZE[n])) for _ in range(n))
    layers, channels = [], c
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(OPS))
        layer = {"op": op}
        if op in ("conv", "conv_transpose"):
            g = draw(st.sampled_from([1, 1, 2, 3, channels]))
            out = draw(st.integers(1, 6)) * (g if draw(st.booleans()) else 1)
            layer.update(c_in=channels, out=out, g=g, k=_dims(draw, n, 1, 4), s=_dims(draw, n, 1, 3),
                         d=_dims(draw, n, 1, 3), bias=draw(st.booleans()))
            if op == "conv":
                layer["p"] = "same" if draw(st.integers(0, 5)) == 0 else _dims(draw, n, 0, 3)
                if layer["p"] == "same":
                    layer["s"] = 1  # PyTorch's 'same' exists only at stride 1 (cnncalc's is TensorFlow's)
            else:
                layer.update(p=_dims(draw, n, 0, 2), op_=_dims(draw, n, 0, 2))
            channels = out
        elif op in ("maxpool", "avgpool"):
            layer.update(k=_dims(draw, n, 1, 4), s=_dims(draw, n, 1, 3), p=_dims(draw, n, 0, 2),
                         ceil=draw(st.booleans()))
            if op == "maxpool":
                layer["d"] = _dims(draw, n, 1, 2)
            else:
                layer["cip"] = draw(st.booleans())
        elif op.startswith("adaptive"):
            layer["out"] = _dims(draw, n, 1, 5)
        elif op == "group_norm":
            layer.update(c=channels, g=draw(st.integers(1, 4)))
        elif op == "instance_norm":
            layer.update(c=channels, affine=draw(st.booleans()), track=draw(st.booleans()))
        elif op == "prelu":
            layer.update(c=channels, p=draw(st.sampled_from([1, channels, channels + 1])))
        elif op in ("channel_shuffle", "pixel_shuffle"):
            layer["g"] = draw(st.integers(1, 3))
            if op == "pixel_shuffle" and n == 2 and channels % (layer["g"] ** 2) == 0:
                channels //= layer["g"] ** 2
        elif op == "upsample":
            layer["mode"] = draw(st.sampled_from(MODES[n]))
            layer["align"] = None if layer["mode"] == "nearest" else draw(st.sampled_from([None, True, False]))
            if draw(st.booleans()):
                layer["size"] = _dims(draw, n, 1, 12)
            else:
                layer["scale"] = _dims(draw, n, 1, 3)
        elif op == "crop":
            layer["crop"] = _dims(draw, n, 0, 3)
        elif op == "center_crop":
            layer["size"] = _dims(draw, n, 1, 10)
        elif op == "depthwise":
            layer.update(c=channels, dm=draw(st.integers(1, 2)), k=_dims(draw, n, 1, 3), s=_dims(draw, n, 1, 2))
            channels *= layer["dm"]
        else:
            layer["c"] = channels
        layers.append(layer)
    return {"n": n, "c": c, "sizes": sizes, "layers": layers}


def _module(layer, n):
    nn = torch.nn
    op = layer["op"]
    if op == "conv":
        return getattr(nn, f"Conv{n}d")(layer["c_in"], layer["out"], layer["k"], layer["s"], layer["p"], layer["d"],
                                        layer["g"], layer["bias"])
    if op == "conv_transpose":
        return getattr(nn, f"ConvTranspose{n}d")(layer["c_in"], layer["out"], layer["k"], layer["s"], layer["p"],
                                                 layer["op_"], layer["g"], layer["bias"], layer["d"])
    if op == "maxpool":
        return getattr(nn, f"MaxPool{n}d")(layer["k"], layer["s"], layer["p"], layer["d"], ceil_mode=layer["ceil"])
    if op == "avgpool":
        return getattr(nn, f"AvgPool{n}d")(layer["k"], layer["s"], layer["p"], ceil_mode=layer["ceil"],
                                           count_include_pad=layer["cip"])
    if op == "adaptive_avgpool":
        return getattr(nn, f"AdaptiveAvgPool{n}d")(layer["out"])
    if op == "adaptive_maxpool":
        return getattr(nn, f"AdaptiveMaxPool{n}d")(layer["out"])
    if op == "layer_norm":
        return _channels_last(nn.LayerNorm(layer.get("c", 1)))
    if op == "group_norm":
        return nn.GroupNorm(layer["g"], layer["c"])
    if op == "instance_norm":
        return getattr(nn, f"InstanceNorm{n}d")(layer["c"], affine=layer["affine"],
                                                track_running_stats=layer["track"])
    if op == "prelu":
        return nn.PReLU(layer["p"])
    if op == "channel_shuffle":
        return nn.ChannelShuffle(layer["g"])
    if op == "pixel_shuffle":
        if n != 2:
            raise ValueError("pixel_shuffle is 2-D")
        return nn.PixelShuffle(layer["g"])
    if op == "upsample":
        kw = {"size": layer["size"]} if "size" in layer else {"scale_factor": layer["scale"]}
        return nn.Upsample(mode=layer["mode"], align_corners=layer["align"], **kw)
    if op == "crop":
        return _Fn(lambda x: _crop(x, _tuple(layer["crop"], n)))
    if op == "center_crop":
        return _Fn(lambda x: _center(x, _tuple(layer["size"], n)))
    if op == "depthwise":
        return getattr(nn, f"Conv{n}d")(layer["c"], layer["c"] * layer["dm"], layer["k"], layer["s"],
                                        groups=layer["c"])
    return getattr(nn, f"BatchNorm{n}d")(layer["c"])


class _Fn(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def _channels_last(module):
    from ..ops.torch_refs import channels_last

    return channels_last(torch, module)


def _crop(x, amounts):
    """Keras' Cropping: an empty result is refused (a later adaptive pool would make a value of nothing)."""
    if any(x.shape[2 + j] - 2 * c <= 0 for j, c in enumerate(amounts)):
        raise ValueError("the crop leaves nothing")
    return x[(slice(None), slice(None), *(slice(c, x.shape[2 + j] - c) for j, c in enumerate(amounts)))]


def _center(x, size):
    """torchvision's center_crop offsets; a crop larger than the input is refused (torchvision would pad)."""
    index = [slice(None), slice(None)]
    for i, o in zip(x.shape[2:], size):
        if o > i:
            raise ValueError("crop larger than the input")
        start = int(round((i - o) / 2.0))
        index.append(slice(start, start + o))
    return x[tuple(index)]


def _yaml(v) -> str:
    return f"[{', '.join(map(str, v))}]" if isinstance(v, tuple) else str(v)


def _spec_layer(layer, n) -> str:
    op = layer["op"]
    if op in ("conv", "conv_transpose"):
        args = (f"out_channels: {layer['out']}, kernel_size: {_yaml(layer['k'])}, stride: {_yaml(layer['s'])}, "
                f"padding: {_yaml(layer['p'])}, dilation: {_yaml(layer['d'])}, groups: {layer['g']}, "
                f"bias: {str(layer['bias']).lower()}")
        if op == "conv_transpose":
            args += f", output_padding: {_yaml(layer['op_'])}"
    elif op == "maxpool":
        args = (f"kernel_size: {_yaml(layer['k'])}, stride: {_yaml(layer['s'])}, padding: {_yaml(layer['p'])}, "
                f"dilation: {_yaml(layer['d'])}, ceil_mode: {str(layer['ceil']).lower()}")
    elif op == "avgpool":
        args = (f"kernel_size: {_yaml(layer['k'])}, stride: {_yaml(layer['s'])}, padding: {_yaml(layer['p'])}, "
                f"ceil_mode: {str(layer['ceil']).lower()}, count_include_pad: {str(layer['cip']).lower()}")
    elif op.startswith("adaptive"):
        args = f"output_size: {_yaml(layer['out'])}"
    elif op == "layer_norm":
        return "{type: layer_norm}"
    elif op == "group_norm":
        return f"{{type: group_norm, num_groups: {layer['g']}}}"
    elif op == "instance_norm":
        return (f"{{type: instance_norm{n}d, affine: {str(layer['affine']).lower()}, "
                f"track_running_stats: {str(layer['track']).lower()}}}")
    elif op == "prelu":
        return f"{{type: prelu, num_parameters: {layer['p']}}}"
    elif op == "channel_shuffle":
        return f"{{type: channel_shuffle, groups: {layer['g']}}}"
    elif op == "pixel_shuffle":
        return f"{{type: pixel_shuffle, upscale_factor: {layer['g']}}}"
    elif op == "upsample":
        what = f"size: {_yaml(layer['size'])}" if "size" in layer else f"scale_factor: {_yaml(layer['scale'])}"
        align = "" if layer["align"] is None else f", align_corners: {str(layer['align']).lower()}"
        return f"{{type: upsample, {what}, mode: {layer['mode']}{align}}}"
    elif op == "crop":
        return f"{{type: crop{n}d, cropping: {_yaml(layer['crop'])}}}"
    elif op == "center_crop":
        return f"{{type: center_crop, size: {_yaml(layer['size'])}}}"
    elif op == "depthwise":
        return (f"{{type: depthwise_conv{n}d, kernel_size: {_yaml(layer['k'])}, stride: {_yaml(layer['s'])}, "
                f"depth_multiplier: {layer['dm']}}}")
    else:
        return f"{{type: batchnorm{n}d}}"
    return f"{{type: {op}{n}d, {args}}}"


def _spec(stack) -> str:
    n = stack["n"]
    body = "".join(f"  - {_spec_layer(layer, n)}\n" for layer in stack["layers"])
    return f"name: t\ninput: [{stack['c']}, {', '.join(map(str, stack['sizes']))}]\nlayers:\n{body}"


def _torch(stack):
    """(output shape, trainable, buffers) from PyTorch, or None with the reason when it refuses."""
    n = stack["n"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = torch.nn.Sequential(*[_module(layer, n) for layer in stack["layers"]]).eval()
            y = torch.zeros(1, stack["c"], *stack["sizes"])
            with torch.no_grad():
                for module in net:  # an empty tensor on the way counts as a refusal: PyTorch lets a
                    y = module(y)   # transposed conv give a size 0 that an adaptive pool then turns into 1
                    if y.numel() == 0:
                        raise RuntimeError(f"empty output of {type(module).__name__}")
    except (RuntimeError, ValueError) as exc:
        return None, str(exc)
    trainable = sum(p.numel() for p in net.parameters())
    buffers = sum(b.numel() for name, b in net.named_buffers() if not name.endswith("num_batches_tracked"))
    return (tuple(y.shape[1:]), trainable, buffers), None


def _agree(stack):
    expected, why = _torch(stack)
    try:
        a = analyze(load_string(_spec(stack)))
        errors = [d.format() for d in a.errors]
    except CnnError as e:  # refused while expanding (e.g. a bad argument)
        a, errors = None, [d.format() for d in e.diagnostics]
    if expected is None:
        assert errors, f"PyTorch refuses ({why}) but cnncalc accepts:\n{_spec(stack)}"
        return
    assert not errors, f"PyTorch gives {expected} but cnncalc reports {errors} for:\n{_spec(stack)}"
    out = a.layers[-1].output_shape
    assert (out, a.totals.trainable_params, a.totals.non_trainable_params) == expected, _spec(stack)


_health = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@pytest.mark.parametrize("rank", [1, 2, 3])
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=_health)
@given(data=st.data())
def test_stacks_agree_with_pytorch(rank, data):
    _agree(data.draw(stacks(rank)))


@pytest.mark.torch_agreement
@pytest.mark.parametrize("rank", [1, 2, 3])
@settings(max_examples=10_000, deadline=None, suppress_health_check=_health)
@given(data=st.data())
def test_stacks_agree_with_pytorch_long(rank, data):
    _agree(data.draw(stacks(rank)))
