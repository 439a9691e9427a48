"""Nothing lost: no command writes to what it reads; --output is written atomically."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from cnncalc.cli.outfile import write_output
from cnncalc.errors import CnnError


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


# -- --output safety (issue 11, class 6) ---------------------------------------------------------------
TINY = "name: t\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 3}\n"


def _temps(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _refusal(exc_info) -> str:
    (d,) = exc_info.value.diagnostics
    assert (d.code, str(d.pos)) == ("E004", "--output")
    return d.message


def test_an_existing_file_keeps_its_mode(cli, spec_file, tmp_path):
    spec = spec_file(TINY)
    out = tmp_path / "summary.json"
    for bits in (0o644, 0o600, 0o640, 0o755):
        out.write_text("old")
        out.chmod(bits)
        res = cli("summarize", spec, "--format", "json", "--output", str(out))
        assert res.code == 0, res.err
        assert stat.S_IMODE(out.stat().st_mode) == bits
        assert json.loads(out.read_text())["totals"]["params"] == 112
    assert _temps(tmp_path) == []


def test_a_new_file_gets_the_mode_open_would_give(tmp_path):
    umask = os.umask(0o027)
    try:
        write_output("x\n", tmp_path / "new.txt")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert (tmp_path / "new.txt").read_text() == "x\n"


def test_a_symlink_stays_and_its_file_is_replaced(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_output("new\n", tmp_path / "link.txt")
    assert os.readlink(tmp_path / "link.txt") == "real.txt"
    assert real.read_text() == "new\n" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_missing_folder_is_a_usage_error(cli, spec_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = cli("summarize", spec_file(TINY), "-f", "json", "-o", "missing_dir/x.json")
    assert res.code == 2
    assert "--output: error[E004]: cannot write missing_dir/x.json: directory missing_dir does not exist" in res.err
    assert not (tmp_path / "missing_dir").exists()


@pytest.mark.parametrize("make,message", [
    (lambda p: os.mkfifo(p), "target is a FIFO (named pipe), not a regular file"),
    (lambda p: p.mkdir(), "target is a directory; --output needs a file name"),
])
def test_special_files_are_refused_and_left_as_they_are(tmp_path, make, message):
    target = tmp_path / "target"
    make(target)
    before = os.lstat(target).st_mode
    with pytest.raises(CnnError) as e:
        write_output("x", target)
    assert message in _refusal(e)
    assert os.lstat(target).st_mode == before and _temps(tmp_path) == []


def test_dev_null_is_refused_with_what_to_do_instead(tmp_path):
    (tmp_path / "null").symlink_to("/dev/null")  # the real one, but only ever stat'ed
    with pytest.raises(CnnError) as e:
        write_output("x", tmp_path / "null")
    assert "is a character device, not a regular file" in _refusal(e)
    assert e.value.diagnostics[0].hint.startswith("omit --output and redirect the output instead")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_read_only_files_and_folders_are_refused(tmp_path):
    ro = tmp_path / "ro.txt"
    ro.write_text("old")
    ro.chmod(0o444)
    with pytest.raises(CnnError) as e:
        write_output("x", ro)
    assert _refusal(e) == f"{ro} is read-only; cnncalc does not replace a file it may not write"
    assert ro.read_text() == "old"
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CnnError) as e:
            write_output("x", folder / "x.txt")
        assert _refusal(e) == f"cannot write {folder / 'x.txt'}: directory {folder} is not writable"
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


def test_inputs_are_refused_by_resolved_path_and_by_inode(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(TINY)
    (tmp_path / "link.json").symlink_to("spec.yaml")
    os.link(spec, tmp_path / "hard.yaml")
    for target in ("link.json", "hard.yaml", "sub/../spec.yaml"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(CnnError) as e:
            write_output("x", tmp_path / target, (str(spec),))
        assert "is an input file; cnncalc never overwrites its inputs" in _refusal(e)
    assert spec.read_text() == TINY and _temps(tmp_path) == []


def test_every_bundled_spec_is_refused(tmp_path):
    from cnncalc.zoo import architectures_dir

    target = architectures_dir() / "alexnet.yaml"
    before, mode = target.read_bytes(), target.stat().st_mode
    try:
        with pytest.raises(CnnError) as e:
            write_output("x", target, ("vgg16",))  # not the model the command read: every bundled spec is protected
        assert _refusal(e) == f"{target} is the bundled spec alexnet.yaml; cnncalc never overwrites its bundled models"
        with pytest.raises(CnnError) as e:
            write_output("x", architectures_dir() / "new.json")
        assert "is in cnncalc's bundled models folder" in _refusal(e)
    finally:  # never leave the repository's spec damaged, even if the refusal regressed
        if target.read_bytes() != before or target.stat().st_mode != mode:
            target.write_bytes(before)
            target.chmod(stat.S_IMODE(mode))
        (architectures_dir() / "new.json").unlink(missing_ok=True)


@pytest.mark.parametrize("target,message", [
    ("file.txt/x", "cannot write {d}/file.txt/x: file.txt is not a directory"),
    ("a" * 300, "the file name is too long"),
])
def test_impossible_paths_are_usage_errors(tmp_path, monkeypatch, target, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("keep")
    with pytest.raises(CnnError) as e:
        write_output("x", Path(target))
    assert message.format(d=tmp_path).replace(f"{tmp_path}/", "") in _refusal(e)
    assert (tmp_path / "file.txt").read_text() == "keep"


def test_a_full_disk_is_a_usage_error_and_leaves_the_old_file(tmp_path, monkeypatch):
    from cnncalc.cli import outfile

    out = tmp_path / "out.txt"
    out.write_text("old")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outfile, "_write_all", full)
    with pytest.raises(CnnError) as e:
        write_output("new", out)
    assert _refusal(e) == f"cannot write {out}: no space left on the device"
    assert out.read_text() == "old" and _temps(tmp_path) == []


def test_an_interrupt_while_writing_leaves_no_temp_file(tmp_path, monkeypatch):
    from cnncalc.cli import outfile

    out = tmp_path / "out.txt"
    out.write_text("old")

    def interrupted(fd, data):
        os.write(fd, data[:1])
        raise KeyboardInterrupt

    monkeypatch.setattr(outfile, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output("new", out)
    assert out.read_text() == "old" and _temps(tmp_path) == []


def test_a_failed_rename_leaves_no_temp_file(tmp_path, monkeypatch):
    from cnncalc.cli import outfile

    def refuse(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(outfile.os, "replace", refuse)
    with pytest.raises(CnnError) as e:
        write_output("new", tmp_path / "out.txt")
    assert _refusal(e) == f"cannot write {tmp_path / 'out.txt'}: Invalid cross-device link"
    assert list(tmp_path.iterdir()) == []
