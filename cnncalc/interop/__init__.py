"""Models from other tools (ONNX, PyTorch, Keras) read into cnncalc specs, and specs written as code.

Every reader turns its format into an `Imported` model (interop/model.py): named layers
with cnncalc op types and arguments, chosen by the translation tables in cnncalc/ops/foreign
(the only place that knows which foreign layer is which op). `to_yaml` writes it as a spec,
which is what `cnncalc import` prints and what `cnncalc summarize model.onnx` analyses, so
an imported model and its written spec always give the same figures.
"""
