"""Hostile file paths (issue 11): `--output` targets (class 6) and answer sheets whose `model:`
names a file the sheet has no business reading (class 7).

Class 6: `--output` writes only regular files, atomically, keeping the old file's mode, and never
over an input, a bundled spec or a read-only file; each refusal is E004 naming --output, and every
case checks afterwards that the special file is still special, the protected file unchanged and
no temporary file is left behind.

Class 7: `model:` may name a bundled model or a regular file under the sheet's folder (or under a
`--models-dir`); a file outside, a device, a FIFO or a directory is refused before it is read, and a
file that is not a spec is reported without echoing a byte of it. The fake secrets below carry the
marker SECRETHASH, which must never be printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from pathlib import Path

import cnncalc
from cnncalc.zoo import architectures_dir

from .harness import Case

BUNDLED = Path(architectures_dir()).resolve()
PACKAGE = Path(cnncalc.__file__).resolve().parent
BUNDLED_SPEC_FILES = ("alexnet.yaml", "vgg16.yaml")


def copy_of(src: Path):
    def make(path: Path) -> None:
        shutil.copytree(src, path, symlinks=True)  # with __pycache__: the copy starts as fast as the original
    return make


# The bundled-spec cases run a copy of the checkout: `python -m cnncalc` in the case folder imports
# ./cnncalc (the current directory comes first on sys.path), whose bundled models are ./architectures,
# exactly as when cnncalc is run from the checkout root. A regression then overwrites the copy, never
# the repository's specs.
CHECKOUT = {"cnncalc": copy_of(PACKAGE), "architectures": copy_of(BUNDLED)}

TINY = "name: tiny\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 3}\n"  # 112 params
SECRET = "root:$6$SECRETHASH$abcdefgh:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
OUT_MSG = "--output: error[E004]: "


# -- what the filesystem looks like afterwards ------------------------------------------------------
def _temps(folder: Path) -> list:
    return [str(p) for p in folder.rglob("*.tmp")]


def after(*checks):
    """check= for a case: no temporary file anywhere in the case folder, then each check(folder, res)."""
    def run(folder: Path, res) -> None:
        assert _temps(folder) == [], _temps(folder)
        for c in checks:
            c(folder, res)
    return run


def unchanged(name: str, content: str):
    def check(folder, res):
        assert (folder / name).read_text(encoding="utf-8") == content, f"{name} was changed"
    return check


def kind(name: str, test, what: str):
    def check(folder, res):
        path = name if name.startswith("/") else folder / name
        assert test(os.lstat(path).st_mode), f"{name} is no longer {what}"
    return check


def mode(name: str, bits: int):
    def check(folder, res):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == bits, oct(os.stat(folder / name).st_mode)
    return check


def is_summary(name: str, params: int = 112):
    def check(folder, res):
        import json

        assert json.loads((folder / name).read_text(encoding="utf-8"))["totals"]["params"] == params
        assert res.out == ""
    return check


def absent(*names: str):
    def check(folder, res):
        for n in names:
            assert not os.path.lexists(folder / n), f"{n} was created"
    return check


def links_to(name: str, target: str):
    def check(folder, res):
        assert os.readlink(folder / name) == target, f"{name} is no longer a symlink to {target}"
    return check


def bundled_intact(folder, res):
    """The copy's bundled specs are byte for byte the repository's, and nothing was added beside them."""
    copy = folder / "architectures"
    assert (folder / "cnncalc" / "__main__.py").exists() and not (folder / "cnncalc" / "architectures").exists()
    changed = [n for n in BUNDLED_SPEC_FILES if (copy / n).read_bytes() != (BUNDLED / n).read_bytes()]
    assert changed == [], f"bundled specs were written: {changed}"
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in BUNDLED.iterdir())


def no_output_printed(folder, res):
    """None of the command's result on stdout: at most the JSON envelope of its failure."""
    if res.out:
        import json

        data = json.loads(res.out)
        assert data["ok"] is False and data["errors"] and "layers" not in data, res.out


def is_fifo(name):
    return kind(name, stat.S_ISFIFO, "a FIFO")


# -- how the special files are made -----------------------------------------------------------------
def fifo(path: Path) -> None:
    os.mkfifo(path)


def device(name: str):
    """A twin of /dev/null or /dev/full in the case folder (as root, who could replace the real one; a
    regression then replaces the twin). Others get a symlink to the real one, which only root may replace."""
    numbers = {"null": (1, 3), "full": (1, 7)}[name]

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            path.symlink_to(f"/dev/{name}")
            return
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*numbers))
        except OSError:
            import pytest

            pytest.skip("root without CAP_MKNOD: a regression would replace the real /dev/" + name)
    return make


def char_device(name: str):
    def check(folder, res):
        assert stat.S_ISCHR(os.stat(folder / name).st_mode), f"{name} is no longer a character device"
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    return check


def unblocked_fifo(path: Path) -> None:
    """A FIFO that a process opening it by mistake does not wait on forever: a thread opens its other
    end (for a moment, once there is a reader) so the reader sees end of file and the case fails."""
    import threading
    import time

    os.mkfifo(path)

    def writer():
        for _ in range(100):
            time.sleep(0.2)
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError:  # ENXIO: no reader (cnncalc does not open it), or the case is over
                continue

    threading.Thread(target=writer, daemon=True).start()


def folder_with_mode(bits: int):
    def make(path: Path) -> None:
        path.mkdir()
        path.chmod(bits)
    return make


def file_with_mode(content: str, bits: int, owner: int | None = None):
    def make(path: Path) -> None:
        path.write_text(content, encoding="utf-8")
        path.chmod(bits)
        if owner is not None and os.geteuid() == 0:
            os.chown(path, owner, owner)
    return make


def symlink(target):
    def make(path: Path) -> None:
        path.symlink_to(target)
    return make


def hardlink(existing: str):
    def make(path: Path) -> None:
        os.link(path.parent / existing, path)
    return make


def unix_socket(path: Path) -> None:
    here = os.getcwd()
    os.chdir(path.parent)  # a relative name: AF_UNIX paths are limited to ~108 bytes
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path.name)
        s.close()
    finally:
        os.chdir(here)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def new_file_mode(name: str):
    def check(folder, res):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o666 & ~_umask()
    return check


def owner(name: str, uid: int):
    def check(folder, res):
        if os.geteuid() == 0:
            assert os.stat(folder / name).st_uid == uid
    return check


SUMMARY = ("summarize", "tiny.yaml", "-f", "json", "-o")


def out_case(id_, target, err, files=None, check=(), args=SUMMARY, codes=(2,)):
    files = {"tiny.yaml": TINY, **(files or {})}
    return Case(f"files-out-{id_}", 6, (*args, target), files, codes=codes, err=(err,) if err else (),
                check=after(unchanged("tiny.yaml", TINY), *check))


CLASS_6 = [
    # a folder that is missing, or a path that is not a folder
    out_case("missing-dir", "missing_dir/x.json", OUT_MSG + "cannot write missing_dir/x.json: directory missing_dir "
                                                            "does not exist", check=(absent("missing_dir"),)),
    out_case("missing-nested-dir", "a/b/x.json", "directory a/b does not exist", check=(absent("a"),)),
    out_case("empty-name", "", OUT_MSG + ". is a directory (the current directory); --output needs a file name"),
    out_case("dot", ".", OUT_MSG + ". is a directory (the current directory); --output needs a file name"),
    out_case("directory", "sub", OUT_MSG + "sub is a directory; --output needs a file name",
             {"sub/keep.txt": "x"}, (kind("sub", stat.S_ISDIR, "a directory"), unchanged("sub/keep.txt", "x"))),
    out_case("directory-slash", "sub/", "sub is a directory", {"sub/keep.txt": "x"},
             (kind("sub", stat.S_ISDIR, "a directory"),)),
    out_case("through-a-file", "file.txt/x", OUT_MSG + "cannot write file.txt/x: file.txt is not a directory",
             {"file.txt": "keep"}, (unchanged("file.txt", "keep"),)),
    out_case("through-a-fifo", "pipe/x", "cannot write pipe/x: pipe is not a directory", {"pipe": fifo},
             (is_fifo("pipe"),)),
    out_case("name-too-long", "a" * 300 + ".json", "the file name is too long"),
    out_case("path-too-long", "/".join(["d" * 200] * 25) + "/x.json", "the file name is too long"),
    # special files: never replaced, never written through
    out_case("fifo", "pipe", OUT_MSG + "pipe is a FIFO (named pipe), not a regular file; cnncalc writes --output "
                                       "only to regular files", {"pipe": fifo}, (is_fifo("pipe"),)),
    out_case("fifo-hint", "pipe", "hint: omit --output and redirect the output instead: cnncalc … > pipe",
             {"pipe": fifo}, (is_fifo("pipe"),)),
    out_case("symlink-to-fifo", "out.json", "out.json is a FIFO (named pipe)",
             {"pipe": fifo, "out.json": symlink("pipe")}, (is_fifo("pipe"), links_to("out.json", "pipe"))),
    out_case("dev-null", "dev/null", OUT_MSG + "dev/null is a character device, not a regular file; cnncalc writes "
                                               "--output only to regular files", {"dev/null": device("null")},
             (char_device("dev/null"),)),
    out_case("dev-null-hint", "dev/null", "hint: omit --output and redirect the output instead: cnncalc … > dev/null",
             {"dev/null": device("null")}, (char_device("dev/null"),)),
    out_case("dev-full", "dev/full", OUT_MSG + "dev/full is a character device", {"dev/full": device("full")},
             (char_device("dev/full"),)),
    out_case("symlink-to-dev-null", "null.json", "null.json is a character device",
             {"dev/null": device("null"), "null.json": symlink("dev/null")},
             (links_to("null.json", "dev/null"), char_device("dev/null"))),
    out_case("dev-stdout", "/dev/stdout", OUT_MSG + "/dev/stdout is a file descriptor, not a regular file",
             check=(no_output_printed,)),
    out_case("proc-fd", "/proc/self/fd/1", "/proc/self/fd/1 is a file descriptor", check=(no_output_printed,)),
    out_case("socket", "sock", OUT_MSG + "sock is a socket, not a regular file", {"sock": unix_socket},
             (kind("sock", stat.S_ISSOCK, "a socket"),)),
    # read-only targets and folders
    out_case("read-only-file", "ro.json", OUT_MSG + "ro.json is read-only; cnncalc does not replace a file it may "
                                                    "not write", {"ro.json": file_with_mode("old", 0o444)},
             (unchanged("ro.json", "old"), mode("ro.json", 0o444))),
    out_case("symlink-to-read-only", "link.json", "link.json is read-only",
             {"ro.json": file_with_mode("old", 0o444), "link.json": symlink("ro.json")},
             (unchanged("ro.json", "old"), links_to("link.json", "ro.json"))),
    out_case("read-only-folder", "ro/x.json", OUT_MSG + "cannot write ro/x.json: directory ro is not writable",
             {"ro": folder_with_mode(0o555)}, (absent("ro/x.json"),)),
    # inputs: by name, spelled otherwise, through a symlink, a hard link
    out_case("the-input", "tiny.yaml", OUT_MSG + "tiny.yaml is an input file; cnncalc never overwrites its inputs"),
    out_case("the-input-spelled-otherwise", "sub/../tiny.yaml", "is an input file; cnncalc never overwrites its inputs",
             {"sub/keep.txt": "x"}),
    out_case("symlink-to-the-input", "link.json", "link.json is an input file; cnncalc never overwrites its inputs "
                                                  "(the same file as tiny.yaml)", {"link.json": symlink("tiny.yaml")},
             (links_to("link.json", "tiny.yaml"),)),
    out_case("hard-link-to-the-input", "hard.yaml", "hard.yaml is an input file; cnncalc never overwrites its inputs",
             {"hard.yaml": hardlink("tiny.yaml")}, (unchanged("hard.yaml", TINY),)),
    out_case("input-read-through-a-symlink", "tiny.yaml", "tiny.yaml is an input file",
             {"link.yaml": symlink("tiny.yaml")}, args=("summarize", "link.yaml", "-f", "json", "-o")),
    out_case("bundled-name-shadowed-by-a-file", "alexnet", "alexnet is an input file",
             {"alexnet": TINY}, (unchanged("alexnet", TINY),), args=("summarize", "alexnet", "-f", "json", "-o")),
    # bundled specs (of a copy of the checkout): from the checkout root, through a symlinked folder,
    # a symlink, a hard link; and a new file beside them
    out_case("bundled-spec", "architectures/alexnet.yaml",
             OUT_MSG + "architectures/alexnet.yaml is the bundled spec alexnet.yaml; cnncalc never overwrites its "
                       "bundled models", CHECKOUT, (bundled_intact,),
             args=("summarize", "alexnet", "-f", "json", "-o")),
    out_case("bundled-spec-of-another-model", "./architectures/vgg16.yaml", "is the bundled spec vgg16.yaml",
             CHECKOUT, (bundled_intact,), args=("summarize", "alexnet", "-f", "json", "-o")),
    out_case("bundled-spec-through-a-symlinked-folder", "models/alexnet.yaml",
             "models/alexnet.yaml is the bundled spec alexnet.yaml", {**CHECKOUT, "models": symlink("architectures")},
             (bundled_intact,), args=("summarize", "alexnet", "-f", "json", "-o")),
    out_case("symlink-to-bundled-spec", "mine.yaml", "mine.yaml is the bundled spec alexnet.yaml",
             {**CHECKOUT, "mine.yaml": symlink("architectures/alexnet.yaml")},
             (bundled_intact, links_to("mine.yaml", "architectures/alexnet.yaml"))),
    out_case("hard-link-to-bundled-spec", "mine.yaml", "mine.yaml is the bundled spec vgg16.yaml",
             {**CHECKOUT, "mine.yaml": hardlink("architectures/vgg16.yaml")}, (bundled_intact,)),
    out_case("new-file-in-bundled-folder", "architectures/new.json", "is in cnncalc's bundled models folder",
             CHECKOUT, (bundled_intact,)),
    # symlinks that lead nowhere
    out_case("dangling-symlink", "out.json", "directory", {"out.json": symlink("nowhere/x.json")},
             (links_to("out.json", "nowhere/x.json"), absent("nowhere"))),
    out_case("symlink-loop", "loop", OUT_MSG + "cannot write loop: too many levels of symbolic links",
             {"loop": symlink("loop")}, (links_to("loop", "loop"),)),
    # what is written: the old mode kept, a new file as open() makes it, a symlink kept
    out_case("keeps-mode-0644", "out.json", None, {"out.json": file_with_mode("old", 0o644)},
             (mode("out.json", 0o644), is_summary("out.json")), codes=(0,)),
    out_case("keeps-mode-0600", "out.json", None, {"out.json": file_with_mode("old", 0o600)},
             (mode("out.json", 0o600), is_summary("out.json")), codes=(0,)),
    out_case("keeps-mode-0755", "out.json", None, {"out.json": file_with_mode("old", 0o755)},
             (mode("out.json", 0o755), is_summary("out.json")), codes=(0,)),
    out_case("keeps-owner", "out.json", None, {"out.json": file_with_mode("old", 0o644, owner=4321)},
             (owner("out.json", 4321), is_summary("out.json")), codes=(0,)),
    out_case("new-file-mode", "new.json", None, check=(new_file_mode("new.json"), is_summary("new.json")),
             codes=(0,)),
    out_case("writes-through-a-symlink", "link.json", None,
             {"real.json": file_with_mode("old", 0o640), "link.json": symlink("real.json")},
             (links_to("link.json", "real.json"), mode("real.json", 0o640), is_summary("real.json")), codes=(0,)),
]


# -- class 7: answer sheets --------------------------------------------------------------------------
ANSWERS = "answers:\n  totals: {params: 112}\n"
SHEET = "sheets/sheet.yaml"
NOT_READ = "sheets/sheet.yaml:1:8: error[E002]: cnncalc does not read "


def sheet(model: str, answers: str = ANSWERS) -> str:
    return f"model: {model}\n{answers}"


def sheet_case(id_, model, err, files=None, codes=(2,), args=(), check=(), out=()):
    files = {"private/shadow": SECRET, SHEET: sheet(model), **(files or {})}
    return Case(f"files-model-{id_}", 7, ("check", SHEET, *args), files, codes=codes, err=(err,) if err else (),
                out=out, not_out=("SECRETHASH", "daemon:"), check=after(unchanged("private/shadow", SECRET), *check))


CLASS_7 = [
    sheet_case("parent-dir", "../private/shadow", NOT_READ + "../private/shadow: it is outside the sheet's folder"),
    sheet_case("parent-dir-hint", "../private/shadow", "`cnncalc check --models-dir DIR` allows the specs under DIR"),
    sheet_case("absolute-elsewhere", "/etc/passwd", NOT_READ + "/etc/passwd: it is outside the sheet's folder"),
    sheet_case("etc-shadow", "/etc/shadow", NOT_READ + "/etc/shadow: it is outside the sheet's folder"),
    sheet_case("dev-zero", "/dev/zero", NOT_READ + "/dev/zero: it is outside the sheet's folder"),
    sheet_case("proc-environ", "/proc/self/environ",
               NOT_READ + "/proc/self/environ: it leads outside the sheet's folder"),
    sheet_case("symlink-escaping", "link.yaml", NOT_READ + "link.yaml: it leads outside the sheet's folder",
               {"sheets/link.yaml": symlink("../private/shadow")}),
    sheet_case("symlinked-folder-escaping", "sub/shadow", NOT_READ + "sub/shadow: it leads outside the sheet's folder",
               {"sheets/sub": symlink("../private")}),
    sheet_case("bare-name-symlink-escaping", "notes", NOT_READ + "notes: it leads outside the sheet's folder",
               {"sheets/notes": symlink("../private/shadow")}),
    sheet_case("fifo", "pipe.yaml", "sheets/sheet.yaml:1:8: error[E002]: pipe.yaml is a FIFO (named pipe), not a spec "
                                    "file; cnncalc does not read it", {"sheets/pipe.yaml": unblocked_fifo},
               check=(is_fifo("sheets/pipe.yaml"),)),
    sheet_case("directory", "sub", "error[E002]: sub is a directory, not a spec file", {"sheets/sub/x.yaml": TINY}),
    sheet_case("device-in-models-dir", "/dev/zero", "error[E002]: /dev/zero is a character device, not a spec file",
               args=("--models-dir", "/dev")),
    sheet_case("socket", "sock", "error[E002]: sock is a socket, not a spec file", {"sheets/sock": unix_socket}),
    # files that are not specs: one line at the sheet's model:, none of their content
    sheet_case("text-file", "notes.txt", "sheets/sheet.yaml:1:8: error[E111]: notes.txt is not a cnncalc spec: the "
                                         "document is not a mapping with `input:` and `layers:`",
               {"sheets/notes.txt": "notes, not a spec SECRETHASH\nsecond line, daemon\n"}, codes=(2,)),
    sheet_case("shadow-lines", "shadow", "error[E111]: shadow is not a cnncalc spec: 2 top-level keys that a spec "
                                         "does not have (line 1)", {"sheets/shadow": SECRET}, codes=(2,)),
    sheet_case("unknown-keys", "keys.yaml", "error[E111]: keys.yaml is not a cnncalc spec: 3 top-level keys that a "
                                            "spec does not have (line 1)",
               {"sheets/keys.yaml": "password: SECRETHASH\napi_key: SECRETHASH\nhost: daemon:x\n"}, codes=(2,)),
    sheet_case("unknown-keys-beside-a-spec", "keys.yaml", "keys.yaml is not a cnncalc spec: 1 top-level key that a "
                                                          "spec does not have (line 1)",
               {"sheets/keys.yaml": "SECRETHASH: 1\n" + TINY}, codes=(2,)),
    sheet_case("not-yaml", "bad.yaml", "error[E003]: bad.yaml is not a cnncalc spec: the file is not valid YAML",
               {"sheets/bad.yaml": "key: [SECRETHASH\n  - {daemon: \n"}),
    sheet_case("binary", "bin.yaml", "error[E002]: bin.yaml is not a cnncalc spec: the file cannot be read as UTF-8",
               {"sheets/bin.yaml": b"SECRETHASH\x00\x01daemon:"}),
    sheet_case("not-utf8", "latin.yaml", "error[E002]: latin.yaml is not a cnncalc spec",
               {"sheets/latin.yaml": b"name: SECRETHASH\xe9\xff daemon:\n"}),
    sheet_case("allowed-but-not-a-spec", "../private/shadow", "../private/shadow is not a cnncalc spec",
               args=("--models-dir", "private"), codes=(2,)),
    sheet_case("no-layers", "half.yaml", "half.yaml is not a cnncalc spec: it has no `layers:`",
               {"sheets/half.yaml": "name: SECRETHASH\ninput: [3, 8, 8]\n"}, codes=(2,)),
    # what stays allowed
    sheet_case("spec-beside-the-sheet", "tiny.yaml", "", {"sheets/tiny.yaml": TINY}, codes=(0,),
               out=("✓ totals params  112",)),
    sheet_case("spec-in-a-subfolder", "specs/tiny.yaml", "", {"sheets/specs/tiny.yaml": TINY}, codes=(0,),
               out=("Score: 1/1",)),
    sheet_case("out-and-back-in", "../sheets/tiny.yaml", "", {"sheets/tiny.yaml": TINY}, codes=(0,),
               out=("Score: 1/1",)),
    sheet_case("models-dir", "../models/tiny.yaml", "", {"models/tiny.yaml": TINY}, codes=(0,),
               args=("--models-dir", "models"), out=("Score: 1/1",)),
    sheet_case("models-dir-not-a-folder", "tiny.yaml", "--models-dir: error[E004]: nowhere is not a directory",
               {"sheets/tiny.yaml": TINY}, args=("--models-dir", "nowhere")),
    sheet_case("bundled-by-path", str(BUNDLED / "alexnet.yaml"), "", codes=(1,), out=("answers for alexnet",)),
    sheet_case("bundled-name-not-the-cwd-file", "alexnet", "", {"alexnet": SECRET}, codes=(1,),
               out=("answers for alexnet", "right: 60,965,224")),
    sheet_case("path-not-read-from-cwd", "secret.yaml", "error[E001]: no such file: secret.yaml (a path in `model:` "
                                                        "is read from the sheet's folder)", {"secret.yaml": SECRET}),
    sheet_case("home-path", "~/.ssh/id_rsa", "error[E001]: no such file: ~/.ssh/id_rsa"),
    # YAML's "\0" reaches cnncalc written out as \x00 (yamlsource escapes control characters): no such file
    sheet_case("nul-in-name", '"a\\0b"', "error[E001]: no such file: a\\x00b (a path in `model:` is read from the "
                                         "sheet's folder)"),
    sheet_case("json-format", "../private/shadow", NOT_READ + "../private/shadow", args=("--format", "json"),
               check=(no_output_printed,)),
]

CASES = CLASS_6 + CLASS_7
