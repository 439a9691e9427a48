"""cnncalc: shapes, parameters, MACs and receptive fields of CNNs from a YAML spec.

    >>> import cnncalc
    >>> a = cnncalc.summarize("alexnet")
    >>> a.totals.params
    60965224
"""

from __future__ import annotations

__version__ = "0.1.0"
_LAZY = {"Analysis": "analysis", "analyze": "analysis", "CnnError": "errors", "Diagnostic": "errors",
         "load": "pipeline", "load_string": "pipeline", "summarize": "pipeline"}


def __getattr__(name: str):
    """The API is imported on first use, so `import cnncalc` (which the console script does
    first) costs nothing and a Ctrl-C during start-up lands in cnncalc's own handler."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cnncalc' has no attribute '{name}'")
__all__ = ["Analysis", "CnnError", "Diagnostic", "analyze", "load", "load_string", "run", "summarize"]


def run(spec, x=None, weights=None, *, input_shape=None, batch: int = 1, dtype: str = "float32", seed: int = 0):
    """Run a network in NumPy and check every tensor against the analysis.

    spec: a bundled name, a path, or an Analysis. x: an (N, C, H, W) array or None
    (seeded normal input); weights: {layer: {array: ndarray}} or None (seeded He init).
    Returns backend.runner.RunResult (.layers with per-layer checks, .output, .ok).
    NumPy is imported only here, not by the calculator.
    """
    from .analysis import Analysis
    from .backend.runner import run as _run
    from .pipeline import summarize

    analysis = spec if isinstance(spec, Analysis) else summarize(spec, input_shape)
    return _run(analysis, x, weights, batch=batch, dtype=dtype, seed=seed)
