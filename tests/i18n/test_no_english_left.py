"""Under --lang es no diagnostic is left in English: every hostile input of tests/hostile that a
command answers in JSON is run twice in-process, in English and in Spanish, and each message, hint
and context must differ between the two (the same code, a translated text). typer's own usage
errors are covered too (cnncalc/cli/usage.py), with their English unchanged."""

from __future__ import annotations

import json

import pytest

from tests.hostile import cases_files, cases_input

JSON_COMMANDS = {"summarize", "validate", "explain", "check", "list", "ops", "conv", "pool", "linear",
                 "conv-transpose", "convolve", "pooling"}


def _in_process(case) -> bool:
    """Cases whose files are small texts and that need no special environment, stream or signal."""
    if case.env or case.stdin is not None or case.close_stdout or case.close_stderr or case.head:
        return False
    if case.interrupt_after or not case.args or case.args[0] not in JSON_COMMANDS:
        return False
    if any(a in ("--format", "-f") or a.startswith(("--format=", "--lang")) for a in case.args):
        return False
    return all(isinstance(v, str) and len(v) < 200_000 for v in case.files.values())


CASES = [c for c in cases_input.CASES + cases_files.CASES if _in_process(c)]


def _diagnostics(res) -> list:
    data = json.loads(res.out)
    return data["errors"] + data["warnings"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_diagnostic_is_translated(case, cli, tmp_path, monkeypatch):
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    en = cli(*case.args, "--format", "json")
    es = cli(*case.args, "--format", "json", "--lang", "es")
    assert en.code == es.code
    english, spanish = _diagnostics(en), _diagnostics(es)
    assert [d["code"] for d in english] == [d["code"] for d in spanish]
    left = [(key, a[key]) for a, b in zip(english, spanish) for key in ("message", "hint", "context")
            if a[key] and a[key] == b[key]]
    assert not left, f"still English under --lang es: {left}"


def test_the_corpus_gives_this_test_enough_cases():
    assert len(CASES) >= 100


USAGE = [("summarize", "alexnet", "--format", "xml"), ("summarize",), ("summarize", "alexnet", "extra"),
         ("summarize", "alexnet", "--batch"), ("summarize", "alexnet", "--frob"), ("summarize", "alexnet", "--batch",
                                                                                   "0"),
         ("summarize", "alexnet", "--batch", "x"), ("summarize", "alexnet", "--explain=3")]


@pytest.mark.parametrize("args", USAGE, ids=" ".join)
def test_typers_usage_errors_keep_their_english_and_are_translated(cli, args):
    en = cli(*args)
    (typer_line,) = [ln for ln in en.err.splitlines() if ln.startswith("Error: ")]
    assert en.code == 2
    as_json = json.loads(cli(args[0], "-f", "json", *args[1:]).out)["errors"][0]["message"]
    assert typer_line == f"Error: {as_json}"  # the JSON message is typer's text, character for character
    es = cli(*args, "--lang", "es")
    assert es.code == 2
    if en.err.startswith("Usage: "):
        assert es.err.startswith("Uso: ") and "summarize --help' para ver la ayuda." in es.err
    (spanish_line,) = [ln for ln in es.err.splitlines() if ln.startswith("Error: ")]
    assert spanish_line != typer_line
