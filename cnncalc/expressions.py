"""`$expressions` inside specs: block arguments, repeat indices and input-dependent sizes.

A string value that starts with `$` is an expression (`$planes * 4`,
`$2 if i == 0 else 1`, `$in_channels // 2`); `${...}` inside a longer string is
interpolated (`"denselayer${i + 1}"`). Expressions are parsed with `ast` and evaluated
by a small whitelist interpreter: integers, booleans, strings, lists and their items
(`depths[i]`), arithmetic, comparisons, `and/or/not`, `a if c else b`, and the functions
`min`, `max`, `abs`, `floor`, `ceil`, `len` and `make_divisible`. There is no attribute access and
no other call.

Arithmetic is exact. `/` gives a fraction, not a float (7/2 is 7/2), and a decimal
such as 1.1 (written in the spec or passed as a block argument) is 11/10. A value that
comes out whole is an int again; a size that does not is an error at its argument, so
EfficientNet's widths are written as torchvision computes them, exactly:
`make_divisible(32 * width, 8)` with `width: 1.1`.

    make_divisible(v, d=8, min=d) = max(min, ⌊v + d/2⌋ // d · d), plus d if that is below 0.9·v
        (torchvision's and TensorFlow's _make_divisible: MobileNet, EfficientNet, RegNet)

Names that are not known when a block is expanded but describe the layer's input
(`in_channels`, `in_length`, `in_depth`, `in_height`, `in_width`, `in_features`) make the
value *deferred*: it is evaluated by the analysis once the input shape is known. That is
how a DenseNet transition says "half the channels it receives".

Cost is charged before the work: literals and results are bounded in size, `**` is
refused when its result would be too large before it is computed, repeating a string
or list is bounded, and an expression has at most 1,000 characters and 500 nodes, nested at
most 50 deep.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import re
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from .errors import Pos, fail
from .i18n import Msg, T

SHAPE_NAMES = ("in_channels", "in_length", "in_depth", "in_height", "in_width", "in_features")
MAX_INT_BITS = 256  # beyond this no size is meaningful; fail instead of computing forever
MAX_ITEMS = 10_000  # length of a string or list an expression may build
MAX_NODES = 500
MAX_DEPTH = 50
MAX_TEXT = 1_000  # characters of one expression

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: lambda a, b: Fraction(a) / Fraction(b),  # exact: 7/2 is 7/2, never 3.5000000001
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_INTERP = re.compile(r"\$\{([^}]*)\}")
_MISSING = object()


def make_divisible(v, divisor=8, min_value=None):
    """torchvision's _make_divisible, in exact arithmetic (see the module docstring)."""
    v, d = Fraction(v), divisor
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise TypeError(T("make_divisible's divisor must be a whole number ≥ 1, got {divisor!r}", divisor=d))
    new_v = max(d if min_value is None else min_value, math.floor(v + Fraction(d, 2)) // d * d)
    return new_v + d if new_v < Fraction(9, 10) * v else new_v


def _minmax(fn):
    def call(*args):
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        if not values:
            raise TypeError(T("{function}() of nothing", function=fn.__name__))
        return fn(values)

    return call


def _len(value):
    if not isinstance(value, (list, str)):
        raise TypeError(T("len() needs a list or a string, got {type}", type=type(value).__name__))
    return len(value)


_FUNCS = {"min": _minmax(min), "max": _minmax(max), "abs": abs, "floor": math.floor, "ceil": math.ceil,
          "len": _len, "make_divisible": make_divisible}


class Unbound(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class LayerRef(str):
    """A block argument naming a layer outside the block (`{block: up, skip: enc4}`): the name as
    written, and the layer it named where the block was used."""

    qualified: str

    def __new__(cls, text: str, qualified: str) -> LayerRef:
        ref = super().__new__(cls, text)
        ref.qualified = qualified
        return ref


@dataclass(frozen=True)
class Expr:
    text: str
    pos: Pos
    tree: ast.AST = field(compare=False, repr=False)
    run: object = field(default=None, compare=False, repr=False)  # env -> value (_compile)

    def __str__(self) -> str:
        return f"${self.text}"  # as written in the spec


@dataclass(frozen=True)
class Template:
    """A string with `${...}` parts; each part is an Expr."""

    parts: tuple  # str | Expr
    pos: Pos

    def __str__(self) -> str:
        """As written in the spec: 'conv.${e + 2}'."""
        return "".join(f"${{{p.text}}}" if isinstance(p, Expr) else p for p in self.parts)


@dataclass(frozen=True)
class Deferred:
    """An expression waiting for an input shape (see SHAPE_NAMES).

    A layer's own argument reads that layer's input (anchor None). A block argument reads
    the block's input: its anchor names the layer whose output the block receives, and an
    expression inside the block that uses it waits with it.
    """

    expr: Expr
    env: MappingProxyType
    anchor: str | None = None

    def resolve(self, shape_env: dict, shape_env_of=None):
        """The value, given the shape names of the layer's input and, for anchored block
        arguments in the environment, shape_env_of(anchor)."""
        env = {}
        for k, v in self.env.items():
            env[k] = v.resolve(shape_env_of(v.anchor), shape_env_of) if isinstance(v, Deferred) else v
        own = shape_env_of(self.anchor) if self.anchor is not None and shape_env_of else shape_env
        return evaluate(self.expr, {**env, **own})


@functools.lru_cache(maxsize=4096)
def _parse(text: str, pos: Pos) -> Expr:
    """An Expr, parsed and compiled once per place in the spec (a block's defaults are read
    again at every use of the block: 117 times in EfficientNet-B7)."""
    if len(text) > MAX_TEXT:  # charged before parsing: a 100,000-digit literal is refused unread
        raise fail("E110", T("expression '{start}…' is {length:,} characters long (at most {limit:,})",
                             start=text.strip()[:40], length=len(text), limit=MAX_TEXT),
                   pos, T("split it over several block arguments"))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise fail("E110", T("cannot parse expression '{text}': {problem}", text=text.strip(), problem=exc.msg), pos,
                   T("expressions use Python syntax: $planes * 4, $2 if i == 0 else 1")) from None
    except (RecursionError, MemoryError):
        raise fail("E110", T("expression '{start}…' is nested too deeply", start=text.strip()[:40]), pos) from None
    except ValueError as exc:  # e.g. an integer literal of thousands of digits
        raise fail("E303", T("expression '{start}…' cannot be read: {problem}", start=text.strip()[:40],
                             problem=str(exc)), pos) from None
    count, depth = _size(tree.body)
    if count > MAX_NODES or depth > MAX_DEPTH:
        raise fail("E110", T("expression '{start}…' is too long ({count} parts, {depth} deep; at most {max_parts} "
                             "parts, {max_depth} deep)", start=text.strip()[:40], count=count, depth=depth,
                             max_parts=MAX_NODES, max_depth=MAX_DEPTH),
                   pos, T("split it over several block arguments"))
    expr = Expr(text.strip(), pos, tree.body)
    object.__setattr__(expr, "run", _compile(tree.body, expr))
    return expr


def _size(node) -> tuple:
    """(nodes, depth) of a tree, without recursion (a deep tree is refused, not a crash)."""
    count, deepest, stack = 0, 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        count, deepest = count + 1, max(deepest, d)
        if count > MAX_NODES:
            break
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(n))
    return count, deepest


def parse_value(value, pos: Pos):
    """Turn `$...` strings into Expr/Template, inside lists too; leave every other value alone."""
    if isinstance(value, list):
        at = getattr(value, "at", None)
        return [parse_value(v, at(i) if at else pos) for i, v in enumerate(value)]
    if not isinstance(value, str) or "$" not in value:
        return value
    if value.startswith("$") and not value.startswith("${"):
        return _parse(value[1:], pos)
    pieces = _INTERP.split(value)
    if len(pieces) == 3 and pieces[0] == "" and pieces[2] == "":
        return _parse(pieces[1], pos)  # exactly "${expr}": keep its type
    if len(pieces) == 1:
        return value
    parts = tuple(_parse(p, pos) if i % 2 else p for i, p in enumerate(pieces) if p or i % 2)
    return Template(parts, pos)


def is_dynamic(value) -> bool:
    if isinstance(value, list):
        return any(is_dynamic(v) for v in value)
    return isinstance(value, (Expr, Template))


def substitute(value, env: dict):
    """Evaluate Expr/Template with env; a missing shape name defers the value."""
    if isinstance(value, Expr):
        try:
            return evaluate(value, env)
        except Unbound as exc:
            if exc.name in SHAPE_NAMES or isinstance(env.get(exc.name), Deferred):
                return Deferred(value, MappingProxyType(dict(env)))
            raise _unknown_name(exc.name, value, env) from None
    if isinstance(value, Template):
        out = []
        for part in value.parts:
            if isinstance(part, Expr):
                try:
                    out.append(str(evaluate(part, env)))
                except Unbound as exc:
                    raise _unknown_name(exc.name, part, env) from None
            else:
                out.append(part)
        return "".join(out)
    if isinstance(value, list):
        items = [substitute(v, env) for v in value]
        deferred = [v for v in items if isinstance(v, Deferred)]
        if deferred:  # a list waiting for the input shape is deferred as a whole
            return Deferred(_ListExpr(value), MappingProxyType(dict(env)))
        return items
    return value


class _ListExpr:
    """A list with deferred items, evaluated as one (Deferred.resolve calls evaluate on it)."""

    def __init__(self, items: list) -> None:
        self.items = [_ListExpr(v) if isinstance(v, list) else v for v in items]  # nested lists too
        self.text = "[" + ", ".join(v.text if isinstance(v, (Expr, _ListExpr)) else str(v) for v in self.items) + "]"
        self.pos = next((v.pos for v in self.items if isinstance(v, (Expr, _ListExpr)) and v.pos is not None), None)


def _unknown_name(name: str, expr: Expr, env: dict):
    from .errors import did_you_mean

    known = sorted(k for k in env if not k.startswith("_"))
    hint = did_you_mean(name, known) or (
        T("names available here: {names}", names=", ".join(known)) if known
        else T("no block arguments are defined here"))
    return fail("E110", T("unknown name '{name}' in expression '{text}'", name=name, text=expr.text), expr.pos, hint)


def evaluate(expr, env: dict):
    if isinstance(expr, _ListExpr):
        return [evaluate(v, env) if isinstance(v, (Expr, _ListExpr)) else v for v in expr.items]
    try:
        return _whole(expr.run(env))
    except Unbound:
        raise
    except ZeroDivisionError:
        raise fail("E110", T("division by zero in '{text}'", text=expr.text), expr.pos) from None
    except RecursionError:
        raise fail("E110", T("expression '{text}' is nested too deeply", text=expr.text), expr.pos) from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise fail("E110", T("cannot evaluate '{text}': {problem}", text=expr.text, problem=message_of(exc)),
                   expr.pos) from None


def message_of(exc: Exception):
    """The message of a ValueError/TypeError to put in a diagnostic: ours carry a T() message, kept
    whole so that it is translated (str(exc) would be its English); Python's own stay plain text."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)


def _whole(v):
    """A fraction that is whole is an int; lists are normalised item by item."""
    if isinstance(v, Fraction) and v.denominator == 1:
        return int(v)
    if isinstance(v, list):
        return [_whole(x) for x in v]
    return v


def _exact(v):
    """Floats (YAML's 1.1) become the exact decimal they were written as."""
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(T("{value} is not a number an expression can use", value=v))
        return _decimal(v)
    return v


@functools.lru_cache(maxsize=1024)
def _decimal(v: float) -> Fraction:
    return Fraction(repr(v))  # 1.1 -> 11/10, as written (a spec repeats the same few decimals)


def _bits(v) -> int:
    if isinstance(v, bool):
        return 1
    if isinstance(v, int):
        return v.bit_length()
    if isinstance(v, Fraction):
        return max(v.numerator.bit_length(), v.denominator.bit_length())
    return 0


def _check(v, expr: Expr):
    if _bits(v) > MAX_INT_BITS:
        raise fail("E303", T("expression '{text}' gives a number with more than {bits} bits", text=expr.text,
                             bits=MAX_INT_BITS), expr.pos, T("sizes and counts must be reasonable integers"))
    if isinstance(v, (str, list)) and len(v) > MAX_ITEMS:
        raise fail("E303", T("expression '{text}' builds a value of {items:,} items (at most {limit:,})",
                             text=expr.text, items=len(v), limit=MAX_ITEMS), expr.pos)
    return v


def _binop(op, left, right, expr: Expr):
    """Charge the cost of an operation before doing it."""
    if isinstance(op, ast.Pow):
        if not isinstance(right, int) or isinstance(right, bool):
            raise TypeError(T("the exponent of ** must be a whole number"))
        if abs(right) > MAX_INT_BITS or _bits(left) * abs(right) > MAX_INT_BITS:
            raise fail("E303", T("'{text}' would give a number with more than {bits} bits",
                                 text=ast.unparse(expr.tree)[:60], bits=MAX_INT_BITS),
                       expr.pos, T("sizes and counts must be reasonable integers"))
    if isinstance(op, ast.Mult):
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list)) and isinstance(n, int) and len(seq) * max(n, 0) > MAX_ITEMS:
                raise fail("E303", T("'{text}' would build a value of {items:,} items (at most {limit:,})",
                                     text=expr.text, items=len(seq) * n, limit=MAX_ITEMS), expr.pos)
    if isinstance(op, ast.Mod) and isinstance(left, str):
        raise TypeError(T("% formats strings in Python; here it is only the remainder of numbers"))
    return _check(_BINOPS[type(op)](left, right), expr)


def _compile(node, expr: Expr):
    """The tree as nested closures env -> value, built once per expression: a spec such as
    EfficientNet-B7 evaluates its expressions ~2,400 times, and walking the tree each time
    cost a third of expanding it. Every budget check of the interpreter stays in the closures;
    a construct that is not allowed is refused here, before anything is evaluated."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, (int, float, str, bool)) or v is None:
            value = _check(_exact(v), expr)
            return lambda env: value
    elif isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            value = {"True": True, "False": False, "None": None}[node.id]
            return lambda env: value
        name = node.id

        def load(env):
            v = env.get(name, _MISSING)
            if v is _MISSING or isinstance(v, Deferred):
                raise Unbound(name)  # unknown, or a block argument still waiting for its input shape
            return _exact(v) if isinstance(v, float) else v

        return load
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right, op = _compile(node.left, expr), _compile(node.right, expr), node.op
        if isinstance(op, (ast.Pow, ast.Mult, ast.Mod)):
            return lambda env: _binop(op, left(env), right(env), expr)
        fn = _BINOPS[type(op)]
        return lambda env: _check(fn(left(env), right(env)), expr)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        operand = _compile(node.operand, expr)
        fn = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}[type(node.op)]
        return lambda env: fn(operand(env))
    elif isinstance(node, ast.BoolOp):
        values, is_and = [_compile(v, expr) for v in node.values], isinstance(node.op, ast.And)

        def boolean(env):
            result = is_and
            for v in values:
                result = v(env)
                if bool(result) != is_and:
                    return result
            return result

        return boolean
    elif isinstance(node, ast.Compare) and all(type(op) in _CMPOPS for op in node.ops):
        first = _compile(node.left, expr)
        rest = [(_CMPOPS[type(op)], _compile(c, expr)) for op, c in zip(node.ops, node.comparators)]

        def compare(env):
            left = first(env)
            for op, comp in rest:
                right = comp(env)
                if not op(left, right):
                    return False
                left = right
            return True

        return compare
    elif isinstance(node, ast.IfExp):
        test, body, orelse = _compile(node.test, expr), _compile(node.body, expr), _compile(node.orelse, expr)
        return lambda env: body(env) if test(env) else orelse(env)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS \
            and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
        fn, args = _FUNCS[node.func.id], [_compile(a, expr) for a in node.args]
        return lambda env: _check(fn(*[a(env) for a in args]), expr)
    elif isinstance(node, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in node.elts):
        items = [_compile(e, expr) for e in node.elts]
        return lambda env: _check([i(env) for i in items], expr)
    elif isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        seq_of, index_of = _compile(node.value, expr), _compile(node.slice, expr)

        def item(env):
            seq, index = seq_of(env), index_of(env)
            if not isinstance(seq, (list, str)) or isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(T("only a list (or a string) can be indexed, by a whole number"))
            if not -len(seq) <= index < len(seq):
                raise TypeError(T("index {index} is outside a list of {length}", index=index, length=len(seq)))
            return seq[index]

        return item
    raise fail("E110", T("'{part}' is not allowed in an expression ('{text}')", part=ast.unparse(node), text=expr.text),
               expr.pos,
               T("allowed: numbers, names, lists and list[i], + - * / // % **, comparisons, and/or/not, a if c else "
                 "b, min/max/abs/floor/ceil/len/make_divisible"))
