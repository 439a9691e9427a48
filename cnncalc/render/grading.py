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
    def plain(v):
        if isinstance(v, tuple):
            return list(v)
        if isinstance(v, dict):
            return {k: list(x) for k, x in v.items()}
        return v

    return {
        "model": g.model,
        "sheet": g.sheet,
        "score": {"right": g.right, "total": g.total},
        "passed": g.passed,
        "answers": [{"layer": a.layer, "quantity": a.quantity, "answer": plain(a.given), "expected": plain(a.expected),
                     "correct": a.correct, "formula": a.formula, "hint": a.hint, "line": a.pos.line}
                    for a in g.answers],
    }
