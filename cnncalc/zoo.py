"""Bundled architectures: where they live and how a SPEC argument finds one.

In a wheel the YAML files are inside the package (cnncalc/architectures); in a source
checkout or editable install they are the top-level architectures/ folder. A file may
define several models with `variants:` (efficientnet.yaml: efficientnet_b0 … b7, one set
of width, depth and resolution each); a variant is found by its name, in the file whose
name it starts with.
"""

from __future__ import annotations

import re
from functools import lru_cache, cache
from pathlib import Path

from .errors import Option, Pos, did_you_mean, fail

_VARIANTS = re.compile(r"^variants:\s*$", re.M)
_VARIANT_NAME = re.compile(r"^  ([A-Za-z0-9_.-]+):", re.M)


@lru_cache(maxsize=1)
def architectures_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "architectures", here.parent / "architectures"):
        if candidate.is_dir():
            return candidate
    return here / "architectures"  # pragma: no cover - broken install


@cache
def variants_of(path: Path) -> tuple:
    """The variant names a bundled file declares (read from its text: the zoo's own, tidy YAML)."""
    text = path.read_text(encoding="utf-8")
    m = _VARIANTS.search(text)
    if not m:
        return ()
    block = text[m.end():]
    end = re.search(r"^\S", block, re.M)
    return tuple(_VARIANT_NAME.findall(block[:end.start()] if end else block))


def bundled_names() -> list[str]:
    names = []
    for p in sorted(architectures_dir().glob("*.yaml")):
        names.extend(variants_of(p) or (p.stem,))
    return sorted(names)


def resolve(ref: str) -> tuple:
    """A path or a bundled name -> (file, name shown in messages, variant or None)."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in ref or "\\" in ref:
        if not p.exists():
            raise fail("E001", f"no such file: {ref}", Pos(ref, 1, 1),
                       did_you_mean(p.stem, bundled_names()) if p.suffix else None)
        return p, ref, None
    folder = architectures_dir()
    bundled = folder / f"{ref}.yaml"
    if bundled.exists():
        return bundled, f"{ref}.yaml", None
    parts = ref.split("_")
    for i in range(len(parts) - 1, 0, -1):  # efficientnet_b3 -> efficientnet.yaml
        family = folder / f"{'_'.join(parts[:i])}.yaml"
        if family.exists() and ref in variants_of(family):
            return family, family.name, ref
    hint = did_you_mean(ref, bundled_names()) or "run `cnncalc list` to see the bundled models"
    raise fail("E001", f"'{ref}' is neither a file nor a bundled model", Option("SPEC"), hint)
