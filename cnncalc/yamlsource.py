"""Safe YAML loading that keeps the position of every key and value.

PyYAML's composer (the C one when libyaml is present) gives nodes with marks; we build
plain Python values from them ourselves so that (1) only safe scalar types exist,
(2) each mapping remembers where its keys and values are, for messages that point at
the offending node, and (3) alias expansion, nesting depth and document size are
bounded, so a billion-laughs document is an error rather than an out-of-memory kill.

(4) `$expressions` survive flow collections. YAML ends a plain scalar at ", " inside
{…} and […], so `{out_channels: $max(1, c // 4)}` would reach us as `$max(1` and a
stray key `c // 4)`. An expression whose brackets do not balance is read again from
the source text up to the comma or brace that closes it, and the pieces YAML split off
are dropped.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Pos, fail

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_NODES = 1_000_000  # values built, counting each alias expansion again
MAX_DEPTH = 200  # nesting of mappings/sequences
MAX_BYTES = 20 * 1024 * 1024


class LMap(dict):
    """A dict that knows where it, each key and each value are in the file."""

    pos: Pos
    key_pos: dict
    val_pos: dict

    def at(self, key) -> Pos:
        return self.val_pos.get(key, self.pos)

    def key_at(self, key) -> Pos:
        return self.key_pos.get(key, self.pos)


class LList(list):
    """A list that knows where it and each item are in the file."""

    pos: Pos
    item_pos: list

    def at(self, i: int) -> Pos:
        return self.item_pos[i] if i < len(self.item_pos) else self.pos


_scalars = yaml.constructor.SafeConstructor()


def _pos(mark, filename: str) -> Pos:
    return Pos(filename, mark.line + 1, mark.column + 1)


_OPEN, _CLOSE = "([{", ")]}"


def _unbalanced(text: str) -> bool:
    depth, quote = 0, None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
    return depth > 0


def _expression_end(text: str, start: int) -> int:
    """Index where the expression starting at `start` ends: the first , ] or } outside its brackets."""
    depth, quote, i = 0, None, start
    while i < len(text):
        ch = text[i]
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (ch == "," or (ch == "#" and text[i - 1].isspace())):
            return i
        i += 1
    return i


class _Builder:
    def __init__(self, filename: str, text: str = "") -> None:
        self.filename = filename
        self.text = text
        self.count = 0
        self.active: set[int] = set()

    def _whole_expression(self, node):
        """(text, end index) of a plain `$…` scalar YAML cut at a comma in a flow collection, else None."""
        if not (self.text and isinstance(node, yaml.ScalarNode) and not node.style
                and isinstance(node.value, str) and node.value.startswith("$") and _unbalanced(node.value)):
            return None
        start = node.start_mark.index
        end = _expression_end(self.text, start)
        return self.text[start:end].strip(), end

    def build(self, node, depth: int = 0):
        self.count += 1
        pos = _pos(node.start_mark, self.filename)
        if self.count > MAX_NODES:
            raise fail("E005", f"the document expands to more than {MAX_NODES:,} values", pos,
                       "YAML aliases (*name) are expanded each time they are used; define fewer or smaller anchors")
        if depth > MAX_DEPTH:
            raise fail("E005", f"the document is nested more than {MAX_DEPTH} levels deep", pos)
        if isinstance(node, yaml.ScalarNode):
            try:
                return _scalars.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as exc:
                raise fail("E003", f"cannot read this value: {exc.problem}", pos) from None
            except (ValueError, OverflowError) as exc:
                raise fail("E003", f"cannot read this value: {exc}", pos) from None
        if id(node) in self.active:
            raise fail("E005", "a YAML alias refers to a node that contains it (a recursive document)", pos)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                out = LList()
                out.pos = pos
                out.item_pos = []
                skip_until = -1
                for item in node.value:
                    if item.start_mark.index < skip_until:
                        continue  # a piece of the expression before it
                    whole = self._whole_expression(item) if node.flow_style else None
                    if whole is not None:
                        out.append(whole[0])
                        skip_until = whole[1]
                    else:
                        out.append(self.build(item, depth + 1))
                    out.item_pos.append(_pos(item.start_mark, self.filename))
                return out
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, pos, depth)
            raise fail("E003", f"unsupported YAML node {node.tag}", pos)  # pragma: no cover
        finally:
            self.active.discard(id(node))

    def _mapping(self, node, pos: Pos, depth: int) -> LMap:
        out = LMap()
        out.pos, out.key_pos, out.val_pos = pos, {}, {}
        skip_until = -1
        for key_node, value_node in node.value:
            if key_node.start_mark.index < skip_until:
                continue  # a piece of the expression before it, split off by YAML at a comma
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults`
                merged = self.build(value_node, depth + 1)
                sources = merged if isinstance(merged, list) else [merged]
                for src in sources:
                    if not isinstance(src, LMap):
                        raise fail("E003", "`<<` must merge a mapping", _pos(value_node.start_mark, self.filename))
                    for k, v in src.items():
                        if k not in out:
                            out[k] = v
                            out.key_pos[k], out.val_pos[k] = src.key_at(k), src.at(k)
                continue
            key = self.build(key_node, depth + 1)
            kpos = _pos(key_node.start_mark, self.filename)
            if isinstance(key, (list, dict)):
                raise fail("E003", "a mapping key must be a plain value", kpos)
            if key in out and key in out.key_pos and out.key_pos[key] != kpos:
                raise fail("E003", f"duplicate key '{key}' (first at line {out.key_pos[key].line})", kpos,
                           "remove one of the two")
            whole = self._whole_expression(value_node) if node.flow_style else None
            if whole is not None:
                out[key], skip_until = whole
            else:
                out[key] = self.build(value_node, depth + 1)
            out.key_pos[key] = kpos
            out.val_pos[key] = _pos(value_node.start_mark, self.filename)
        return out


def load_text(text: str, filename: str = "<input>"):
    """Parse YAML text into LMap/LList/scalars; raise CnnError (E003/E005) on bad input."""
    if len(text) > MAX_BYTES:
        raise fail("E005", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB", Pos(filename, 1, 1))
    if "\x00" in text:
        raise fail("E002", "the file contains NUL bytes; it looks like a binary file, not a YAML spec",
                   Pos(filename, 1, 1))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(mark, filename) if mark else Pos(filename, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        line = text.splitlines()[pos.line - 1] if 0 < pos.line <= len(text.splitlines()) else ""
        hint = ("a $expression that contains ': ' or ' #' must be quoted in YAML: key: '$a if b else c'"
                if "$" in line else "check indentation, and quote values that contain ': ', '{', '[' or ','")
        raise fail("E003", f"invalid YAML: {problem}", pos, hint) from None
    except yaml.YAMLError as exc:
        raise fail("E003", f"invalid YAML: {exc}", Pos(filename, 1, 1)) from None
    except RecursionError:
        raise fail("E005", "the document is nested too deeply", Pos(filename, 1, 1)) from None
    if node is None:
        return None
    return _Builder(filename, text).build(node)


def load_file(path: str | Path, display_name: str | None = None):
    """Read and parse a YAML file; missing or binary files are E001/E002 (exit 2)."""
    p = Path(path)
    name = display_name or str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise fail("E001", f"no such file: {name}", Pos(name, 1, 1)) from None
    except IsADirectoryError:
        raise fail("E002", f"{name} is a directory, not a YAML file", Pos(name, 1, 1)) from None
    except OSError as exc:
        raise fail("E002", f"cannot read {name}: {exc.strerror}", Pos(name, 1, 1)) from None
    if len(raw) > MAX_BYTES:
        raise fail("E005", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB", Pos(name, 1, 1))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("E002", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                   Pos(name, line, 1), "cnncalc reads YAML specs saved as UTF-8") from None
    return load_text(text, name)
