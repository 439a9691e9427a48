"""An analysed network as a readable PyTorch nn.Module file (`cnncalc export --to pytorch`).

Each layer says how PyTorch writes it (Layer.torch_code, from its op): a module constructor, placed at the layer's
dotted name so that the state_dict keys are `{layer}.{weight}` exactly as cnncalc declares them, or a call for a
parameter-free op. forward() follows the analysis' topological order. The file imports only torch.
"""

from __future__ import annotations

import re

from ..errors import fail
from ..i18n import T

PLACE = '''def place(root, dotted, module):
    """Put a module (or a parameter) at a dotted name (`layer1.0.conv1`), making the containers on the way."""
    *path, leaf = dotted.split(".")
    for part in path:
        if not hasattr(root, part):
            root.add_module(part, nn.Module())
        root = getattr(root, part)
    if isinstance(module, nn.Parameter):
        root.register_parameter(leaf, module)
    else:
        root.add_module(leaf, module)
'''


def _ident(name: str, taken: set) -> str:
    base = "x_" + re.sub(r"\W", "_", name)
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}_{n}"
    taken.add(ident)
    return ident


def class_name(name: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", name)
    text = "".join(w[:1].upper() + w[1:] for w in words if w)
    return text if text[:1].isalpha() else f"Net{text}"


def _code(layer):
    try:
        return layer.torch_code()
    except NotImplementedError:  # an op added without its torch(): say so at the layer, not with a traceback
        raise fail("E007", T("layer {name} ({type}) cannot be written as PyTorch yet", name=layer.name,
                             type=layer.type), layer.pos, T("export another model, or replace this layer")) from None


def to_pytorch(analysis, spec: str) -> str:
    """The source of a module file for this (error-free, concrete) analysis."""
    codes = [(layer, _code(layer)) for layer in analysis.layers]
    helpers = dict.fromkeys(h for _, code in codes for h in code.helpers)
    shape = "×".join(map(str, analysis.input_shape))
    t = analysis.totals
    cls = class_name(analysis.name or "Model")
    lines = [f'"""{analysis.name}: written by `cnncalc export` from {spec}.', "",
             f"Input {shape} (batch first: N×{shape}); output {'×'.join(map(str, analysis.output_shape))}.",
             f"cnncalc counts {t.params:,} parameters ({t.trainable_params:,} trainable) and {t.macs:,} MACs.",
             "The state_dict keys are the layer names of the spec followed by PyTorch's weight names.", '"""', "",
             "import torch", "from torch import nn", "", ""]
    for source in helpers:
        lines += [source, ""]
    lines += [PLACE, "", f"class {cls}(nn.Module):", f'    """{analysis.name}, layer by layer as in {spec}."""',
              "", "    def __init__(self):", "        super().__init__()"]
    for layer, code in codes:
        if code.module:
            lines.append(f"        place(self, {layer.name!r}, {code.module})")
    lines += ["", "    def forward(self, x):"]
    names, taken = {"input": "x"}, {"x"}
    for layer, code in codes:
        var = _ident(layer.name, taken)
        ins = [names[i] for i in layer.inputs]
        get = "self.get_parameter" if code.parameter else "self.get_submodule"
        module = f"{get}({layer.name!r})" if code.module else ""
        expr = code.call.format(*ins, m=module, xs=", ".join(ins))
        lines.append(f"        {var} = {expr}  # {layer.name}: {'×'.join(map(str, layer.output_shape))}")
        names[layer.name] = var
    out = analysis.output_layer
    lines += [f"        return {names[out.name] if out is not None else 'x'}", "", "",
              'if __name__ == "__main__":',
              f"    model = {cls}().eval()",
              f"    x = torch.zeros(1, {', '.join(map(str, analysis.input_shape))})",
              "    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())",
              '    print(f"{type(model).__name__}: {params:,} parameters; output", tuple(model(x).shape))', ""]
    return "\n".join(lines)
