"""Nothing lost: no command writes to what it reads; --output is written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path


def test_output_is_written_and_input_untouched(cli, spec_file, tmp_path):
    spec = spec_file("name: t\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 3}\n")
    before = Path(spec).read_bytes()
    out = tmp_path / "summary.json"
    res = cli("summarize", spec, "--format", "json", "--output", str(out))
    assert res.code == 0 and res.out == ""
    assert json.loads(out.read_text())["totals"]["params"] == 3 * 9 * 4 + 4
    assert Path(spec).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left behind


def test_output_never_replaces_the_input(cli, spec_file):
    spec = spec_file("name: t\ninput: [3, 8, 8]\nlayers:\n  - relu\n")
    before = Path(spec).read_bytes()
    res = cli("summarize", spec, "--format", "json", "--output", spec)
    assert res.code == 2
    assert "is an input file; cnncalc never overwrites its inputs" in res.err
    assert Path(spec).read_bytes() == before


def test_every_command_leaves_its_inputs_alone(cli, tmp_path):
    sheet = Path(__file__).resolve().parent.parent.parent / "examples" / "homework_alexnet.yaml"
    copy = tmp_path / "sheet.yaml"
    copy.write_bytes(sheet.read_bytes())
    stat = os.stat(copy)
    for args in (["check", str(copy)], ["check", str(copy), "--format", "json"]):
        cli(*args)
    assert os.stat(copy).st_mtime_ns == stat.st_mtime_ns and copy.read_bytes() == sheet.read_bytes()
