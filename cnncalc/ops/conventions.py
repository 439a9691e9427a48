"""How other tools count each op: the per-op rules behind `summarize --convention`.

Users compare cnncalc with torchinfo, ptflops, fvcore, thop, PyTorch's FlopCounterMode and
torchvision's `_ops`, and each counts a different thing. Every rule here was read from the
tool's installed source (fvcore 0.1.5.post20221221, thop 0.1.1.post2209072238, ptflops 0.7.5,
torchinfo 1.8.0, torch 2.13; .ci/run pins them), not guessed; the file each comes from is named
beside it. A rule gets the bound layer's parts and returns that tool's count for one image (batch 1) in the tool's own
unit (FLOPs for flopcounter, MACs or "mult-adds" for the others), as an exact int — except
thop's adaptive pooling, which divides sizes as floats and truncates, as thop does.

The modules are assumed to be the PyTorch modules a torchvision build uses (nn.ReLU, nn.MaxPool2d,
...): ptflops counts a module hook *and* its patched torch.nn.functional call, so a pooling or
ReLU module counts twice, while the same op called functionally (densenet's F.relu) counts once.
A spec cannot tell the two apart; those models are named in tests/test_conventions.py.
"""

from __future__ import annotations

from .activations import ELU, LeakyReLU, PReLU, ReLU, ReLU6
from .activations_smooth import GELU, SiLU, Softmax
from .adaptive import AdaptiveAvgPool, AdaptiveMaxPool, GlobalAvgPool, GlobalMaxPool
from .base import numel
from .conv import Conv, ConvTranspose
from .layernorm import GroupNorm, LayerNorm
from .linear import Linear
from .norm import BatchNorm, InstanceNorm
from .pool import AvgPool, MaxPool
from .separable import DepthwiseConv
from .upsample import Upsample

TOOLS = ("cnncalc", "torchvision", "fvcore", "thop", "ptflops", "torchinfo", "flopcounter")
UNITS = {"cnncalc": "MACs", "torchvision": "GFLOPS", "fvcore": "FLOPs", "thop": "MACs", "ptflops": "MACs",
         "torchinfo": "mult-adds", "flopcounter": "FLOPs"}

_CONV = (Conv, ConvTranspose, DepthwiseConv)
_AVG = (AdaptiveAvgPool, GlobalAvgPool)
_ADAPTIVE_MAX = (AdaptiveMaxPool, GlobalMaxPool)


def _has(op, a, ins, out, kind: str) -> bool:
    """Whether the layer owns a bias ('bias') or affine γ ('weight')."""
    w = op.weights(a, ins, out)
    return any(x.bias for x in w.values()) if kind == "bias" else "weight" in w


def _positions(out: tuple) -> int:
    return numel(out[1:]) if len(out) > 1 else 1


def _cnncalc(op, a, ins, out, macs):
    return macs


def _conv_linear(op, a, ins, out, macs):
    """fvcore jit_handles.conv_flop_count / linear_flop_jit, torchvision `_ops`: multiplies only, no bias."""
    return macs if isinstance(op, (*_CONV, Linear)) else 0


def _flopcounter(op, a, ins, out, macs):
    """torch/utils/flop_counter.py: conv_flop and addmm_flop are 2·m·n·k; bias and every other op are 0."""
    return 2 * _conv_linear(op, a, ins, out, macs)


def _fvcore(op, a, ins, out, macs):
    """fvcore/nn/flop_count.py _DEFAULT_SUPPORTED_OPS; everything else (relu, max_pool, add, ...) is ignored."""
    if isinstance(op, (*_CONV, Linear)):
        return macs
    if isinstance(op, BatchNorm):  # batchnorm_flop_jit, eval: input elements × (2 if affine else 1)
        return numel(ins[0]) * (2 if _has(op, a, ins, out, "weight") else 1)
    if isinstance(op, (GroupNorm, LayerNorm)):  # norm_flop_counter(2): × 5 with affine, else 4
        return numel(ins[0]) * (5 if _has(op, a, ins, out, "weight") else 4)
    if isinstance(op, InstanceNorm):  # norm_flop_counter(1): the weight is argument 1
        return numel(ins[0]) * (5 if _has(op, a, ins, out, "weight") else 4)
    if isinstance(op, _AVG) and len(ins[0]) == 3:  # aten::adaptive_avg_pool2d: input elements
        return numel(ins[0])
    if isinstance(op, Upsample) and len(out) == 3:  # upsample_nearest2d: output; bilinear2d: 4 × output
        return {"nearest": 1, "bilinear": 4}.get(a.mode, 0) * numel(out)
    return 0


_THOP_UPSAMPLE = {"nearest": 1, "linear": 5, "bilinear": 11, "bicubic": 224 + 35}


def _thop(op, a, ins, out, macs):
    """thop/profile.py register_hooks with thop/vision/basic_hooks.py and calc_func.py."""
    if isinstance(op, ConvTranspose):  # calculate_conv2d_flops reads sizes as if it were a forward conv
        return numel(out) * (ins[0][0] // a.groups) * numel(a.kernel_size)
    if isinstance(op, _CONV):  # calculate_conv2d_flops: output elements × C_in/groups × Πk, no bias
        return macs
    if isinstance(op, Linear):  # count_linear: in_features × output elements (features are axis 0 here)
        return ins[0][0] * numel(out)
    if isinstance(op, (BatchNorm, InstanceNorm, LayerNorm)):  # count_normalization: 2·n, doubled when affine
        return 2 * numel(ins[0]) * (2 if _has(op, a, ins, out, "weight") else 1)
    if isinstance(op, PReLU):  # count_prelu in eval mode: input elements
        return numel(ins[0])
    if isinstance(op, Softmax):  # calculate_softmax: rows × (exp + add + div), over the channel axis
        n = ins[0][0]
        return numel(ins[0]) // n * (3 * n - 1)
    if isinstance(op, AvgPool):  # count_avgpool: output elements
        return numel(out)
    if isinstance(op, _AVG):  # count_adap_avgpool: (Π in/out as floats + 1) × output elements, truncated
        k = 1.0
        for i, o in zip(ins[0][1:], out[1:]):
            k *= i / o
        return int((k + 1) * numel(out))
    if isinstance(op, Upsample):  # count_upsample; trilinear and others are 0
        return _THOP_UPSAMPLE.get(a.mode, 0) * numel(out)
    return 0  # ReLU, ReLU6, LeakyReLU (calculate_relu_flops is 0), max pooling, dropout, add, concat


def _ptflops(op, a, ins, out, macs):
    """ptflops/pytorch_ops.py MODULES_MAPPING plus FUNCTIONAL_MAPPING (count_functional=True by default)."""
    if isinstance(op, _CONV):  # conv_flops_counter_hook: + output elements when there is a bias
        return macs + (numel(out) if _has(op, a, ins, out, "bias") else 0)
    if isinstance(op, Linear):  # linear_flops_counter_hook: (in·out + out if bias) × leading dims
        return macs + (numel(out) if _has(op, a, ins, out, "bias") else 0)
    if isinstance(op, LayerNorm):  # bn_flops_counter_hook doubles on `module.affine`, which LayerNorm lacks
        return numel(ins[0])
    if isinstance(op, (BatchNorm, InstanceNorm, GroupNorm)):  # bn_flops_counter_hook: ×2 when affine
        return numel(ins[0]) * (2 if _has(op, a, ins, out, "weight") else 1)
    if isinstance(op, (ReLU, ELU, PReLU, GELU)):  # relu_flops_counter_hook + the patched F.relu/elu/prelu/gelu
        return 2 * numel(out)
    if isinstance(op, Softmax):  # only F.softmax is patched: input elements
        return numel(ins[0])
    if isinstance(op, (MaxPool, AvgPool, *_AVG, *_ADAPTIVE_MAX)):  # pool hook + patched F.*pool*: 2 × input
        return 2 * numel(ins[0])
    if isinstance(op, Upsample):  # upsample_flops_counter_hook + patched F.interpolate: 2 × output
        return 2 * numel(out)
    if isinstance(op, (ReLU6, LeakyReLU, SiLU)):  # the module hook alone, or F.silu alone
        return numel(out)
    return 0  # add (`x + y` is not patched, only torch.add), concat, flatten, dropout


def _torchinfo(op, a, ins, out, macs):
    """torchinfo/layer_info.py calculate_macs: parameters × output positions for a Conv, × batch otherwise."""
    params = sum(numel(w.shape) for w in op.weights(a, ins, out).values() if w.trainable)
    if isinstance(op, (*_CONV,)):
        return params * _positions(out)
    return params


RULES = {"cnncalc": _cnncalc, "torchvision": _conv_linear, "fvcore": _fvcore, "thop": _thop,
         "ptflops": _ptflops, "torchinfo": _torchinfo, "flopcounter": _flopcounter}


# thop's profile() counts the parameters of the modules it has a rule for only (count_parameters is
# registered beside each rule), so a GroupNorm's γ and β are not in its total
_THOP_PARAMS = (*_CONV, Linear, BatchNorm, InstanceNorm, LayerNorm, PReLU)


def count(tool: str, op, a, ins: list, out: tuple, macs: int) -> tuple:
    """(the tool's count for one layer in its own unit, the parameters it counts for it).

    Every tool counts `module.parameters()`, never buffers (running mean and variance); cnncalc
    counts both, and its caller adds the non-trainable ones."""
    params = sum(numel(w.shape) for w in op.weights(a, ins, out).values() if w.trainable)
    if tool == "thop" and not isinstance(op, _THOP_PARAMS):
        params = 0
    return RULES[tool](op, a, ins, out, macs), params


def _reasons() -> dict:
    """tool -> why its figure differs from cnncalc's MACs (T() texts, said in the chosen language)."""
    from ..i18n import T

    return {
        "cnncalc": T("conv and linear multiply-accumulates, bias excluded (He et al. 2016)"),
        "torchvision": T("the same MACs, printed as GFLOPS to 3 decimals"),
        "fvcore": T("+ batch-norm elements (×2 with affine), adaptive average pooling input; calls MACs FLOPs"),
        "thop": T("+ 4 per batch-norm element, (window + 1) per average-pooled output; no bias; ReLU, max pooling 0"),
        "ptflops": T("+ bias, 2 per batch-norm element, 2 per ReLU and pooled input element (hook + functional call)"),
        "torchinfo": T("+ bias at every output position; batch norm counts its 2·C parameters"),
        "flopcounter": T("2 × MACs (a multiply and an add); only conv and matmul"),
    }


def reason(tool: str):
    return _reasons()[tool]
