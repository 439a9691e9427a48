"""`--output FILE`: write a command's output to a regular file, atomically, and never over an input.

The rules (README "Limits"; each refusal is E004 naming --output, exit 2):

- only a regular file is written. A directory, a FIFO, a socket or a device (/dev/null too) is
  refused: it would be replaced by a regular file, or written through. Printing to stdout and
  redirecting it (`> /dev/null`, `> fifo`) is what does that;
- never an input of the command, nor a bundled spec (nor anything in the bundled models folder),
  compared by resolved path (symlinks followed) and by inode (a hard link);
- not a read-only file, nor a file in a folder cnncalc cannot write to;
- through a temporary file in the target's folder and os.replace, so a reader sees the old file or
  the new one, never half of one. The new file keeps the old one's mode (and owner, when cnncalc
  may set it); a new file gets the mode open() would give, 0666 & ~umask. A symlink to a regular
  file stays a symlink: the file it leads to is replaced. No temporary file is left behind on any
  failure, an interrupt included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import Optional

from ..errors import Option, fail
from ..files import kind_of
from ..i18n import T

_OPT = Option("--output")
_ERRORS = {errno.ENAMETOOLONG: T("the file name is too long"), errno.ELOOP: T("too many levels of symbolic links"),
           errno.EACCES: T("permission denied"), errno.EPERM: T("operation not permitted"),
           errno.ENOSPC: T("no space left on the device"), errno.EDQUOT: T("the disk quota is exceeded"),
           errno.EROFS: T("the file system is read-only"), errno.EISDIR: T("it is a directory"),
           errno.ENOTDIR: T("a part of the path is not a directory")}  # T(): translated inside the message


def write_output(text: str, output: Optional[Path], protected: tuple = ()) -> None:
    """Print, or write atomically (temp file + rename) a regular file that is no input of the command.

    protected: what the command read (spec paths or bundled names, sheet, --weights, ...); each one
    that is a file is refused as a target. Every bundled spec is refused whatever is passed."""
    if output is None:
        sys.stdout.write(text)
        return
    raw = str(output)
    shown = _short(raw)
    if _is_descriptor(raw):
        raise fail("E004", T("{file} is a file descriptor, not a regular file; cnncalc writes --output only to "
                             "regular files", file=shown), _OPT,
                   T("omit --output to print to stdout (and redirect it if need be)"))
    try:
        target = os.path.realpath(output)
    except (OSError, ValueError) as exc:
        raise _cannot(shown, exc) from None
    st = _stat(target, raw, shown)
    _refuse_protected(target, st, raw, shown, protected)
    folder = os.path.dirname(target)
    if st is None:
        _check_folder(folder, raw, shown)
    elif not _writable(target, st):
        raise fail("E004", T("{file} is read-only; cnncalc does not replace a file it may not write", file=shown),
                   _OPT, T("choose another output path, or make the file writable (chmod u+w)"))
    _replace(text, target, st, shown)


def _is_descriptor(raw: str) -> bool:
    """/dev/stdout, /dev/fd/1, /proc/self/fd/1: they resolve to whatever the descriptor is open on."""
    path = os.path.abspath(raw)
    return path in ("/dev/stdin", "/dev/stdout", "/dev/stderr") or path.startswith("/dev/fd/") or (
        path.startswith("/proc/") and "/fd/" in path)


def _short(name: str, limit: int = 120) -> str:
    return name if len(name) <= limit else f"{name[:limit // 2]}…{name[-limit // 4:]}"


def _cannot(shown: str, exc: BaseException):
    why = _ERRORS.get(getattr(exc, "errno", None)) or getattr(exc, "strerror", None) or str(exc)
    return fail("E004", T("cannot write {file}: {why}", file=shown, why=why), _OPT)


def _stat(target: str, raw: str, shown: str):
    """The target's stat, or None when it does not exist yet; E004 for anything but a regular file."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise fail("E004", T("cannot write {file}: {part} is not a directory", file=shown,
                             part=_not_a_folder(raw, target)), _OPT,
                   T("a file cannot hold other files; choose a path in an existing directory")) from None
    except OSError as exc:
        raise _cannot(shown, exc) from None
    if stat.S_ISREG(st.st_mode):
        return st
    kind = kind_of(st.st_mode)
    if stat.S_ISDIR(st.st_mode):
        message = (T("{file} is a directory (the current directory); --output needs a file name", file=shown)
                   if target == os.getcwd() else T("{file} is a directory; --output needs a file name", file=shown))
        raise fail("E004", message, _OPT,
                   T("give a file in it, e.g. -o {example}", example=os.path.join(str(shown), "summary.json")))
    raise fail("E004", T("{file} is {kind}, not a regular file; cnncalc writes --output only to regular files",
                         file=shown, kind=kind), _OPT,
               T("omit --output and redirect the output instead: cnncalc … > {file}", file=shown))


def _not_a_folder(*paths: str) -> str:
    """The first component of the path (as given, else resolved) that exists and is not a directory."""
    for path in paths:
        for part in (*reversed(Path(path).parents), Path(path)):
            if part.exists() and not part.is_dir():
                return _short(str(part))
    return _short(str(Path(paths[-1]).parent))


def _check_folder(folder: str, raw: str, shown: str) -> None:
    given = os.path.dirname(raw) or "."
    name = _short(given if os.path.realpath(given) == folder else folder)
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        raise fail("E004", T("cannot write {file}: directory {folder} does not exist", file=shown, folder=name), _OPT,
                   T("create it first (mkdir -p {folder}), or choose a path in an existing directory",
                     folder=name)) from None
    except OSError as exc:
        raise _cannot(shown, exc) from None
    if not stat.S_ISDIR(st.st_mode):  # pragma: no cover - os.stat(target) said ENOTDIR first
        raise fail("E004", T("cannot write {file}: {part} is not a directory", file=shown, part=name), _OPT)
    if not (os.access(folder, os.W_OK | os.X_OK) and st.st_mode & 0o222):
        raise fail("E004", T("cannot write {file}: directory {folder} is not writable", file=shown, folder=name),
                   _OPT, T("choose a path in a directory you may write to"))


def _writable(path: str, st) -> bool:
    """os.access, and (for root, whom access() always lets write) a write bit set for someone."""
    return os.access(path, os.W_OK) and bool(st.st_mode & 0o222)


def _refuse_protected(target: str, st, raw: str, shown: str, protected: tuple) -> None:
    from ..zoo import architectures_dir

    bundled = os.path.realpath(architectures_dir())
    inside = os.path.dirname(target) == bundled or target.startswith(bundled + os.sep)
    files = [(str(p), False) for p in protected if p is not None and str(p)]
    files += [(str(p), True) for p in sorted(Path(bundled).glob("*.y*ml"))] if st is not None or inside else []
    for name, is_bundled in files:
        try:
            pst = os.stat(name)
        except (OSError, ValueError):
            continue  # a bundled model's name, not a file: the bundled files are checked anyway
        if not stat.S_ISREG(pst.st_mode):
            continue
        same = os.path.realpath(name) == target or (
            st is not None and (pst.st_dev, pst.st_ino) == (st.st_dev, st.st_ino))
        if same and is_bundled:
            raise fail("E004", T("{file} is the bundled spec {spec}; cnncalc never overwrites its bundled models",
                                 file=shown, spec=Path(name).name), _OPT,
                       T("choose another output path, e.g. -o summary.json"))
        if same:
            message = (T("{file} is an input file; cnncalc never overwrites its inputs", file=shown)
                       if os.path.abspath(raw) == os.path.abspath(name) else
                       T("{file} is an input file; cnncalc never overwrites its inputs (the same file as {other})",
                         file=shown, other=_short(name)))
            raise fail("E004", message, _OPT, T("choose another output path"))
    if inside:
        raise fail("E004", T("{file} is in cnncalc's bundled models folder ({folder}); cnncalc does not write there",
                             file=shown, folder=bundled), _OPT, T("choose another output path, e.g. -o summary.json"))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _replace(text: str, target: str, st, shown: str) -> None:
    folder, name = os.path.split(target)
    data = text.encode("utf-8")
    tmp, fd = None, -1
    try:
        for _ in range(100):
            tmp = os.path.join(folder, f".{name[:200]}.{secrets.token_hex(4)}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
                break
            except FileExistsError:
                tmp = None
        else:  # pragma: no cover - 100 random names taken
            raise FileExistsError(errno.EEXIST, "cannot create a temporary file")
        _write_all(fd, data)
        os.fsync(fd)
        if st is not None:
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # not ours to give away: then it belongs to whoever runs cnncalc
                    os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        else:
            os.fchmod(fd, _new_file_mode())
        os.close(fd)
        fd = -1
        try:  # the target must not have become something else meanwhile
            now = os.lstat(target)
            if not stat.S_ISREG(now.st_mode):
                _stat(target, target, shown)  # raises E004 naming what it is now
        except FileNotFoundError:
            pass
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _cannot(shown, exc) from None
    finally:  # also on KeyboardInterrupt: no temporary file is left behind
        if fd >= 0:
            os.close(fd)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
