"""The module tree of an exported network, from its dotted layer names (`layer1.0.conv1`).

A dotted subtree becomes a block — a class of its own with its own forward — when it reads one tensor from
outside and only its last layer is read from outside (a residual block, an inception module, a stage). Such a
block can be called where its first layer stands: the one tensor it reads is ready there, and nothing outside
needs its inner layers. A subtree that is no block is opened: its layers (and the blocks inside it) are placed
in the enclosing scope under their dotted names, so every state_dict key stays `{layer}.{weight}`.
"""

from __future__ import annotations

from typing import NamedTuple


class Leaf(NamedTuple):
    rel: str  # the name relative to the scope
    layer: object


class Block(NamedTuple):
    rel: str
    prefix: str
    members: tuple  # the Layers under it, in the analysis' order
    source: str  # the one outside tensor it reads (a layer name or "input")


class Tree:
    """Who reads whom, over an analysis' layers; `units(prefix, members)` splits one scope."""

    def __init__(self, layers, output: str) -> None:
        self.names = {r.name for r in layers}
        self.readers: dict = {}
        for r in layers:
            for i in r.inputs:
                self.readers.setdefault(i, []).append(r.name)
        self.output = output

    def block_source(self, prefix: str, members: tuple):
        """The one outside tensor the subtree reads, if it is a block; else None."""
        if prefix in self.names or len(members) < 2:
            return None
        inside = {r.name for r in members}
        outside = {i for r in members for i in r.inputs if i not in inside}
        if len(outside) != 1:
            return None
        read_out = {r.name for r in members
                    if r.name == self.output or any(c not in inside for c in self.readers.get(r.name, ()))}
        if read_out - {members[-1].name}:
            return None
        return outside.pop()

    def units(self, prefix: str, members: tuple) -> list:
        """The leaves and blocks of a scope, in the order of their first layer."""
        out = []
        self._open(prefix, prefix, members, out)
        order = {r.name: k for k, r in enumerate(members)}
        return sorted(out, key=lambda u: order[u.layer.name if isinstance(u, Leaf) else u.members[0].name])

    def _open(self, scope: str, prefix: str, members: tuple, out: list) -> None:
        groups: dict = {}
        for r in members:
            if r.name == prefix:  # a layer named like the subtree below it
                out.append(Leaf(prefix[len(scope) + 1:] if scope else prefix, r))
                continue
            key = r.name[len(prefix) + 1:].split(".")[0] if prefix else r.name.split(".")[0]
            groups.setdefault(key, []).append(r)
        for key, group in groups.items():
            full = f"{prefix}.{key}" if prefix else key
            rel = full[len(scope) + 1:] if scope else full
            if len(group) == 1 and group[0].name == full:
                out.append(Leaf(rel, group[0]))
                continue
            source = self.block_source(full, tuple(group))
            if source is not None:
                out.append(Block(rel, full, tuple(group), source))
            else:
                self._open(scope, full, tuple(group), out)
