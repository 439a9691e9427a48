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

from typing import NamedTuple

from ...i18n import T


class Value(NamedTuple):
    """What the reader knows of a node input: kind 'act' (an activation), 'const' or 'derived'."""

    kind: str
    shape: tuple | None = None
    value: tuple | None = None  # flat values of a small constant
    length: int | None = None  # of a derived 1-D shape vector, when known


class Unsupported(Exception):
    def __init__(self, why: str, hint: str):
        super().__init__(why)
        self.why, self.hint = why, hint


FOLDABLE = {"Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "Mul", "Add", "Div",
            "Sub", "ConstantOfShape", "Identity", "Range", "ReduceProd", "Equal", "Where", "Expand"}
ALIASES = {"Dropout", "Identity"}


def _one(values):
    """[3, 3] -> 3 (as a spec writes it); [3, 5] -> [3, 5]."""
    values = [int(v) for v in values]
    return values[0] if len(set(values)) == 1 else values


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


def _window(attrs, kernel):
    rank = len(kernel)
    return {"kernel_size": _one(kernel), "stride": _one(attrs.get("strides", [1] * rank)),
            "padding": _pads(attrs, rank), "dilation": _one(attrs.get("dilations", [1] * rank))}


def _need_const(value: Value, what: str) -> tuple:
    if value.kind != "const" or value.value is None:
        raise Unsupported(T("{what} is not a constant", what=what),
                          T("export with constant {what} (a fixed input size)", what=what))
    return value.value


def _conv(attrs, ins):
    w = ins[1].shape
    if ins[1].kind != "const" or not w:
        raise Unsupported(T("the weight is not an initializer"), T("export with the weights as initializers"))
    args = {"out_channels": int(w[0]), **_window(attrs, w[2:])}
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
            del args["dilation"]
            args["count_include_pad"] = bool(int(attrs.get("count_include_pad", 0)))
        return "layer", kind, args
    return pool


def _eps(attrs, default=1e-5):
    return float(f"{float(attrs.get('epsilon', default)):.6g}")


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


def _gemm(attrs, ins):
    if int(attrs.get("transA", 0)):
        raise Unsupported(T("transA is not supported"), T("export the layer as x·Wᵀ + b (torch.nn.Linear)"))
    b = ins[1].shape
    if ins[1].kind != "const" or not b or len(b) != 2:
        raise Unsupported(T("the weight is not an initializer"), T("export with the weights as initializers"))
    out = b[0] if int(attrs.get("transB", 0)) else b[1]
    return "layer", "linear", {"out_features": int(out), "bias": len(ins) > 2 and ins[2] is not None}


def _matmul(attrs, ins):
    b = ins[1].shape
    if ins[0].kind != "act" or ins[1].kind != "const" or not b or len(b) != 2:
        raise Unsupported(T("only an activation times a 2-D weight is supported"),
                          T("export the layer as torch.nn.Linear"))
    return "layer", "linear", {"out_features": int(b[1]), "bias": False}


def merges_bias(matmul_out: int, add_inputs: list) -> bool:
    """An Add of a MatMul's output and a 1-D constant of its width is the linear layer's bias."""
    consts = [v for v in add_inputs if v.kind == "const"]
    return len(add_inputs) == 2 and len(consts) == 1 and tuple(consts[0].shape or ()) == (matmul_out,)


def _merge(kind):
    def merge(attrs, ins):
        if any(v.kind != "act" for v in ins):
            raise Unsupported(T("an operand is a constant tensor"),
                              T("cnncalc merges layer outputs; a constant operand has no cnncalc layer"))
        return "layer", kind, {}
    return merge


def _concat(attrs, ins):
    if all(v.kind != "act" for v in ins):
        return "fold", None, {}
    if len(ins) == 1:  # torch.cat of a one-tensor list (DenseNet's first layer of a block)
        return "alias", None, {}
    if int(attrs.get("axis", 1)) != 1:
        raise Unsupported(T("Concat along axis {value} is not supported", value=attrs.get("axis")),
                          T("cnncalc concatenates along channels (axis 1)"))
    return _merge("concat")(attrs, ins)


def _flatten(attrs, ins):
    if int(attrs.get("axis", 1)) != 1:
        raise Unsupported(T("Flatten at axis {value} is not supported", value=attrs.get("axis")),
                          T("cnncalc flattens everything but the batch (axis 1)"))
    return "layer", "flatten", {}


def _reshape(attrs, ins):
    target = ins[1]
    length = len(target.value) if target.value is not None else target.length
    if length == 2 and (target.value is None or int(target.value[0]) in (0, 1, -1)):
        return "layer", "flatten", {}
    raise Unsupported(T("only a Reshape that flattens to (batch, features) is supported"),
                      T("use torch.flatten(x, 1) before the classifier"))


def _resize(attrs, ins):
    mode = {"nearest": "nearest", "linear": "bilinear", "cubic": "bicubic"}.get(attrs.get("mode", "nearest"))
    if mode is None:
        raise Unsupported(T("mode {value} is not supported", value=attrs.get("mode")), T("use nearest or linear"))
    args = {"mode": mode}
    if attrs.get("coordinate_transformation_mode") == "align_corners":
        args["align_corners"] = True
    scales = ins[2] if len(ins) > 2 and ins[2] is not None else (ins[1] if len(ins) == 2 else None)
    sizes = ins[3] if len(ins) > 3 and ins[3] is not None else None
    if sizes is not None:
        args["size"] = _one(_need_const(sizes, "sizes")[2:])
    elif scales is not None and scales.shape != (0,):
        factors = _need_const(scales, "scales")[2:]
        if any(float(f) != int(f) for f in factors):
            raise Unsupported(T("a fractional scale {value} is not supported", value=list(factors)),
                              T("use an integer scale_factor"))
        args["scale_factor"] = _one(factors)
    else:
        raise Unsupported(T("neither scales nor sizes is given"), T("export with a fixed scale_factor"))
    return "layer", "upsample", args


def _pad(attrs, ins):
    if attrs.get("mode", "constant") != "constant":
        raise Unsupported(T("Pad mode {value} is not supported", value=attrs.get("mode")),
                          T("cnncalc pads with zeros only"))
    if len(ins) > 2 and ins[2] is not None and any(float(v) for v in _need_const(ins[2], "constant_value")):
        raise Unsupported(T("a non-zero pad value is not supported"), T("cnncalc pads with zeros only"))
    pads = [int(p) for p in _need_const(ins[1], "pads")]
    rank = len(pads) // 2
    begin, end = pads[:rank], pads[rank:]
    if begin[:2] != [0, 0] or end[:2] != [0, 0] or any(p < 0 for p in pads):
        raise Unsupported(T("padding the batch or channel axis, or a negative pad, is not supported"),
                          T("pad the spatial dimensions only"))
    return "layer", "pad", {"padding": [[b, e] for b, e in zip(begin[2:], end[2:])]}


def _slice(attrs, ins):
    starts, ends = _need_const(ins[1], "starts"), _need_const(ins[2], "ends")
    axes = _need_const(ins[3], "axes") if len(ins) > 3 and ins[3] is not None else tuple(range(len(starts)))
    steps = _need_const(ins[4], "steps") if len(ins) > 4 and ins[4] is not None else (1,) * len(starts)
    if list(axes) == [1] and list(steps) == [1]:
        end = int(ends[0])
        return "layer", "channel_slice", {"start": int(starts[0]), "end": None if end >= 2 ** 31 else end}
    raise Unsupported(T("a Slice other than a range of channels is not supported"),
                      T("slice along axis 1 with step 1"))


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
    "LRN": lambda attrs, ins: ("layer", "local_response_norm", {
        "size": int(attrs["size"]), "alpha": float(f"{float(attrs.get('alpha', 1e-4)):.6g}"),
        "beta": float(f"{float(attrs.get('beta', 0.75)):.6g}"), "k": float(f"{float(attrs.get('bias', 1.0)):.6g}")}),
    "Relu": _simple("relu"), "Sigmoid": _simple("sigmoid"), "Tanh": _simple("tanh"),
    "LeakyRelu": lambda attrs, ins: ("layer", "leaky_relu",
                                     {"negative_slope": float(f"{float(attrs.get('alpha', 0.01)):.6g}")}),
    "Clip": _clip, "HardSigmoid": _hardsigmoid, "HardSwish": _simple("hardswish"),
    "Elu": _with("elu", alpha=("alpha", 1.0)), "Celu": _with("celu", alpha=("alpha", 1.0)),
    "Selu": _simple("selu"), "Softmax": _softmax, "Mish": _simple("mish"), "PRelu": _prelu,
    "Softplus": _simple("softplus"), "Softsign": _simple("softsign"),
    "Gelu": lambda attrs, ins: ("layer", "gelu", {"approximate": attrs.get("approximate", "none")}),
    "Gemm": _gemm, "MatMul": _matmul,
    "Add": _merge("add"), "Mul": _merge("multiply"), "Sum": _merge("add"), "Concat": _concat,
    "Flatten": _flatten, "Reshape": _reshape, "Resize": _resize, "Upsample": _resize,
    "Pad": _pad, "Slice": _slice,
}


def translate(op_type: str, attrs: dict, ins: list, outputs: int = 1, rank: int | None = None):
    """One node -> ("layer", op type, args) | ("alias", None, {}) | ("fold", None, {}), or raises Unsupported.

    ins: a Value per input (None for an omitted optional input); rank: the first input's rank, if known.
    """
    acts = [v for v in ins if v is not None and v.kind == "act"]
    if op_type in FOLDABLE and not acts:
        return "fold", None, {}
    if op_type in ALIASES:
        return "alias", None, {}
    if op_type not in TABLE:
        raise Unsupported(T("cnncalc has no layer for ONNX {op}", op=op_type),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    rule = TABLE[op_type]
    if op_type in ("MaxPool", "AveragePool"):
        return rule(attrs, ins, outputs)
    if op_type == "Softmax":
        return rule(attrs, ins, rank)
    return rule(attrs, ins)
