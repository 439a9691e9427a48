"""The op registry: every op under its canonical name and its aliases, and the rank-free families.

Spellings are matched without case, `_` or `-` (`Conv2D`, `conv2d`, `conv_2d`). An op
written for any rank is registered once per rank (`register_ranks`); its rank-free
spelling is a `Family` that picks the member for the input it receives.
"""

from __future__ import annotations

import re

from .base import SHAPE_NAMES, Arg, Op


class Family:
    """A rank-free spelling (`conv`, `BatchNormalization`): the member op for the input's rank.

    It has its members' argument schema (they share one), so a spec using it is checked
    before any shape is known.
    """

    def __init__(self, name: str, members: dict, aliases: tuple = ()) -> None:
        self.name, self.members, self.aliases = name, dict(members), tuple(aliases)
        first = next(iter(self.members.values()))
        self.args, self.min_inputs, self.max_inputs = first.args, first.min_inputs, first.max_inputs
        self.activation, self.summary, self.layout_free = first.activation, first.summary, first.layout_free

    def resolve(self, ins: list) -> Op | None:
        return self.members.get(len(ins[0])) if ins else None

    def expected_input(self) -> str:
        names = [SHAPE_NAMES[r] for r in sorted(set(self.members))]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    def __repr__(self) -> str:
        return f"<family {self.name}>"


REGISTRY: dict[str, Op] = {}
FAMILIES: dict[str, Family] = {}
_LOOKUP: dict[str, object] = {}


def _norm(name: str) -> str:
    return str(name).lower().replace("_", "").replace("-", "")


def _index(entry, names) -> None:
    for key in names:
        k = _norm(key)
        assert k not in _LOOKUP or _LOOKUP[k] is entry, f"alias clash: {key}"
        _LOOKUP[k] = entry


def register(cls_or_op):
    """Add one op under its name and aliases; used as a class decorator for single ops."""
    op = cls_or_op() if isinstance(cls_or_op, type) else cls_or_op
    assert op.name and op.name not in REGISTRY, op.name
    REGISTRY[op.name] = op
    _index(op, (op.name, *op.aliases))
    return cls_or_op


def register_ranks(cls: type, names: dict, family: tuple = ()) -> dict:
    """One op class for every rank: names = {rank: (name, *aliases)}; family = (name, *aliases)."""
    members = {}
    for rank, (name, *aliases) in names.items():
        op = cls(rank)
        op.name, op.aliases = name, tuple(aliases)
        op.summary = cls.summary.format(n=rank)
        register(op)
        members[rank + 1] = op
    if family:
        register_family(family[0], members, family[1:])
    return members


def register_family(name: str, members: dict, aliases: tuple = ()) -> Family:
    """A rank-free spelling: members = {tensor rank: op}."""
    fam = Family(name, members, aliases)
    for op in members.values():
        op.family = fam
    FAMILIES[name] = fam
    _index(fam, (name, *aliases))
    return fam


def find_op(name):
    """An Op or a Family for a spelling, or None."""
    return _LOOKUP.get(_norm(name))


def find_arg(op, key) -> Arg | None:
    """The op's argument called `key` or one of its aliases (exact spelling)."""
    for arg in op.args:
        if key == arg.name or key in arg.aliases:
            return arg
    return None


def all_spellings() -> list[str]:
    names = []
    for op in REGISTRY.values():
        names.extend((op.name, *op.aliases))
    for fam in FAMILIES.values():
        names.extend((fam.name, *fam.aliases))
    return names


def declared_channels(op, args) -> int | None:
    """The input channels a layer declares (`in_channels: 3`), when its op takes them; else None."""
    if args is None or find_arg(op, "in_channels") is None:
        return None
    value = args.get("in_channels")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- Keras layer classes ------------------------------------------------------------------
# A spelling that is a Keras layer class, as written, -> the class Keras instantiates for it
# (Convolution2D and MaxPool2D are aliases of Conv2D and MaxPooling2D): model.summary() names
# an unnamed layer after that class, in snake_case. KERAS_ONLY spellings are Keras's alone, so a
# spec that uses one is written for Keras; KERAS_SHARED are class names PyTorch has too
# (nn.Flatten, nn.Dropout), named the Keras way only in such a spec.
def _keras_only() -> dict:
    out = {}
    for n in (1, 2, 3):
        for cls, *also in ((f"Conv{n}D", f"Convolution{n}D"), (f"Conv{n}DTranspose", f"Deconvolution{n}D"),
                           (f"SeparableConv{n}D", f"SeparableConvolution{n}D"), (f"DepthwiseConv{n}D",),
                           (f"MaxPooling{n}D", f"MaxPool{n}D"), (f"AveragePooling{n}D", f"AvgPool{n}D"),
                           (f"GlobalAveragePooling{n}D", f"GlobalAvgPool{n}D"),
                           (f"GlobalMaxPooling{n}D", f"GlobalMaxPool{n}D"), (f"ZeroPadding{n}D",),
                           (f"Cropping{n}D",), (f"UpSampling{n}D",), (f"SpatialDropout{n}D",)):
            out.update({spelling: cls for spelling in (cls, *also)})
    for cls in ("Dense", "BatchNormalization", "LayerNormalization", "GroupNormalization", "Add", "Multiply",
                "Concatenate", "AlphaDropout", "GaussianDropout"):
        out[cls] = cls
    return out


KERAS_ONLY = _keras_only()
KERAS_SHARED = {cls: cls for cls in ("Flatten", "Dropout", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
                                     "Identity")}


def snake_case(name: str) -> str:
    """Keras's automatic layer name for a class: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def keras_only(spelling) -> bool:
    """True when a `type:` as written is a layer class only Keras has (Conv2D, Dense): the spec is Keras's."""
    return isinstance(spelling, str) and spelling in KERAS_ONLY and find_op(spelling) is not None


def keras_base(spelling) -> str | None:
    """The name Keras gives an unnamed layer of this spelling before numbering (conv2d), or None."""
    if not isinstance(spelling, str) or find_op(spelling) is None:
        return None
    cls = KERAS_ONLY.get(spelling) or KERAS_SHARED.get(spelling)
    return snake_case(cls) if cls else None
