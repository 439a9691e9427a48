"""One `cnncalc convolve` or `cnncalc pooling` problem, read from a YAML file, options, or both.

Each value comes from its option when given, else from the file's key: `cnncalc convolve
example.yaml --at 1,1` works the file's problem at another position. Every problem names
its place, FILE:LINE:COL for what the file says (through the project's YAML loader, with
its size budgets) and the option (`--image`) for what the command line says, so a student
is sent to the value to fix. Reading is budgeted (cnncalc/numeric_input.py) and the output's
cost is charged (cnncalc/numeric.py) before a single product is computed.
"""

from __future__ import annotations

import math

from .errors import Option, did_you_mean, fail
from .i18n import T
from .numeric import check_at, charge, convolve, geometry, pool
from .numeric_input import Budget, bias_values, from_yaml, parse_inline, position

CONV_KEYS = ("image", "kernels", "kernel", "bias", "stride", "padding", "dilation", "at")
POOL_KEYS = ("image", "kind", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "count_include_pad", "at")
POOL_KINDS = ("max", "avg")


class _Source:
    """The options given and the file's keys: value and place of each, the option first."""

    def __init__(self, file, options: dict, keys: tuple, command: str) -> None:
        self.options = {k: v for k, v in options.items() if v is not None and v != []}
        self.doc = None
        if file is not None:
            from .yamlsource import LMap, load_file

            doc = load_file(file)
            if not isinstance(doc, LMap):
                raise fail("E111", T("{file} must be a mapping of keys such as image:, kernels:, stride:", file=file),
                           getattr(doc, "pos", None) or _file_pos(file))
            for key in doc:
                if key not in keys:
                    raise fail("E102", T("unknown key '{key}' for cnncalc {command}", key=key, command=command),
                               doc.key_at(key),
                               did_you_mean(key, keys) or T("the keys are {keys}", keys=", ".join(keys)))
            self.doc = doc
        self.where = Option("--image") if self.doc is None else self.doc.pos

    def has(self, key: str) -> bool:
        return key in self.options or (self.doc is not None and key in self.doc)

    def get(self, key: str):
        """(value, place, from an option) or (None, where, True) when neither gives it."""
        if key in self.options:
            return self.options[key], Option(_flag(key)), True
        if self.doc is not None and key in self.doc:
            return self.doc[key], self.doc.at(key), False
        return None, self.where, self.doc is None

    def matrix(self, key: str, budget: Budget, what):
        value, place, inline = self.get(key)
        if value is None:
            raise self.missing(key)
        return (parse_inline(value, place, budget, what) if inline else from_yaml(value, place, budget, what)), place

    def missing(self, key: str):
        if self.doc is None:
            return fail("E004", T("{flag} is required (or a YAML file with {key}:)", flag=_flag(key), key=key),
                        Option(_flag(key)), T("e.g. {flag} \"0 2 3; 2 4 1; 0 3 0\"", flag=_flag(key)))
        return fail("E103", T("the file gives no {key}:", key=key), self.doc.pos,
                    T("add {key}: (or give {flag})", key=key, flag=_flag(key)))

    def raw(self, key: str):
        """A window argument as the op's coercer takes it: an option read as `cnncalc conv` reads it."""
        from .calculator import option_value
        from .expressions import message_of

        value, place, from_option = self.get(key)
        if not (from_option and isinstance(value, str)):
            return value, place
        try:
            return option_value(value), place
        except OverflowError as e:  # thousands of digits: refused before int() is asked to read them
            raise fail("E004", message_of(e), place) from None


def _flag(key: str) -> str:
    return {"kernels": "--kernel", "kernel_size": "--kernel"}.get(key, "--" + key.replace("_", "-"))


def _file_pos(file):
    from .errors import Pos

    return Pos(str(file), 1, 1)


def _code(place) -> str:
    return "E004" if isinstance(place, Option) else "E104"


def _at(src: _Source):
    value, place, _ = src.get("at")
    return (position(value, place) if value is not None else None), place


def convolve_problem(file=None, **options):
    """options: image, kernels (list of texts), bias, stride, padding, dilation, at (texts or None)."""
    src = _Source(file, options, CONV_KEYS, "convolve")
    budget = Budget()
    image, image_place = src.matrix("image", budget, T("the image"))
    kernels, places = _kernels(src, budget)
    for i, (k, place) in enumerate(zip(kernels, places), 1):
        if k.rank != image.rank:
            raise fail(_code(place), T("kernel {i} is {kr}-D but the image is {ir}-D", i=i, kr=k.rank, ir=image.rank),
                       place, T("a kernel has one matrix per input channel, written like the image"))
        if k.shape[0] != image.shape[0]:
            raise fail("E004" if isinstance(place, Option) else "E203",
                       T("kernel {i} has {kc} channel(s) but the image has {ic}", i=i, kc=k.shape[0],
                         ic=image.shape[0]),
                       place, T("give the kernel one matrix per image channel, separated by '|'"))
        if k.shape != kernels[0].shape:
            raise fail(_code(place), T("kernel {i} is {shape}, kernel 1 is {first}", i=i,
                                       shape="×".join(map(str, k.shape)), first="×".join(map(str, kernels[0].shape))),
                       place, T("every kernel of one layer has the same size"))
    bias = _bias(src, len(kernels), budget)
    given, arg_places = {"out_channels": len(kernels), "kernel_size": kernels[0].shape[1:]}, {}
    arg_places["kernel_size"] = arg_places["out_channels"] = places[0]
    for key in ("stride", "padding", "dilation"):
        if src.has(key):
            given[key], arg_places[key] = src.raw(key)
    g = geometry("convolution", image.shape, given, arg_places, image_place, "convolve")
    at, at_place = _at(src)
    charge(g, math.prod(kernels[0].shape), image_place)
    return convolve(g, image, tuple(kernels), bias, check_at(g, at, at_place))


def _kernels(src: _Source, budget: Budget):
    if "kernels" in src.options:
        texts = src.options["kernels"]
        return [parse_inline(t, Option("--kernel"), budget, T("kernel {i}", i=i)) for i, t in enumerate(texts, 1)], \
            [Option("--kernel")] * len(texts)
    doc = src.doc
    if doc is not None and "kernel" in doc and "kernels" in doc:
        raise fail("E104", T("the file gives both kernel: and kernels:"), doc.key_at("kernel"),
                   T("kernel: is one kernel, kernels: a list of them (one per output channel): keep one"))
    if doc is not None and "kernel" in doc:
        return [from_yaml(doc["kernel"], doc.at("kernel"), budget, T("kernel {i}", i=1))], [doc.at("kernel")]
    if doc is None or "kernels" not in doc:
        raise src.missing("kernels")
    items = doc["kernels"]
    if not isinstance(items, list) or not items:
        raise fail("E104", T("kernels: must be a list of kernels, one per output channel"), doc.at("kernels"),
                   T("or write kernel: for a single kernel"))
    places = [items.at(i) for i in range(len(items))]
    return [from_yaml(k, p, budget, T("kernel {i}", i=i)) for i, (k, p) in enumerate(zip(items, places), 1)], places


def _bias(src: _Source, n: int, budget: Budget) -> tuple:
    from fractions import Fraction

    value, place, _ = src.get("bias")
    if value is None:
        return (Fraction(0),) * n
    values = bias_values(value, place, budget)
    if len(values) != n:
        raise fail(_code(place), T("{count} bias value(s) for {n} kernel(s)", count=len(values), n=n), place,
                   T("give one bias per kernel (output channel), e.g. --bias \"1, 0\""))
    return values


def pooling_problem(file=None, **options):
    """options: image, kind, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad, at."""
    src = _Source(file, options, POOL_KEYS, "pooling")
    budget = Budget()
    image, image_place = src.matrix("image", budget, T("the image"))
    kind, kind_place, _ = src.get("kind")
    kind = "max" if kind is None else kind
    if kind not in POOL_KINDS:
        raise fail(_code(kind_place), T("'{kind}' is not a kind of pooling: max or avg", kind=kind), kind_place)
    if not src.has("kernel_size"):
        raise src.missing("kernel_size")
    given, places = {}, {}
    for key in ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "count_include_pad"):
        if src.has(key):
            given[key], places[key] = src.raw(key)
    for key, only in (("dilation", "max"), ("count_include_pad", "avg")):
        if key in given and kind != only:
            raise fail(_code(places[key]), T("{key} applies to {only} pooling only", key=key, only=only), places[key])
    include = given.get("count_include_pad", True)
    g = geometry(kind, image.shape, given, places, image_place, "pooling")
    at, at_place = _at(src)
    charge(g, math.prod(g.kernel), image_place)
    return pool(g, image, kind, include if isinstance(include, bool) else True, check_at(g, at, at_place),
                image_place)
