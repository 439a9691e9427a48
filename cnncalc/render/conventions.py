"""Other tools' figures for a network: the --convention footer line and the --compare-tools table.

The figures come from cnncalc/conventions.py; this module only lays them out (and is, with
the rest of cnncalc/render, the only place that imports rich).
"""

from __future__ import annotations

import json

from ..conventions import SOURCES, all_figures, as_json, figure, short
from ..i18n import T, tr


def footer_line(analysis, tool: str) -> str:
    """'Convention: fvcore (FlopCountAnalysis(...).total()): 4,111,512,576 FLOPs (4.11 G), 25,557,032 params'."""
    f = figure(analysis, tool)
    return tr(T("Convention: {tool} ({source}): {count:,} {unit} ({short}), {params:,} params",
                tool=tool, source=SOURCES[tool], count=f.count, unit=f.unit, short=short(f), params=f.params))


def print_footer(analysis, tool: str, console) -> None:
    console.print(footer_line(analysis, tool), style="bold", markup=False, highlight=False, crop=False)


def table_text(analysis) -> str:
    """The --compare-tools table as plain aligned text (also what --output and markdown get)."""
    head = tuple(map(tr, (T("tool"), T("figure"), T("short"), T("unit"), T("why it differs from cnncalc's MACs"))))
    rows = [(f.tool, f"{f.count:,}", short(f), f.unit, tr(f.why)) for f in all_figures(analysis)]
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(4)]

    def line(r):
        return "  ".join([str(r[0]).ljust(widths[0]), str(r[1]).rjust(widths[1]), str(r[2]).rjust(widths[2]),
                          str(r[3]).ljust(widths[3]), str(r[4])]).rstrip()

    return "\n".join([line(head), *map(line, rows)]) + "\n"


def print_compare_tools(analysis, console) -> None:
    console.print(table_text(analysis), markup=False, highlight=False, crop=False, end="")


def with_conventions(json_text: str, analysis, tool: str | None) -> str:
    """summarize's JSON with a "conventions" object (every tool) and the chosen "convention"."""
    data = json.loads(json_text)
    data["conventions"] = as_json(analysis)
    if tool is not None:
        data["convention"] = tool
    return json.dumps(data, indent=2) + "\n"


def print_console(analysis, tool: str | None, compare: bool, console) -> None:
    """After summarize's table: the footer line of the chosen convention, then the tools table."""
    if tool:
        print_footer(analysis, tool, console)
    if compare:
        console.print()
        print_compare_tools(analysis, console)


def appended(rendered: str, fmt: str, analysis, tool: str | None, compare: bool) -> str:
    """summarize's json/markdown/csv text with the convention's figures added in that format."""
    if fmt == "json":
        return with_conventions(rendered, analysis, tool)
    extra = (footer_line(analysis, tool) + "\n" if tool else "") + (table_text(analysis) if compare else "")
    if fmt == "csv":  # a csv reader wants rows only: the lines go after a blank line, as comments
        return rendered + "\n" + "".join(f"# {x}\n" for x in extra.splitlines())
    return rendered + "\n" + ("\n".join(f"    {x}" for x in extra.splitlines()) + "\n")
