"""Every command's --help in Spanish: typer builds help texts at import, so each is run in its own
process, in English and with LANG=es_UY.UTF-8; no line of our help text may stay English. typer's
own words ("Usage:", "Options:", "Show this message and exit.", "[default: …]") are typer's."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

TYPERS_OWN = re.compile(r"^(Usage:|Options:|Commands:|Arguments:|\s*--help\s+Show this message and exit\.)")


def _help(*args, lang: str) -> str:
    env = {**os.environ, "LANGUAGE": "", "LC_ALL": "", "LANG": lang, "COLUMNS": "100"}
    p = subprocess.run([sys.executable, "-m", "cnncalc", *args, "--help"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    return p.stdout


def _commands() -> list:
    text = _help(lang="C.UTF-8")
    block = text.split("Commands:", 1)[1]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ") and line.split()]


COMMANDS = _commands()


OPTION = re.compile(r"^\s+(-\w, )?--[\w-]+( / --[\w-]+)?( <[^>]*>| [A-Z][A-Z_.=]*)?")


def _words(line: str) -> str:
    """The prose of a help line: letters only, without the option and its choices or metavar, nor
    typer's [default: …] and [x>=1] notes."""
    line = re.sub(r"\[[^\]]*\]", "", OPTION.sub("", line))
    return " ".join(re.findall(r"[A-Za-zÀ-ÿ]{4,}", line))


def test_every_command_is_listed():
    assert {"summarize", "check", "convolve", "pooling", "exercise", "verify"} <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_spanish(command):
    args = (command,) if command else ()
    english = _help(*args, lang="C.UTF-8").splitlines()
    spanish = set(_help(*args, lang="es_UY.UTF-8").splitlines())
    left = [ln for ln in english if len(_words(ln).split()) >= 3 and not TYPERS_OWN.match(ln) and ln in spanish]
    assert not left, f"`cnncalc {command} --help` still English in these lines: {left}"
