"""Translation tables from other tools' layers to cnncalc ops: ONNX nodes, torch modules, Keras layers.

They live beside the ops because they are op knowledge (which foreign layer is which op, and
how its attributes become the op's arguments); the readers in cnncalc/interop walk the
foreign graphs and ask these tables, so nothing outside cnncalc/ops names an op.
"""


def decimal(value) -> float:
    """A float read from another tool as a spec writes it: 6 significant digits (ONNX and Keras store
    alpha = 1e-4 as the float32 9.99999974e-05; the spec says 0.0001)."""
    return float(f"{float(value):.6g}")
