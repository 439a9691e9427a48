"""Bundled architectures: where they live and how a SPEC argument finds one.

In a wheel the YAML files are inside the package (cnncalc/architectures); in a
source checkout or editable install they are the top-level architectures/ folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import Option, Pos, did_you_mean, fail


@lru_cache(maxsize=1)
def architectures_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "architectures", here.parent / "architectures"):
        if candidate.is_dir():
            return candidate
    return here / "architectures"  # pragma: no cover - broken install


def bundled_names() -> list[str]:
    return sorted(p.stem for p in architectures_dir().glob("*.yaml"))


def resolve(ref: str) -> tuple[Path, str]:
    """A path or a bundled name -> (file, name shown in messages)."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in ref or "\\" in ref:
        if not p.exists():
            raise fail("E001", f"no such file: {ref}", Pos(ref, 1, 1),
                       did_you_mean(p.stem, bundled_names()) if p.suffix else None)
        return p, ref
    bundled = architectures_dir() / f"{ref}.yaml"
    if bundled.exists():
        return bundled, f"{ref}.yaml"
    hint = did_you_mean(ref, bundled_names()) or "run `cnncalc list` to see the bundled models"
    raise fail("E001", f"'{ref}' is neither a file nor a bundled model", Option("SPEC"), hint)
