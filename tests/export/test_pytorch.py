"""`cnncalc export --to pytorch`: the written module is the network cnncalc analysed.

For every bundled model, built on torch's meta device (no memory, no arithmetic): its state_dict is exactly
the weights cnncalc declares (keys and shapes), its parameters and buffers add up to cnncalc's count, the
trainable ones to the trainable count, and a forward pass gives the spec's output shape. For a few small
models, the same weights loaded into the torch module and into cnncalc's NumPy forward give the same output
(float64), so the generated forward wires the layers as the analysis does.
"""

import re
import subprocess
import sys

import numpy as np
import pytest

from cnncalc.layer import state_dict_key
from cnncalc.pipeline import summarize
from cnncalc.zoo import bundled_names

torch = pytest.importorskip("torch")


def build(name, shape=None):
    from cnncalc.analysis import analyze
    from cnncalc.export.pytorch import to_pytorch
    from cnncalc.pipeline import load

    analysis = analyze(load(name), shape) if shape else summarize(name)
    source = to_pytorch(analysis, name)
    namespace = {"__name__": "generated"}
    exec(compile(source, f"<{name}.py>", "exec"), namespace)
    cls = namespace[re.findall(r"^class (\w+)\(nn\.Module\)", source, re.M)[-1]]
    return analysis, source, cls


def declared(analysis) -> dict:
    return {state_dict_key(r.name, w): tuple(arr.shape) for r in analysis.layers for w, arr in r.weights().items()}


def test_every_op_writes_pytorch():
    from cnncalc.ops import REGISTRY
    from cnncalc.ops.base import Op

    missing = sorted({op.name for op in REGISTRY.values() if type(op).torch is Op.torch})
    assert missing == []


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_model_on_meta(name):
    analysis, source, cls = build(name)
    assert source.splitlines()[0].startswith(f'"""{analysis.name}: written by `cnncalc export`')
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports == {"torch"}
    with torch.device("meta"):
        model = cls().eval()
        state = model.state_dict()
        assert {k: tuple(v.shape) for k, v in state.items()} == declared(analysis)
        total = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
        assert total == analysis.totals.params
        assert sum(p.numel() for p in model.parameters() if p.requires_grad) == analysis.totals.trainable_params
        y = model(torch.empty(2, *analysis.input_shape))
    assert tuple(y.shape) == (2, *analysis.output_shape)


def random_weights(analysis, rng) -> dict:
    """cnncalc's seeded weights with every constant-initialised array (norm scales, running statistics,
    biases) made random too, positive so that variances stay valid."""
    from cnncalc.backend.runner import init_weights

    weights = init_weights(analysis, seed=3, dtype="float64")
    return {layer: {k: a if a.std() > 0 else rng.uniform(0.5, 1.5, a.shape) for k, a in arrays.items()}
            for layer, arrays in weights.items()}


SMALL = [("lenet5", None), ("lenet5_1998", None), ("keras_example", None), ("resnet18", (3, 64, 64)),
         ("mobilenet_v2", (3, 32, 32)), ("googlenet_torchvision", (3, 96, 96)), ("shufflenet_v2_x0_5", (3, 32, 32)),
         ("convnext_tiny", (3, 32, 32)), ("efficientnet_b0", (3, 32, 32)), ("squeezenet1_1", (3, 64, 64))]


@pytest.mark.parametrize("name,shape", SMALL, ids=[n for n, _ in SMALL])
def test_same_output_as_numpy_forward(name, shape):
    from cnncalc.backend.runner import run

    analysis, _, cls = build(name, shape)
    rng = np.random.default_rng(0)
    weights = random_weights(analysis, rng)
    x = rng.standard_normal((2, *analysis.input_shape))
    expected = run(analysis, x, weights, dtype="float64").output
    model = cls().double().eval()
    state = {state_dict_key(layer, k): torch.from_numpy(np.ascontiguousarray(a))
             for layer, arrays in weights.items() for k, a in arrays.items()}
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9 * max(1.0, float(np.abs(expected).max())))


def test_cli_writes_a_runnable_file(cli, tmp_path):
    out = tmp_path / "model.py"
    res = cli("export", "resnet18", "--to", "pytorch", "--input", "3x64x64", "-o", str(out))
    assert res.code == 0, res.err
    text = out.read_text()
    assert "Input 3×64×64" in text and "11,689,512 trainable" in text  # torchvision's resnet18 parameter count
    run = subprocess.run([sys.executable, str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "11,699,112 parameters; output (1, 1000)" in run.stdout


def test_cli_refuses_a_spec_with_an_error(cli, tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: bad\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 11}\n")
    res = cli("export", str(spec), "-o", str(tmp_path / "m.py"))
    assert res.code == 1
    assert re.search(r"bad\.yaml:4:\d+", res.err), res.err
    assert not (tmp_path / "m.py").exists()


def test_cli_refuses_a_symbolic_input(cli):
    res = cli("export", "lenet5", "--input", "1xHxW")
    assert res.code != 0 and "E004" in res.err and "Traceback" not in res.err


def test_cli_import_loads_no_torch():
    code = "import sys, cnncalc.cli; print(sorted(m for m in ('torch', 'onnx', 'safetensors') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


TORCHVISION = [(name, name) for name in ("resnet18", "mobilenet_v2", "shufflenet_v2_x0_5", "convnext_tiny",
                                          "efficientnet_b0", "densenet121")]


@pytest.mark.parametrize("spec,tv_name", TORCHVISION, ids=[s for s, _ in TORCHVISION])
def test_torchvision_checkpoint_loads_and_gives_torchvision_output(spec, tv_name):
    """A torchvision state_dict (its step counters too) loads strictly into the exported module, and both
    compute the same output: the export is torchvision's network, not only one with the same shapes."""
    from tests.oracle.torchvision_oracle import build as torchvision_model

    torch.manual_seed(0)
    reference = torchvision_model(tv_name).double()
    for name, buffer in reference.named_buffers():  # running statistics away from 0 and 1
        if name.endswith(("running_mean", "running_var")):
            buffer.uniform_(0.5, 1.5)
    _, _, cls = build(spec, (3, 32, 32))
    model = cls().double().eval()
    model.load_state_dict(reference.state_dict(), strict=True)
    x = torch.randn(2, 3, 32, 32, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(model(x), reference(x), rtol=1e-9, atol=1e-9)


def test_blocks_are_classes_and_repeats_are_sequential():
    """ResNet-50 as torchvision builds it: layer3 an nn.Sequential of 6 bottlenecks, the first (with its
    downsample) of its own class, the 5 others one class written once."""
    _, source, cls = build("resnet50")
    with torch.device("meta"):
        model = cls()
    stage = model.layer3
    assert isinstance(stage, torch.nn.Sequential) and len(stage) == 6
    kinds = [type(block).__name__ for block in stage]
    assert len(set(kinds[1:])) == 1 and kinds[0] != kinds[1]
    assert source.count(f"class {kinds[1]}(") == 1
    assert isinstance(stage[0].downsample, torch.nn.Sequential) and len(stage[0].downsample) == 2


def test_asymmetric_same_padding_matches_numpy(tmp_path):
    """Keras' 'same' with even kernels pads more at the end: the export pads first (Padded), as cnncalc does."""
    from cnncalc.backend.runner import run

    spec = tmp_path / "pad.yaml"
    spec.write_text("name: pad\ninput: [3, 9, 9]\nlayers:\n"
                    "  - {type: conv2d, name: c, out_channels: 4, kernel_size: 4, padding: same}\n"
                    "  - {type: separable_conv2d, name: s, out_channels: 5, kernel_size: 2, padding: same}\n")
    analysis, source, cls = build(str(spec))
    assert "Padded((1, 2, 1, 2)" in source  # 'same' for k = 4: 1 before, 2 after
    rng = np.random.default_rng(0)
    weights = random_weights(analysis, rng)
    x = rng.standard_normal((2, 3, 9, 9))
    model = cls().double().eval()
    model.load_state_dict({state_dict_key(layer, k): torch.from_numpy(np.ascontiguousarray(a))
                           for layer, arrays in weights.items() for k, a in arrays.items()}, strict=True)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, run(analysis, x, weights, dtype="float64").output, rtol=1e-9, atol=1e-12)


def test_a_channels_last_input_is_read_with_layout_hwc(cli, tmp_path):
    # the channels-last hint names --layout hwc, so export has it as summarize does
    out = tmp_path / "alexnet.py"
    res = cli("export", "alexnet", "--input", "227x227x3", "--layout", "hwc", "-o", str(out))
    assert res.code == 0, res.err
    assert "Input 3×227×227" in out.read_text(encoding="utf-8")
    res = cli("export", "alexnet", "--input", "227x227x3")
    assert res.code == 1 and "--layout hwc" in res.err
