"""Turn an Analysis into rows of strings and footer lines, for table/markdown/csv.

Renderers differ only in how they draw rows; what a row says is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..memory import Memory
from . import fmt

OPTIONAL_COLUMNS = ("kernel", "input", "trainable", "memory")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    numeric: bool = False


def columns(extra: tuple = ()) -> list:
    cols = [Column("name", "Layer"), Column("type", "Type")]
    if "kernel" in extra:
        cols.append(Column("kernel", "Kernel/stride, pad"))
    if "input" in extra:
        cols.append(Column("input", "Input shape"))
    cols.append(Column("output", "Output shape"))
    cols.append(Column("params", "Params", True))
    if "trainable" in extra:
        cols.append(Column("trainable", "Trainable", True))
    cols.append(Column("macs", "MACs", True))
    if "memory" in extra:
        cols.append(Column("memory", "Activations", True))
    return cols


def layer_rows(analysis, mem: Memory, layout: str = "chw", raw_numbers: bool = False) -> list:
    num = str if raw_numbers else fmt.count
    rows = []
    for r, nbytes in zip(analysis.layers, mem.layer_bytes):
        rows.append({
            "name": r.name,
            "type": r.op,
            "kernel": fmt.window(r.window),
            "input": ", ".join(fmt.shape(s, layout) for s in r.input_shapes),
            "output": fmt.shape(r.output_shape, layout),
            "params": num(r.params),
            "trainable": num(r.trainable),
            "macs": num(r.macs),
            "memory": str(nbytes) if raw_numbers else fmt.nbytes(nbytes),
        })
    return rows


def footer(analysis, mem: Memory) -> list:
    t = analysis.totals
    act = f"batch {mem.batch}, {mem.dtype}"
    return [
        ("Total params", f"{t.params:,}"),
        ("Trainable params", f"{t.trainable_params:,}"),
        ("Non-trainable params", f"{t.non_trainable_params:,}"),
        ("MACs", f"{t.macs:,} ({fmt.si(t.macs)})"),
        ("FLOPs", f"{t.flops:,} ({fmt.si(t.flops)})"),
        (f"Parameter memory ({mem.dtype})", fmt.nbytes(mem.param_bytes)),
        (f"Forward activations ({act})", fmt.nbytes(mem.activation_bytes)),
    ]
