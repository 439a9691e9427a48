"""`cnncalc verify`: run the network in NumPy and check every tensor against the analysis."""

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import EXIT_INVALID, Option, fail
from .app import ModelArgs, Spec, TextFormat, TextOrJson, analysis_for, app, no_symbols, parse_bytes


@app.command()
def verify(
    spec: Spec,
    input: Annotated[Optional[str], typer.Option("--input", "-i", help="An input shape (CxHxW, CxL, CxDxHxW), or "
                                                                       "a .npy array file.")] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Batch size (for a generated input).")] = 1,
    dtype: Annotated[str, typer.Option("--dtype", help="float32 or float64.")] = "float32",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the He-initialised weights and the random input.")] = 0,
    weights: Annotated[Optional[Path], typer.Option("--weights", help="An .npz of real weights keyed "
                                                                      "<layer>.<array> (PyTorch state_dict "
                                                                      "names).")] = None,
    max_memory: Annotated[str, typer.Option("--max-memory", help="Refuse to run when the estimated peak "
                                                                 "memory of the process (interpreter "
                                                                 "included) is above this.")] = "2GiB",
    fmt: TextOrJson = TextFormat.table,
    arg: ModelArgs = None,
) -> None:
    """Run the network in NumPy: every tensor must have its inferred shape and every layer
    the counted number of weights (exit 1 otherwise)."""
    if dtype not in ("float32", "float64"):
        raise fail("E004", f"{dtype}: the NumPy backend runs float32 or float64", Option("--dtype"))
    if seed < 0:
        raise fail("E004", f"--seed {seed}: a seed is a non-negative integer", Option("--seed"), "e.g. --seed 0")
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
        parts = [f"weights {_nbytes(plan.weights)}", f"activations {_nbytes(plan.activations)}"]
        if plan.loading > plan.activations:
            by_weights = wplan is not None and wplan.load_bytes(dtype) == plan.loading
            parts.append(f"reading {weights if by_weights else inp.path} {_nbytes(plan.loading)}")
        parts.append(f"interpreter {_nbytes(plan.interpreter)}")
        above = f"--max-memory {_nbytes(limit)}" if need > limit else f"{machine[1]} ({_nbytes(machine[0])})"
        raise fail("E304", f"running {analysis.name} at batch {batch} ({dtype}) needs about {_nbytes(need)}, "
                           f"above {above} ({', '.join(parts)})", Option("--max-memory"),
                   "use a smaller --batch or --input" + (", or raise --max-memory" if need > limit else ""))
    notes = []
    try:
        with _quiet():
            w = None
            if wplan is not None:
                w, missing, unused, bad = runner.load_weights(wplan, analysis, dtype, seed)
                if missing:
                    notes.append(f"{len(missing)} arrays not in {weights} were initialised: {', '.join(missing[:5])}"
                                 + (" …" if len(missing) > 5 else ""))
                if unused:
                    notes.append(f"{len(unused)} arrays of {weights} match no layer: {', '.join(unused[:5])}"
                                 + (" …" if len(unused) > 5 else ""))
                if bad:
                    notes.append(f"{sum(bad.values()):,} weights of {weights} are NaN or infinite ("
                                 + ", ".join(list(bad)[:5]) + (" …" if len(bad) > 5 else "")
                                 + "): shapes and weight counts are still checked, the output values mean nothing")
            x = None
            if inp is not None:
                x, bad = runner.load_input(inp, dtype)
                if bad:
                    notes.append(f"{bad:,} of the {x.size:,} input values of {inp.path} are NaN or infinite (as "
                                 f"{dtype}): shapes and weight counts are still checked, the output values mean "
                                 "nothing")
            result = _run_with_progress(runner, analysis, x, w, batch, dtype, seed)
    except MemoryError:
        raise fail("E304", f"ran out of memory running {analysis.name} at batch {batch} ({dtype}); the estimate "
                           f"was {_nbytes(need)}", Option("--max-memory"),
                   "the machine (or its limits) has less memory than --max-memory: lower --max-memory to what is "
                   "free, or use a smaller --batch") from None
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

    return f.nbytes(n) if n < 2**100 else f"more than 2^{n.bit_length() - 1} bytes"


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
