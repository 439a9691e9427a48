"""Rendering of a graded answer sheet (text for students, JSON for autograders)."""

from __future__ import annotations


def grade_lines(g) -> list:
    width = max((len(f"{a.layer} {a.quantity}") for a in g.answers), default=10)
    lines = [f"{g.sheet}: answers for {g.model}", ""]
    for a in g.answers:
        label = f"{a.layer} {a.quantity}".ljust(width)
        if a.correct:
            lines.append(f"  ✓ {label}  {a.shown_given}")
        else:
            lines.append(f"  ✗ {label}  {a.shown_given}  → right: {a.shown_expected}   (line {a.pos.line})")
            if a.formula:
                lines.append(f"      {'':{width}}  {a.formula}")
            if a.hint:
                lines.append(f"      {'':{width}}  hint: {a.hint}")
    pct = 100 * g.right / g.total if g.total else 100.0
    lines += ["", f"Score: {g.right}/{g.total} ({pct:.0f}%)" + ("" if g.passed else " — not all answers are right")]
    return lines


def grade_dict(g) -> dict:
    """`check --format json` (the envelope of cnncalc/schema): each answer as written
    ("written", the sheet's text) beside its reading (shapes channels-first lists), the right
    value, its worked formula and a hint (null when none); ok exactly when every answer is right."""
    from .reports import envelope

    def plain(v):
        if isinstance(v, tuple):
            return list(v)
        if isinstance(v, dict):
            return {k: list(x) for k, x in v.items()}
        return v

    return envelope("check", g.passed, (), **{
        "model": g.model,
        "sheet": g.sheet,
        "score": {"right": g.right, "total": g.total},
        "passed": g.passed,
        "answers": [{"layer": a.layer, "quantity": a.quantity, "written": _written(a), "answer": plain(a.given),
                     "expected": plain(a.expected), "correct": a.correct, "formula": a.formula or None,
                     "hint": a.hint or None, "line": a.pos.line, "column": a.pos.col}
                    for a in g.answers],
    })


def _written(a):
    """The answer as the sheet wrote it (an Answer built by hand has none: then as shown)."""
    return a.written if a.written is not None else a.shown_given
