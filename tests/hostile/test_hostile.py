"""The hostile-input corpus (issue 11): every case runs as a child process under setrlimit.

Each `cases_*.py` module beside this one holds a CASES list for one area. A case passes when
its exit code is one it allows, nothing it prints is a traceback or an internal error, and
it stayed under the CPU-time and peak-RSS bounds (measured, not wall time).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from .harness import CPU_LIMIT_S, Case, run

_HERE = Path(__file__).parent


def _all_cases() -> list[Case]:
    out = []
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(_HERE)]) if m.name.startswith("cases_")):
        out.extend(importlib.import_module(f"{__package__}.{mod}").CASES)
    return out


CASES = _all_cases()


def test_the_corpus_covers_every_class():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    per_class = {k: sum(c.cls == k for c in CASES) for k in range(1, 12)}
    assert all(per_class.values()), per_class
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile(case: Case, tmp_path):
    res = run(case, tmp_path)
    shown = f"exit {res.code}, {res.cpu_s:.2f} s CPU, {res.rss_mb:.0f} MB\n--- stderr:\n{res.err[-2000:]}" \
            f"\n--- stdout:\n{res.out[-1000:]}"
    assert "Traceback" not in res.err + res.out, shown
    assert "internal error" not in res.err + res.out, shown
    assert res.code in case.codes, shown
    assert res.cpu_s < CPU_LIMIT_S, shown
    assert res.rss_mb < case.rss_mb, shown
    for s in case.err:
        assert s in res.err, f"stderr lacks {s!r}\n{shown}"
    for s in case.out:
        assert s in res.out, f"stdout lacks {s!r}\n{shown}"
    for s in case.not_out:
        assert s not in res.out + res.err, f"{s!r} was printed\n{shown}"
    if case.check is not None:
        case.check(tmp_path, res)
