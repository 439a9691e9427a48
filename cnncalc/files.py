"""Opening files a user names, which may be hostile: regular files only, never blocking.

A path may lead to /dev/zero (a read that never ends), a FIFO with no writer (an open that
never returns), a tape or serial device (an open with side effects) or a directory. Each is
told apart from its stat before it is opened, and checked again on the open descriptor in
case the path changed meanwhile. Callers turn NotRegular into their own error code: a spec
is E002 (yamlsource), an array file E006 (backend/npyfile), an --output target E004.
"""

from __future__ import annotations

import os
import stat

from .errors import Pos, fail
from .i18n import T

# T() messages: a caller puts the kind in its own message ("{file} is {kind}, ..."), translated with it
_KINDS = ((stat.S_ISDIR, T("a directory")), (stat.S_ISFIFO, T("a FIFO (named pipe)")), (stat.S_ISSOCK, T("a socket")),
          (stat.S_ISCHR, T("a character device")), (stat.S_ISBLK, T("a block device")))


class NotRegular(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "a FIFO (named pipe)", "a character device", ...


def kind_of(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), T("not a regular file"))


def open_regular(path) -> tuple:
    """(descriptor, its stat) of a regular file, opened read-only and non-blocking.
    Raises NotRegular, or the OSError of the stat or open (FileNotFoundError, ...)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(kind_of(st.st_mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(st.st_mode):  # the path was swapped between the stat and the open
        os.close(fd)
        raise NotRegular(kind_of(st.st_mode))
    return fd, st


def read_capped(path, name: str, cap: int) -> bytes:
    """The bytes of a regular file of at most `cap` bytes: E001 when missing, E002 when it is
    not a regular file or cannot be read, E005 when larger. At most cap + 1 bytes are ever
    read, so a file that grows after its size was checked is still refused."""
    where = Pos(name, 1, 1)
    try:
        fd, st = open_regular(path)
    except FileNotFoundError:
        raise fail("E001", T("no such file: {file}", file=name), where) from None
    except NotRegular as e:
        raise fail("E002", T("{file} is {kind}, not a YAML file", file=name, kind=e.kind), where,
                   T("give the path of a .yaml spec")) from None
    except OSError as exc:
        raise fail("E002", T("cannot read {file}: {problem}", file=name, problem=str(exc.strerror or exc)),
                   where) from None
    too_big = fail("E005", T("the file is larger than {mib} MiB", mib=cap // (1024 * 1024)), where,
                   T("a network spec is far smaller: use `repeat:` and blocks instead of writing layers out"))
    try:
        if st.st_size > cap:
            raise too_big
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise too_big
    except OSError as exc:
        raise fail("E002", T("cannot read {file}: {problem}", file=name, problem=str(exc.strerror or exc)),
                   where) from None
    finally:
        os.close(fd)
