"""Rendering of graded answer sheets: one sheet's feedback (text for students, JSON for
autograders) and a class's table, summary, JSON and CSV gradebook (cnncalc/classroom.py)."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from ..i18n import _, tr

CLASS_CSV_COLUMNS = ("sheet", "status", "model", "right", "total", "percent", "wrong", "error")


def percent(score: Fraction, digits: int = 0) -> str:
    """100·score rounded half to even (exact: no float in between), as "33" or "71.4"."""
    scaled = round(score * 100 * 10 ** digits)
    if not digits:
        return str(scaled)
    whole, part = divmod(abs(scaled), 10 ** digits)
    return f"{'-' if scaled < 0 else ''}{whole}.{part:0{digits}d}"


def grade_lines(g) -> list:
    width = max((len(f"{a.layer} {a.quantity}") for a in g.answers), default=10)
    lines = [_("{sheet}: answers for {model}").format(sheet=_shown(g.sheet), model=g.model), ""]
    for a in g.answers:
        label = f"{a.layer} {a.quantity}".ljust(width)
        if a.correct:
            lines.append(f"  ✓ {label}  {tr(a.shown_given)}")
        else:
            lines.append("  ✗ " + _("{label}  {given}  → right: {expected}   (line {line})").format(
                label=label, given=tr(a.shown_given), expected=tr(a.shown_expected), line=a.pos.line))
            if a.formula:
                lines.append(f"      {'':{width}}  {tr(a.formula)}")
            if a.hint:
                lines.append(f"      {'':{width}}  " + _("hint: {hint}").format(hint=tr(a.hint)))
    score = percent(Fraction(g.right, g.total) if g.total else Fraction(1))
    template = (_("Score: {right}/{total} ({percent}%)") if g.passed else
                _("Score: {right}/{total} ({percent}%) — not all answers are right"))
    return [*lines, "", template.format(right=g.right, total=g.total, percent=score)]


def _plain(v):
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict):
        return {k: list(x) for k, x in v.items()}
    return v


def _answer_dicts(g) -> list:
    return [{"layer": a.layer, "quantity": a.quantity, "written": _written(a), "answer": _plain(a.given),
             "expected": _plain(a.expected), "correct": a.correct, "formula": tr(a.formula) if a.formula else None,
             "hint": tr(a.hint) if a.hint else None, "line": a.pos.line, "column": a.pos.col}
            for a in g.answers]


def grade_dict(g) -> dict:
    """`check --format json` (the envelope of cnncalc/schema): each answer as written
    ("written", the sheet's text) beside its reading (shapes channels-first lists), the right
    value, its worked formula and a hint (null when none); ok exactly when every answer is right."""
    from .reports import envelope

    return envelope("check", g.passed, (), model=g.model, sheet=g.sheet,
                    score={"right": g.right, "total": g.total}, passed=g.passed, answers=_answer_dicts(g))


def _written(a):
    """The answer as the sheet wrote it (an Answer built by hand has none: then as shown); null if blank."""
    if getattr(a, "blank", False):
        return None
    return a.written if a.written is not None else a.shown_given


# -- a class ------------------------------------------------------------------------------
def _shown(text: str) -> str:
    """A file name or message from a class folder, with control characters escaped (a student's file
    name must not drive the terminal, nor break a table row)."""
    from ..yamlsource import escape_controls

    return escape_controls(text).replace("\n", "\\n").replace("\t", "\\t")


def _first_line(d) -> str:
    """FILE:LINE:COL: error[CODE]: message, without the hint below it."""
    return d.format().split("\n")[0]


def _reason(s) -> str:
    """The first error that kept a sheet from being graded, and how many more there are."""
    first = _first_line(s.reason) if s.reason is not None else ""
    more = sum(d.severity == "error" for d in s.diagnostics) - 1
    return first + (_(" (and {n} more)").format(n=more) if more > 0 else "")


def class_rows(room) -> list:
    """One dict of display strings per sheet: the table's cells."""
    rows = []
    for s in room.sheets:
        g = s.grade
        rows.append({"sheet": _shown(s.sheet), "model": _shown(g.model) if g else "—",
                     "score": f"{g.right}/{g.total}" if g else "—", "percent": f"{percent(s.score)}%" if g else "—",
                     "wrong": _shown(", ".join(s.wrong) if g else _reason(s))})
    return rows


def summary_line(room) -> str:
    counts = {"n": len(room.sheets), "passed": room.count("passed"), "wrong": room.count("wrong"),
              "ungradable": room.count("ungradable"), "graded": len(room.graded)}
    if room.mean is None:
        return _("{n} sheet(s): none could be graded").format(**counts)
    return _("{n} sheet(s): {passed} passed (every answer right), {wrong} with wrong answers, {ungradable} could "
             "not be graded; mean score {mean}% over {graded} graded").format(mean=percent(room.mean, 1), **counts)


def class_details(room) -> list:
    """Each sheet's own feedback, as `check SHEET` prints it (--details); a sheet not graded says why."""
    lines = []
    for s in room.sheets:
        if s.grade is not None:
            lines += [*grade_lines(s.grade), ""]
        else:
            lines += [_("{sheet}: could not be graded").format(sheet=_shown(s.sheet)),
                      *("  " + _shown(_first_line(d)) for d in s.diagnostics), ""]
    return lines


def print_class(room, out, details: bool = False) -> None:
    from .console import print_lines
    from .rows import Column
    from .table import print_aligned

    if details:
        print_lines(class_details(room), out)
    cols = [Column("sheet", _("Sheet")), Column("model", _("Model")), Column("score", _("Score"), True),
            Column("percent", "%", True), Column("wrong", _("Wrong answers (or why the sheet was not graded)"))]
    print_aligned(out, "", cols, class_rows(room))
    print_lines(["", summary_line(room)], out)


def class_dict(room) -> dict:
    """`check --format json` of several sheets: the envelope (its errors: every sheet's that could not be
    graded), the summary, and one entry per sheet with its status, score, wrong answers, errors and answers."""
    from .reports import diagnostic_dict, envelope

    def pct(score):
        return None if score is None else float(round(score * 100, 2))

    sheets = [{"sheet": s.sheet, "status": s.status, "model": s.grade.model if s.grade else None,
               "score": {"right": s.grade.right, "total": s.grade.total} if s.grade else None,
               "percent": pct(s.score), "wrong": list(s.wrong),
               "errors": [diagnostic_dict(d) for d in s.diagnostics if d.severity == "error"],
               "answers": _answer_dicts(s.grade) if s.grade else []}
              for s in room.sheets]
    summary = {"sheets": len(room.sheets), "graded": len(room.graded), "passed": room.count("passed"),
               "wrong": room.count("wrong"), "ungradable": room.count("ungradable"), "mean_percent": pct(room.mean)}
    return envelope("check", room.exit_code == 0, room.diagnostics, summary=summary, sheets=sheets)


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: a leading = + - @ (a student's file name) is quoted with '."""
    text = _shown(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def class_csv(room) -> str:
    """`check --format csv`: the gradebook, one row per sheet (columns CLASS_CSV_COLUMNS; percent with
    two decimals; wrong answers separated by ';'; error: the first reason a sheet was not graded)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CLASS_CSV_COLUMNS)
    for s in room.sheets:
        g = s.grade
        w.writerow([_cell(s.sheet), s.status, _cell(g.model) if g else "", g.right if g else "", g.total if g else "",
                    percent(s.score, 2) if g else "", _cell(";".join(s.wrong)), _cell(_reason(s)) if not g else ""])
    return buf.getvalue()
