"""The names visible inside one block instance, and how a reference resolves to a layer.

A spec names layers locally (`conv1` inside a block); the network knows them by their
qualified names (`layer1.0.conv1`). Each block instance has a table of the names it can
see: its own layers, and, through its parent's table, the dotted names of nested
instances (`layer1.0.conv1` from the top). Registering a layer exposes it upward under
every prefix. A reference that is not visible is an error that says what is wrong: an
unknown name (with a "did you mean"), a layer defined later, or a cycle.
"""

from __future__ import annotations

from .errors import Pos, did_you_mean
from .i18n import T

INPUT = "input"


class NameTable:
    """Names visible in one block instance; registering also exposes dotted names upward."""

    def __init__(self, prefix: str, input_name: str, parent: NameTable | None, rel: str,
                 items: tuple, chain: tuple, env: dict) -> None:
        self.prefix, self.input, self.parent, self.rel = prefix, input_name, parent, rel
        self.items, self.chain, self.env = items, chain, env
        self.table: dict[str, str] = {}
        self.soft: set = set()  # names left by dropped layers
        self.where: dict[str, Pos] = {}
        self.counters: dict[str, int] = {}
        self.explicit = {str(it.name) for it in items if isinstance(it.name, str)}

    def context(self) -> str | None:
        if not self.chain:
            return None
        inner = self.chain[-1]
        return T("in {layer}, block '{block}' used at line {line}", layer=inner.name, block=inner.block,
                 line=inner.pos.line)

    def auto_name(self, base: str, keras: dict | None = None) -> str:
        """The next free automatic name: conv2d_1, conv2d_2, ... counted in this block instance, or,
        given the network's Keras counters, Keras's conv2d, conv2d_1, ... counted across the network."""
        counters = self.counters if keras is None else keras
        while True:
            n = counters.get(base, 0)
            counters[base] = n + 1
            name = f"{base}_{n + 1}" if keras is None else f"{base}_{n}" if n else base
            if name not in self.explicit and name not in self.table:
                return name

    def register(self, local: str, qualified: str, pos: Pos, run, dropped: bool = False) -> None:
        """Make `local` mean `qualified` here and, dotted, in every enclosing instance. The name a
        layer dropped by `when:` leaves (standing for its input) gives way to a layer that takes it
        later: torchvision numbers MobileNetV2's depthwise conv `conv.0` when there is no expansion."""
        soft = local in self.soft
        if local in self.table and not soft:
            first = self.where.get(local)
            name = self.prefix + local
            message = (T("duplicate layer name '{name}' (first defined at line {line})", name=name, line=first.line)
                       if first else T("duplicate layer name '{name}'", name=name))
            run.error("E105", message, pos, T("give each layer a unique name"), self.context())
            return
        if dropped:
            self.soft.add(local)
        else:
            self.soft.discard(local)
        scope, rel = self, local
        while scope is not None:
            if soft:
                scope.table[rel], scope.where[rel] = qualified, pos
            else:
                scope.table.setdefault(rel, qualified)
                scope.where.setdefault(rel, pos)
            if scope.parent is not None:
                rel = f"{scope.rel}.{rel}"
            scope = scope.parent

    def lookup(self, ref: str) -> str | None:
        """The qualified layer a name means here, or None (nothing reported)."""
        if ref in self.table:
            return self.table[ref]
        return self.input if ref == INPUT else None

    def resolve(self, ref: str, pos: Pos, current: str, run) -> str | None:
        qualified = getattr(ref, "qualified", None)  # a block argument that named a layer where it was used
        if qualified is not None:
            return qualified
        if ref in self.table:
            return self.table[ref]
        if ref == INPUT:
            return self.input
        later = [it for it in self.items if isinstance(it.name, str) and str(it.name) == ref]
        if later:
            target = later[0]
            refs = [str(v) for v, _ in (target.inputs or ()) if isinstance(v, str)]
            if current in refs or ref == current:
                run.error("E107", T("cycle: '{current}' takes '{ref}' as input, which takes '{current}'",
                                    current=current, ref=ref), pos,
                          T("a network must be acyclic; one of the two must take an earlier layer"), self.context())
            else:
                run.error("E107", T("'{ref}' is defined later (line {line}); a layer can only take inputs from "
                                    "earlier layers", ref=ref, line=target.pos.line), pos,
                          T("move this layer after '{ref}', or take an earlier layer", ref=ref), self.context())
            return None
        hint = did_you_mean(ref, [*self.table, INPUT]) or T("inputs: names an earlier layer, or `input`")
        run.error("E106", T("unknown input '{ref}'", ref=ref), pos, hint, self.context())
        return None
