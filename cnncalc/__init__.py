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
__all__ = ["Analysis", "CnnError", "Diagnostic", "analyze", "load", "load_string", "summarize"]
