"""Safe YAML loading that keeps the position of every key and value.

PyYAML's composer (the C one when libyaml is present) gives nodes with marks; we build
plain Python values from them ourselves so that (1) only safe scalar types exist,
(2) each mapping remembers where its keys and values are, for messages that point at
the offending node, and (3) alias expansion, nesting depth and document size are
bounded, so a billion-laughs document is an error rather than an out-of-memory kill.

(4) `$expressions` survive flow collections. Inside {…} and […] YAML reads `, [ ] { }`
and `: ` as its own syntax, so `{out_channels: $max(1, c // 4)}` would be cut at the
comma and `[1, $k[0]]` would not parse. Before parsing, those characters inside a plain
`$expression` are replaced one for one by private-use stand-ins, and put back in the
values built, so no position moves.
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
_FLOW = "[]{},:#"  # what YAML reads as flow syntax inside {…} and […]
_SHIELD = {ch: chr(0xE000 + i) for i, ch in enumerate(_FLOW)}  # private-use stand-ins, one character each
_UNSHIELD = str.maketrans({v: k for k, v in _SHIELD.items()})


def _expression_end(text: str, start: int) -> int:
    """Index where the expression starting at `start` ends: the first , ] } or ' #' outside its brackets."""
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
        elif depth == 0 and (ch == "," or ch == "\n" or (ch == "#" and text[i - 1].isspace())):
            return i
        i += 1
    return i


def shield_expressions(text: str) -> str:
    """Inside {…} and […], the flow characters of a plain `$expression` replaced one for one
    (so `{out_channels: $max(1, c // 4), kernel_size: [1, $k[0]]}` parses and every position stays)."""
    if not any(ch in text for ch in "[{") or "$" not in text or any(ch in text for ch in _SHIELD.values()):
        return text
    out, i, depth, quote, n = list(text), 0, 0, None, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch == "#" and (i == 0 or text[i - 1].isspace()):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "$" and depth > 0 and text[:i].rstrip()[-1:] in ("[", "{", ",", ":"):
            end = _expression_end(text, i)
            for j in range(i + 1, end):
                if text[j] in _SHIELD:
                    out[j] = _SHIELD[text[j]]
            i = end
            continue
        i += 1
    return "".join(out)


class _Builder:
    def __init__(self, filename: str, shielded: bool = False) -> None:
        self.filename = filename
        self.shielded = shielded
        self.count = 0
        self.active: set[int] = set()

    def build(self, node, depth: int = 0):
        self.count += 1
        pos = _pos(node.start_mark, self.filename)
        if self.count > MAX_NODES:
            raise fail("E005", f"the document expands to more than {MAX_NODES:,} values", pos,
                       "YAML aliases (*name) are expanded each time they are used; define fewer or smaller anchors")
        if depth > MAX_DEPTH:
            raise fail("E005", f"the document is nested more than {MAX_DEPTH} levels deep", pos)
        if isinstance(node, yaml.ScalarNode):
            if self.shielded and isinstance(node.value, str) and node.value.startswith("$"):
                node.value = node.value.translate(_UNSHIELD)
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
                for item in node.value:
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
        for key_node, value_node in node.value:
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
    source = shield_expressions(text)
    try:
        node = yaml.compose(source, Loader=_Loader)
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
    return _Builder(filename, source is not text).build(node)


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
