"""Symbolic input sizes: `--input 3xHxW` turns every spatial size into a formula in H and W.

Pure (no printing, results are frozen); sympy is imported only here, and only when a
command is given a symbolic size (`has_symbols`), never at import time.

How the formulas are made: the input shape is (C, H, W) with H and W sympy symbols
(positive integers) and the ordinary `analysis.analyze` runs on it. Every op applies
its own rule, so conv1's `(H − 11)//4 + 1` is sympy's floor((H − 11)/4) + 1; the checks
that need a number are skipped for symbolic sizes (ops/window.py `is_concrete`), and a
rule that cannot be written as a formula raises E104 from its op. Afterwards each
formula is tidied (`simplify`): nested roundings merge,
⌊(⌊u⌋ + q)/c⌋ = ⌊(u + ⌊q⌋)/c⌋ for a whole c > 0 (and the same for ⌈ ⌉; a ⌊ ⌋ inside a
⌈ ⌉ is first rewritten as one), so pool1 of AlexNet reads ⌊(H − 11)/8⌋ rather than
⌊(⌊(H − 11)/4⌋ − 2)/2⌋ + 1.

Which sizes work (`size_report`, for `validate`): answered numerically with the same
integer rules, one symbol at a time. To study H, H is set to a number n and every
other spatial size stays (or becomes) a symbol; the ops skip their checks for
symbolic sizes, so the errors and warnings left are exactly those of the H
dimension. H and W are therefore treated independently (with `3xNxN` both
dimensions are studied together), and when every layer treats them alike (same
formula and window in both) W's answer is H's, computed once.
  - smallest H: the smallest n for which the analysis has no error, i.e. every layer's
    output is ≥ 1 (E201/E202 are the only errors a size can cause in a network that is
    valid for symbols). Output sizes grow with the input, so validity is monotone in n:
    doubling finds a valid n, bisection the smallest.
  - no flooring: the sizes for which no op reports a floored division (W101 under
    `strict`, which also counts padding left over; a layer's `allow:` list is honoured,
    and ceil_mode divisions round up, so they never floor). A layer's division depends
    on H only through H mod S, S its effective stride (the product of the strides
    before it: its receptive-field stride). So the set of exact sizes is periodic with
    period M = lcm of all effective strides (their numerators, after an upsampling);
    one period from the smallest valid n is scanned, and M is reduced to the smallest
    modulus giving the same classes. AlexNet (227×227): H ≡ 3 (mod 32).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from math import lcm

from .analysis import Analysis, Totals, analyze
from .errors import Option, fail
from .graph import Graph
from .i18n import T
from .ops.window import is_concrete
from .shapes import has_symbols, parse_shape

SEARCH_LIMIT = 1 << 20  # no network needs a larger input; beyond it "no valid size"
STUDY_BUDGET = 50_000  # layer analyses spent on one symbol: finding its smallest size, then its period
SYMBOLIC_MAX_LAYERS = 2_000  # layers analysed with formulas for sizes
SYMBOLIC_CPU_S = 3  # and the CPU seconds a symbolic command may spend in sympy (start_clock)
_CLI = Option("--input")

__all__ = ["analyze_symbolic", "has_symbols", "parse_symbolic_shape", "size_report", "simplify"]


def _sympy():
    try:
        import sympy
    except ImportError:
        raise fail("E004", T("symbolic sizes need sympy: pip install 'cnncalc[symbolic]'"), _CLI,
                   T("or give the input size as numbers, e.g. 3x224x224")) from None
    return sympy


def parse_symbolic_shape(text: str, layout: str = "chw", where=_CLI) -> tuple:
    """'3xHxW' -> (3, H, W) with H, W sympy Symbols (positive integers); 'HxWx3' with layout hwc.

    Any rank: '1xL', '3xDxHxW'. The same name twice ('3xNxN') is one symbol: a square input.
    """
    sp = _sympy()
    dims = parse_shape(text, where, layout=layout, symbols=True, code="E004", what="--input")
    symbols: dict = {}
    return tuple(symbols.setdefault(d, sp.Symbol(d, positive=True, integer=True)) if isinstance(d, str) else d
                 for d in dims)


# -- formulas ----------------------------------------------------------------------
_clock = {"deadline": None}


def start_clock(seconds: float | None = SYMBOLIC_CPU_S) -> None:
    """sympy's cost per layer is not known before it runs (nested floors with large constants
    take 30 ms a layer, a plain chain 0.1 ms): besides the layer count charged up front, a
    symbolic command of the CLI stops after SYMBOLIC_CPU_S seconds of CPU rather than running
    on (the CLI starts the clock; None stops it; calls from Python have no clock)."""
    import time

    _clock["deadline"] = None if seconds is None else time.process_time() + seconds


def charge_time() -> None:
    import time

    deadline = _clock["deadline"]
    if deadline is not None and time.process_time() > deadline:
        _clock["deadline"] = None
        raise fail("E004", T("working out this network's sizes as formulas took more than {seconds} s of CPU",
                             seconds=SYMBOLIC_CPU_S),
                   _CLI, T("give the input size as numbers, e.g. 3x224x224, or try a smaller network"))


def add_all(terms: list):
    return _sympy().Add(*terms)


def simplify(x):
    """A size or count as a tidy sympy expression (an int when it no longer depends on a symbol)."""
    if is_concrete(x):
        return x
    charge_time()
    sp = _sympy()
    e = _tidy(sp.sympify(x), sp)
    if e.is_Integer:
        return int(e)
    return sp.Add(*(_gather(t, sp) for t in sp.Add.make_args(e)))


def _gather(term, sp):
    """1048576·(⌊…⌋ + 1)·(⌊…⌋ + 1) rather than 4096·(256·⌊…⌋ + 256)·(⌊…⌋ + 1): numbers to the front."""
    if not term.is_Mul or not any(f.is_Add for f in term.args):
        return term
    number, factors = sp.Integer(1), []
    for f in term.args:
        if f.is_Number:
            number *= f
            continue
        if f.is_Add:
            content, f = f.primitive()
            number *= content
        factors.append(f)
    return sp.Mul(number, *factors, evaluate=False) if number != 1 else sp.Mul(*factors)


def _tidy(e, sp):
    """Bottom-up: −⌊−y⌋ → ⌈y⌉, and merge nested roundings (module docstring)."""
    if not e.args:
        return e
    args = tuple(_tidy(a, sp) for a in e.args)
    if args != e.args:
        e = e.func(*args)
    if isinstance(e, sp.floor) and e.args[0].could_extract_minus_sign():
        return -_merge(sp.ceiling(-e.args[0]), sp)
    if isinstance(e, sp.ceiling) and e.args[0].could_extract_minus_sign():
        return -_merge(sp.floor(-e.args[0]), sp)
    if isinstance(e, (sp.floor, sp.ceiling)):
        return _merge(e, sp)
    return e


def _merge(e, sp, swap: bool = True):
    """⌊(⌊u⌋ + q)/c⌋ = ⌊(u + ⌊q⌋)/c⌋ and ⌈(⌈u⌉ + q)/c⌉ = ⌈(u + ⌈q⌉)/c⌉ for whole c > 0, rational q.

    A rounding of the other kind is first rewritten when its argument is N/d with N
    integer-valued: ⌊N/d⌋ = ⌈(N − d + 1)/d⌉ and ⌈N/d⌉ = ⌊(N + d − 1)/d⌋ (ceil_mode pools).
    """
    kind = type(e)
    if kind not in (sp.floor, sp.ceiling):
        return e
    arg = e.args[0]
    inner = [t for t in sp.Add.make_args(arg) if not t.is_Number]
    if len(inner) != 1:
        return e
    coeff, f = inner[0].as_coeff_Mul()
    if not coeff.is_Rational or coeff <= 0 or coeff.p != 1:
        return e
    if isinstance(f, kind):
        q = (arg - inner[0]) * coeff.q
        shift = sp.floor(q) if kind is sp.floor else sp.ceiling(q)
        merged = kind((f.args[0] + shift) / coeff.q)
        return _merge(merged, sp) if isinstance(merged, kind) else merged
    if swap and isinstance(f, (sp.floor, sp.ceiling)):
        num, den = sp.fraction(sp.together(f.args[0]))
        if den.is_Integer and den > 0 and num.is_integer:
            g = sp.ceiling((num - den + 1) / den) if kind is sp.ceiling else sp.floor((num + den - 1) / den)
            tried = kind(arg.xreplace({f: g}))
            if isinstance(tried, kind):
                out = _merge(tried, sp, swap=False)
                if out != tried:
                    return out
    return e


def analyze_symbolic(graph: Graph, shape: tuple, strict: bool = False) -> Analysis:
    """`analyze` with symbolic sizes; every size, parameter count and MAC count simplified.

    Raises CnnError E104 when an op's rule cannot be evaluated for a symbolic size and the
    op did not say so itself (a comparison sympy cannot decide).
    """
    _sympy()
    if len(graph.nodes) > SYMBOLIC_MAX_LAYERS:  # sympy costs ~1 ms a layer: charged before it starts
        raise fail("E004", T("{name} has {layers:,} layers; sizes are written as formulas for networks of at most "
                             "{limit:,}", name=graph.name, layers=len(graph.nodes), limit=SYMBOLIC_MAX_LAYERS), _CLI,
                   T("give the input size as numbers, e.g. 3x224x224"))
    try:
        a = analyze(graph, shape, strict, charge_time)
    except TypeError as exc:  # sympy: "cannot determine truth value of Relational"
        raise fail("E104", T("{name}: this network's size rules cannot be written as formulas ({problem})",
                             name=graph.name, problem=str(exc)),
                   _CLI, T("give the input size as numbers, e.g. 3x224x224")) from None
    layers = tuple(r._replace(input_shapes=tuple(tuple(map(simplify, s)) for s in r.input_shapes),
                           output_shape=tuple(map(simplify, r.output_shape)), trainable=simplify(r.trainable),
                           non_trainable=simplify(r.non_trainable), macs=simplify(r.macs))
                   for r in a.layers)
    t = a.totals
    totals = Totals(simplify(t.params), simplify(t.trainable_params), simplify(t.non_trainable_params),
                    simplify(t.macs), simplify(2 * t.macs))
    return replace(a, layers=layers, totals=totals)


def symbols_of(shape: tuple) -> tuple:
    """The distinct symbols of a shape, in order of appearance."""
    return tuple(dict.fromkeys(d for d in shape if not is_concrete(d)))


def at(x, values: dict) -> int:
    """A size or count at given symbol values (keyed by symbol or name): at(⌊(H − 11)/4⌋ + 1, {'H': 227}) = 55."""
    if is_concrete(x):
        return x
    sp = _sympy()
    names = {str(k): v for k, v in values.items()}
    return int(x.xreplace({s: sp.Integer(names[s.name]) for s in x.free_symbols if s.name in names}))


# -- which sizes work ----------------------------------------------------------------
@dataclass(frozen=True)
class SizeRange:
    """What one symbol may be.

    smallest: the smallest value for which every layer's output is ≥ 1 (None: none up
    to SEARCH_LIMIT); failure: why the value just below fails. modulus/residues: no
    division floors exactly when the value is ≡ one of residues (mod modulus) (and at
    least `smallest`); residues empty: every size floors somewhere; residues None: not
    searched, as the strides repeat every `modulus` sizes, too many analyses (STUDY_BUDGET). smallest_exact: the
    smallest such value. same_as: the symbol whose answer this copies (by symmetry).
    """

    symbol: str
    smallest: int | None
    failure: str | None = None
    modulus: int = 1
    residues: tuple = ()
    smallest_exact: int | None = None
    same_as: str | None = None
    searched: bool = True  # False: the network is too large for the search (STUDY_BUDGET)


@dataclass(frozen=True)
class SizeReport:
    analysis: Analysis  # the symbolic analysis
    ranges: tuple       # one SizeRange per symbol

    @property
    def ok(self) -> bool:
        return self.analysis.ok and all(r.smallest is not None or not r.searched for r in self.ranges)


def size_report(graph: Graph, shape: tuple, analysis: Analysis | None = None) -> SizeReport:
    """For each symbol: the smallest valid size and the sizes for which no division floors."""
    sp = _sympy()
    analysis = analysis or analyze_symbolic(graph, shape)
    if not analysis.ok:
        return SizeReport(analysis, ())
    ranges: list = []
    for sym in symbols_of(shape):
        twin = _mirror(analysis, shape, sym, ranges, sp)
        ranges.append(twin or _study(graph, shape, sym, analysis, sp))
    return SizeReport(analysis, tuple(ranges))


def _study(graph: Graph, shape: tuple, sym, analysis: Analysis, sp) -> SizeRange:
    # Every spatial size other than `sym` is (or becomes) a symbol: its checks are then
    # skipped, and what remains is about `sym` alone.
    others = tuple(d if d == sym or not is_concrete(d) else sp.Dummy(positive=True, integer=True)
                   for d in shape[1:])
    cache: dict = {}

    def run(n: int) -> Analysis:
        charge_time()
        if n not in cache:
            dims = tuple(n if d == sym else d for d in others)
            cache[n] = analyze(graph, (shape[0], *dims), strict=True, each_layer=charge_time)
        return cache[n]

    if len(analysis.layers) * 2 * SEARCH_LIMIT.bit_length() > STUDY_BUDGET:  # doubling, then bisection
        return SizeRange(str(sym), None, None, 1, None, None, searched=False)
    n0 = _smallest(lambda n: run(n).ok)
    name = str(sym)
    if n0 is None:
        return SizeRange(name, None)
    failure = None
    if n0 > 1:
        err = run(n0 - 1).errors[0]
        failure = T("{code}: {message}", code=err.code, message=err.message)
    period = _period(analysis, [j for j, d in enumerate(shape[1:]) if d == sym])
    if period * max(len(analysis.layers), 1) > STUDY_BUDGET:  # charged before: one analysis per residue
        return SizeRange(name, n0, failure, period, None, None)
    exact = [n0 + k for k in range(period) if not any(d.code == "W101" for d in run(n0 + k).diagnostics)]
    modulus, residues = _reduce(period, {n % period for n in exact})
    return SizeRange(name, n0, failure, modulus, residues, min(exact) if exact else None)


def _smallest(valid) -> int | None:
    """The smallest n ≥ 1 with valid(n), for a monotone predicate: doubling, then bisection."""
    hi = 1
    while not valid(hi):
        if hi >= SEARCH_LIMIT:
            return None
        hi *= 2
    lo = hi // 2  # invalid (or 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if valid(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _period(analysis: Analysis, dims: list) -> int:
    """lcm of the effective strides (receptive-field strides) of every layer in the given dimensions."""
    m = 1
    for r in analysis.layers:
        if r.rf is None:
            continue
        for j in dims:
            s = r.rf.stride[j]
            if isinstance(s, (int, Fraction)):  # symbolic only after an adaptive pool, whose output is fixed
                m = lcm(m, Fraction(s).numerator)
    return m


def _reduce(period: int, residues: set) -> tuple:
    """The smallest modulus d | period whose classes give the same residues mod period."""
    for d in range(1, period + 1):
        if period % d:
            continue
        classes = {r % d for r in residues}
        if {x for x in range(period) if x % d in classes} == residues:
            return d, tuple(sorted(classes))
    return period, tuple(sorted(residues))  # pragma: no cover - d = period always matches


def _mirror(analysis: Analysis, shape: tuple, sym, done: list, sp) -> SizeRange | None:
    """The answer of an earlier symbol when the network treats both of their dimensions alike."""
    dims = shape[1:]
    if sym not in dims or not done:
        return None
    j = dims.index(sym)
    for i, first in enumerate(dims[:j]):
        if is_concrete(first) or first == sym or not any(x.symbol == str(first) for x in done):
            continue
        if all(_alike_in(r, i, j, {first: sym}, len(shape), sp) for r in analysis.layers):
            base = next(x for x in done if x.symbol == str(first))
            return replace(base, symbol=str(sym), failure=None, same_as=str(first))  # failure names the first
    return None


def _alike_in(r, i: int, j: int, swap: dict, rank: int, sp) -> bool:
    """Does layer r treat spatial dimensions i and j alike (sizes equal after renaming, same window)?"""

    def alike(a, b) -> bool:
        return a == b if is_concrete(a) else sp.expand(a.xreplace(swap) - b) == 0

    out, w = r.output_shape, r.window
    if len(out) == rank and not alike(out[1 + i], out[1 + j]):
        return False
    return w is None or (alike(w.kernel[i], w.kernel[j]) and alike(w.stride[i], w.stride[j])
                         and w.pad[i] == w.pad[j] and w.dilation[i] == w.dilation[j])
