"""examples/from_python.ipynb, executed in a real Jupyter kernel (nbclient + ipykernel, the `test` extra).

The kernel is "python3": with ipykernel installed in this venv, jupyter_client starts it with
this interpreter (sys.executable), so the kernel imports this checkout's cnncalc. A cell added in
memory checks that, so a python3 kernelspec of another environment cannot pass for this one.
Figures: AlexNet's 60,965,224 parameters (the paper's layers, (F·F·C)·K + K) and CS231n's ten
5×5 filters on 32×32×3 (28×28×10, 760 parameters).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import cnncalc

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "from_python.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys, cnncalc\nprint(repr((sys.executable, cnncalc.__file__)))"))
    # timeout: a hang guard only (a cell takes well under a second), not a timing assertion
    NotebookClient(nb, kernel_name="python3", timeout=600, startup_timeout=600,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def _outputs(nb, needle: str) -> list:
    """The outputs of the one code cell whose source contains needle."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    return cell.outputs


def _text(outputs) -> str:
    parts = []
    for o in outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif "data" in o:
            parts.append(o.data.get("text/plain", ""))
    return "".join(parts)


def test_the_kernel_is_this_interpreter_and_checkout(executed):
    exe, module = ast.literal_eval(_text(executed.cells[-1].outputs).strip())
    assert os.path.realpath(exe) == os.path.realpath(sys.executable)
    assert Path(module).resolve() == Path(cnncalc.__file__).resolve()


def test_no_cell_failed(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_the_summary_shows_as_an_html_table(executed):
    (out,) = _outputs(executed, 's = cnncalc.summarize("alexnet")')
    page = out.data["text/html"]
    assert page.startswith("<table") and "<td>conv1</td>" in page and "60,965,224" in page
    assert page.count("<tr>") == 1 + 24 + 1  # the header, AlexNet's 24 layers, the total
    short = out.data["text/plain"]
    assert len(short.splitlines()) < 15 and "alexnet" in short and "60,965,224" in short


def test_the_repr_is_short(executed):
    text = _text(_outputs(executed, "print(repr(s))"))
    assert 2 <= len(text.splitlines()) < 15 and len(text) < 1000
    assert "3×227×227" in text and "1000" in text


def test_to_dict_totals(executed):
    totals = ast.literal_eval(_text(_outputs(executed, 's.to_dict()["totals"]')))
    assert totals["params"] == totals["trainable_params"] == 60_965_224
    assert totals["flops"] == 2 * totals["macs"]


def test_input_shape_as_text(executed):
    assert ast.literal_eval(_text(_outputs(executed, 'input_shape="3x224x224"'))) == (1000,)


def test_the_conv_calculator(executed):
    assert ast.literal_eval(_text(_outputs(executed, "c.output_shape, c.params, c.macs"))) == (
        (10, 28, 28), (5 * 5 * 3) * 10 + 10, 28 * 28 * 10 * (5 * 5 * 3))
    (out,) = [c for c in executed.cells if c.cell_type == "code" and c.source == "c"][0].outputs
    assert "= 760" in out.data["text/plain"]


def test_the_error_is_a_cnnerror_with_diagnostics(executed):
    assert _text(_outputs(executed, "except cnncalc.CnnError")).strip() == (
        "E001 'alexnett' is neither a file nor a bundled model - did you mean 'alexnet'?")
