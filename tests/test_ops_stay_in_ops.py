"""One op, one place: no module outside cnncalc/ops names an op or reads an op's arguments.

The check reads the source of every module of the package outside cnncalc/ops
(docstrings excluded: they may explain) and fails on
  - a string that is an op's or a rank-free spelling's name (`"conv2d"`, `'relu'`),
  - a spec fragment naming one (`{type: conv2d, …}`), or a rank-specific name anywhere
    in a string (`use conv1d`), and
  - reading an argument off a layer's bound arguments (`layer.args.groups`,
    `getattr(r.args, "groups")`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cnncalc.ops import FAMILIES, REGISTRY

PACKAGE = Path(__file__).resolve().parent.parent / "cnncalc"
NAMES = set(REGISTRY) | set(FAMILIES)
SPECIFIC = {n for n in NAMES if any(ch.isdigit() for ch in n)}  # conv2d, maxpool3d: never plain prose


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "ops" not in p.relative_to(PACKAGE).parts)


def _docstrings(tree) -> set:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def problems(source: str) -> list:
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if text in NAMES:
                found.append((node.lineno, f"names the op {text!r}"))
            for m in re.finditer(r"type:\s*([A-Za-z_][A-Za-z0-9_]*)", text):
                if m.group(1) in NAMES:
                    found.append((node.lineno, f"writes a layer of {m.group(1)!r}"))
            for name in SPECIFIC:
                if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text):
                    found.append((node.lineno, f"mentions {name!r}"))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "args":
            found.append((node.lineno, f"reads the op argument .args.{node.attr}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args \
                and isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "args":
            found.append((node.lineno, "reads an op argument with getattr(….args, …)"))
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_does_not_name_ops(path):
    found = problems(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(PACKAGE)}:{line}: {why}" for line, why in found)


def test_the_check_catches_what_it_should():
    assert problems('if r.type == "conv2d":\n    pass\n')
    assert problems('hint = f"add {{type: flatten}} before it"\n')
    assert problems('msg = "use maxpool3d here"\n')
    assert problems("g = layer.args.groups\n")
    assert problems('g = getattr(r.args, "groups", 1)\n')
    assert not problems('"""Docstrings may explain conv2d."""\nx = "the sum of every layer"\n')
