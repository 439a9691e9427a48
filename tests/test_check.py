"""`cnncalc check`: the shipped answer sheets (right and deliberately wrong) and the sheet format."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_right_sheets_exit_0(cli):
    for sheet in ("homework_alexnet.yaml", "homework_keras.yaml", "seed003_two_filters.yaml"):
        res = cli("check", str(EXAMPLES / sheet))
        assert res.code == 0, res.out + res.err
        assert "✗" not in res.out


def test_wrong_sheet_exits_1_and_names_each_wrong_answer_with_its_right_value(cli):
    res = cli("check", str(EXAMPLES / "homework_alexnet_wrong.yaml"), "--format", "json")
    assert res.code == 1
    data = json.loads(res.out)
    wrong = {(a["layer"], a["quantity"]): a for a in data["answers"] if not a["correct"]}
    assert set(wrong) == {("conv1", "params"), ("conv1", "macs"), ("pool1", "output_shape"), ("conv2", "params"),
                          ("flatten", "output_shape"), ("totals", "params")}
    assert wrong[("conv1", "params")]["expected"] == 34_944
    assert wrong[("conv1", "params")]["formula"] == "params = (11·11·3)·96 + 96 = 34,944"
    assert wrong[("conv1", "params")]["hint"] == "the biases are missing: 34,848 weights + 96 biases = 34,944"
    assert wrong[("conv2", "params")]["expected"] == 307_456
    assert "not grouped" in wrong[("conv2", "params")]["hint"]
    assert wrong[("pool1", "output_shape")]["expected"] == [96, 27, 27]
    assert wrong[("flatten", "output_shape")]["expected"] == [9216]
    assert wrong[("totals", "params")]["expected"] == 60_965_224
    assert data["score"] == {"right": 3, "total": 9}


def test_text_output_shows_score_and_formula(cli):
    res = cli("check", str(EXAMPLES / "homework_alexnet_wrong.yaml"))
    assert "✗ conv1 params          34,848  → right: 34,944   (line 8)" in res.out
    assert "O_h = O_w = ⌊(55 − 3 + 2·0)/2⌋ + 1 = 27" in res.out
    assert res.out.rstrip().endswith("Score: 3/9 (33%) — not all answers are right")


def test_sheet_errors_point_at_the_line(cli, spec_file):
    path = spec_file("""
model: alexnet
answers:
  conv1: {params: 34944, parms: 1}
  convv1: {params: 1}
""", "sheet.yaml")
    res = cli("check", path)
    assert res.code == 2  # a sheet that cannot be graded is unusable input, not wrong answers
    assert f"{path}:3:26: error[E102]: 'parms' is not something cnncalc grades" in res.err
    assert f"{path}:4:3: error[E106]: no layer or block row named 'convv1' in alexnet" in res.err


def test_layout_chw_and_list_shapes(cli, spec_file):
    path = spec_file("""
model: alexnet
layout: chw
answers:
  conv1: {output_shape: 96x55x55}
  pool1: {output_shape: [96, 27, 27]}
""", "sheet.yaml")
    assert cli("check", path).code == 0


# -- which files `model:` may name (issue 11, class 7) -----------------------------------------------
TINY = "name: tiny\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 3}\n"
SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::\n"


def _sheet(folder: Path, model: str) -> str:
    (folder / "sheets").mkdir(exist_ok=True)
    path = folder / "sheets" / "sheet.yaml"
    path.write_text(f"model: {model}\nanswers:\n  totals: {{params: 112}}\n", encoding="utf-8")
    return str(path)


def test_a_file_outside_the_sheets_folder_is_refused_unread(cli, tmp_path):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "shadow").write_text(SECRET)
    for model in ("../private/shadow", str(tmp_path / "private" / "shadow")):
        path = _sheet(tmp_path, model)
        res = cli("check", path)
        assert res.code == 2
        assert res.err.splitlines()[0] == (f"{path}:1:8: error[E002]: cnncalc does not read {model}: it is outside "
                                           f"the sheet's folder")
        assert "SECRETHASH" not in res.out + res.err


def test_a_symlink_leading_out_is_refused(cli, tmp_path):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "shadow").write_text(SECRET)
    path = _sheet(tmp_path, "model.yaml")
    (tmp_path / "sheets" / "model.yaml").symlink_to(tmp_path / "private" / "shadow")
    res = cli("check", path)
    assert res.code == 2
    assert "error[E002]: cnncalc does not read model.yaml: it leads outside the sheet's folder" in res.err
    assert "SECRETHASH" not in res.out + res.err


def test_models_dir_allows_a_folder_and_must_be_one(cli, tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny.yaml").write_text(TINY)
    path = _sheet(tmp_path, "../models/tiny.yaml")
    assert cli("check", path).code == 2
    res = cli("check", path, "--models-dir", str(tmp_path / "models"))
    assert res.code == 0, res.err
    assert "✓ totals params  112" in res.out
    res = cli("check", path, "--models-dir", str(tmp_path / "nowhere"))
    assert res.code == 2
    assert f"--models-dir: error[E004]: {tmp_path / 'nowhere'} is not a directory" in res.err


def test_grade_takes_the_allowed_folders(tmp_path):
    from cnncalc.grading import grade

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny.yaml").write_text(TINY)
    g = grade(_sheet(tmp_path, "../models/tiny.yaml"), models_dirs=(str(tmp_path / "models"),))
    assert (g.model, g.right, g.total) == ("tiny", 1, 1)


def test_a_spec_beside_the_sheet_and_a_bundled_path_still_work(cli, tmp_path):
    from cnncalc.zoo import architectures_dir

    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "tiny.yaml").write_text(TINY)
    assert cli("check", _sheet(tmp_path, "tiny.yaml")).code == 0
    res = cli("check", _sheet(tmp_path, str(architectures_dir() / "alexnet.yaml")))
    assert res.code == 1 and "right: 60,965,224" in res.out


def test_a_file_that_is_not_a_spec_is_one_error_at_model_without_its_content(cli, tmp_path):
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "shadow").write_text(SECRET)
    (tmp_path / "sheets" / "keys.yaml").write_text("password: SECRETHASH\nuser: SECRETHASH\n" + TINY)
    for model, problem in (("shadow", "1 top-level key that a spec does not have (line 1)"),
                           ("keys.yaml", "2 top-level keys that a spec does not have (line 1)")):
        path = _sheet(tmp_path, model)
        res = cli("check", path)
        assert res.code == 2
        assert res.err.splitlines()[0] == f"{path}:1:8: error[E111]: {model} is not a cnncalc spec: {problem}"
        assert len([line for line in res.err.splitlines() if "error[" in line]) == 1
        assert "SECRETHASH" not in res.out + res.err and "password" not in res.err


def test_a_directory_is_refused(cli, tmp_path):
    (tmp_path / "sheets" / "sub").mkdir(parents=True)
    path = _sheet(tmp_path, "sub")
    res = cli("check", path)
    assert res.code == 2
    assert f"{path}:1:8: error[E002]: sub is a directory, not a spec file; cnncalc does not read it" in res.err


def test_a_bundled_name_never_reads_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alexnet").write_text(SECRET)
    (tmp_path / "secret.yaml").write_text(SECRET)
    res = cli("check", _sheet(tmp_path, "alexnet"))
    assert res.code == 1 and "answers for alexnet" in res.out
    res = cli("check", _sheet(tmp_path, "secret.yaml"))
    assert res.code == 2
    assert "error[E001]: no such file: secret.yaml (a path in `model:` is read from the sheet's folder)" in res.err
    assert "SECRETHASH" not in res.out + res.err
