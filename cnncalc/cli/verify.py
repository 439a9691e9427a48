"""`cnncalc verify`: run the network in NumPy and check every tensor against the analysis."""

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import EXIT_INVALID, Option, fail
from ..i18n import T, _
from .app import ModelArgs, Spec, TextFormat, TextOrJson, analysis_for, app, no_symbols, parse_bytes


@app.command(help=_("Run the network in NumPy: every tensor must have its inferred shape and every layer the counted "
                    "number of weights (exit 1 otherwise)."))
def verify(
    spec: Spec,
    input: Annotated[Optional[str], typer.Option("--input", "-i", help=_(
        "An input shape (CxHxW, CxL, CxDxHxW), or a .npy array file."))] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help=_("Batch size (for a generated input)."))] = 1,
    dtype: Annotated[str, typer.Option("--dtype", help=_("float32 or float64."))] = "float32",
    seed: Annotated[int, typer.Option("--seed", help=_(
        "Seed of the He-initialised weights and the random input."))] = 0,
    weights: Annotated[Optional[Path], typer.Option("--weights", help=_(
        "Real weights keyed <layer>.<array> (PyTorch state_dict names): .safetensors, .pth/.pt (needs torch) "
        "or .npz."))] = None,
    max_memory: Annotated[str, typer.Option("--max-memory", help=_(
        "Refuse to run when the estimated peak memory of the process (interpreter included) is above "
        "this."))] = "2GiB",
    fmt: TextOrJson = TextFormat.table,
    arg: ModelArgs = None,
) -> None:
    """The analysis checked against a real forward pass: the counting rules, not trusted but run."""
    if dtype not in ("float32", "float64"):
        raise fail("E004", T("{dtype}: the NumPy backend runs float32 or float64", dtype=dtype), Option("--dtype"))
    if seed < 0:
        raise fail("E004", T("--seed {seed}: a seed is a non-negative integer", seed=seed), Option("--seed"),
                   T("e.g. --seed 0"))
    limit = parse_bytes(max_memory)
    array_file = input if input and (input.endswith((".npy", ".npz")) or Path(input).is_file()) else None
    analysis = analysis_for(spec, None if array_file else input, args=arg)
    no_symbols(analysis, ("--input", True))
    analysis.raise_for_errors()
    from ..backend import runner

    # every size is known before any array exists: the input's and the weights' headers first
    inp = runner.input_plan(array_file, analysis, batch) if array_file else None
    if inp is not None:
        batch = inp.batch
    wplan = runner.weights_plan(str(weights), analysis) if weights is not None else None
    plan = runner.memory_plan(analysis, batch, dtype, inp, wplan)
    need = plan.total
    machine = runner.machine_limit() if need <= limit else None
    if need > limit or (machine and need > machine[0]):
        sizes = {"weights": _nbytes(plan.weights), "activations": _nbytes(plan.activations),
                 "interpreter": _nbytes(plan.interpreter)}
        if plan.loading > plan.activations:
            by_weights = wplan is not None and wplan.load_bytes(dtype) == plan.loading
            parts = T("weights {weights}, activations {activations}, reading {file} {reading}, interpreter "
                      "{interpreter}", file=str(weights if by_weights else inp.path), reading=_nbytes(plan.loading),
                      **sizes)
        else:
            parts = T("weights {weights}, activations {activations}, interpreter {interpreter}", **sizes)
        above = f"--max-memory {_nbytes(limit)}" if need > limit else f"{machine[1]} ({_nbytes(machine[0])})"
        raise fail("E304", T("running {name} at batch {batch} ({dtype}) needs about {need}, above {above} ({parts})",
                             name=analysis.name, batch=batch, dtype=dtype, need=_nbytes(need), above=above,
                             parts=parts), Option("--max-memory"),
                   T("use a smaller --batch or --input, or raise --max-memory") if need > limit else
                   T("use a smaller --batch or --input"))
    notes = []
    try:
        with _quiet():
            w = None
            if wplan is not None:
                w, missing, unused, bad = runner.load_weights(wplan, analysis, dtype, seed)
                if missing:
                    notes.append(T("{n} arrays not in {file} were initialised: {names}", n=len(missing),
                                   file=str(weights), names=_first(missing)))
                if unused:
                    notes.append(T("{n} arrays of {file} match no layer: {names}", n=len(unused), file=str(weights),
                                   names=_first(unused)))
                if bad:
                    notes.append(T("{n:,} weights of {file} are NaN or infinite ({names}): shapes and weight counts "
                                   "are still checked, the output values mean nothing", n=sum(bad.values()),
                                   file=str(weights), names=_first(list(bad))))
            x = None
            if inp is not None:
                x, bad = runner.load_input(inp, dtype)
                if bad:
                    notes.append(T("{bad:,} of the {n:,} input values of {file} are NaN or infinite (as {dtype}): "
                                   "shapes and weight counts are still checked, the output values mean nothing",
                                   bad=bad, n=x.size, file=str(inp.path), dtype=dtype))
            result = _run_with_progress(runner, analysis, x, w, batch, dtype, seed)
    except MemoryError:
        raise fail("E304", T("ran out of memory running {name} at batch {batch} ({dtype}); the estimate was {need}",
                             name=analysis.name, batch=batch, dtype=dtype, need=_nbytes(need)), Option("--max-memory"),
                   T("the machine (or its limits) has less memory than --max-memory: lower --max-memory to what is "
                     "free, or use a smaller --batch")) from None
    from ..render.verify import render_verify, verify_json

    if fmt is TextFormat.json:
        sys.stdout.write(verify_json(analysis, result, need, notes, plan.as_dict()))
    else:
        from ..render.console import console

        render_verify(analysis, result, need, notes, console())
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


def _nbytes(n: int) -> str:
    """Binary units; a size beyond any float (a batch of 10⁴⁰⁰) as a power of two."""
    from ..render import fmt as f

    return f.nbytes(n) if n < 2**100 else _("more than 2^{power} bytes").format(power=n.bit_length() - 1)


def _first(names: list) -> str:
    """The first five names of a list a note quotes, '…' when there are more."""
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


@contextlib.contextmanager
def _quiet():
    """NumPy's floating-point warnings (NaN inputs, overflow in a cast) never reach the user as
    'RuntimeWarning' lines with a source path: a NaN input is reported as a note instead."""
    import warnings

    import numpy as np

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _run_with_progress(runner, analysis, x, w, batch, dtype, seed):
    from ..render.progress import progress

    with progress(analysis.name, len(analysis.layers)) as tick:
        return runner.run(analysis, x, w, batch=batch, dtype=dtype, seed=seed, on_layer=tick)


def validate_weights(spec: str, analysis, weights: Path, fmt) -> None:
    """`validate SPEC --weights FILE`: the design's tensors against the file's names and shapes
    (cnncalc/checkpoint.py), no data read; exit 1 on any E208."""
    from ..checkpoint import compare
    from ..render import reports
    from ..render.console import console, print_diagnostics, print_lines

    match = compare(analysis, str(weights))
    diags = [*analysis.diagnostics, *match.diagnostics]
    ok = not match.diagnostics
    if fmt is TextFormat.json:
        d = reports.validate_dict(spec, analysis, diags)
        d["ok"] = ok
        d["weights"] = {"file": str(weights), "match": ok, "tensors": match.tensors, "params": match.params}
        sys.stdout.write(reports.dumps(d))
    else:
        print_diagnostics(diags)
        out = console(stderr=not ok)
        line = (T("weights match: {n:,} tensors, {params:,} params ({file})", n=match.tensors, params=match.params,
                  file=str(weights)) if ok else
                T("weights do not match: {bad} mismatched tensor(s), {n:,} matching ({file})",
                  bad=len(match.diagnostics), n=match.tensors, file=str(weights)))
        print_lines([reports.validate_line(spec, analysis), line], out)
    if not ok:
        raise typer.Exit(EXIT_INVALID)
