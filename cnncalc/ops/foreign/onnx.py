"""ONNX nodes as cnncalc ops: which op_type is which op, and how its attributes become arguments.

The reader (cnncalc/interop/onnx_graph.py) walks the graph and hands each node here with
its attributes and what it knows of the node's inputs (an activation, or a constant with
its shape and, when small, its value). `translate` answers with one of
  ("layer", op type, args)  a cnncalc layer;
  ("alias", None, {})       the node passes its first input through (Dropout, Identity);
  ("fold", None, {})        the node only computes constants (a Reshape's target shape);
or raises Unsupported naming the attribute that has no cnncalc equivalent, so that no node
is ever dropped silently. Weight shapes come from the initializers, as ONNX stores them:
Conv W is (M, C/group, k…), ConvTranspose W is (C, M/group, k…), Gemm B is (N, K) with transB.
"""

from __future__ import annotations

from ...i18n import T
from . import decimal, onnx_layout
from .onnx_common import Unsupported, Value, _eps, _need_const, _one, lrn_args
from .onnx_shape import _concat, _flatten, _merge, _pad, _reshape, _resize, _slice, _split, merges_bias

__all__ = ["Unsupported", "Value", "check_layout", "merges_bias", "translate"]


FOLDABLE = {"Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "Mul", "Add", "Div",
            "Sub", "Mod", "ConstantOfShape", "Identity", "Range", "ReduceProd", "Equal", "Where", "Expand", "Reshape",
            "Transpose"}
ALIASES = {"Dropout", "Identity"}


def _pads(attrs, rank, symmetric_only=False):
    """ONNX pads [b1, b2, …, e1, e2, …] (or auto_pad) -> a cnncalc padding."""
    auto = attrs.get("auto_pad", "NOTSET")
    if auto == "VALID":
        return 0
    if auto == "SAME_UPPER" and not symmetric_only:
        return "same"
    if auto not in ("NOTSET", ""):
        raise Unsupported(T("auto_pad {value} is not supported", value=auto),
                          T("export with explicit pads (auto_pad NOTSET, SAME_UPPER or VALID)"))
    pads = list(attrs.get("pads", [0] * (2 * rank)))
    begin, end = pads[:rank], pads[rank:]
    if begin == end:
        return _one(begin)
    if symmetric_only:
        raise Unsupported(T("asymmetric pads {value} are not supported here", value=pads),
                          T("a transposed convolution pads both sides alike"))
    return [[int(b), int(e)] for b, e in zip(begin, end)]


def _window(attrs, kernel, stride_default=None):
    """kernel_size, stride, padding, dilation; a stride equal to the op's default and dilation 1 are left out.

    stride_default: cnncalc's default stride of the op (1 for a conv; a pool's is its kernel, so it is
    always written, ONNX's default being 1).
    """
    rank = len(kernel)
    args = {"kernel_size": _one(kernel), "stride": _one(attrs.get("strides", [1] * rank)),
            "padding": _pads(attrs, rank), "dilation": _one(attrs.get("dilations", [1] * rank))}
    if args["stride"] == stride_default:
        del args["stride"]
    if args["padding"] == 0:
        del args["padding"]
    if args["dilation"] == 1:
        del args["dilation"]
    return args


def _conv(attrs, ins):
    w = ins[1].shape
    if ins[1].kind != "const" or not w:
        raise Unsupported(T("the weight is not an initializer"), T("export with the weights as initializers"))
    args = {"out_channels": int(w[0]), **_window(attrs, w[2:], stride_default=1)}
    if int(attrs.get("group", 1)) != 1:
        args["groups"] = int(attrs["group"])
    args["bias"] = len(ins) > 2 and ins[2] is not None
    return "layer", "conv", args


def _conv_transpose(attrs, ins):
    w = ins[1].shape
    if "output_shape" in attrs:
        raise Unsupported(T("output_shape is not supported"), T("export with pads and output_padding instead"))
    group = int(attrs.get("group", 1))
    rank = len(w) - 2
    args = {"out_channels": int(w[1]) * group, "kernel_size": _one(w[2:]),
            "stride": _one(attrs.get("strides", [1] * rank)),
            "padding": _pads(attrs, rank, symmetric_only=True),
            "dilation": _one(attrs.get("dilations", [1] * rank))}
    if any(attrs.get("output_padding", [])):
        args["output_padding"] = _one(attrs["output_padding"])
    if group != 1:
        args["groups"] = group
    args["bias"] = len(ins) > 2 and ins[2] is not None
    return "layer", "conv_transpose", args


def _pool(kind):
    def pool(attrs, ins, outputs=1):
        if outputs > 1:
            raise Unsupported(T("the indices output is not supported"), T("export without return_indices"))
        args = _window(attrs, attrs["kernel_shape"])
        if int(attrs.get("ceil_mode", 0)):
            args["ceil_mode"] = True
        if kind == "avgpool":
            if args.pop("dilation", 1) != 1:
                raise Unsupported(T("dilations are not supported"), T("an average pool has no dilation"))
            args["count_include_pad"] = bool(int(attrs.get("count_include_pad", 0)))  # ONNX's default is 0
        return "layer", kind, args
    return pool


def _clip(attrs, ins):
    low = _need_const(ins[1], "min")[0] if len(ins) > 1 and ins[1] is not None else attrs.get("min")
    high = _need_const(ins[2], "max")[0] if len(ins) > 2 and ins[2] is not None else attrs.get("max")
    if low == 0 and high == 6:
        return "layer", "relu6", {}
    if low is None or high is None:
        raise Unsupported(T("a one-sided Clip is not supported"), T("clip both ends (a hardtanh)"))
    return "layer", "hardtanh", {"min_val": float(low), "max_val": float(high)}


def _hardsigmoid(attrs, ins):
    if abs(float(attrs.get("alpha", 0.2)) - 1 / 6) > 1e-6 or abs(float(attrs.get("beta", 0.5)) - 0.5) > 1e-6:
        raise Unsupported(T("HardSigmoid alpha {value} is not 1/6", value=attrs.get("alpha", 0.2)),
                          T("cnncalc's hardsigmoid is relu6(x + 3)/6 (alpha 1/6, beta 0.5)"))
    return "layer", "hardsigmoid", {}


def _softmax(attrs, ins, rank=None):
    axis = int(attrs.get("axis", -1))
    if axis not in (1, -1) or (axis == -1 and rank not in (None, 2)):
        raise Unsupported(T("Softmax over axis {value} is not supported", value=axis),
                          T("cnncalc's softmax is over the channel/feature axis (1)"))
    return "layer", "softmax", {}


def _reduce(kind):
    """ReduceMean/ReduceMax over every spatial axis (x.mean([2, 3])) is a global pooling."""
    def reduce(attrs, ins, rank=None):
        axes = attrs.get("axes")
        if axes is None and len(ins) > 1 and ins[1] is not None:
            axes = _need_const(ins[1], "axes")
        spatial = rank is not None and axes is not None and \
            sorted(int(a) % rank for a in axes) == list(range(2, rank))
        if not spatial:
            raise Unsupported(T("a reduction over axes {value} is not supported", value=axes),
                              T("reduce over every spatial axis (a global pooling)"))
        return "layer", kind, {"keepdims": bool(int(attrs.get("keepdims", 1)))}
    return reduce


def _gemm(attrs, ins):
    if int(attrs.get("transA", 0)):
        raise Unsupported(T("transA is not supported"), T("export the layer as x·Wᵀ + b (torch.nn.Linear)"))
    b = ins[1].shape
    if ins[1].kind != "const" or not b or len(b) != 2:
        raise Unsupported(T("the weight is not an initializer"), T("export with the weights as initializers"))
    out = b[0] if int(attrs.get("transB", 0)) else b[1]
    return "layer", "linear", {"out_features": int(out), "bias": len(ins) > 2 and ins[2] is not None}


def _simple(kind, **fixed):
    return lambda attrs, ins: ("layer", kind, dict(fixed))


def _with(kind, **names):
    """Attributes copied to arguments: names = {arg: (onnx attribute, its ONNX default)}."""
    return lambda attrs, ins: ("layer", kind, {arg: float(attrs.get(a, d)) for arg, (a, d) in names.items()})


def _prelu(attrs, ins):
    slope = ins[1].shape or (1,)
    n = 1
    for s in slope:
        n *= int(s)
    return "layer", "prelu", {"num_parameters": n}


TABLE = {
    "Conv": _conv, "ConvTranspose": _conv_transpose,
    "MaxPool": _pool("maxpool"), "AveragePool": _pool("avgpool"),
    "GlobalAveragePool": _simple("global_avgpool", keepdims=True),
    "GlobalMaxPool": _simple("global_maxpool", keepdims=True),
    "BatchNormalization": lambda attrs, ins: ("layer", "batch_norm", {"eps": _eps(attrs)}),
    "InstanceNormalization": lambda attrs, ins: ("layer", "instance_norm", {"eps": _eps(attrs), "affine": True}),
    "LRN": lambda attrs, ins: ("layer", "local_response_norm", lrn_args(
        attrs["size"], attrs.get("alpha", 1e-4), attrs.get("beta", 0.75), attrs.get("bias", 1.0))),
    "Relu": _simple("relu"), "Sigmoid": _simple("sigmoid"), "Tanh": _simple("tanh"),
    "LeakyRelu": lambda attrs, ins: ("layer", "leaky_relu",
                                     {"negative_slope": decimal(attrs.get("alpha", 0.01))}),
    "Clip": _clip, "HardSigmoid": _hardsigmoid, "HardSwish": _simple("hardswish"),
    "Elu": _with("elu", alpha=("alpha", 1.0)), "Celu": _with("celu", alpha=("alpha", 1.0)),
    "Selu": _simple("selu"), "Softmax": _softmax, "Mish": _simple("mish"), "PRelu": _prelu,
    "Softplus": _simple("softplus"), "Softsign": _simple("softsign"),
    "Gelu": lambda attrs, ins: ("layer", "gelu", {"approximate": attrs.get("approximate", "none")}),
    "ReduceMean": _reduce("global_avgpool"), "ReduceMax": _reduce("global_maxpool"),
    "Gemm": _gemm, "MatMul": onnx_layout.matmul, "Transpose": onnx_layout.transpose,
    "LayerNormalization": onnx_layout.layer_norm,
    "Add": _merge("add"), "Mul": _merge("multiply"), "Sum": _merge("add"), "Concat": _concat,
    "Flatten": _flatten, "Reshape": _reshape, "Resize": _resize, "Upsample": _resize,
    "Pad": _pad, "Slice": _slice, "Split": _split,
}


check_layout = onnx_layout.check  # a layer from a subgraph rule reads its input's layout as a node's would


def translate(op_type: str, attrs: dict, ins: list, outputs: int = 1, dims: tuple | None = None):
    """One node -> ("layer", op type, args) | ("layers", None, {"each": [(op type, args) per output]}) |
    ("alias", None, {}) | ("fold", None, {}) | ("layout", None, {"perm": axes}), or raises Unsupported.

    ins: a Value per input (None for an omitted optional input); dims: the first input's size (batch first),
    if known.
    """
    answer = _translate(op_type, attrs, ins, outputs, dims)
    if answer[0] == "layer":
        check_layout(answer[1], ins)
    for op, _ in answer[2].get("each", []) if answer[0] == "layers" else []:
        check_layout(op, ins)
    return answer


def _translate(op_type, attrs, ins, outputs, dims):
    rank = len(dims) if dims else None
    acts = [v for v in ins if v is not None and v.kind == "act"]
    if not acts and ins:  # computed from constants only: a constant (a size, pads), never a layer
        return "fold", None, {}
    if op_type in ALIASES:
        return "alias", None, {}
    if op_type not in TABLE:
        raise Unsupported(T("cnncalc has no layer for ONNX {op}", op=op_type),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    rule = TABLE[op_type]
    if op_type in ("MaxPool", "AveragePool"):
        return rule(attrs, ins, outputs)
    if op_type in ("Softmax", "ReduceMean", "ReduceMax"):
        return rule(attrs, ins, rank)
    if op_type in ("LayerNormalization", "MatMul", "Slice"):
        return rule(attrs, ins, dims)
    if op_type == "Split":
        return rule(attrs, ins, dims, outputs)
    return rule(attrs, ins)
