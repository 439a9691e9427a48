"""Every code of the error catalogue has an example in docs/errors.md, and each example,
run now, gives that code, its exit code and the output the document shows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cnncalc.errors import CATALOGUE, EXIT_OK

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_errors", ROOT / "docs" / "make_errors.py")
make_errors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_errors)
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")


def test_every_code_has_an_example():
    assert set(make_errors.EXAMPLES) == set(CATALOGUE)


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_example_gives_its_code(code, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kind, text, _ = make_errors.EXAMPLES[code]
    if kind == "absent":  # the example runs where that optional package is not installed
        monkeypatch.setitem(sys.modules, text, None)
    res = cli(*make_errors.prepare(code, tmp_path))
    assert f"[{code}]" in res.err
    assert res.code == CATALOGUE[code].exit_code if code[0] == "E" else res.code == EXIT_OK
    section = DOC.split(f"## {code} ", 1)[1].split("\n## ", 1)[0]
    for line in (res.err + res.out).strip().splitlines():
        assert line.rstrip() in section, f"docs/errors.md is stale for {code}: run python docs/make_errors.py"
