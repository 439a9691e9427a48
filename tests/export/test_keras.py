"""`cnncalc export --to keras`: the written Keras model is the network cnncalc analysed.

For every bundled model that Keras can write, the generated file is run and build() called (Keras' torch
backend, on the CPU): model.count_params() is cnncalc's total (batch norm's moving statistics are Keras'
non-trainable weights), the trainable weights add up to cnncalc's trainable count, and the output shape is the
spec's. For a few small models the same weights, loaded into the Keras model and into cnncalc's NumPy forward,
give the same output, so the generated model wires and pads its layers as the analysis does. Keras allocates
the real weights (vgg19: 143,667,240 floats), one model at a time.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from cnncalc.pipeline import summarize
from cnncalc.zoo import bundled_names

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

NOT_IN_KERAS = {"lenet5_1998": "s2"}  # LeNet-5 (1998)'s trainable subsampling has no Keras layer


def source_of(name, shape=None):
    from cnncalc.analysis import analyze
    from cnncalc.export.keras import to_keras
    from cnncalc.pipeline import load

    analysis = analyze(load(name), shape) if shape else summarize(name)
    return analysis, to_keras(analysis, name)


def build(name, shape=None):
    analysis, source = source_of(name, shape)
    namespace = {"__name__": "generated"}
    exec(compile(source, f"<{name}.py>", "exec"), namespace)
    return analysis, source, namespace["build"]()


def count(weights) -> int:
    return sum(int(np.prod(w.shape)) for w in weights)


EXPORTED = [n for n in bundled_names() if n not in NOT_IN_KERAS]  # all 50 build in about a minute


@pytest.mark.parametrize("name", EXPORTED)
def test_bundled_model_counts_and_shape(name):
    analysis, source, model = build(name)
    assert source.splitlines()[0].startswith(f'"""{analysis.name}: written by `cnncalc export --to keras`')
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports == {"keras"}
    assert model.count_params() == analysis.totals.params
    assert count(model.trainable_weights) == analysis.totals.trainable_params
    assert count(model.non_trainable_weights) == analysis.totals.params - analysis.totals.trainable_params
    assert tuple(model.output_shape[1:]) == tuple(analysis.output_shape)


def test_torchvision_counts_as_keras_does():
    """torchvision's resnet50: 25,557,032 parameters (its weights' documented num_params), all trainable, and a
    state_dict of 25,610,152 numbers besides the step counters: the running statistics, Keras' non-trainable
    weights."""
    _, _, model = build("resnet50")
    assert model.count_params() == 25_610_152
    assert count(model.trainable_weights) == 25_557_032


def test_only_lenet5_1998s_own_ops_have_no_keras_form():
    from cnncalc.ops import REGISTRY
    from cnncalc.ops.base import Op

    missing = sorted({op.name for op in REGISTRY.values() if type(op).keras is Op.keras})
    assert missing == ["partial_conv2d", "rbf", "subsample2d"]


def test_lenet5_1998_is_e007_at_its_layer(tmp_path):
    from cnncalc.errors import CnnError

    with pytest.raises(CnnError) as info:
        source_of("lenet5_1998")
    d = info.value.diagnostics[0]
    assert d.code == "E007" and "s2" in d.message and "subsample2d" in d.message
    assert d.pos is not None and d.pos.line > 1


def test_a_setting_keras_lacks_is_e007_with_the_ops_hint(tmp_path, cli):
    spec = tmp_path / "dil.yaml"
    spec.write_text("name: dil\ninput: [3, 17, 17]\nlayers:\n  - {type: conv2d, out_channels: 4, kernel_size: 3}\n"
                    "  - {type: maxpool2d, name: pool, kernel_size: 2, dilation: 2}\n")
    res = cli("export", str(spec), "--to", "keras", "-o", str(tmp_path / "m.py"))
    assert res.code == 2 and "E007" in res.err and "Traceback" not in res.err  # E007: exit 2, unusable input
    assert re.search(r"dil\.yaml:5:\d+", res.err), res.err
    assert "pool" in res.err and "dilation: 1" in res.err
    assert not (tmp_path / "m.py").exists()


def random_weights(analysis, rng) -> dict:
    from cnncalc.backend.runner import init_weights

    weights = init_weights(analysis, seed=3, dtype="float64")
    return {layer: {k: a if a.std() > 0 else rng.uniform(0.5, 1.5, a.shape) for k, a in arrays.items()}
            for layer, arrays in weights.items()}


def load(model, analysis, weights) -> None:
    """cnncalc's arrays (PyTorch's layout) into the Keras layers, as each op's KerasCode lays them out."""
    from cnncalc.export.keras import keras_name

    for r in analysis.layers:
        order = r.keras_code().weights
        if not order:
            continue
        arrays = []
        for w in order:
            a = weights[r.name][w.name]
            a = a.reshape(w.shape) if w.shape else a
            arrays.append(np.ascontiguousarray(a.transpose(w.axes) if w.axes else a))
        model.get_layer(keras_name(r.name)).set_weights(arrays)


def close(got, expected) -> None:
    """Equal to float32's precision: Keras computes every matmul (Dense, and the ops built on it) in float32 even
    on float64 tensors (its type promotion maps 64-bit results to 32-bit, as JAX does: BIT64_TO_BIT32_DTYPE in
    keras/src/backend/common/dtypes.py); convolutions, pools and norms stay float64. A wrong wiring, padding or
    weight layout is off by far more."""
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(expected).max())))


@pytest.fixture
def float64():
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx("float32")


SMALL = [("lenet5", None), ("keras_example", None), ("alexnet", None), ("resnet18", (3, 64, 64)),
         ("mobilenet_v2", (3, 32, 32)), ("mobilenet_v3_small", (3, 64, 64)), ("googlenet_torchvision", (3, 96, 96)),
         ("googlenet", None), ("shufflenet_v2_x0_5", (3, 32, 32)), ("convnext_tiny", (3, 32, 32)),
         ("efficientnet_b0", (3, 32, 32)), ("squeezenet1_1", (3, 64, 64)), ("densenet121", (3, 32, 32)),
         ("vgg11_bn", (3, 32, 32)), ("unet", (1, 188, 188))]


@pytest.mark.parametrize("name,shape", SMALL, ids=[n for n, _ in SMALL])
def test_same_output_as_numpy_forward(name, shape, float64):
    from cnncalc.backend.runner import run

    analysis, _, model = build(name, shape)
    rng = np.random.default_rng(0)
    weights = random_weights(analysis, rng)
    load(model, analysis, weights)
    x = rng.standard_normal((2, *analysis.input_shape))
    expected = run(analysis, x, weights, dtype="float64").output
    got = keras.ops.convert_to_numpy(model(x, training=False))
    assert got.shape == expected.shape
    close(got, expected)


def test_padding_keras_does_not_have_matches_numpy(tmp_path, float64):
    """Uneven 'same' (even kernels), a max pool padded with −∞ and ceil_mode, a padded average pool counting
    its zeros, a cropped transposed convolution, PReLU per channel, layer, group and instance norm, pixel and
    channel shuffles, a channel chunk."""
    from cnncalc.backend.runner import run

    spec = tmp_path / "pad.yaml"
    spec.write_text("name: pad\ninput: [3, 9, 9]\nlayers:\n"
                    "  - {type: conv2d, name: c, out_channels: 4, kernel_size: 4, padding: same}\n"
                    "  - {type: separable_conv2d, name: s, out_channels: 6, kernel_size: 2, padding: same}\n"
                    "  - {type: prelu, num_parameters: 6}\n"
                    "  - {type: maxpool2d, kernel_size: 3, stride: 2, padding: 1, ceil_mode: true}\n"
                    "  - {type: avgpool2d, kernel_size: 3, stride: 1, padding: 1}\n"
                    "  - {type: conv_transpose2d, out_channels: 5, kernel_size: 3, stride: 2, padding: 1}\n"
                    "  - {type: group_norm, num_groups: 5}\n"
                    "  - {type: layer_norm}\n"
                    "  - {type: depthwise_conv2d, kernel_size: 3, depth_multiplier: 2, padding: 1}\n"
                    "  - {type: zeropad2d, padding: [0, 1, 0, 1]}\n"
                    "  - {type: maxpool2d, kernel_size: 3, stride: 2, padding: 1}\n"
                    "  - {type: instance_norm2d, affine: true}\n"
                    "  - {type: conv2d, out_channels: 8, kernel_size: 1}\n"
                    "  - {type: pixel_shuffle, upscale_factor: 2}\n"
                    "  - {type: pixel_unshuffle, downscale_factor: 5}\n"
                    "  - {type: channel_shuffle, groups: 5}\n"
                    "  - {type: chunk, chunks: 2, index: 1}\n")
    analysis, source, model = build(str(spec))
    assert 'Conv2D(4, (4, 4), padding="same"' in source  # TensorFlow's 'same' for k = 4: 1 before, 2 after
    assert 'constant_values=float("-inf")' in source  # (1, 1) on 10 pixels, where 'same' pads (0, 1)
    rng = np.random.default_rng(1)
    weights = random_weights(analysis, rng)
    load(model, analysis, weights)
    x = rng.standard_normal((2, 3, 9, 9))
    expected = run(analysis, x, weights, dtype="float64").output
    got = keras.ops.convert_to_numpy(model(x, training=False))
    close(got, expected)


def test_names_are_the_specs_and_blocks_are_functions():
    from cnncalc.export.keras import keras_name, spec_name

    analysis, source, model = build("resnet50")
    names = {layer.name for layer in model.layers} - {"input"}
    assert {spec_name(n) for n in names if not n.endswith("_pad")} == {r.name for r in analysis.layers}
    assert keras_name("layer1.0.conv1") == "layer1-0-conv1" and spec_name("a--b-c") == "a-b.c"
    calls = re.findall(r"= (layer3_block\w*)\(", source)
    assert len(calls) == 6 and len(set(calls[1:])) == 1 and calls[0] != calls[1]  # downsampling one, 5 alike
    assert source.count(f"def {calls[1]}(x, name):") == 1


def test_cli_writes_a_runnable_file(cli, tmp_path):
    out = tmp_path / "alexnet.py"
    res = cli("export", "alexnet", "--to", "keras", "-o", str(out))
    assert res.code == 0, res.err
    text = out.read_text(encoding="utf-8")
    assert "Input 3×227×227" in text and "LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2" in text
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    run = subprocess.run([sys.executable, str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr
    # Krizhevsky et al.'s AlexNet with its two-GPU grouped convolutions: 60,965,224 weights
    assert "alexnet: 60,965,224 parameters; output (None, 1000)" in run.stdout


def test_cli_import_loads_no_keras():
    code = "import sys, cnncalc.cli; print(sorted(m for m in ('torch', 'keras') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


def test_the_files_own_layers_save_and_load(tmp_path):
    """LocalResponseNorm and LayerScale, the file's own Layer classes, survive model.save and load_model."""
    spec = tmp_path / "own.yaml"
    spec.write_text("name: own\ninput: [3, 8, 8]\nlayers:\n  - {type: conv2d, out_channels: 6, kernel_size: 3}\n"
                    "  - {type: lrn, size: 5}\n  - {type: layer_scale, init_values: 0.5}\n")
    _, _, model = build(str(spec))
    model.save(tmp_path / "own.keras")
    loaded = keras.saving.load_model(tmp_path / "own.keras")
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)))
    assert loaded.count_params() == 3 * 3 * 3 * 6 + 6 + 6
