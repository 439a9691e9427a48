"""`cnncalc exercise` on the command line: -o DIR writes the statement, the blank sheet and the key;
it never overwrites a set without --force; bad option values exit 2 naming the option."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FILES = ("exercise.md", "sheet.yaml", "key.yaml")


def _read(folder) -> dict:
    return {name: (folder / name).read_bytes() for name in FILES}


def test_output_dir_gets_the_three_files_and_the_key_grades_full_marks(cli, tmp_path):
    res = cli("exercise", "--seed", "21", "--difficulty", "hard", "-o", str(tmp_path / "set"))
    assert (res.code, res.out, res.err) == (0, "", "")
    files = _read(tmp_path / "set")
    assert files["exercise.md"].startswith(b"# Exercise 21 (hard)\n")
    questions = [line for line in files["exercise.md"].decode().splitlines() if line[:1].isdigit()]
    check = cli("check", str(tmp_path / "set" / "key.yaml"))
    assert check.code == 0, check.out + check.err
    assert check.out.rstrip().endswith(f"Score: {len(questions)}/{len(questions)} (100%)")
    assert files["sheet.yaml"].count(b": null") == len(questions)


def test_the_same_seed_writes_the_same_bytes_in_another_process(tmp_path):
    """Byte for byte across processes, whatever the hash seed (no set or dict order leaks in)."""
    for run, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "cnncalc", "exercise", "--seed", "8", "--difficulty", "medium",
                        "--topic", "sizes,rf", "-o", str(tmp_path / run)], cwd=ROOT, env=env, check=True)
    assert _read(tmp_path / "a") == _read(tmp_path / "b")


def test_other_seeds_write_other_files(cli, tmp_path):
    for seed in ("1", "2"):
        assert cli("exercise", "--seed", seed, "-o", str(tmp_path / seed)).code == 0
    a, b = _read(tmp_path / "1"), _read(tmp_path / "2")
    assert all(a[name] != b[name] for name in FILES)


def test_without_output_the_statement_is_printed_and_nothing_written(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = cli("exercise", "--seed", "5", "--difficulty", "easy", "--layout", "chw")
    assert res.code == 0 and res.err == ""
    assert res.out.startswith("# Exercise 5 (easy)\n") and "## Questions" in res.out
    assert "(C×H×W)" in res.out and "Made with `cnncalc exercise --seed 5 --difficulty easy" in res.out
    assert list(tmp_path.iterdir()) == []


def test_an_existing_set_is_not_overwritten_without_force(cli, tmp_path):
    folder = tmp_path / "set"
    assert cli("exercise", "--seed", "1", "-o", str(folder)).code == 0
    (folder / "key.yaml").write_text("my edited key\n", encoding="utf-8")
    before = _read(folder)
    res = cli("exercise", "--seed", "2", "-o", str(folder))
    assert res.code == 2
    assert res.err.startswith(f"--output: error[E004]: {folder / 'exercise.md'}, {folder / 'sheet.yaml'}, "
                              f"{folder / 'key.yaml'} already exist; cnncalc does not overwrite an exercise set")
    assert "hint: add --force to replace them, or choose another folder" in res.err
    assert _read(folder) == before  # not one of the three was touched
    assert cli("exercise", "--seed", "2", "-o", str(folder), "--force").code == 0
    assert (folder / "key.yaml").read_text(encoding="utf-8").startswith("# Answer key of exercise 2 ")


def test_output_must_be_a_folder(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x", encoding="utf-8")
    res = cli("exercise", "-o", str(path))
    assert res.code == 2
    assert res.err.startswith(f"--output: error[E004]: {path} is not a directory; --output names the folder")


def test_questions_limits_the_statement_and_the_sheets(cli, tmp_path):
    assert cli("exercise", "--seed", "3", "--difficulty", "hard", "--questions", "4", "-o", str(tmp_path)).code == 0
    statement = (tmp_path / "exercise.md").read_text(encoding="utf-8")
    assert [line[:2] for line in statement.splitlines() if line[:1].isdigit()] == ["1.", "2.", "3.", "4."]
    assert "--questions 4`" in statement
    check = cli("check", str(tmp_path / "key.yaml"))
    assert check.code == 0 and "Score: 4/4 (100%)" in check.out


@pytest.mark.parametrize("args, option, message", [
    (("--difficulty", "extreme"), "--difficulty", "'extreme' is not one of 'easy', 'medium', 'hard'"),
    (("--topic", "sizes,flops"), "--topic", "unknown topic 'flops'"),
    (("--layout", "whc"), "--layout", "'whc' is not one of 'chw', 'hwc'"),
    (("--questions", "0"), "--questions", "0 is not in the range x>=1"),
    (("--seed", "-1"), "--seed", "-1 is not in the range x>=0"),
    (("--seed", "seven"), "--seed", "Invalid value for '--seed': 'seven' is not a valid int range"),
])
def test_bad_option_values_exit_2_naming_the_option(cli, tmp_path, args, option, message):
    res = cli("exercise", *args, "-o", str(tmp_path / "set"))
    assert res.code == 2
    assert option in res.err and message in res.err, res.err
    assert "Traceback" not in res.err
    assert not (tmp_path / "set").exists()


def test_help_says_what_output_writes(cli):
    res = cli("exercise", "--help")
    text = " ".join(res.out.split())
    assert res.code == 0
    assert "Write DIR/exercise.md (the statement), DIR/sheet.yaml (the blank answer sheet) and DIR/key.yaml" in text
    assert "without it the statement is printed" in text
