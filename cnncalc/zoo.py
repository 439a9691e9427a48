"""Bundled architectures: where they live and how a SPEC argument finds one.

In a wheel the YAML files are inside the package (cnncalc/architectures); in a source
checkout or editable install they are the top-level architectures/ folder. A file may
define several models with `variants:` (efficientnet.yaml: efficientnet_b0 … b7, one set
of width, depth and resolution each); a variant is found by its name in whichever
bundled file declares it (the variants of the few files that have any are read once).
"""

from __future__ import annotations

import re
from functools import lru_cache, cache
from pathlib import Path

from .errors import Option, Pos, did_you_mean, fail
from .i18n import T

_HAS_VARIANTS = re.compile(r"^variants\s*:", re.M)


@lru_cache(maxsize=1)
def architectures_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "architectures", here.parent / "architectures"):
        if candidate.is_dir():
            return candidate
    return here / "architectures"  # pragma: no cover - broken install


@cache
def variants_of(path: Path) -> tuple:
    """The variant names a bundled file declares: the keys of its `variants:` mapping.

    Found from the text (the keys indented under `variants:`) because `summarize NAME` must
    look through every bundled file; YAML parsing them all cost ~30 ms. A flow-style
    `variants: {…}` falls back to parsing the file."""
    text = path.read_text(encoding="utf-8")
    m = _HAS_VARIANTS.search(text)
    if m is None:
        return ()
    rest = text[m.end():].split("\n")
    if rest[0].split("#", 1)[0].strip():
        return _parsed_variants(text, path)
    names, indent = [], None
    for line in rest[1:]:
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(stripped)
        if depth == 0:
            break
        if indent is None:
            indent = depth
        if depth == indent:
            key = _KEY.match(stripped)
            if key is None:
                return _parsed_variants(text, path)
            names.append(key.group(1))
    return tuple(names)


_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(\s|$)")


def _parsed_variants(text: str, path: Path) -> tuple:
    from .yamlsource import load_text

    doc = load_text(text, path.name)
    variants = doc.get("variants") if isinstance(doc, dict) else None
    return tuple(str(k) for k in variants) if isinstance(variants, dict) else ()


@cache
def variant_index() -> dict:
    """variant name -> the bundled file that declares it."""
    return {name: p for p in sorted(architectures_dir().glob("*.yaml")) for name in variants_of(p)}


def bundled_names() -> list[str]:
    names = []
    for p in sorted(architectures_dir().glob("*.yaml")):
        names.extend(variants_of(p) or (p.stem,))
    return sorted(names)


FOREIGN_SUFFIXES = (".onnx", ".keras", ".json")  # interop/sources.py READERS: a model file, never a bundled name


def resolve(ref: str) -> tuple:
    """A path or a bundled name -> (file, name shown in messages, variant or None)."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml", *FOREIGN_SUFFIXES) or p.exists() or "/" in ref or "\\" in ref:
        if not p.exists():
            raise fail("E001", T("no such file: {file}", file=ref), Pos(ref, 1, 1),
                       did_you_mean(p.stem, bundled_names()) if p.suffix else None)
        return p, ref, None
    folder = architectures_dir()
    bundled = folder / f"{ref}.yaml"
    if bundled.exists():
        return bundled, f"{ref}.yaml", None
    family = variant_index().get(ref)
    if family is not None:
        return family, family.name, ref
    hint = did_you_mean(ref, bundled_names()) or T("run `cnncalc list` to see the bundled models")
    raise fail("E001", T("'{ref}' is neither a file nor a bundled model", ref=ref), Option("SPEC"), hint)
