"""`cnncalc check` of a whole class (cnncalc/classroom.py): several sheets, or a folder, in one process.

The right answers are AlexNet's from the course slides (seed 000, /work/shared/seeds/000_*.txt, the
AlexNet table: conv1 55×55×96, pool1 27×27×96, conv2 27×27×256, pool2 13×13×256, pool5 6×6×256) and
its first convolution's parameters, (11·11·3)·96 + 96 = 34,944 (PyTorch: nn.Conv2d(3, 96, 11, 4));
the usual wrong one leaves the biases out, 11·11·3·96 = 34,848.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

RIGHT = """model: alexnet
answers:
  conv1: {output_shape: 55x55x96, params: 34944}
  pool1: {output_shape: 27x27x96}
  pool5: {output_shape: 6x6x256}
"""
WRONG = """model: alexnet
answers:
  conv1: {params: 34848}
  conv2: {output_shape: 27x27x256}
  pool2: {output_shape: 13x13x256}
"""
BROKEN_YAML = "model: alexnet\nanswers: [\n"  # the sequence is never closed: E003 at line 3, column 1
UNKNOWN_MODEL = "model: alexnett\nanswers:\n  conv1: {params: 34944}\n"
SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::\n"


def _class(folder: Path, **sheets) -> list:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in sheets.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def _row(out: str, sheet: str) -> str:
    return next(line for line in out.splitlines() if line.lstrip().startswith(sheet + " "))


@pytest.fixture
def room(tmp_path):
    """A class folder: one sheet fully right, one 2/3 right, one not YAML, one naming no model."""
    return tmp_path / "class", _class(tmp_path / "class", **{"a_right.yaml": RIGHT, "b_wrong.yaml": WRONG,
                                                             "c_broken.yaml": BROKEN_YAML,
                                                             "d_unknown.yml": UNKNOWN_MODEL})


def test_the_class_table_has_each_sheets_score_wrong_answers_or_reason(cli, room):
    folder, (right, wrong, broken, unknown) = room
    res = cli("check", str(folder))
    assert res.code == 2  # the worst sheet decides: one could not be graded
    assert _row(res.out, right).split()[1:] == ["alexnet", "4/4", "100%"]
    assert _row(res.out, wrong).split()[1:] == ["alexnet", "2/3", "67%", "conv1.params"]
    assert _row(res.out, broken).split(None, 1)[1].split() == [
        "—", "—", "—", f"{broken}:3:1:", "error[E003]:", "invalid", "YAML:", "did", "not", "find", "expected",
        "node", "content"]
    assert f"{unknown}:1:8: error[E001]: 'alexnett' is neither a bundled model nor a file" in _row(res.out, unknown)
    # mean of 5/5 and 2/3 = 5/6 = 83.3 %
    assert res.out.rstrip().splitlines()[-1] == (
        "4 sheet(s): 1 passed (every answer right), 1 with wrong answers, 2 could not be graded; "
        "mean score 83.3% over 2 graded")
    assert f"{broken}:3:1: error[E003]" in res.err and f"{unknown}:1:8: error[E001]" in res.err


def test_exit_codes_the_worst_sheet_wins(cli, room):
    _, (right, wrong, broken, _) = room
    assert cli("check", right, right).code == 0
    assert cli("check", right, wrong).code == 1
    assert cli("check", right, wrong, broken).code == 2
    assert cli("check", broken, right).code == 2


def test_json_gradebook(cli, room):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    folder, (right, wrong, broken, unknown) = room
    res = cli("check", str(folder), "--format", "json")
    data = json.loads(res.out)
    schema = json.loads(files("cnncalc.schema").joinpath("cnncalc.schema.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert res.code == 2 and data["command"] == "check" and data["ok"] is False
    assert data["summary"] == {"sheets": 4, "graded": 2, "passed": 1, "wrong": 1, "ungradable": 2,
                               "mean_percent": 83.33}
    rows = {s["sheet"]: s for s in data["sheets"]}
    assert list(rows) == [right, wrong, broken, unknown]
    assert (rows[right]["status"], rows[right]["score"], rows[right]["percent"]) == ("passed", {"right": 4,
                                                                                               "total": 4}, 100.0)
    assert (rows[wrong]["status"], rows[wrong]["score"], rows[wrong]["percent"], rows[wrong]["wrong"]) == (
        "wrong", {"right": 2, "total": 3}, 66.67, ["conv1.params"])
    conv1 = next(a for a in rows[wrong]["answers"] if a["layer"] == "conv1")
    assert (conv1["answer"], conv1["expected"], conv1["line"]) == (34848, 34944, 3)
    assert rows[broken]["status"] == "ungradable" and rows[broken]["score"] is None
    assert [(e["code"], e["file"], e["line"], e["column"]) for e in rows[broken]["errors"]] == [
        ("E003", broken, 3, 1)]
    assert [e["code"] for e in data["errors"]] == ["E003", "E001"]  # the envelope's: every ungradable sheet's


def test_csv_gradebook(cli, room):
    folder, (right, wrong, broken, unknown) = room
    res = cli("check", str(folder), "-f", "csv")
    assert res.code == 2
    rows = list(csv.DictReader(io.StringIO(res.out)))
    assert list(rows[0]) == ["sheet", "status", "model", "right", "total", "percent", "wrong", "error"]
    assert [r["sheet"] for r in rows] == [right, wrong, broken, unknown]
    assert [(r["status"], r["right"], r["total"], r["percent"], r["wrong"]) for r in rows[:2]] == [
        ("passed", "4", "4", "100.00", ""), ("wrong", "2", "3", "66.67", "conv1.params")]
    assert rows[2]["error"].startswith(f"{broken}:3:1: error[E003]: invalid YAML") and rows[2]["right"] == ""
    assert rows[3]["error"].startswith(f"{unknown}:1:8: error[E001]: 'alexnett'")


def test_csv_of_one_sheet_is_one_row(cli, room):
    _, (_, wrong, _, _) = room
    res = cli("check", wrong, "-f", "csv")
    assert res.code == 1
    assert [r["percent"] for r in csv.DictReader(io.StringIO(res.out))] == ["66.67"]


def test_a_folder_is_its_yaml_and_yml_files_sorted_not_recursed(cli, tmp_path):
    folder = tmp_path / "class"
    _class(folder, **{"zoe.yml": RIGHT, "ana.yaml": WRONG, "notes.txt": "not a sheet", "Bob.yaml": RIGHT})
    (folder / "late").mkdir()
    (folder / "late" / "carl.yaml").write_text(RIGHT)
    res = cli("check", str(folder), "-f", "json")
    assert [Path(s["sheet"]).name for s in json.loads(res.out)["sheets"]] == ["Bob.yaml", "ana.yaml", "zoe.yml"]
    assert res.code == 1


def test_a_hostile_folder_does_not_stop_the_class(cli, tmp_path):
    """A FIFO is refused from its stat (never opened: no writer would block the run), a symlink that
    leads outside the folder is refused unread, a directory named like a sheet is a row."""
    folder = tmp_path / "class"
    right, = _class(folder, **{"right.yaml": RIGHT})
    (tmp_path / "shadow").write_text(SECRET)
    os.symlink(tmp_path / "shadow", folder / "link.yaml")
    os.symlink(folder / "right.yaml", folder / "same.yaml")  # inside the folder: graded
    os.mkfifo(folder / "pipe.yaml")
    (folder / "dir.yaml").mkdir()
    res = cli("check", str(folder))
    assert res.code == 2
    assert "SECRETHASH" not in res.out + res.err
    assert (f"{folder / 'link.yaml'}:1:1: error[E002]: link.yaml is a symlink that leads outside {folder}; "
            f"cnncalc does not read it") in res.err
    assert f"{folder / 'pipe.yaml'}:1:1: error[E002]: {folder / 'pipe.yaml'} is a FIFO (named pipe)" in res.err
    assert f"{folder / 'dir.yaml'} is a directory" in res.err
    assert _row(res.out, str(folder / "same.yaml")).split()[1:] == ["alexnet", "4/4", "100%"]
    assert _row(res.out, right).split()[1:] == ["alexnet", "4/4", "100%"]


def test_the_sheet_cap_is_checked_before_any_sheet_is_read(cli, tmp_path, monkeypatch):
    import cnncalc.grading

    paths = _class(tmp_path / "class", **{f"s{i}.yaml": RIGHT for i in range(3)})
    read = []
    monkeypatch.setattr(cnncalc.grading, "load_file", lambda *a, **k: read.append(a) or None)
    for args in (paths, [str(tmp_path / "class")], [paths[0], str(tmp_path / "class")]):
        res = cli("check", *args, "--max-sheets", "2")
        assert res.code == 2
        assert res.err.startswith("--max-sheets: error[E004]: more than 2 answer sheets to grade; none was read\n")
    res = cli("check", *paths, "--max-sheets", "2", "-f", "json")
    assert json.loads(res.out)["errors"][0]["option"] == "--max-sheets"
    assert read == []
    monkeypatch.undo()
    assert cli("check", *paths, "--max-sheets", "3").code == 0


def test_one_sheet_prints_its_feedback_as_before(cli, room):
    _, (_, wrong, _, _) = room
    res = cli("check", wrong)
    assert res.code == 1
    assert "Sheet" not in res.out and "sheet(s)" not in res.out
    lines = res.out.splitlines()
    assert lines[0] == f"{wrong}: answers for alexnet"
    assert "  ✗ conv1 params        34,848  → right: 34,944   (line 3)" in lines
    assert lines[-1] == "Score: 2/3 (67%) — not all answers are right"


def test_details_print_each_sheets_feedback_before_the_table(cli, room):
    _, (right, wrong, broken, _) = room
    res = cli("check", right, wrong, broken, "--details")
    out = res.out
    assert out.index(f"{right}: answers for alexnet") < out.index(f"{wrong}: answers for alexnet") < out.index(
        f"{broken}: could not be graded") < out.index(" Sheet ")
    assert "  ✗ conv1 params        34,848  → right: 34,944   (line 3)" in out
    assert "params = (11·11·3)·96 + 96 = 34,944" in out  # the worked formula of the wrong answer
    assert f"  {broken}:3:1: error[E003]: invalid YAML" in out


def test_the_analysis_is_shared_by_the_sheets_of_a_model(tmp_path, monkeypatch):
    import cnncalc.grading
    from cnncalc.classroom import grade_class

    calls = []
    real = cnncalc.grading.analyze
    monkeypatch.setattr(cnncalc.grading, "analyze", lambda graph, *a, **k: calls.append(graph.name) or real(
        graph, *a, **k))
    paths = _class(tmp_path / "class", **{"a.yaml": RIGHT, "b.yaml": WRONG, "c.yaml": RIGHT,
                                          "d.yaml": "model: lenet5\nanswers:\n  totals: {params: 1}\n"})
    room = grade_class(paths)
    assert calls == ["alexnet", "lenet5"]
    assert [s.status for s in room.sheets] == ["passed", "wrong", "passed", "wrong"]
    assert room.sheets[1].score * 3 == 2


def test_a_bad_models_dir_stops_the_class_once(cli, room):
    _, (right, wrong, _, _) = room
    res = cli("check", right, wrong, "--models-dir", "/nonexistent/dir")
    assert res.code == 2
    assert [line for line in res.err.splitlines() if "error[" in line] == [
        "--models-dir: error[E004]: /nonexistent/dir is not a directory"]


def test_an_empty_folder_is_a_row_that_says_so(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    res = cli("check", str(tmp_path / "empty"))
    assert res.code == 2
    assert f"{tmp_path / 'empty'}:1:1: error[E001]: the folder {tmp_path / 'empty'} holds no answer sheets" in res.err
    assert res.out.rstrip().endswith("1 sheet(s): none could be graded")


def test_file_names_cannot_drive_the_terminal_or_a_spreadsheet(cli, tmp_path, monkeypatch):
    _class(tmp_path / "c", **{"=HYPERLINK(1).yaml": RIGHT, "red\x1b[31m.yaml": RIGHT})
    monkeypatch.chdir(tmp_path / "c")
    res = cli("check", "=HYPERLINK(1).yaml", "red\x1b[31m.yaml")
    assert res.code == 0 and "\x1b" not in res.out
    assert _row(res.out, "red\\x1b[31m.yaml").split()[1:] == ["alexnet", "4/4", "100%"]
    rows = list(csv.reader(io.StringIO(cli("check", "=HYPERLINK(1).yaml", "red\x1b[31m.yaml", "-f", "csv").out)))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1).yaml", "red\\x1b[31m.yaml"]


@pytest.fixture
def spanish():
    from cnncalc.i18n import set_language

    set_language("es")
    yield
    set_language("en")


def test_the_class_table_and_feedback_in_spanish(room, spanish):
    from cnncalc.classroom import grade_class
    from cnncalc.render.grading import class_details, print_class

    _, (right, wrong, _, _) = room
    room = grade_class([right, wrong])
    details = class_details(room)
    assert f"{wrong}: respuestas para alexnet" in details
    assert "  ✗ conv1 params        34,848  → correcto: 34,944   (línea 3)" in details
    assert "Puntuación: 2/3 (67%) — no todas las respuestas son correctas" in details
    out = io.StringIO()
    from cnncalc.render.console import Plain

    print_class(room, Plain(out))
    assert out.getvalue().splitlines()[0].split()[:3] == ["Hoja", "Modelo", "Puntuación"]
    assert out.getvalue().rstrip().splitlines()[-1] == (
        "2 hoja(s): 1 aprobada(s) (todas las respuestas correctas), 1 con respuestas incorrectas, 0 sin poder "
        "corregirse; puntuación media 83.3% de 2 corregida(s)")


def test_lang_es_on_the_command_line(cli, room):
    _, (right, wrong, broken, _) = room
    res = cli("--lang", "es", "check", right, wrong, broken)
    assert res.code == 2
    assert res.out.rstrip().splitlines()[-1].startswith("3 hoja(s): 1 aprobada(s)")
    data = json.loads(cli("--lang", "es", "check", right, wrong, "-f", "json").out)
    assert [s["status"] for s in data["sheets"]] == ["passed", "wrong"]  # values programs read stay English


def test_the_help_names_the_default_cap(cli):
    from cnncalc.classroom import MAX_SHEETS

    assert f"(default {MAX_SHEETS:,})" in " ".join(cli("check", "--help").out.split())


def test_a_row_gives_the_first_error_and_counts_the_others(cli, tmp_path):
    """The sheet of tests/test_check.py::test_sheet_errors_point_at_the_line: two errors, E102 then E106."""
    two, right = _class(tmp_path / "c", **{"two.yaml": "model: alexnet\nanswers:\n  conv1: {params: 34944, parms: 1}"
                                                       "\n  convv1: {params: 1}\n", "right.yaml": RIGHT})
    res = cli("check", two, right)
    assert res.code == 2
    assert _row(res.out, two).rstrip().endswith(f"{two}:3:26: error[E102]: 'parms' is not something cnncalc grades "
                                       "(and 1 more)")


def test_a_blank_sheet_in_json_and_spanish(cli):
    """A blank answer is wrong, written null in JSON (schema-valid), and '(en blanco)' under --lang es."""
    import json as _json

    import jsonschema
    from importlib.resources import files

    schema = _json.loads(files("cnncalc.schema").joinpath("cnncalc.schema.json").read_text(encoding="utf-8"))
    from tests.conftest import ROOT

    sheet = str(ROOT / "examples" / "exercise" / "sheet.yaml")
    res = cli("check", sheet, "-f", "json")
    data = _json.loads(res.out)
    assert res.code == 1 and data["score"] == {"right": 0, "total": 16}
    assert all(a["written"] is None and a["answer"] is None for a in data["answers"])
    jsonschema.validate(data, schema)
    es = cli("check", sheet, "--lang", "es")
    assert "  ✗ c1 output_shape     (en blanco)  → correcto: 24×24×48" in es.out
