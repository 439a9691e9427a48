"""An analysed network as a readable Keras 3 file (`cnncalc export --to keras`): a function build() returning
a functional keras.Model.

Each layer says how Keras writes it (Layer.keras_code, from its op): a keras.layers constructor called on its
inputs, named as the spec names the layer, or a keras.ops expression for a parameter-free op Keras has no layer
for. Every layer is channels first (data_format="channels_first", BatchNormalization(axis=1)), so that each
tensor has the shape cnncalc gives it and the model counts what cnncalc counts. Blocks (cnncalc/export/blocks.py)
become functions taking their input and their name, each distinct one written once and called per block, so a
ResNet stage reads as its calls. The file imports only keras.
"""

from __future__ import annotations

from ..errors import fail
from ..i18n import T
from ..ops.kerascode import NoKeras
from .blocks import Block, Leaf, Tree
from .pytorch import _ident, _shape


def keras_name(name: str) -> str:
    """The Keras name of a cnncalc layer: '.' written '-' (Keras' torch backend keeps its weights in a torch
    ParameterDict, whose keys cannot hold a dot), a '-' of the name doubled so that the mapping can be undone;
    '/', which Keras refuses, written '|'. layer1.0.conv1 -> layer1-0-conv1."""
    return name.replace("-", "--").replace(".", "-").replace("/", "|")


def spec_name(keras: str) -> str:
    """The cnncalc layer name of a Keras name (keras_name undone)."""
    return ".".join(part.replace("\0", "-") for part in keras.replace("--", "\0").split("-")).replace("|", "/")


def _code(layer):
    try:
        return layer.keras_code()
    except NoKeras as e:  # a setting Keras has no spelling for: the op says which
        raise fail("E007", T("layer {name} ({type}) cannot be written as Keras as cnncalc computes it", name=layer.name,
                             type=layer.type), layer.pos, e.hint) from None
    except NotImplementedError:  # an op without its keras(): say so at the layer, not with a traceback
        raise fail("E007", T("layer {name} ({type}) cannot be written as Keras yet", name=layer.name, type=layer.type),
                   layer.pos, T("export it with --to pytorch, or replace this layer")) from None


def _snake(words) -> str:
    text = "_".join(w.lower() for w in words if w)
    return text if text[:1].isalpha() else f"block_{text}"


class Writer:
    """Writes build() and the block functions it calls (each distinct one once)."""

    def __init__(self, analysis) -> None:
        self.codes = {r.name: _code(r) for r in analysis.layers}
        self.tree = Tree(analysis.layers, analysis.output_layer.name if analysis.layers else "")
        self.functions: dict = {}  # body -> [function name, prefixes]
        self.taken = {"build", "keras", "layers", "ops", "CF"}

    def name_expr(self, prefix: str, rel: str) -> str:
        """The source of a layer's Keras name: a literal at the top, an f-string on `name` inside a block."""
        plain = not set(rel) & set('"\\{}')
        if not prefix:
            return f'"{keras_name(rel)}"' if plain else repr(keras_name(rel))
        return f'f"{{name}}-{keras_name(rel)}"' if plain else f"name + {'-' + keras_name(rel)!r}"

    def function(self, block: Block) -> str:
        lines = self.body(block.prefix, block.members, block.source)
        key = tuple(lines)
        if key not in self.functions:
            words = [w for w in block.prefix.replace("/", ".").split(".") if not w.isdigit()] or ["block"]
            unit = block.prefix.rsplit(".", 1)[-1].isdigit()  # one of a run (layer1.0), or a part (layer1)
            base = _ident(_snake(words) + ("_block" if unit else "_group"), set())
            name, n = base, 1
            while name in self.taken:
                n += 1
                name = f"{base}_{n}"
            self.taken.add(name)
            self.functions[key] = [name, []]
        self.functions[key][1].append(block.prefix)
        return self.functions[key][0]

    def body(self, prefix: str, members: tuple, source: str, var: str = "x") -> list:
        """The statements of a scope whose one outside tensor is `source` (`var`), ending with its return."""
        lines, names, taken = [], {source: var}, {var, "name", *self.taken}
        for u in self.tree.units(prefix, members):
            if isinstance(u, Leaf):
                r, code = u.layer, self.codes[u.layer.name]
                ins = [names[i] for i in r.inputs]
                var = _ident(u.rel, taken)
                if code.pre:
                    padded = _ident(f"{u.rel}_pad", taken)
                    pre = code.pre.format(*ins, name=self.name_expr(prefix, f"{u.rel}_pad"), xs=", ".join(ins))
                    lines.append(f"    {padded} = {pre}")
                    ins[0] = padded
                expr = code.call.format(*ins, name=self.name_expr(prefix, u.rel), xs=", ".join(ins))
                last = r
            else:
                var, last = _ident(u.rel, taken), u.members[-1]
                expr = f"{self.function(u)}({names[u.source]}, {self.name_expr(prefix, u.rel)})"
            lines.append(f"    {var} = {expr}  # {_shape(last.output_shape)}")
            names[last.name] = var
        lines.append(f"    return {names[members[-1].name] if prefix else names[self.tree.output or source]}")
        return lines


def to_keras(analysis, spec: str) -> str:
    """The source of a Keras file for this (error-free, concrete) analysis."""
    writer = Writer(analysis)
    body = writer.body("", tuple(analysis.layers), "input", "inputs")
    helpers = dict.fromkeys(h for code in writer.codes.values() for h in code.helpers)
    t, shape = analysis.totals, _shape(analysis.input_shape)
    renamed = [r.name for r in analysis.layers if keras_name(r.name) != r.name][:1]
    lines = [f'"""{analysis.name}: written by `cnncalc export --to keras` from {spec}.', "",
             f"Input {shape} (batch first: N×{shape}); output {_shape(analysis.output_shape)}. Channels come first, "
             "as in cnncalc,", "so every layer is data_format=\"channels_first\" (run it with the torch or jax "
             "backend: TensorFlow's CPU", "convolutions want channels last).",
             f"cnncalc counts {t.params:,} parameters ({t.trainable_params:,} trainable) and {t.macs:,} MACs; "
             "model.count_params()", "gives the same (batch norm's moving mean and variance are its non-trainable "
             "weights).",
             "The Keras layer names are the layer names of the spec" + (
                 ", '.' written '-' as Keras' torch backend needs" if renamed else "."),
             *([f"({renamed[0]} is {keras_name(renamed[0])}; a '-' of the spec is written '--', a '/' '|')."]
               if renamed else []),
             '"""', "",
             "import keras", "from keras import layers, ops", "",
             'CF = "channels_first"  # cnncalc\'s layout: C×H×W, channels before the positions', "", ""]
    for source in helpers:
        lines += [source, ""]
    for fn_body, (name, prefixes) in writer.functions.items():
        where = ", ".join(prefixes[:3]) + (f" and {len(prefixes) - 3} more" if len(prefixes) > 3 else "")
        lines += [f"def {name}(x, name):", f'    """{where}: its layers are named "{{name}}-<layer>"."""',
                  *fn_body, "", ""]
    model = keras_name(analysis.name or "model")
    lines += ["def build():", f'    """{analysis.name}, as in {spec}."""',
              f"    inputs = keras.Input(shape={tuple(analysis.input_shape)!r}, name=\"input\")",
              *body[:-1], f"    return keras.Model(inputs, {body[-1].split()[-1]}, name=\"{model}\")", "", "",
              'if __name__ == "__main__":', "    model = build()",
              '    print(f"{model.name}: {model.count_params():,} parameters; output", model.output_shape)', ""]
    return "\n".join(lines)
