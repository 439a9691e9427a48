"""The process's standard streams made safe before a command runs (the console script only).

- A closed descriptor (`cnncalc validate x.yaml >&-` or `2>&-`) is reopened on /dev/null: the
  command still runs and exits with its own code, and no file it opens later can land on
  descriptor 1 or 2 and receive the output by accident.
- A terminal or pipe that cannot encode Unicode (`PYTHONIOENCODING=ascii`, `LC_ALL=C` with
  `PYTHONUTF8=0`, latin-1) gets ASCII spellings of the symbols cnncalc prints instead of
  a UnicodeEncodeError: 3x224x224, floor(...), >=, ok.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys

_ASCII = {
    "×": "x", "·": "*", "−": "-", "–": "-", "—": "-", "…": "...", "→": "->", "←": "<-", "↑": "^",
    "≥": ">=", "≤": "<=", "≠": "!=", "≈": "~", "≡": "==", "±": "+/-", "⌊": "floor(", "⌋": ")",
    "⌈": "ceil(", "⌉": ")", "✓": "ok", "✗": "x", "✔": "ok", "✘": "x", "•": "*", "″": '"', "′": "'",
    "“": '"', "”": '"', "‘": "'", "’": "'", "²": "^2", "³": "^3", "¹": "^1", "⁰": "^0", "⁴": "^4",
    "⁵": "^5", "⁶": "^6", "⁷": "^7", "⁸": "^8", "⁹": "^9", "√": "sqrt", "∑": "sum", "∞": "inf",
    "─": "-", "━": "-", "│": "|", "┃": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
    "┬": "+", "┴": "+", "┼": "+", "═": "=", "║": "|", "╭": "+", "╮": "+", "╰": "+", "╯": "+",
    "\u00a0": " ", "µ": "u", "°": " deg", "é": "e", "á": "a", "í": "i", "ó": "o", "ú": "u", "ñ": "n",
}


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _fallback(exc: UnicodeError):
    """Codec error handler: each character the stream cannot encode, spelled in ASCII ('?' if unknown)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text, out = exc.object, []
    for i in range(exc.start, exc.end):
        spelled = _ASCII.get(text[i], "?")
        if spelled[:1] == "^" and i and text[i - 1] in _SUPERSCRIPTS:  # 2⁴⁰ -> 2^40, not 2^4^0
            spelled = spelled[1:]
        out.append(spelled)
    return "".join(out), exc.end


codecs.register_error("cnncalc-ascii", _fallback)


def prepare() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: the lowest free descriptor is this one, so /dev/null takes its place
            os.open(os.devnull, os.O_RDWR)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # Python found the descriptor closed at start-up
            setattr(sys, name, open(1 if name == "stdout" else 2, "w", encoding="utf-8",  # noqa: SIM115 - for the process
                                    errors="cnncalc-ascii", closefd=False))
            continue
        encoding = (getattr(stream, "encoding", None) or "ascii").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
                stream.reconfigure(errors="cnncalc-ascii")
