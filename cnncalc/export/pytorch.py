"""An analysed network as a readable PyTorch nn.Module file (`cnncalc export --to pytorch`).

Each layer says how PyTorch writes it (Layer.torch_code, from its op): a module constructor, placed at the
layer's dotted name so that the state_dict keys are `{layer}.{weight}` exactly as cnncalc declares them, or a
call for a parameter-free op. Blocks (cnncalc/export/blocks.py) become classes with their own forward, each
distinct class written once; a run of blocks or modules named 0, 1, … that feed each other is an nn.Sequential.
forward() follows the analysis' topological order. The file imports only torch.
"""

from __future__ import annotations

import re

from ..errors import fail
from ..i18n import T
from .blocks import Block, Leaf, Tree

PLACE = '''def place(root, dotted, module):
    """Put a module (or a parameter) at a dotted name (`stage.conv1`), making the containers on the way."""
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


def _code(layer):
    try:
        return layer.torch_code()
    except NotImplementedError:  # an op added without its torch(): say so at the layer, not with a traceback
        raise fail("E007", T("layer {name} ({type}) cannot be written as PyTorch yet", name=layer.name,
                             type=layer.type), layer.pos, T("export another model, or replace this layer")) from None


def class_name(name: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", name)
    text = "".join(w[:1].upper() + w[1:] for w in words if w)
    return text if text[:1].isalpha() else f"Net{text}"


def _ident(name: str, taken: set) -> str:
    base = re.sub(r"\W", "_", name)
    base = base if base[:1].isalpha() else f"x_{base}"
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}_{n}"
    taken.add(ident)
    return ident


def _shape(shape) -> str:
    return "×".join(map(str, shape))


class Writer:
    """Writes the classes of one file: blocks first (each distinct one once), the model last."""

    def __init__(self, analysis) -> None:
        self.codes = {r.name: _code(r) for r in analysis.layers}
        self.tree = Tree(analysis.layers, analysis.output_layer.name if analysis.layers else "")
        self.classes: dict = {}  # body -> [class name, prefixes]
        self.taken_names: set = set()
        self.uses_place = False

    def ref(self, rel: str, parameter: bool = False) -> str:
        if rel.isidentifier():
            return f"self.{rel}"
        return f"self.get_parameter({rel!r})" if parameter else f"self.get_submodule({rel!r})"

    def assign(self, rel: str, source: str) -> str:
        if rel.isidentifier():
            return f"        self.{rel} = {source}"
        if "." not in rel:
            return f"        self.add_module({rel!r}, {source})"
        self.uses_place = True
        return f"        place(self, {rel!r}, {source})"

    def chain(self, block: Block):
        """The block's units when they are named 0, 1, … and each reads the one before (else None)."""
        units = self.tree.units(block.prefix, block.members)
        if [u.rel for u in units] != [str(k) for k in range(len(units))]:
            return None
        previous = block.source
        for u in units:
            if isinstance(u, Leaf):
                code = self.codes[u.layer.name]
                if not code.module or code.parameter or code.call != "{m}({0})" or list(u.layer.inputs) != [previous]:
                    return None
                previous = u.layer.name
            else:
                if u.source != previous:
                    return None
                previous = u.members[-1].name
        return units

    def sequential(self, block: Block):
        """nn.Sequential source for a chain (runs of one block class as a list comprehension); else None."""
        units = self.chain(block)
        if units is None:
            return None
        items = [self.codes[u.layer.name].module if isinstance(u, Leaf) else self.sequential(u) or
                 f"{self.block_class(u)}()" for u in units]
        runs: list = []  # [item, count]
        for item in items:
            if runs and runs[-1][0] == item and item.endswith("()") and "\n" not in item:
                runs[-1][1] += 1
            else:
                runs.append([item, 1])
        parts = [f"*[{item} for _ in range({n})]" if n > 2 else ",\n".join([item] * n) for item, n in runs]
        if len(parts) == 1 and parts[0].startswith("*"):
            return f"nn.Sequential({parts[0]})"
        body = ",\n".join(parts).replace("\n", "\n            ")
        return f"nn.Sequential(\n            {body},\n        )"

    def block_class(self, block: Block) -> str:
        init, forward = self.body(block.prefix, block.members, block.source)
        key = (tuple(init), tuple(forward))
        if key not in self.classes:
            words = [w for w in block.prefix.split(".") if not w.isdigit()] or ["block"]
            name = class_name("_".join(words)) + "Block"
            n, base = 1, name
            while name in self.taken_names:
                n += 1
                name = f"{base}{n}"
            self.taken_names.add(name)
            self.classes[key] = [name, []]
        self.classes[key][1].append(block.prefix)
        return self.classes[key][0]

    def body(self, prefix: str, members: tuple, source: str) -> tuple:
        """(__init__ lines, forward lines) of a scope whose one outside tensor is `source` (x in forward)."""
        init, forward = [], []
        names, taken = {source: "x"}, {"x", "self"}
        units = self.tree.units(prefix, members)
        for u in units:
            if isinstance(u, Leaf):
                r, code = u.layer, self.codes[u.layer.name]
                if code.module:
                    init.append(self.assign(u.rel, code.module))
                ins = [names[i] for i in r.inputs]
                expr = code.call.format(*ins, m=self.ref(u.rel, code.parameter), xs=", ".join(ins))
                var, last = _ident(u.rel, taken), r
            else:
                module = self.sequential(u) or f"{self.block_class(u)}()"
                init.append(self.assign(u.rel, module))
                expr = f"{self.ref(u.rel)}({names[u.source]})"
                var, last = _ident(u.rel, taken), u.members[-1]
            forward.append(f"        {var} = {expr}  # {_shape(last.output_shape)}")
            names[last.name] = var
        forward.append(f"        return {names[members[-1].name] if prefix else names[self.tree.output or source]}")
        return init, forward


def to_pytorch(analysis, spec: str) -> str:
    """The source of a module file for this (error-free, concrete) analysis."""
    writer = Writer(analysis)
    init, forward = writer.body("", tuple(analysis.layers), "input")
    helpers = dict.fromkeys(h for code in writer.codes.values() for h in code.helpers)
    t, shape = analysis.totals, _shape(analysis.input_shape)
    cls = class_name(analysis.name or "Model")
    lines = [f'"""{analysis.name}: written by `cnncalc export` from {spec}.', "",
             f"Input {shape} (batch first: N×{shape}); output {_shape(analysis.output_shape)}.",
             f"cnncalc counts {t.params:,} parameters ({t.trainable_params:,} trainable) and {t.macs:,} MACs.",
             "The state_dict keys are the layer names of the spec followed by PyTorch's weight names.", '"""', "",
             "import torch", "from torch import nn", "", ""]
    for source in (*helpers, *((PLACE,) if writer.uses_place else ())):
        lines += [source, ""]
    for (b_init, b_forward), (name, prefixes) in writer.classes.items():
        where = ", ".join(prefixes[:3]) + (f" and {len(prefixes) - 3} more" if len(prefixes) > 3 else "")
        lines += [f"class {name}(nn.Module):", f'    """{where}."""', "", "    def __init__(self):",
                  "        super().__init__()", *b_init, "", "    def forward(self, x):", *b_forward, "", ""]
    lines += [f"class {cls}(nn.Module):", f'    """{analysis.name}, as in {spec}."""', "",
              "    def __init__(self):", "        super().__init__()", *init, "", "    def forward(self, x):",
              *forward, "", "",
              'if __name__ == "__main__":',
              f"    model = {cls}().eval()",
              f"    x = torch.zeros(1, {', '.join(map(str, analysis.input_shape))})",
              "    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())",
              '    print(f"{type(model).__name__}: {params:,} parameters; output", tuple(model(x).shape))', ""]
    return "\n".join(lines)
