"""Shared test helpers: run the CLI in-process, and the --update-golden switch."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
os.environ["LANGUAGE"] = "en"  # every test runs in English whatever the developer's locale (LANG=es_UY.UTF-8)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output instead of comparing")


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli('summarize', 'alexnet') -> Result(code, out, err), exactly as the console script runs."""
    from cnncalc.cli import main

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["cnncalc", *args])
        code = 0
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def golden(request):
    """golden('alexnet.table.txt', text): compare with (or, with --update-golden, rewrite) the file."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden to create it")
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path}; if the change is intended, run pytest --update-golden"

    return check


@pytest.fixture
def spec_file(tmp_path):
    """spec_file('''yaml''') -> path of a file holding that text (dedented)."""
    import textwrap

    def make(text: str, name: str = "spec.yaml") -> str:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return str(p)

    return make
