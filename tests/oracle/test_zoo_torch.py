"""Bundled specs against the same networks built in plain torch.nn (tests/oracle/builders.py).

For each model:
trainable parameters = sum of `p.numel()` over `model.parameters()`, non-trainable =
the BatchNorm running_mean/running_var buffers, the output shape of a real forward pass at
224×224, and, through forward hooks, the output shape of every conv/BN/linear module
and the multiply-accumulates of every conv and linear (bias excluded) — matched by
name where the spec uses torchvision's names.
"""

from __future__ import annotations

import pytest

import cnncalc

torch = pytest.importorskip("torch")
nn = torch.nn

from .builders import VGG, BasicBlock, Bottleneck, DenseNet, GoogLeNet, ResNet  # noqa: E402


BUILDERS = {
    # model: (builder, do the spec's layer names equal torchvision's?)
    "resnet18": (lambda: ResNet(BasicBlock, [2, 2, 2, 2]), True),
    "resnet50": (lambda: ResNet(Bottleneck, [3, 4, 6, 3]), True),
    "densenet121": (lambda: DenseNet(32, (6, 12, 24, 16), 64), True),
    "googlenet_torchvision": (GoogLeNet, True),
    # vgg11_bn.yaml follows vgg16.yaml's block1.conv1.conv names, not torchvision's features.N
    "vgg11_bn": (lambda: VGG([64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]), False),
}


def _trace(model):
    """Forward one 224×224 image; per conv/BN/linear module: (name, kind, output shape, MACs)."""
    rows = []

    def hook(name):
        def record(mod, inputs, out):
            shape = tuple(out.shape[1:])
            if isinstance(mod, nn.Conv2d):
                kh, kw = mod.kernel_size
                macs = out.numel() // out.shape[0] * (mod.in_channels // mod.groups) * kh * kw
            elif isinstance(mod, nn.Linear):
                macs = mod.in_features * mod.out_features
            else:
                macs = 0
            rows.append((name, type(mod).__name__, shape, macs))
        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules()
               if isinstance(m, (nn.Conv2d, nn.BatchNorm2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 224, 224))
    for h in handles:
        h.remove()
    return tuple(out.shape[1:]), rows


_OPS = {"Conv2d": "conv2d", "BatchNorm2d": "batchnorm2d", "Linear": "linear"}


@pytest.mark.parametrize("model", list(BUILDERS))
def test_spec_equals_torch_model(model):
    build, same_names = BUILDERS[model]
    torch.manual_seed(0)
    net = build()
    a = cnncalc.summarize(model)
    assert a.ok

    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    buffers = sum(b.numel() for n, b in net.named_buffers() if n.endswith(("running_mean", "running_var")))
    assert a.totals.trainable_params == trainable
    assert a.totals.non_trainable_params == buffers

    out, rows = _trace(net)
    assert a.output_shape == out
    assert a.totals.macs == sum(r[3] for r in rows)

    ours = [(r.name, r.type, r.output_shape, r.macs) for r in a.layers if r.type in _OPS.values()]
    theirs = [(n, _OPS[k], s, m) for n, k, s, m in rows]
    assert [o[1:] for o in ours] == [t[1:] for t in theirs]  # same modules in the same order
    if same_names:
        assert [o[0] for o in ours] == [t[0] for t in theirs]
