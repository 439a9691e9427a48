"""An exercise set as files (`cnncalc exercise`): the statement for students (markdown) and the answer
sheets in the format `cnncalc check` grades (cnncalc/grading.py), blank or filled in (the key).

The sheets hold the network inline (`model: {name, input, layers}`), so a sheet alone is gradable;
each answer line carries the number of its question. The YAML is written here by hand (flow mappings
for the layers, as the examples are written) so that the same exercise is the same bytes.
"""

from __future__ import annotations

from ..i18n import _, language
from . import fmt

SHAPE_NAMES = {"hwc": "H×W×C", "chw": "C×H×W"}
DASH = "—"


def command_line(ex) -> str:
    """The command that makes this exercise again, byte for byte."""
    return (f"cnncalc exercise --seed {ex.seed} --difficulty {ex.difficulty} --topic {','.join(ex.topics)} "
            f"--layout {ex.layout}" + (f" --questions {ex.limit}" if ex.limit is not None else "")
            + (f" --lang {language()}" if language() != "en" else ""))


def _shape(shape: tuple, layout: str) -> str:
    return fmt.shape(shape, layout)


def _question(q, layout: str) -> str:
    if q.layer == "totals":
        text = {"params": _("Total parameters of the network (every layer's weights and biases)."),
                "macs": _("Total MACs of the network.")}[q.quantity]
        return text
    text = {"output_shape": _("Output shape of {layer} ({names})."),
            "params": _("Parameters of {layer} (weights and biases)."),
            "macs": _("MACs of {layer} (multiply-accumulates, bias excluded)."),
            "receptive_field": _("Receptive field of {layer}: the size, in input pixels, of the region one of "
                                 "its outputs sees.")}[q.quantity]
    return text.format(layer=f"`{q.layer}`", names=SHAPE_NAMES[layout])


def _cells(layer) -> list:
    a = layer.arg
    units = a.get("out_channels", a.get("out_features"))
    kernel = a.get("kernel_size")
    cells = [f"`{layer.name}`", _(layer.label), DASH if units is None else str(units),
             DASH if kernel is None else f"{kernel}×{kernel}", str(a.get("stride", DASH)), str(a.get("padding", DASH))]
    return cells


def statement(ex) -> str:
    """The exercise for students: the network as a table, then the numbered questions."""
    titles = {"easy": _("# Exercise {seed} (easy)"), "medium": _("# Exercise {seed} (medium)"),
              "hard": _("# Exercise {seed} (hard)")}
    dilated = any("dilation" in la.arg for la in ex.layers)
    head = (_("Layer | Type | Filters / units | Kernel | Stride | Padding | Dilation") if dilated else
            _("Layer | Type | Filters / units | Kernel | Stride | Padding"))
    columns = head.count("|") + 1
    rows = []
    for layer in ex.layers:
        cells = _cells(layer)
        if dilated:
            cells.append(str(layer.arg.get("dilation", 1 if "out_channels" in layer.arg else DASH)))
        rows.append(cells)
    lines = [titles[ex.difficulty].format(seed=ex.seed), "",
             _("Input: {shape} ({names}).").format(shape=_shape(ex.input_shape, ex.layout),
                                                    names=SHAPE_NAMES[ex.layout]), "",
             f"| # | {head} |", "|" + "---|" * (columns + 1)]
    lines += [f"| {i} | " + " | ".join(cells) + " |" for i, cells in enumerate(rows, 1)]
    lines += ["", _("Each layer reads the output of the one above. Shapes are written {names}; padding is "
                    "added on every side ('same' keeps the size at stride 1); a pooling layer has no "
                    "parameters.").format(names=SHAPE_NAMES[ex.layout]),
              _("Parameters count weights and biases: (F·F·C_in)·K + K for a convolution. MACs count the "
                "multiply-accumulates of convolutions and fully connected layers, bias excluded."),
              "", _("## Questions"), ""]
    lines += [f"{q.number}. {_question(q, ex.layout)}" for q in ex.questions]
    lines += ["", _("Write your answers in sheet.yaml (replace each null) and check them with "
                    "`cnncalc check sheet.yaml`."),
              "", _("Made with `{command}`.").format(command=command_line(ex)), ""]
    return "\n".join(lines)


def _value(answer, quantity: str, layout: str) -> str:
    if quantity == "output_shape":
        if len(answer) == 1:
            return f"[{answer[0]}]"  # a YAML list: a feature vector, in either layout
        return _shape(answer, layout).replace("×", "x")
    return str(answer)


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"


def sheet(ex, filled: bool = False) -> str:
    """The answer sheet: every asked quantity blank (null), or, filled, the key."""
    spec = ex.spec()
    if filled:
        lines = [_("# Answer key of exercise {seed} ({command}).").format(seed=ex.seed, command=command_line(ex)),
                 _("# cnncalc check key.yaml grades it 100%.")]
    else:
        lines = [_("# Answer sheet of exercise {seed}: replace every null with your answer, then run").format(
            seed=ex.seed), "#   cnncalc check sheet.yaml"]
    lines += [f"layout: {ex.layout}            " + _("# how AxBxC is read: {names}").format(
        names=SHAPE_NAMES[ex.layout]), "model:", f"  name: {spec['name']}",
              f"  input: [{', '.join(map(str, spec['input']))}]   " + _("# channels first, as in every cnncalc spec"),
              "  layers:"]
    lines += [f"    - {_flow(layer)}" for layer in spec["layers"]]
    lines.append("answers:")
    numbers = {(q.layer, q.quantity): q.number for q in ex.questions}
    for layer, answers in ex.answers().items():
        lines.append(f"  {layer}:")
        for quantity, answer in answers.items():
            value = _value(answer, quantity, ex.layout) if filled else "null"
            line = f"    {quantity}: {value}"
            lines.append(f"{line:<40}# {numbers[(layer, quantity)]}")
    return "\n".join(lines) + "\n"
