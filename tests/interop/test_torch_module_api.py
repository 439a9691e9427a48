"""cnncalc.summarize(module): a torch.nn.Module from Python, traced as `cnncalc import --torch` traces a factory.

The module has real weights; the trace runs on fake tensors and leaves it as it was (device, training
mode, the very parameter tensors). Figures against torch itself: parameter and buffer counts, the
FlopCounterMode total / 2 for MACs, the output shape of a real forward.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import cnncalc  # noqa: E402
from tests.oracle import torchvision_oracle as oracle  # noqa: E402


def test_a_module_with_real_weights_is_summarised_and_left_alone(capsys):
    model = oracle.build("resnet18").train()
    before = {k: v for k, v in model.state_dict().items()}
    weight = model.conv1.weight
    s = cnncalc.summarize(model, input_shape=(3, 160, 160))
    assert s.ok, s.errors
    assert s.totals.trainable_params == sum(p.numel() for p in model.parameters())
    assert s.totals.non_trainable_params == sum(b.numel() for n, b in model.named_buffers()
                                                if not n.endswith("num_batches_tracked"))
    assert s.totals.macs == oracle.macs(oracle.build("resnet18"), (3, 160, 160))  # (it moves its model to meta)
    assert s.output_shape == (1000,)
    model.train()
    assert model.conv1.weight is weight and weight.device.type == "cpu"
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert capsys.readouterr().err == ""


def test_the_module_s_training_modes_are_restored():
    model = oracle.build("resnet18").train()
    model.layer1.eval()
    cnncalc.summarize(model)
    assert model.training and not model.layer1.training and model.layer2.training


def test_a_wrong_input_size_names_input_shape_and_the_node_without_a_traceback(capsys):
    model = oracle.build("resnet18")
    with pytest.raises(cnncalc.CnnError) as e:
        cnncalc.summarize(model, input_shape=(1, 32, 32))
    text = str(e.value)
    assert text.startswith("input_shape: error[E007]: running ResNet on an input of 1x32x32 failed")
    assert "expected input[1, 1, 32, 32] to have 3 channels" in text and "(at conv1)" in text
    assert "Traceback" not in text and "Traceback" not in capsys.readouterr().err


def test_an_untraceable_module_is_e007_at_spec():
    class Branchy(torch.nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(cnncalc.CnnError) as e:
        cnncalc.summarize(Branchy(), input_shape=(3, 8, 8))
    assert str(e.value).startswith("spec: error[E007]: torch.fx cannot trace Branchy")


def test_a_symbolic_input_size_is_refused():
    with pytest.raises(cnncalc.CnnError) as e:
        cnncalc.summarize(oracle.build("resnet18"), input_shape="3xHxW")
    assert "E004" in str(e.value) and "numeric input size" in str(e.value)
