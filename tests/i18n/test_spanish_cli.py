"""`--lang es` and the locale: the command line, its tables and its diagnostics in Spanish (issue 13).

The Spanish expected here is read from the package's own catalogue (the compiled .mo), so a test
checks that the command prints what the catalogue says and that the English is gone; the numbers
are the ones of the course's AlexNet (seed 002_5d5c09489cd87331.txt: conv1 35K params, 105M MACs;
conv2 307K, 223M; seed 000_9af42e0fbabdecbd.txt: conv1 output 55 x 55 x 96) in both languages.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cnncalc import i18n

ROOT = Path(__file__).resolve().parents[2]
SPANISH = gettext.translation(i18n.DOMAIN, i18n.locale_dir(), languages=["es"])
HEADINGS = ("Layer", "Type", "Output shape", "Params")
TOTALS = ("Total params (incl. non-trainable)", "Trainable params", "Non-trainable params (buffers)")


def es(text: str) -> str:
    """The catalogue's Spanish for an English text; fails when it has none."""
    spanish = SPANISH.gettext(text)
    assert spanish != text or text in ("error", "MACs", "FLOPs"), f"no Spanish for {text!r}"
    return spanish


def words(text: str) -> str:
    """Whitespace collapsed (typer wraps help texts at the terminal's width)."""
    return " ".join(text.split())


def numbers(text: str) -> list:
    return re.findall(r"\d[\d,.]*", text)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


def run_cnncalc(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The console script's code path (cnncalc.entry.run) in a fresh process with this locale only."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(env, PYTHONPATH=str(ROOT), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "cnncalc", *args], capture_output=True, text=True, env=environ,
                          cwd=ROOT, timeout=60)


def test_summarize_in_spanish_has_the_catalogues_headings_and_totals_and_the_same_numbers(cli):
    english, spanish = cli("summarize", "alexnet"), cli("summarize", "alexnet", "--lang", "es")
    assert spanish.code == english.code == 0
    header = spanish.out.splitlines()[2]
    for text in HEADINGS:
        assert es(text) in header and text not in header
    for text in TOTALS:
        assert es(text) in spanish.out and text not in spanish.out
    assert es("Parameter memory ({dtype})").format(dtype="float32") in spanish.out
    assert es("{name} — input {shape} ({layout})").format(name="alexnet", shape="3×227×227", layout="C×H×W") \
        in spanish.out
    assert numbers(spanish.out) == numbers(english.out)
    conv1 = next(line.split() for line in spanish.out.splitlines() if line.split()[:1] == ["conv1"])
    conv2 = next(line.split() for line in spanish.out.splitlines() if line.split()[:1] == ["conv2"])
    assert conv1[2:] == ["96×55×55", "34,944", "105,415,200"]
    assert conv2[2:] == ["256×27×27", "307,456", "223,948,800"]


def test_lang_is_read_anywhere_before_a_double_dash_and_in_locale_form(cli):
    before, after, joined = (cli("--lang", "es", "summarize", "alexnet"), cli("summarize", "alexnet", "--lang=es"),
                             cli("summarize", "alexnet", "--lang", "es_UY"))
    assert before.out == after.out == joined.out
    assert es("Total params (incl. non-trainable)") in before.out
    assert i18n.take_language(["summarize", "--", "--lang", "es"]) == (None, ["summarize", "--", "--lang", "es"])
    assert i18n.take_language(["--lang=ES-uy", "list"]) == ("es", ["list"])


def test_validate_line_in_spanish(cli):
    res = cli("validate", "alexnet", "--lang", "es")
    params = es("{params} params (all trainable)").format(params="60,965,224")
    assert res.code == 0
    assert res.out == es("{spec}: valid — {n} layers, output {output}, {params}, {macs} MACs").format(
        spec="alexnet", n=24, output="1000", params=params, macs="724,406,816") + "\n"


def test_explain_labels_in_spanish_with_the_same_formulas(cli):
    english, spanish = cli("explain", "alexnet", "conv1"), cli("explain", "alexnet", "conv1", "--lang", "es")
    lines = spanish.out.splitlines()
    assert lines[1].split()[:2] == [es("input"), "3×227×227"]
    assert lines[2].split() == [es("output"), "96×55×55"]
    params = next(line for line in lines if line.split()[:1] == [es("params")])
    assert params.split()[1:] == ["(11·11·3)·96", "+", "96", "=", "34,944"]
    assert numbers(spanish.out) == numbers(english.out)


@pytest.mark.parametrize("value", ["fr", "klingon"])
def test_a_language_cnncalc_does_not_speak_is_an_option_error(cli, value):
    res = cli("summarize", "alexnet", "--lang", value)
    assert res.code == 2
    assert res.err.startswith(f"--lang: error[E004]: '{value}' is not a language cnncalc speaks\n")
    assert "choose from en, es" in res.err
    assert res.out == ""


def test_lang_without_a_value_is_an_option_error(cli):
    res = cli("list", "--lang")
    assert res.code == 2
    assert res.err.startswith("--lang: error[E004]: --lang needs a value: en, es\n")


def test_json_keeps_english_keys_and_translates_messages(cli):
    english = json.loads(cli("summarize", "alexnet", "--format", "json").out)
    assert json.loads(cli("summarize", "alexnet", "--format", "json", "--lang", "es").out) == english
    res = cli("summarize", "alexnet", "--columns", "nope", "--format", "json", "--lang", "es")
    failure, english_failure = json.loads(res.out), json.loads(cli("summarize", "alexnet", "--columns", "nope",
                                                                   "--format", "json").out)
    assert res.code == 2
    assert failure.keys() == english_failure.keys()
    (error,), (english_error,) = failure["errors"], english_failure["errors"]
    assert error.keys() == english_error.keys()
    assert (error["code"], error["slug"], error["severity"], error["option"]) == (
        "E004", "bad-cli-argument", "error", "--columns")
    assert error["message"] == es("unknown column '{column}'").format(column="nope") != english_error["message"]
    assert error["hint"] == es("choose from {columns}, all").format(columns="kernel, input, trainable, memory, rf")


def test_an_error_spec_in_spanish_says_error_code_and_sugerencia(cli, spec_file):
    """The channel mismatch of tests/test_diagnostics.py (add of 8 and 3 channels, line 5), in Spanish:
    the E203 message comes from the op (cnncalc/ops/merge.py), translated by its own catalogue fragment."""
    from cnncalc.analysis import analyze
    from cnncalc.pipeline import load

    path = spec_file("name: t\ninput: [3, 32, 32]\nlayers:\n"
                     "  - {type: conv2d, name: a, out_channels: 8, kernel_size: 1}\n"
                     "  - {type: add, inputs: [a, input]}\n")
    (english,) = [d for d in analyze(load(path)).diagnostics if d.code == "E203"]
    res = cli("validate", path, "--lang", "es")
    assert res.code == 1
    first, hint = res.err.splitlines()[:2]
    assert re.match(re.escape(path) + r":5:\d+: error\[E203\]: ", first)
    assert hint.startswith("    " + es("hint") + ": ")
    i18n.set_language("es")
    assert res.err.startswith(english.format() + "\n")  # the analysis's message, said through the catalogue
    assert i18n.tr(english.message) != english.message, "E203's message has no Spanish translation"
    assert i18n.tr(english.hint) != english.hint, "E203's hint has no Spanish translation"


def test_the_locale_chooses_spanish_for_output_and_help():
    table = run_cnncalc("summarize", "alexnet", LANG="es_UY.UTF-8")
    assert table.returncode == 0, table.stderr
    assert es("Total params (incl. non-trainable)") in table.stdout
    assert "Total params" not in table.stdout
    shown = words(run_cnncalc("--help", LANG="es_UY.UTF-8").stdout)
    assert words(es("Print the version and exit.")) in shown
    assert words(es("Language of the output: en or es, anywhere on the command line (default: the locale, e.g. "
                    "LANG=es_UY.UTF-8).")) in shown
    assert "Print the version and exit." not in shown
    summarize_help = words(run_cnncalc("summarize", "--help", LANG="es_UY.UTF-8").stdout)
    assert words(es("Batch size for activation memory.")) in summarize_help


def test_lang_en_overrides_a_spanish_locale(cli):
    forced = run_cnncalc("summarize", "alexnet", "--lang", "en", LANG="es_UY.UTF-8")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == cli("summarize", "alexnet").out
    assert "Total params (incl. non-trainable)" in forced.stdout


def test_help_lists_lang(cli):
    res = cli("--help")
    assert res.code == 0
    assert "--lang LANG" in res.out
