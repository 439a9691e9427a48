"""cnncalc: shapes, parameters, MACs and receptive fields of CNNs from a YAML spec.

    >>> import cnncalc
    >>> a = cnncalc.summarize("alexnet")
    >>> a.totals.params
    60965224
"""

from .analysis import Analysis, analyze
from .errors import CnnError, Diagnostic
from .pipeline import load, load_string, summarize

__version__ = "0.1.0"
__all__ = ["Analysis", "CnnError", "Diagnostic", "analyze", "load", "load_string", "run", "summarize"]


def run(spec, x=None, weights=None, *, input_shape=None, batch: int = 1, dtype: str = "float32", seed: int = 0):
    """Run a network in NumPy and check every tensor against the analysis.

    spec: a bundled name, a path, or an Analysis. x: an (N, C, H, W) array or None
    (seeded normal input); weights: {layer: {array: ndarray}} or None (seeded He init).
    Returns backend.runner.RunResult (.layers with per-layer checks, .output, .ok).
    NumPy is imported only here, not by the calculator.
    """
    from .backend.runner import run as _run

    analysis = spec if isinstance(spec, Analysis) else summarize(spec, input_shape)
    return _run(analysis, x, weights, batch=batch, dtype=dtype, seed=seed)
