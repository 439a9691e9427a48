"""ONNX nodes that merge, flatten, resize, pad or slice layer outputs, as cnncalc ops (see onnx.py)."""

from __future__ import annotations

from ...i18n import T
from .onnx_common import Unsupported, _need_const, _one


def merges_bias(matmul_out: int, add_inputs: list) -> bool:
    """An Add of a MatMul's output and a 1-D constant of its width is the linear layer's bias."""
    consts = [v for v in add_inputs if v.kind == "const"]
    return len(add_inputs) == 2 and len(consts) == 1 and tuple(consts[0].shape or ()) == (matmul_out,)


def _merge(kind):
    def merge(attrs, ins):
        if kind == "multiply" and _is_channel_scale(ins):  # ConvNeXt's x * self.layer_scale
            return "layer", "layer_scale", {}
        if any(v.kind != "act" for v in ins):
            raise Unsupported(T("an operand is a constant tensor"),
                              T("cnncalc merges layer outputs; a constant operand has no cnncalc layer"))
        return "layer", kind, {}
    return merge


def _is_channel_scale(ins) -> bool:
    """An activation times a learned C×1×…×1 weight (a parameter, not a number written in the graph)."""
    consts = [v for v in ins if v.kind == "const"]
    return len(ins) == 2 and len(consts) == 1 and consts[0].param and consts[0].shape is not None and \
        len(consts[0].shape) >= 2 and all(d == 1 for d in consts[0].shape[1:]) and consts[0].shape[0] > 1


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
    if not any(pads):  # F.pad(x, (0, 0, 0, 0)): nothing to pad
        return "alias", None, {}
    rank = len(pads) // 2
    begin, end = pads[:rank], pads[rank:]
    if begin[:2] != [0, 0] or end[:2] != [0, 0] or any(p < 0 for p in pads):
        raise Unsupported(T("padding the batch or channel axis, or a negative pad, is not supported"),
                          T("pad the spatial dimensions only"))
    return "layer", "pad", {"padding": [[b, e] for b, e in zip(begin[2:], end[2:])]}


def _slice(attrs, ins, dims=None):
    """x[:, a:b] is a channel slice; x[:, :, a:b, c:d] with known sizes a crop (U-Net's copy and crop)."""
    starts, ends = _need_const(ins[1], "starts"), _need_const(ins[2], "ends")
    axes = _need_const(ins[3], "axes") if len(ins) > 3 and ins[3] is not None else tuple(range(len(starts)))
    steps = _need_const(ins[4], "steps") if len(ins) > 4 and ins[4] is not None else (1,) * len(starts)
    if list(axes) == [1] and list(steps) == [1]:
        end = int(ends[0])
        return "layer", "channel_slice", {"start": int(starts[0]), "end": None if end >= 2 ** 31 else end}
    rank = len(dims) if dims else 0
    axes = [int(a) % rank for a in axes] if rank else []
    if rank > 2 and all(a >= 2 for a in axes) and set(steps) == {1} and all(d is not None for d in dims[2:]):
        cropping = [[0, 0] for _ in dims[2:]]
        for a, b, e in zip(axes, starts, ends):
            size = dims[a]
            b, e = (int(b) + size if int(b) < 0 else min(int(b), size)), \
                (int(e) + size if int(e) < 0 else min(int(e), size))
            cropping[a - 2] = [b, size - e]
        return "layer", f"crop{rank - 2}d", {"cropping": cropping}
    raise Unsupported(T("a Slice other than a range of channels or a spatial crop with step 1 is not supported"),
                      T("slice along axis 1, or the spatial axes, with step 1"))


def _split(attrs, ins, dims=None, outputs=1):
    """Split along the channels (torch.split / torch.chunk as the dynamo exporter writes them): one cnncalc
    split layer per output, each taking its piece."""
    if int(attrs.get("axis", 0)) % (len(dims) if dims else 4) != 1:
        raise Unsupported(T("Split along axis {value} is not supported", value=attrs.get("axis", 0)),
                          T("cnncalc splits along channels (axis 1)"))
    if len(ins) > 1 and ins[1] is not None:
        sizes = [int(v) for v in _need_const(ins[1], "split")]
    elif attrs.get("split"):
        sizes = [int(v) for v in attrs["split"]]
    elif dims and dims[1] is not None:  # num_outputs (opset 18) or the outputs alike: ceil-sized pieces
        n = int(attrs.get("num_outputs", outputs))
        piece = -(-int(dims[1]) // n)
        sizes = [min(piece, int(dims[1]) - k * piece) for k in range(n)]
    else:
        raise Unsupported(T("the split sizes are not known"), T("export with a fixed input size"))
    return "layers", None, {"each": [("split", {"split_size_or_sections": sizes, "index": k})
                                     for k in range(len(sizes))]}
