"""The test oracle: the same network, run with PyTorch's functional ops and the same weights.

This maps each cnncalc op to the torch.nn.functional call that defines it; it is test
code (the oracle), so here — and only here — ops are matched by name.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _pad4(win):
    (t, b), (l, r) = win.pad
    return (l, r, t, b)


def _conv2d(r, xs, w):
    return F.conv2d(F.pad(xs[0], _pad4(r.window)), w["weight"], w.get("bias"), r.args.stride, 0, r.args.dilation,
                    r.args.groups)


def _pool(fn, fill):
    def run(r, xs, w):
        win = r.window
        (t, b), (l, rr) = win.pad
        x = xs[0]
        if t != b or l != rr:
            x = F.pad(x, (l, rr, t, b), value=fill)
            pad = (0, 0)
        else:
            pad = (t, l)
        if fn == "max":
            return F.max_pool2d(x, win.kernel, win.stride, pad, win.dilation, ceil_mode=win.ceil_mode)
        return F.avg_pool2d(x, win.kernel, win.stride, pad, ceil_mode=win.ceil_mode,
                            count_include_pad=r.args.count_include_pad)
    return run


def _partial(r, xs, w):
    """LeNet-1998 C3: output map o convolves only the input maps listed in connection_table[o]."""
    x = F.pad(xs[0], _pad4(r.window))
    outs, start = [], 0
    for o, row in enumerate(r.args.connection_table):
        kernel = w["weight"][start:start + len(row)].unsqueeze(0)
        start += len(row)
        y = F.conv2d(x[:, list(row)], kernel, None, r.args.stride)
        outs.append(y + w["bias"][o] if "bias" in w else y)
    return torch.cat(outs, dim=1)


def _subsample(r, xs, w):
    x = xs[0]
    k = r.args.kernel_size
    k = (k, k) if isinstance(k, int) else k
    total = F.avg_pool2d(x, k, k) * (k[0] * k[1])
    return total * w["weight"].view(1, -1, 1, 1) + w["bias"].view(1, -1, 1, 1)


def _rbf(r, xs, w):
    centres = w["weight"]
    return ((xs[0][:, None, :] - centres[None, :, :]) ** 2).sum(-1)


FORWARD = {
    "conv2d": _conv2d,
    "conv_transpose2d": lambda r, xs, w: F.conv_transpose2d(
        xs[0], w["weight"], w.get("bias"), r.args.stride, r.args.padding, r.args.output_padding, r.args.groups,
        r.args.dilation),
    "maxpool2d": _pool("max", float("-inf")),
    "avgpool2d": _pool("avg", 0.0),
    "adaptive_avgpool2d": lambda r, xs, w: F.adaptive_avg_pool2d(xs[0], r.args.output_size),
    "adaptive_maxpool2d": lambda r, xs, w: F.adaptive_max_pool2d(xs[0], r.args.output_size),
    "global_avgpool2d": lambda r, xs, w: xs[0].mean((2, 3), keepdim=r.args.keepdims),
    "global_maxpool2d": lambda r, xs, w: xs[0].amax((2, 3), keepdim=r.args.keepdims),
    "batchnorm2d": lambda r, xs, w: F.batch_norm(xs[0], w["running_mean"], w["running_var"], w.get("weight"),
                                                 w.get("bias"), False, 0.0, r.args.eps),
    "local_response_norm": lambda r, xs, w: F.local_response_norm(xs[0], r.args.size, r.args.alpha, r.args.beta,
                                                                  r.args.k),
    "relu": lambda r, xs, w: F.relu(xs[0]),
    "leaky_relu": lambda r, xs, w: F.leaky_relu(xs[0], r.args.negative_slope),
    "sigmoid": lambda r, xs, w: torch.sigmoid(xs[0]),
    "tanh": lambda r, xs, w: torch.tanh(xs[0]),
    "gelu": lambda r, xs, w: F.gelu(xs[0]),
    "softmax": lambda r, xs, w: F.softmax(xs[0], dim=1),
    "dropout": lambda r, xs, w: xs[0],
    "identity": lambda r, xs, w: xs[0],
    "flatten": lambda r, xs, w: xs[0].flatten(1),
    "linear": lambda r, xs, w: F.linear(xs[0], w["weight"], w.get("bias")),
    "add": lambda r, xs, w: sum(xs[1:], xs[0]),
    "concat": lambda r, xs, w: torch.cat(xs, dim=1),
    "upsample": lambda r, xs, w: F.interpolate(xs[0], scale_factor=r.args.scale_factor, mode="nearest"),
    "zeropad2d": lambda r, xs, w: F.pad(xs[0], (r.args.padding[1][0], r.args.padding[1][1], r.args.padding[0][0],
                                                r.args.padding[0][1])),
    "partial_conv2d": _partial,
    "subsample2d": _subsample,
    "rbf": _rbf,
}


def torch_forward(analysis, x, weights, dtype=torch.float32):
    """Run `analysis` with torch; x and weights are NumPy arrays ({layer: {array: ndarray}})."""
    values = {"input": torch.as_tensor(x, dtype=dtype)}
    with torch.no_grad():
        for r in analysis.layers:
            w = {k: torch.as_tensor(v, dtype=dtype) for k, v in weights.get(r.name, {}).items()}
            values[r.name] = FORWARD[r.op](r, [values[i] for i in r.inputs], w)
    return values[analysis.layers[-1].name].numpy()
