"""`cnncalc verify`: run the network in NumPy and check every tensor against the analysis."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import EXIT_INVALID, Option, fail
from .app import Format, ModelArgs, Spec, TextOrJson, analysis_for, app, no_symbols, parse_bytes


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
    max_memory: Annotated[str, typer.Option("--max-memory", help="Refuse to run above this estimated "
                                                                 "peak.")] = "2GiB",
    fmt: TextOrJson = Format.table,
    arg: ModelArgs = None,
) -> None:
    """Run the network in NumPy: every tensor must have its inferred shape and every layer
    the counted number of weights (exit 1 otherwise)."""
    from ..render import fmt as f

    if dtype not in ("float32", "float64"):
        raise fail("E004", f"{dtype}: the NumPy backend runs float32 or float64", Option("--dtype"))
    array_file = input if input and (input.endswith(".npy") or Path(input).is_file()) else None
    analysis = analysis_for(spec, None if array_file else input, args=arg)
    no_symbols(analysis, ("--input", True))
    analysis.raise_for_errors()
    from ..backend import runner

    x = None
    if array_file:
        x = runner.load_input(array_file, analysis.input_shape, batch, dtype)
        batch = int(x.shape[0])
    limit = parse_bytes(max_memory)
    need = runner.estimate_peak_bytes(analysis, batch, dtype)
    if need > limit:
        raise fail("E304", f"running {analysis.name} at batch {batch} ({dtype}) needs about {f.nbytes(need)}, "
                           f"above --max-memory {f.nbytes(limit)}", Option("--max-memory"),
                   "use a smaller --batch or --input, or raise --max-memory")
    notes = []
    w = None
    if weights is not None:
        w, missing, unused = runner.load_weights(str(weights), analysis, dtype, seed)
        if missing:
            notes.append(f"{len(missing)} arrays not in {weights} were initialised: {', '.join(missing[:5])}"
                         + (" …" if len(missing) > 5 else ""))
        if unused:
            notes.append(f"{len(unused)} arrays of {weights} match no layer: {', '.join(unused[:5])}"
                         + (" …" if len(unused) > 5 else ""))
    result = _run_with_progress(runner, analysis, x, w, batch, dtype, seed)
    from ..render.verify import render_verify, verify_json

    if fmt is Format.json:
        sys.stdout.write(verify_json(analysis, result, need, notes))
    else:
        from ..render.console import console

        render_verify(analysis, result, need, notes, console())
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


def _run_with_progress(runner, analysis, x, w, batch, dtype, seed):
    from ..render.progress import progress

    with progress(analysis.name, len(analysis.layers)) as tick:
        return runner.run(analysis, x, w, batch=batch, dtype=dtype, seed=seed, on_layer=tick)
