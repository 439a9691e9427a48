"""spec → `cnncalc export --to pytorch` → torch.onnx → ONNX → cnncalc: the same network comes back.

For every bundled model, the generated module (real, He-initialised weights on the CPU) is
exported by torch.onnx's TorchScript exporter with batch norm kept as a node (no constant
folding, TrainingMode.PRESERVE), and the .onnx is summarised by cnncalc: its total and
trainable params, MACs, output shape and state_dict names and shapes must equal the spec's.
Long (a minute or more for the whole zoo): run with `-m torch_agreement`, as CI's long stage does.
"""

import re
import warnings

import pytest

from cnncalc.layer import state_dict_key
from cnncalc.pipeline import summarize
from cnncalc.zoo import bundled_names

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

pytestmark = pytest.mark.torch_agreement

def _weights(analysis) -> dict:
    return {state_dict_key(r.name, w): tuple(arr.shape) for r in analysis.layers for w, arr in r.weights().items()}


@pytest.mark.parametrize("name", bundled_names())
def test_round_trip(name, tmp_path):
    from cnncalc.export.pytorch import to_pytorch

    spec = summarize(name)
    source = to_pytorch(spec, name)
    namespace = {"__name__": "generated"}
    exec(compile(source, f"<{name}.py>", "exec"), namespace)
    model = namespace[re.findall(r"^class (\w+)\(nn\.Module\)", source, re.M)[-1]]().eval()
    path = tmp_path / f"{name}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(1, *spec.input_shape), str(path), dynamo=False, opset_version=17,
                          do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    back = summarize(str(path))
    assert back.ok, back.errors
    assert back.output_shape == spec.output_shape
    assert (back.totals.params, back.totals.trainable_params, back.totals.macs) == \
        (spec.totals.params, spec.totals.trainable_params, spec.totals.macs)
    assert _weights(back) == _weights(spec)
