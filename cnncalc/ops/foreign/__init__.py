"""Translation tables from other tools' layers to cnncalc ops: ONNX nodes, torch modules, Keras layers.

They live beside the ops because they are op knowledge (which foreign layer is which op, and
how its attributes become the op's arguments); the readers in cnncalc/interop walk the
foreign graphs and ask these tables, so nothing outside cnncalc/ops names an op.
"""
