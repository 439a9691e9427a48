"""`$expressions` inside specs: block arguments, repeat indices and input-dependent sizes.

A string value that starts with `$` is an expression (`$planes * 4`,
`$2 if i == 0 else 1`, `$in_channels // 2`); `${...}` inside a longer string is
interpolated (`"denselayer${i + 1}"`). Expressions are parsed with `ast` and evaluated
by a small whitelist interpreter: integers, booleans, strings, arithmetic with `//`
(never `/`, sizes stay exact integers), comparisons, `and/or/not`, `a if c else b`,
and `min`, `max`, `abs`. There is no attribute access, no call of anything else.

Names that are not known when a block is expanded but describe the layer's input
(`in_channels`, `in_length`, `in_depth`, `in_height`, `in_width`, `in_features`) make the value *deferred*:
it is evaluated by the analysis once the input shape is known. That is how a
DenseNet transition says "half the channels it receives".
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import Pos, fail

SHAPE_NAMES = ("in_channels", "in_length", "in_depth", "in_height", "in_width", "in_features")
MAX_INT_BITS = 256  # beyond this no size is meaningful; fail instead of computing forever

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
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
_FUNCS = {"min": min, "max": max, "abs": abs}
_INTERP = re.compile(r"\$\{([^}]*)\}")


class Unbound(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Expr:
    text: str
    pos: Pos
    tree: ast.AST = field(compare=False, repr=False)


@dataclass(frozen=True)
class Template:
    """A string with `${...}` parts; each part is an Expr."""

    parts: tuple  # str | Expr
    pos: Pos


@dataclass(frozen=True)
class Deferred:
    """An expression waiting for the layer's input shape (see SHAPE_NAMES)."""

    expr: Expr
    env: MappingProxyType

    def resolve(self, shape_env: dict):
        return evaluate(self.expr, {**self.env, **shape_env})


def _parse(text: str, pos: Pos) -> Expr:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise fail("E110", f"cannot parse expression '{text.strip()}': {exc.msg}", pos,
                   "expressions use Python syntax: $planes * 4, $2 if i == 0 else 1") from None
    return Expr(text.strip(), pos, tree.body)


def parse_value(value, pos: Pos):
    """Turn `$...` strings into Expr/Template; leave every other value alone."""
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
    return isinstance(value, (Expr, Template))


def substitute(value, env: dict):
    """Evaluate Expr/Template with env; a missing shape name defers the value."""
    if isinstance(value, Expr):
        try:
            return evaluate(value, env)
        except Unbound as exc:
            if exc.name in SHAPE_NAMES:
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
        return [substitute(v, env) for v in value]
    return value


def _unknown_name(name: str, expr: Expr, env: dict):
    from .errors import did_you_mean

    known = sorted(k for k in env if not k.startswith("_"))
    hint = did_you_mean(name, known) or (
        f"names available here: {', '.join(known)}" if known else "no block arguments are defined here")
    return fail("E110", f"unknown name '{name}' in expression '{expr.text}'", expr.pos, hint)


def evaluate(expr: Expr, env: dict):
    try:
        return _eval(expr.tree, env, expr)
    except Unbound:
        raise
    except ZeroDivisionError:
        raise fail("E110", f"division by zero in '{expr.text}'", expr.pos) from None
    except RecursionError:
        raise fail("E110", f"expression '{expr.text}' is nested too deeply", expr.pos) from None
    except TypeError as exc:
        raise fail("E110", f"cannot evaluate '{expr.text}': {exc}", expr.pos) from None


def _check_int(v, expr: Expr):
    if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
        raise fail("E303", f"expression '{expr.text}' gives a number with more than {MAX_INT_BITS} bits",
                   expr.pos, "sizes and counts must be reasonable integers")
    return v


def _eval(node, env, expr: Expr):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float, str, bool)) or node.value is None:
            return node.value
    elif isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id not in env:
            raise Unbound(node.id)
        return env[node.id]
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _eval(node.left, env, expr), _eval(node.right, env, expr)
        if isinstance(node.op, ast.Pow) and isinstance(right, int) and abs(right) > MAX_INT_BITS:
            raise fail("E303", f"exponent {right} is too large in '{expr.text}'", expr.pos)
        return _check_int(_BINOPS[type(node.op)](left, right), expr)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        raise fail("E110", f"'/' is not allowed in '{expr.text}'", expr.pos,
                    "sizes are exact integers: use // for floor division")
    elif isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env, expr)
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.UAdd):
            return +v
        if isinstance(node.op, ast.Not):
            return not v
    elif isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result = True
            for v in node.values:
                result = _eval(v, env, expr)
                if not result:
                    return result
            return result
        result = False
        for v in node.values:
            result = _eval(v, env, expr)
            if result:
                return result
        return result
    elif isinstance(node, ast.Compare):
        left = _eval(node.left, env, expr)
        for op, comp in zip(node.ops, node.comparators):
            if type(op) not in _CMPOPS:
                break
            right = _eval(comp, env, expr)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        else:
            return True
    elif isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, env, expr) else node.orelse, env, expr)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS \
            and not node.keywords:
        return _FUNCS[node.func.id](*[_eval(a, env, expr) for a in node.args])
    elif isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, env, expr) for e in node.elts]
    raise fail("E110", f"'{ast.unparse(node)}' is not allowed in an expression ('{expr.text}')", expr.pos,
               "allowed: numbers, names, + - * // % **, comparisons, and/or/not, a if c else b, min/max/abs")
