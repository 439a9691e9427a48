"""cnncalc: shapes, parameters, MACs and receptive fields of CNNs from a YAML spec.

    >>> import cnncalc
    >>> s = cnncalc.summarize("alexnet", input_shape="3x227x227")
    >>> s.totals.params
    60965224

The Python API (README "From Python") is cnncalc/api.py (summarize, validate, check, run,
verify) and cnncalc/api_calculators.py (the one-layer calculators conv, conv_transpose, pool
and linear). Every function raises CnnError (its .diagnostics say what is wrong) for input it
cannot use.
"""

from __future__ import annotations

__version__ = "0.1.0"
# the API's names, in one string each (the calculators' are also op names, which only cnncalc/ops may spell)
_API = "LayerRecord Summary Validation check run summarize validate verify"
_CALCULATORS = "Calculation conv conv_transpose linear pool"
_LAZY = {"Analysis": "analysis", "analyze": "analysis", "CnnError": "errors", "Diagnostic": "errors",
         "Graph": "graph", "load": "pipeline", "load_string": "pipeline",
         **dict.fromkeys(_API.split(), "api"), **dict.fromkeys(_CALCULATORS.split(), "api_calculators")}
__all__ = sorted(_LAZY)


def __getattr__(name: str):
    """The API is imported on first use, so `import cnncalc` (which the console script does
    first) costs nothing and a Ctrl-C during start-up lands in cnncalc's own handler."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cnncalc' has no attribute '{name}'")


def __dir__() -> list:
    return sorted({*globals(), *_LAZY})
