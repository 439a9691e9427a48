"""The op registry: every op under its canonical name and its aliases, and the rank-free families.

Spellings are matched without case, `_` or `-` (`Conv2D`, `conv2d`, `conv_2d`). An op
written for any rank is registered once per rank (`register_ranks`); its rank-free
spelling is a `Family` that picks the member for the input it receives.
"""

from __future__ import annotations

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
        self.activation, self.summary = first.activation, first.summary

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
