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

import re
from pathlib import Path

import yaml

from .errors import Pos, fail
from .files import read_capped
from .i18n import N_, Msg, T

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_NODES = 250_000  # values built, counting each alias expansion again (10,000 layers of 25 values)
MAX_DEPTH = 200  # nesting of mappings/sequences
MAX_BYTES = 8 * 1024 * 1024  # a 10,000-layer spec written out is under 1 MiB


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


_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STANDARD + t for t in ("str", "int", "float", "bool", "null")}
_resolver = yaml.resolver.Resolver()


class _Builder:
    """Values built straight from the parser's events, each charged before it is built.

    Walking events instead of composing a node tree first means a document over budget is
    refused after MAX_NODES values, not after the whole tree is in memory. An alias is
    charged the size of what it names each time it is used (a billion-laughs document is
    refused at its first alias that crosses the budget) but shares the value already built.
    """

    def __init__(self, source: str, filename: str, shielded: bool) -> None:
        self.loader = _Loader(source)
        self.filename = filename
        self.shielded = shielded
        self.count = 0
        self.aliased = 0  # of count, the values charged through aliases (for the hint)
        self.anchors: dict[str, tuple] = {}  # name -> (value, its size in values)
        self.open: set[str] = set()

    def pos(self, ev) -> Pos:
        return Pos(self.filename, ev.start_mark.line + 1, ev.start_mark.column + 1)

    def document(self):
        get = self.loader.get_event
        try:
            get()  # stream start
            if isinstance(get(), yaml.StreamEndEvent):
                return None
            value = self.node(get(), 0)
            get()  # document end
            ev = get()
            if not isinstance(ev, yaml.StreamEndEvent):
                raise fail("E003", T("invalid YAML: a spec is one document, and a second one starts here"),
                           self.pos(ev), T("remove the `---` and what follows it"))
            return value
        finally:
            self.loader.dispose()

    def charge(self, n: int, ev) -> None:
        self.count += n
        if self.count > MAX_NODES:
            hint = (T("YAML aliases (*name) are expanded each time they are used; define fewer or smaller anchors")
                    if self.aliased * 2 > self.count else
                    T("a network spec is far smaller: repeat a layer with `repeat:` or a block instead of writing it "
                      "out"))
            raise fail("E005", T("the document holds more than {limit:,} values", limit=MAX_NODES), self.pos(ev), hint)

    def tag(self, ev, allowed: str) -> None:
        if ev.tag is not None and ev.tag != "!" and ev.tag not in allowed:
            raise fail("E003", T("unknown YAML tag '{tag}'", tag=_short_tag(ev.tag)), self.pos(ev),
                       T("cnncalc reads plain YAML: remove the tag (only !!str, !!int, !!float, !!bool, !!null, "
                         "!!seq and !!map are understood)"))

    def node(self, ev, depth: int):
        if isinstance(ev, yaml.AliasEvent):
            if ev.anchor in self.open:
                raise fail("E005", T("a YAML alias refers to a node that contains it (a recursive document)"),
                           self.pos(ev))
            if ev.anchor not in self.anchors:
                raise fail("E003", T("invalid YAML: the alias *{anchor} names no anchor defined before it",
                                     anchor=ev.anchor), self.pos(ev),
                           T("define &{anchor} before using *{anchor}", anchor=ev.anchor))
            value, size = self.anchors[ev.anchor]
            self.aliased += size
            self.charge(size, ev)
            return value
        before = self.count
        self.charge(1, ev)
        if depth > MAX_DEPTH:
            raise fail("E005", T("the document is nested more than {limit} levels deep", limit=MAX_DEPTH), self.pos(ev))
        if isinstance(ev, yaml.ScalarEvent):
            value = self.scalar(ev)
        elif isinstance(ev, yaml.SequenceStartEvent):
            self.tag(ev, (_STANDARD + "seq",))
            value = self.sequence(ev, depth)
        elif isinstance(ev, yaml.MappingStartEvent):
            self.tag(ev, (_STANDARD + "map",))
            value = self.mapping(ev, depth)
        else:  # pragma: no cover - the parser only gives these
            raise fail("E003", T("invalid YAML: unexpected {event}", event=type(ev).__name__), self.pos(ev))
        if ev.anchor is not None:
            self.anchors[ev.anchor] = (value, self.count - before)
        return value

    def scalar(self, ev):
        self.tag(ev, _SCALAR_TAGS)
        value = ev.value
        if ev.tag is None and not ev.style:  # plain: resolve as YAML does (int, float, bool, null, str)
            if value.isascii() and value.isdigit() and (value[0] != "0" or len(value) == 1):
                return int(value) if len(value) < 4000 else self.construct(ev, _STANDARD + "int")
            tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
            if tag != _STANDARD + "str":
                return self.construct(ev, tag)
        elif ev.tag is not None and ev.tag != "!" and ev.tag != _STANDARD + "str":
            return self.construct(ev, ev.tag)
        if self.shielded and value.startswith("$"):
            value = value.translate(_UNSHIELD)
        if not value.isprintable():
            value = escape_controls(value)
        return value

    def construct(self, ev, tag: str):
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark)
        try:
            return _scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise fail("E003", T("cannot read this value: {problem}", problem=exc.problem), self.pos(ev)) from None
        except (ValueError, OverflowError) as exc:
            raise fail("E003", T("cannot read this value: {problem}", problem=str(exc)), self.pos(ev)) from None

    def collection(self, ev, depth: int, end_type, build):
        anchor = ev.anchor
        if anchor is not None:
            self.open.add(anchor)
        try:
            get = self.loader.get_event
            while True:
                item = get()
                if isinstance(item, end_type):
                    return
                build(item, depth + 1)
        finally:
            self.open.discard(anchor)

    def sequence(self, ev, depth: int) -> LList:
        out = LList()
        out.pos, out.item_pos = self.pos(ev), []

        def add(item, d):
            out.append(self.node(item, d))
            out.item_pos.append(self.pos(item))

        self.collection(ev, depth, yaml.SequenceEndEvent, add)
        return out

    def mapping(self, ev, depth: int) -> LMap:
        """Keys in order; `<<: *defaults` (or a list of them) fills in only the keys the
        mapping does not set itself, earlier sources first, as YAML's merge key says."""
        out = LMap()
        out.pos, out.key_pos, out.val_pos = self.pos(ev), {}, {}
        merged = []

        def add(key_ev, d):
            kpos = self.pos(key_ev)
            if isinstance(key_ev, yaml.ScalarEvent) and key_ev.value == "<<" and not key_ev.style and \
                    key_ev.tag in (None, _STANDARD + "merge"):
                self.charge(1, key_ev)
                vev = self.loader.get_event()
                src = self.node(vev, d)
                for one in (src if isinstance(src, list) else [src]):
                    if not isinstance(one, LMap):
                        raise fail("E003", T("`<<` must merge a mapping (or a list of them)"), self.pos(vev))
                    merged.append(one)
                return
            key = self.node(key_ev, d)
            if isinstance(key, (list, dict)):
                raise fail("E003", T("a mapping key must be a plain value"), kpos)
            if key in out:
                raise fail("E003", T("duplicate key '{key}' (first at line {line})", key=key,
                                     line=out.key_pos[key].line), kpos, T("remove one of the two"))
            vev = self.loader.get_event()
            out[key] = self.node(vev, d)
            out.key_pos[key], out.val_pos[key] = kpos, self.pos(vev)

        self.collection(ev, depth, yaml.MappingEndEvent, add)
        for src in merged:
            for k, v in src.items():
                if k not in out:
                    out[k] = v
                    out.key_pos[k], out.val_pos[k] = src.key_at(k), src.at(k)
        return out


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(value: str) -> str:
    """ESC, BEL, NUL and bidirectional overrides written as \\x1b, \\u202e: a spec's names and
    texts reach terminals, CSV files and answer reports, and none of them should act on those."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_STANDARD):] if tag.startswith(_STANDARD) else tag


# libyaml's most frequent problems, marked for translation (others are printed as libyaml says them)
_YAML_PROBLEMS = frozenset((
    N_("mapping values are not allowed in this context"), N_("did not find expected key"),
    N_("did not find expected ',' or ']'"), N_("did not find expected '-' indicator"),
    N_("found unexpected end of stream"), N_("found character that cannot start any token"),
    N_("did not find expected <document start>"), N_("could not find expected ':'"), N_("invalid YAML"),
))


def _problem(text: str):
    """libyaml's words, as a message that --lang translates when it is one of the frequent ones."""
    return Msg(text, {}) if text in _YAML_PROBLEMS else text


def load_text(text: str, filename: str = "<input>"):
    """Parse YAML text into LMap/LList/scalars; raise CnnError (E003/E005) on bad input."""
    if len(text) > MAX_BYTES:
        raise fail("E005", T("the file is larger than {mib} MiB", mib=MAX_BYTES // (1024 * 1024)), Pos(filename, 1, 1))
    if "\x00" in text:
        raise fail("E002", T("the file contains NUL bytes; it looks like a binary file, not a YAML spec"),
                   Pos(filename, 1, 1))
    source = shield_expressions(text)
    try:
        return _Builder(source, filename, source is not text).document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(mark, filename) if mark else Pos(filename, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit, below ours
            raise fail("E005", T("the document is nested more than {limit} levels deep", limit=MAX_DEPTH),
                       pos) from None
        line = text.splitlines()[pos.line - 1] if 0 < pos.line <= len(text.splitlines()) else ""
        hint = (T("a $expression that contains ': ' or ' #' must be quoted in YAML: key: '$a if b else c'")
                if "$" in line else
                T("check indentation, and quote values that contain ': ', '{brace}', '[' or ','", brace="{"))
        raise fail("E003", T("invalid YAML: {problem}", problem=_problem(problem)), pos, hint) from None
    except yaml.YAMLError as exc:
        raise fail("E003", T("invalid YAML: {problem}", problem=str(exc)), Pos(filename, 1, 1)) from None
    except RecursionError:
        raise fail("E005", T("the document is nested too deeply"), Pos(filename, 1, 1)) from None


def load_file(path: str | Path, display_name: str | None = None):
    """Read and parse a YAML file; missing or binary files are E001/E002 (exit 2)."""
    name = display_name or str(path)
    raw = read_capped(path, name, MAX_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("E002", T("the file is not UTF-8 text (byte 0x{byte:02x} at offset {offset})", byte=raw[exc.start],
                             offset=exc.start),
                   Pos(name, line, 1), T("cnncalc reads YAML specs saved as UTF-8")) from None
    return load_text(text, name)
