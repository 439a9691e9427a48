"""`cnncalc report`: one self-contained HTML page of a network (README "The HTML report").

A page to hand in, mail or print, readable with no network and no program: the title and input, the
totals, the diagnostics, the diagram (the inline SVG of cnncalc.draw, given here as text so that this
module stays a pure renderer), the layer table and, with --compare, the published figures. There is
no JavaScript at all and nothing is fetched: the CSS is in the page, the picture is inline SVG.

The table's rows, the footer's totals and the comparison rows are render/rows.py's, as summarize
prints them; this module only lays them out as HTML. Every text from a spec (layer names, types,
the name of the network, the messages that quote them) is escaped: a spec is untrusted input.
"""

from __future__ import annotations

import re
from fractions import Fraction
from html import escape

from ..i18n import _, language, tr
from . import fmt
from .rows import (COMPARISON_COLUMNS, COMPARISON_LEGEND, columns, comparison_rows, comparison_title, footer,
                   layer_rows, notes, translated)

# Printing: each part starts where it fits, a table row is never cut in two, the header row repeats on
# every page, and the diagram is scaled to the page's width (a tall one is continued on the next pages).
CSS = """
:root { --ink: #1b1b1b; --muted: #5f6368; --rule: #d0d4d9; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 2em auto; max-width: 1100px; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin: 1.6em 0 .5em; }
.subtitle, .note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .25em .6em; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); } td.num, th.num { text-align: right; white-space: nowrap; }
table.totals { width: auto; } table.totals th { background: none; font-weight: 600; }
.diagnostics li { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; }
.diagnostics .error { color: #b00020; } .diagnostics .warning { color: #8a5a00; }
section.layers, section.published { overflow-x: auto; }
figure.diagram { margin: 0; overflow-x: auto; border: 1px solid var(--rule); padding: .5em; }
figure.diagram svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
tr.match td.verdict { color: #1e7d32; } tr.assumption td.verdict { color: #8a5a00; }
tr.mismatch td.verdict { color: #b00020; font-weight: 600; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  figure.diagram, section.layers, section.published { overflow: visible; border: none; padding: 0; }
  section.layers { break-before: page; }
  h2 { break-after: avoid; } tr, li { break-inside: avoid; }
  section.diagram.tall h2 { display: none; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?")
_VIEWBOX = re.compile(r'<svg\b[^>]*\bviewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"')
PRINTED = (680, 900)  # CSS px of an A4 or letter page's text area with 1.5 cm margins, less a heading


def is_taller_than_a_page(svg: str) -> bool:
    """A diagram that, scaled to the printed width, is taller than a page: Chromium slices it over the
    following pages but first moves it to a fresh one, which would leave its heading alone on a page; so
    in print such a diagram goes without the heading (its own title and legend head it)."""
    m = _VIEWBOX.search(svg)
    if not m:
        return False
    width, height = (Fraction(v) for v in m.groups())
    return width > 0 and height * min(1, Fraction(PRINTED[0]) / width) > PRINTED[1]


def inline_svg(svg: str) -> str:
    """A standalone SVG document as an element of the page: its XML declaration and doctype removed."""
    return _PROLOG.sub("", svg, count=1)


def _table(cols: list, rows: list, css_class: str, row_classes: list | None = None) -> str:
    def cell(tag: str, c, text: str) -> str:
        classes = " ".join(k for k in ("num" if c.numeric else "", c.key) if k)
        return f'<{tag} class="{classes}">{escape(text)}</{tag}>'

    head = "".join(cell("th", c, c.header) for c in cols)
    body = []
    for i, row in enumerate(rows):
        attr = f' class="{escape(row_classes[i])}"' if row_classes else ""
        body.append(f"<tr{attr}>" + "".join(cell("td", c, row[c.key]) for c in cols) + "</tr>")
    return (f'<table class="{css_class}"><thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + "\n</tbody></table>")


def _diagnostics(analysis) -> str:
    shown = [d for d in analysis.diagnostics if d.severity != "note"]
    if not shown:
        return ""
    items = "".join(f'<li class="{d.severity}">{escape(d.format())}</li>' for d in shown)
    return f'<section class="diagnostics"><h2>{escape(_("Diagnostics"))}</h2><ul>{items}</ul></section>'


def _comparisons(comparisons) -> str:
    if not comparisons:
        return ""
    title = comparison_title(comparisons)
    table = _table(translated(COMPARISON_COLUMNS), comparison_rows(comparisons), "published",
                   [c.verdict for c in comparisons])
    legend = tr(COMPARISON_LEGEND)
    return (f'<section class="published"><h2>{escape(title)}</h2>{table}'
            f'<p class="note">{escape(legend)}</p></section>')


def report_html(analysis, mem, diagram_svg: str, layout: str = "chw", extra: tuple = ("kernel", "rf"),
                depth: int | None = None, comparisons: tuple = ()) -> str:
    """The page: mem is memory.memory()'s figures (or None), diagram_svg the SVG text of the drawing,
    depth and extra the table's, as summarize --depth and --columns take them."""
    from .. import __version__

    name = escape(analysis.name)
    subtitle = _("input {shape}, output {output}, {n:,} layers").format(
        shape=fmt.shape(analysis.input_shape, layout), output=fmt.shape(analysis.output_shape, layout),
        n=len(analysis.layers))
    totals = "".join(f'<tr><th>{escape(fmt.total_label(label))}</th><td class="num">{escape(value)}</td></tr>'
                     for label, value in footer(analysis, mem))
    cols = columns(extra, depth)
    table = _table(cols, layer_rows(analysis, mem, cols, layout, depth=depth), "layers")
    diagram_class = "diagram tall" if is_taller_than_a_page(diagram_svg) else "diagram"
    notes_html = "".join(f'<p class="note">{escape(line)}</p>' for line in notes(analysis))
    return f"""<!DOCTYPE html>
<html lang="{language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cnncalc {escape(__version__)}">
<title>{name} — cnncalc</title>
<style>{CSS}</style>
</head>
<body>
<header><h1>{name}</h1><p class="subtitle">{escape(subtitle)}</p></header>
<section class="totals"><h2>{escape(_("Totals"))}</h2><table class="totals">{totals}</table>{notes_html}</section>
{_diagnostics(analysis)}
<section class="{diagram_class}"><h2>{escape(_("Diagram"))}</h2>
<figure class="diagram">{inline_svg(diagram_svg)}</figure>
</section>
<section class="layers"><h2>{escape(_("Layers"))}</h2>
{table}
</section>
{_comparisons(comparisons)}
<footer><p class="note">{escape(_("Made by cnncalc {version}.").format(version=__version__))}</p></footer>
</body>
</html>
"""
