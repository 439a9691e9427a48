"""The Spanish catalogue is complete: every marked text has a translation with the same fields,
no diagnostic is written as an unmarked literal, and the committed .mo is fresh."""

from __future__ import annotations

import ast
import importlib.util
import string
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cnncalc"
_spec = importlib.util.spec_from_file_location("make_catalogue", ROOT / "docs" / "make_catalogue.py")
make_catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_catalogue)

MARKERS = {"_", "N_", "T"}
# calls whose message/hint arguments a user reads: (function name, positions, keywords)
SHOWN = {"fail": ((1, 3), ("message", "hint")), "Diagnostic": ((1, 3, 4), ("message", "hint", "context")),
         "OpError": ((1, 2), ("message", "hint")), "warn": ((1, 2), ("message", "hint"))}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def marked_texts():
    """(file:line, text) of every literal passed to _, N_ or T."""
    found, bad = [], []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in MARKERS and node.args:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((where, first.value))
                elif _name(node.func) != "_" or isinstance(first, ast.JoinedStr):
                    bad.append(where)  # _(variable) is a lookup of a text marked elsewhere
    return found, bad


def _fields(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_markers_take_literal_templates():
    _, bad = marked_texts()
    assert not bad, f"T()/N_() need a literal template (an f-string cannot be translated): {bad}"


def test_every_marked_text_has_a_spanish_translation_with_the_same_fields():
    entries = make_catalogue.catalogue()
    missing, mismatched = [], []
    for where, text in marked_texts()[0]:
        spanish = entries.get(text)
        if not spanish:
            missing.append(f"{where}: {text!r}")
        elif _fields(spanish) != _fields(text):
            mismatched.append(f"{where}: {text!r} -> {spanish!r}")
    assert not missing, "no Spanish translation (add it to cnncalc/locale/es/*.po):\n" + "\n".join(missing)
    assert not mismatched, "the translation has other {fields}:\n" + "\n".join(mismatched)


def test_no_unused_translations():
    used = {text for _, text in marked_texts()[0]}
    stale = sorted(set(make_catalogue.catalogue()) - used)
    assert not stale, f"translations of texts the code no longer has: {stale}"


def test_the_compiled_catalogue_is_fresh():
    assert make_catalogue.MO_FILE.read_bytes() == make_catalogue.mo_bytes(make_catalogue.catalogue()), \
        "run python docs/make_catalogue.py"


def test_diagnostics_are_never_unmarked_literals():
    """A diagnostic's message, hint and context reach the user: a literal or f-string there would
    stay English under --lang es."""
    offenders = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in SHOWN):
                continue
            positions, keywords = SHOWN[_name(node.func)]
            args = [node.args[i] for i in positions if i < len(node.args)]
            args += [k.value for k in node.keywords if k.arg in keywords]
            for arg in args:
                if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                        isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    offenders.append(f"{path.relative_to(ROOT)}:{arg.lineno}")
    assert not offenders, "wrap these in T(...) (cnncalc/i18n.py):\n" + "\n".join(offenders)


@pytest.mark.parametrize("value, lang", [("es_UY.UTF-8", "es"), ("es", "es"), ("C.UTF-8", "en"), ("fr_FR", "en"),
                                         ("", "en")])
def test_the_locale_chooses_the_language(value, lang):
    from cnncalc.i18n import from_environment

    assert from_environment({"LANG": value}) == lang


def test_language_variable_lists_are_read_in_order():
    from cnncalc.i18n import from_environment

    assert from_environment({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}) == "es"
    assert from_environment({"LC_ALL": "en_GB.UTF-8", "LANG": "es_ES.UTF-8"}) == "en"
