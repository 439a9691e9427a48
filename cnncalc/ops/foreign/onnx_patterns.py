"""Subgraphs torch.onnx writes for one PyTorch layer, read back as that layer.

torch.onnx has no node for some layers and writes their arithmetic instead:
  F.local_response_norm   Mul(x, x), Reshape, Pad, AveragePool(size×1×1), Squeeze (an If), Reshape,
                          Mul(alpha), Add(k), Pow(beta), Div(x, ·)            (AlexNet, ZFNet, GoogLeNet)
  nn.GELU (opset < 20)    Div(x, √2), Erf, Add(1), Mul(x, ·), Mul(0.5)        (ConvNeXt)
  a channel shuffle       Reshape(N, g, C/g, H, W), Transpose(0, 2, 1, 3, 4), Reshape(N, C, H, W)  (ShuffleNet)
  LeNet-5's subsampling   AveragePool(k, stride k), Mul(k²), Mul(coefficient), Add(bias)
  LeNet-5's C3            Conv whose weight is ScatterND(zeros, (map, input) pairs, the connected kernels)
  LeNet-5's RBF output    Unsqueeze(x), Sub(·, centres), Pow(2), ReduceSum(features)
Each rule recognises its subgraph from the first node and answers the cnncalc layer it computes, with the
nodes it covers (the reader skips them). A subgraph that does not match exactly is left to the node-by-node
walk, which refuses the first node it cannot read, naming it: a near miss is never guessed.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

from .onnx_common import lrn_args

MAX_REGION = 96  # nodes one subgraph may cover (F.local_response_norm writes about 60)


class Match(NamedTuple):
    op: str
    args: dict
    source: str  # the activation the layer reads
    output: str  # the value the subgraph's last node writes
    nodes: frozenset  # indices of the nodes it covers
    weight: str | None  # the initializer that names the layer (LeNet's s2.weight -> s2), if any
    label: str  # the import's comment: which nodes these were


class View:
    """The graph as the rules read it: who reads a value, who writes it, and constants by name.

    const(value) answers a NumPy array for a constant the reader has evaluated or a Constant node writes
    (wherever it stands), else None; is_act(value) tells a layer's output; dims(value) the size of an
    activation (batch first, as inferred) or of a constant.
    """

    def __init__(self, nodes, const: Callable, is_act: Callable, dims: Callable, initializers: dict):
        self.nodes, self.const, self.is_act, self.dims = nodes, const, is_act, dims
        self.initializers = initializers
        self.users: dict[str, list[int]] = {}
        self.producer: dict[str, int] = {}
        for i, node in enumerate(nodes):
            for v in node.input:
                if v:
                    self.users.setdefault(v, []).append(i)
            for v in node.output:
                self.producer[v] = i

    def only_user(self, value: str):
        """The one node that reads a value's numbers (Shape nodes, which read only its size, aside)."""
        users = [j for j in self.users.get(value, []) if self.nodes[j].op_type != "Shape"]
        return (users[0], self.nodes[users[0]]) if len(users) == 1 else (None, None)

    def origin(self, value: str) -> str | None:
        """The weight a value is a view of (reshaped, transposed or cast on its way), by its state_dict name.

        torch.onnx writes a parameter equal to another as an Identity of it, the Identity's output named
        after the parameter: that name is the one kept."""
        for _ in range(8):
            j = self.producer.get(value)
            if value in self.initializers or (j is not None and self.nodes[j].op_type == "Identity"):
                return value
            if j is None or self.nodes[j].op_type not in ("Reshape", "Transpose", "Unsqueeze", "Cast"):
                return None
            value = self.nodes[j].input[0]
        return None

    def scalar(self, value: str):
        arr = self.const(value)
        return float(arr.reshape(-1)[0]) if arr is not None and arr.size == 1 else None


def _other(node, value: str) -> str | None:
    """The input of a two-input node that is not `value` (None if it reads `value` twice or not at all)."""
    a, b = (list(node.input) + ["", ""])[:2]
    return b if a == value and b != value else a if b == value and a != value else None


def _close(value, target: float) -> bool:
    return value is not None and abs(value - target) <= 1e-6 * max(1.0, abs(target))


def _lrn(view: View, i: int):
    start = view.nodes[i]
    x = start.input[0] if len(start.input) == 2 and start.input[0] == start.input[1] else None
    if x is None or not view.is_act(x):
        return None
    region, frontier, end = {i}, [start.output[0]], None
    while frontier:  # every node downstream of x², up to the Div(x, ·) that ends the normalisation
        for j in view.users.get(frontier.pop(), []):
            if j in region:
                continue
            region.add(j)
            node = view.nodes[j]
            if node.op_type == "Div" and node.input[0] == x:
                end = j
            else:
                frontier.extend(o for o in node.output if o)
            if len(region) > MAX_REGION:
                return None
    if end is None or any(u not in region for j in region - {end} for o in view.nodes[j].output
                          for u in view.users.get(o, [])):
        return None
    nodes: dict[str, list] = {}
    for j in sorted(region - {i, end}):
        nodes.setdefault(view.nodes[j].op_type, []).append(view.nodes[j])
    if any(len(nodes.get(op, [])) != 1 for op in ("AveragePool", "Mul", "Add", "Pow")):
        return None
    pools = nodes["AveragePool"]
    kernel = [a.ints for a in pools[0].attribute if a.name == "kernel_shape"]
    if not kernel or any(k != 1 for k in kernel[0][1:]):
        return None
    consts = {op: [view.scalar(v) for v in nodes[op][0].input if view.scalar(v) is not None]
              for op in ("Mul", "Add", "Pow")}
    if any(len(c) != 1 for c in consts.values()):
        return None
    args = lrn_args(kernel[0][0], consts["Mul"][0], consts["Pow"][0], consts["Add"][0])
    return Match("local_response_norm", args, x, view.nodes[end].output[0], frozenset(region), None,
                 f"{start.op_type} … {view.nodes[end].op_type}, {len(region)} nodes (F.local_response_norm)")


def _gelu(view: View, i: int):
    div = view.nodes[i]
    x = div.input[0]
    if not view.is_act(x) or not _close(view.scalar(div.input[1]), math.sqrt(2)):
        return None
    j1, erf = view.only_user(div.output[0])
    j2, add = view.only_user(erf.output[0]) if erf is not None and erf.op_type == "Erf" else (None, None)
    if add is None or add.op_type != "Add" or not _close(view.scalar(_other(add, erf.output[0]) or ""), 1.0):
        return None
    j3, mul = view.only_user(add.output[0])
    if mul is None or mul.op_type != "Mul" or _other(mul, add.output[0]) != x:
        return None
    j4, half = view.only_user(mul.output[0])
    if half is None or half.op_type != "Mul" or not _close(view.scalar(_other(half, mul.output[0]) or ""), 0.5):
        return None
    return Match("gelu", {"approximate": "none"}, x, half.output[0], frozenset({i, j1, j2, j3, j4}), None,
                 "Div, Erf, Add, Mul, Mul (GELU, erf form)")


def _shuffle(view: View, i: int):
    first = view.nodes[i]
    x = first.input[0]
    dims = view.dims(x)
    target = view.const(first.input[1]) if len(first.input) > 1 else None
    if not view.is_act(x) or target is None or target.size != 5 or not dims or len(dims) != 4:
        return None
    groups = int(target.reshape(-1)[1])
    if groups < 1 or dims[1] % groups or int(target.reshape(-1)[2]) not in (-1, dims[1] // groups):
        return None
    j1, swap = view.only_user(first.output[0])
    if swap is None or swap.op_type != "Transpose" or \
            [list(a.ints) for a in swap.attribute if a.name == "perm"] != [[0, 2, 1, 3, 4]]:
        return None
    j2, last = view.only_user(swap.output[0])
    if last is None or last.op_type != "Reshape":
        return None
    after = view.dims(last.output[0])
    if after and None not in after and tuple(after) != tuple(dims):
        return None
    return Match("channel_shuffle", {"groups": groups}, x, last.output[0], frozenset({i, j1, j2}), None,
                 "Reshape, Transpose, Reshape (channel shuffle)")


def _subsample(view: View, i: int):
    pool = view.nodes[i]
    x = pool.input[0]
    attrs = {a.name: list(a.ints) for a in pool.attribute if a.ints}
    kernel = attrs.get("kernel_shape", [])
    if not view.is_act(x) or len(kernel) != 2 or kernel[0] != kernel[1] or attrs.get("strides") != kernel or \
            any(attrs.get("pads", [0])):
        return None
    k = kernel[0]
    j1, times = view.only_user(pool.output[0])
    if times is None or times.op_type != "Mul" or not _close(view.scalar(_other(times, pool.output[0]) or ""), k * k):
        return None
    j2, scale = view.only_user(times.output[0])
    coefficient = view.origin(_other(scale, times.output[0]) or "") if scale is not None else None
    if scale is None or scale.op_type != "Mul" or coefficient is None:
        return None
    j3, shift = view.only_user(scale.output[0])
    if shift is None or shift.op_type != "Add" or view.origin(_other(shift, scale.output[0]) or "") is None:
        return None
    return Match("subsample2d", {"kernel_size": k}, x, shift.output[0], frozenset({i, j1, j2, j3}), coefficient,
                 "AveragePool, Mul, Mul, Add (LeNet-5 subsampling)")


def _partial_conv(view: View, i: int):
    conv = view.nodes[i]
    j = view.producer.get(conv.input[1]) if len(conv.input) > 1 else None
    scatter = view.nodes[j] if j is not None else None
    if scatter is None or scatter.op_type != "ScatterND" or not view.is_act(conv.input[0]):
        return None
    zeros, pairs, weight = view.const(scatter.input[0]), view.const(scatter.input[1]), view.origin(scatter.input[2])
    if zeros is None or pairs is None or weight is None or zeros.any() or pairs.ndim != 2 or pairs.shape[1] != 2:
        return None
    if zeros.ndim != 4 or not all(0 <= o < zeros.shape[0] and 0 <= c < zeros.shape[1] for o, c in pairs.tolist()):
        return None
    table = [[] for _ in range(zeros.shape[0])]
    for o, c in pairs.tolist():
        table[int(o)].append(int(c))
    attrs = {a.name: list(a.ints) for a in conv.attribute if a.ints}
    if any(d != 1 for d in attrs.get("dilations", [1])) or any(g != 1 for g in [a.i for a in conv.attribute
                                                                                  if a.name == "group"]):
        return None
    pads = attrs.get("pads", [0, 0, 0, 0])
    args = {"connection_table": table, "kernel_size": list(zeros.shape[2:]),
            "stride": attrs.get("strides", [1, 1]), "padding": [[pads[0], pads[2]], [pads[1], pads[3]]],
            "bias": len(conv.input) > 2 and bool(conv.input[2])}
    return Match("partial_conv2d", args, conv.input[0], conv.output[0], frozenset({i}), weight,
                 "Conv with a ScatterND weight (a connection table)")


def _rbf(view: View, i: int):
    lift = view.nodes[i]
    x = lift.input[0]
    axes = view.const(lift.input[1]) if len(lift.input) > 1 else None
    if not view.is_act(x) or axes is None or axes.reshape(-1).tolist() != [1]:
        return None
    j1, sub = view.only_user(lift.output[0])
    centres = view.origin(_other(sub, lift.output[0]) or "") if sub is not None and sub.op_type == "Sub" else None
    if centres is None:
        return None
    j2, square = view.only_user(sub.output[0])
    if square is None or square.op_type != "Pow" or not _close(view.scalar(square.input[1]), 2.0):
        return None
    j3, total = view.only_user(square.output[0])
    over = view.const(total.input[1]) if total is not None and len(total.input) > 1 else None
    if total is None or total.op_type != "ReduceSum" or over is None or over.reshape(-1).tolist() != [2]:
        return None
    shape = view.dims(centres)
    if not shape or len(shape) != 2:
        return None
    return Match("rbf", {"units": int(shape[0])}, x, total.output[0], frozenset({i, j1, j2, j3}), centres,
                 "Unsqueeze, Sub, Pow, ReduceSum (Euclidean RBF units)")


RULES = {"Mul": (_lrn,), "Div": (_gelu,), "Reshape": (_shuffle,), "AveragePool": (_subsample,),
         "Conv": (_partial_conv,), "Unsqueeze": (_rbf,)}


def match(view: View, i: int) -> Match | None:
    """The layer a subgraph starting at node i computes, or None (the node is read on its own).

    A subgraph a rule cannot follow (a malformed file: an input missing, a constant of the wrong kind) is no
    match: the node-by-node walk then refuses its first node, naming it."""
    for rule in RULES.get(view.nodes[i].op_type, ()):
        try:
            found = rule(view, i)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            found = None
        if found is not None:
            return found
    return None
