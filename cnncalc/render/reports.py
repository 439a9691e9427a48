"""The short reports: `validate`, `list` and `ops` as text, rich tables or JSON."""

from __future__ import annotations

import json

from ..i18n import _, tr
from . import fmt


def diagnostic_dict(d) -> dict:
    """One diagnostic in the JSON contract: every key present, null when absent."""
    from ..errors import Option, Pos

    pos = d.pos if isinstance(d.pos, Pos) else None
    return {"code": d.code, "slug": d.slug, "severity": d.severity, "message": tr(d.message),
            "hint": tr(d.hint) or None, "file": pos.file if pos else None, "line": pos.line if pos else None,
            "column": pos.col if pos else None,
            "option": d.pos.name if isinstance(d.pos, Option) else None, "context": tr(d.context) or None}


def envelope(command: str, ok: bool, diagnostics=(), **payload) -> dict:
    """The JSON contract every `--format json` shares (README "JSON output", cnncalc/schema):
    {"command", "ok" (exactly when the exit code is 0), "errors", "warnings" (warnings and notes),
    then the command's own fields}."""
    diagnostics = list(diagnostics)
    return {"command": command, "ok": ok,
            "errors": [diagnostic_dict(d) for d in diagnostics if d.severity == "error"],
            "warnings": [diagnostic_dict(d) for d in diagnostics if d.severity != "error"], **payload}


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"


def validate_line(spec: str, analysis) -> str:
    """'tiny.yaml: valid — 8 layers, output 10, 84,698 params, 2,883,584 MACs' (or the error count)."""
    n_warn = sum(d.severity == "warning" for d in analysis.diagnostics)
    if not analysis.ok:
        return _("{spec}: {errors} error(s), {warnings} warning(s)").format(spec=spec, errors=len(analysis.errors),
                                                                           warnings=n_warn)
    t = analysis.totals
    n = len(analysis.layers)
    line = (_("{spec}: valid — {n} layer, output {output}, {params}, {macs} MACs") if n == 1 else
            _("{spec}: valid — {n} layers, output {output}, {params}, {macs} MACs")).format(
        spec=spec, n=n, output=fmt.shape(analysis.output_shape), macs=fmt.count(t.macs),
        params=fmt.params_total(t.params, t.trainable_params, t.non_trainable_params))
    return line + (_(", {warnings} warning(s)").format(warnings=n_warn) if n_warn else "")


def validate_dict(spec: str, analysis, diagnostics=None) -> dict:
    """`validate --format json`: the envelope, valid, and (when valid) the network's figures."""
    ok = analysis.ok
    t = analysis.totals if ok else None
    v = fmt.json_value
    return envelope("validate", ok, analysis.diagnostics if diagnostics is None else diagnostics,
                    spec=spec, valid=ok, name=analysis.name, input_shape=[v(d) for d in analysis.input_shape],
                    output_shape=[v(d) for d in analysis.output_shape] if ok else None,
                    layers=len(analysis.layers) if ok else None,
                    totals={"params": v(t.params), "trainable_params": v(t.trainable_params),
                            "non_trainable_params": v(t.non_trainable_params), "macs": v(t.macs),
                            "flops": v(t.flops)} if ok else None)


def failure_dict(command: str, diagnostics) -> dict:
    """What a `--format json` command prints when it cannot run: the envelope alone."""
    return envelope(command, False, diagnostics)


def model_rows(entries) -> list:
    """entries: (name, analysis) -> the dicts `list` prints (params include the non-trainable
    buffers, as everywhere: README "Counting conventions")."""
    return [{"name": name, "params": a.totals.params, "trainable_params": a.totals.trainable_params,
             "non_trainable_params": a.totals.non_trainable_params, "macs": a.totals.macs,
             "input_shape": list(a.input_shape), "source": a.graph.source}
            for name, a in entries]


def models_json(rows) -> str:
    return dumps(envelope("list", True, (), models=rows))


def ops_dict(registry, families, op=None) -> dict:
    """`ops --format json`: every op (or the one asked for) with its spellings and arguments."""
    from ..ops.base import REQUIRED

    def default(a):
        d = a.default
        return None if d is REQUIRED or d is None or not isinstance(d, (int, float, str, bool, list, tuple)) else (
            list(d) if isinstance(d, tuple) else d)

    def one(o):
        members = getattr(o, "members", None)
        entry = {"name": o.name, "aliases": list(o.aliases), "summary": tr(o.summary),
                 "arguments": [{"name": a.name, "required": a.default is REQUIRED, "default": default(a),
                                "aliases": list(a.aliases), "doc": tr(a.doc) or None} for a in o.args]}
        if members:
            entry["members"] = {fmt_rank(r): m.name for r, m in sorted(members.items())}
        return entry

    if op is not None:
        return envelope("ops", True, (), op=one(op))
    return envelope("ops", True, (), ops=[one(o) for o in registry.values()],
                    families=[{"name": f.name, "aliases": list(f.aliases),
                               "members": {fmt_rank(r): m.name for r, m in sorted(f.members.items())}}
                              for f in families.values()])


def render_models(rows, console) -> None:
    from rich import box
    from rich.table import Table

    from .console import as_rich

    console = as_rich(console)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h, right in ((_("Model"), False), (_("Input"), False), (_(fmt.PARAMS_HEADER), True), (_("Trainable"), True),
                     (_("MACs"), True), (_("Source"), False)):
        table.add_column(h, justify="right" if right else "left", no_wrap=h != _("Source"))
    for r in rows:
        table.add_row(r["name"], fmt.shape(tuple(r["input_shape"])), f"{r['params']:,}", f"{r['trainable_params']:,}",
                      fmt.si(r["macs"]), r["source"])
    console.print(table)


def render_ops(registry, families, console) -> None:
    """Every op: canonical name, spellings, arguments (required*), what it does; then the rank-free spellings."""
    from rich import box
    from rich.table import Table

    from ..ops.base import REQUIRED
    from .console import as_rich

    console = as_rich(console)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for h in (_("Op"), _("Also accepted"), _("Arguments (required*)"), _("What it does")):
        table.add_column(h)
    for op in registry.values():
        args = ", ".join(a.name + ("*" if a.default is REQUIRED else "") for a in op.args)
        table.add_row(op.name, ", ".join(op.aliases), args, tr(op.summary))
    console.print(table)
    fam = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left",
                title=_("Rank-free spellings (the op follows the input's rank)"))
    for h in (_("Spelling"), _("Also accepted"), _("Becomes")):
        fam.add_column(h)
    for f in families.values():
        members = sorted({(r, op.name) for r, op in f.members.items()})
        fam.add_row(f.name, ", ".join(f.aliases), ", ".join(f"{name} ({fmt_rank(r)})" for r, name in members))
    console.print(fam)


def op_lines(op) -> list:
    """One op (or a rank-free spelling) in full: spellings, inputs, arguments, and the formulas
    as its module documents them (the one place they are defined)."""
    import inspect
    import sys as _sys

    from ..ops.base import REQUIRED

    members = getattr(op, "members", None)
    import re

    summary = re.sub(r"^(\{n\}|\d)-D ", "", op.summary) if members else op.summary
    lines = [f"{op.name} — {tr(summary)}"]
    labels = {"aliases": _("also accepted"), "inputs": _("inputs"), "arguments": _("arguments")}
    width = max(13, *(len(v) for v in labels.values()))
    if op.aliases:
        lines.append(f"  {labels['aliases']:{width}}  {', '.join(op.aliases)}")
    if members:
        chosen = sorted({(r, m.name) for r, m in members.items()})
        lines.append(_("  follows the input's rank: {members}").format(
            members=", ".join(f"{name} ({fmt_rank(r)})" for r, name in chosen)))
    n_in = (str(op.min_inputs) if op.min_inputs == op.max_inputs else
            _("{n} or more").format(n=op.min_inputs) if op.max_inputs is None else f"{op.min_inputs}–{op.max_inputs}")
    lines.append(f"  {labels['inputs']:{width}}  " + _("{n}, each {expected}").format(
        n=n_in, expected=tr(op.expected_input())))
    if op.args:
        lines.append(f"  {labels['arguments']:{width}}  " + _("(* required)"))
        width = max(len(a.name) for a in op.args) + 1
        for a in op.args:
            bits = []
            if a.ref:
                bits.append(_("the name of a layer, which lends its size (not its values); the tensor worked "
                              "on is the layer's input (inputs:)"))
            if a.default is None:
                bits.append(_("optional"))
            elif a.default is not REQUIRED:
                bits.append(_("default {value!r}").format(value=a.default))
            if a.aliases:
                bits.append(_("also {aliases}").format(aliases=", ".join(a.aliases)))
            if a.doc:
                bits.append(tr(a.doc))
            star = "*" if a.default is REQUIRED else " "
            lines.append(f"    {a.name + star:{width}} {'; '.join(bits)}".rstrip())
    sample = next(iter(members.values())) if members else op
    module = _sys.modules.get(type(sample).__module__)
    doc = inspect.getdoc(module) if module is not None else None
    if doc:
        path = type(sample).__module__.replace(".", "/") + ".py"
        lines += ["", _("  formulas and conventions ({path}):").format(path=path),
                  *(f"    {line}".rstrip() for line in doc.splitlines())]
    return lines


def fmt_rank(tensor_rank: int) -> str:
    from ..ops.base import SHAPE_NAMES

    return SHAPE_NAMES[tensor_rank]
