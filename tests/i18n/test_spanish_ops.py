"""Real errors of the ops, the analysis, explain and the NumPy backend, said in Spanish (issue 13).

Each error is built the way a user meets it (a spec through the pipeline and the analysis, an
explain of a layer, a .npy file given to verify); under "es" its message and hint are the
catalogue's Spanish (cnncalc/locale/es/ops.po) with the same numbers, and under "en" the
exact English the other tests and golden files pin. The sizes come from the course's rule
W₂ = (W₁ − F + 2P)/S + 1 and its parameter count (F·F·C₁)·K + K
(/work/shared/seeds/000_9af42e0fbabdecbd.txt, "Resumen: Capa Convolutiva").
"""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.errors import CnnError
from cnncalc.i18n import set_language, tr
from cnncalc.pipeline import load_string


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def _diagnostics(layers: str, input_shape: str = "[3, 32, 32]") -> list:
    graph = load_string(f"name: net\ninput: {input_shape}\nlayers:\n{layers}")
    return list(analyze(graph).diagnostics)


def _one(layers: str, code: str, input_shape: str = "[3, 32, 32]"):
    found = [d for d in _diagnostics(layers, input_shape) if d.code == code]
    assert len(found) == 1, found
    return found[0]


def _both(d) -> tuple:
    """(English message, hint), (Spanish message, hint) of one diagnostic."""
    set_language("en")
    english = (tr(d.message), tr(d.hint))
    set_language("es")
    return english, (tr(d.message), tr(d.hint))


def test_declared_in_channels_that_disagree_with_the_input():
    d = _one("  - {type: conv2d, name: c1, in_channels: 1, out_channels: 8, kernel_size: 3}\n", "E203")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "c1: in_channels is 1 but the input has 3 channels"
    assert en_hint == "set in_channels: 3, or remove it (it is inferred)"
    assert es == "c1: in_channels vale 1 pero la entrada tiene 3 canales"
    assert es_hint == "pon in_channels: 3, o quítalo (se infiere)"


def test_a_kernel_larger_than_the_padded_input():
    """F = 7 on a 5×5 input without padding: (5 − 7 + 0)/1 + 1 = −1, so no window fits."""
    d = _one("  - {type: conv2d, name: c1, out_channels: 4, kernel_size: 7}\n", "E201", "[1, 5, 5]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "c1: kernel height 7 is larger than the padded input height 5 + 0 = 5"
    assert en_hint == "use a smaller kernel_size, or padding ≥ 1 on each side"
    assert es == "c1: núcleo (kernel): la altura 7 es mayor que la altura de la entrada con relleno, 5 + 0 = 5"
    assert es_hint == "usa un kernel_size menor, o un relleno (padding) ≥ 1 a cada lado"


def test_a_pool_window_larger_than_its_input_names_the_pool_window():
    d = _one("  - {type: maxpool2d, name: p1, kernel_size: [2, 9]}\n", "E201", "[1, 8, 8]")
    set_language("en")
    assert tr(d.message) == "p1: pool window width 9 is larger than the padded input width 8 + 0 = 8"
    set_language("es")
    assert tr(d.message) == ("p1: ventana de agrupamiento: la anchura 9 es mayor que la anchura de la entrada con "
                             "relleno, 8 + 0 = 8")


def test_a_floored_division_leaves_the_last_row_and_column_uncovered():
    """W₂ = (10 − 3 + 0)/2 + 1 = 4.5: floored to 4, the last row and column are never read."""
    d = _one("  - {type: conv2d, name: c1, out_channels: 2, kernel_size: 3, stride: 2}\n", "W101", "[1, 10, 10]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "c1: (10 − 3 + 0)/2 + 1 = 4.5 → 4: the last row and column of the input are never covered"
    assert en_hint == "choose padding or stride so that (I − F + 2P) is a multiple of S (e.g. input height and " \
                      "width 11 or 9)"
    assert es == "c1: (10 − 3 + 0)/2 + 1 = 4.5 → 4: fila y columna finales de la entrada nunca se cubren"
    assert es_hint == ("elige el relleno (padding) o el paso (stride) para que (I − F + 2P) sea múltiplo de S "
                       "(p. ej. altura y anchura de entrada 11 o 9)")


def test_a_floored_division_in_one_dimension_is_singular():
    """Height (10 − 3)/2 + 1 = 4.5 leaves one row; width (9 − 3)/2 + 1 = 4 is exact."""
    d = _one("  - {type: conv2d, name: c1, out_channels: 2, kernel_size: 3, stride: 2}\n", "W101", "[1, 10, 9]")
    set_language("en")
    assert tr(d.message) == "c1: (10 − 3 + 0)/2 + 1 = 4.5 → 4: the last row of the input is never covered"
    set_language("es")
    assert tr(d.message) == "c1: (10 − 3 + 0)/2 + 1 = 4.5 → 4: la última fila de la entrada nunca se cubre"


def test_a_stride_larger_than_the_kernel_skips_pixels():
    d = _one("  - {type: conv2d, name: c1, out_channels: 2, kernel_size: 1, stride: 2}\n", "W102", "[1, 8, 8]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "c1: stride 2 is larger than the kernel extent 1 in height and width: 1 of every 2 input rows " \
                 "and columns are skipped"
    assert es == ("c1: el paso (stride) 2 es mayor que la extensión 1 de núcleo (kernel) en altura y anchura: se "
                  "saltan 1 de cada 2 filas y columnas de la entrada")
    assert (en_hint, es_hint) == ("use stride ≤ kernel_size", "usa stride ≤ kernel_size")


def test_groups_that_do_not_divide_the_input_channels():
    d = _one("  - {type: conv2d, name: c1, out_channels: 4, kernel_size: 3, groups: 2}\n", "E207")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "c1: input channels 3 are not divisible by groups 2"
    assert es == "c1: los 3 canales de entrada no son divisibles entre groups 2"
    assert es_hint == "groups debe dividir los canales de entrada y los de salida"


def test_linear_after_a_feature_map_asks_for_flatten():
    """A 16×5×5 map (LeNet's after its second pool) flattened gives 16·5·5 = 400 features."""
    d = _one("  - {type: linear, name: fc, out_features: 120}\n", "E205", "[16, 5, 5]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "fc: linear receives a 16×5×5 tensor; it needs a feature vector"
    assert en_hint == ("add {type: flatten} before it (it would give 16×5×5 = 400 features), or a global_avgpool2d "
                       "(16 features); pointwise_linear applies it at every position")
    assert es == "fc: linear recibe un tensor 16×5×5; necesita un vector de características"
    assert es_hint == ("agrega {type: flatten} antes (daría 16×5×5 = 400 características), o un global_avgpool2d "
                       "(16 características); pointwise_linear la aplica en cada posición")


def test_a_conv_after_flatten_has_the_wrong_rank():
    d = _one("  - {type: flatten}\n  - {type: conv2d, name: c1, out_channels: 4, kernel_size: 3}\n", "E206",
             "[3, 4, 4]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "conv2d needs a C×H×W input, got a 48-feature vector"
    assert en_hint == "this op works on C×H×W feature maps; it cannot follow a flatten or linear layer"
    assert es == "conv2d necesita una entrada C×H×W, se recibió un vector de 48 características"
    assert es_hint == ("esta operación trabaja sobre mapas de características C×H×W; no puede ir después de una "
                       "capa flatten o linear")


def test_a_residual_add_of_different_channels():
    d = _one("  - {type: conv2d, name: a, out_channels: 16, kernel_size: 3, padding: 1}\n"
             "  - {type: conv2d, name: b, out_channels: 32, kernel_size: 3, padding: 1}\n"
             "  - {type: add, name: s, inputs: [a, b]}\n", "E203")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "s: add inputs have different channels: a 16×32×32, b 32×32×32"
    assert es == "s: las entradas de add tienen distintos canales: a 16×32×32, b 32×32×32"
    assert es_hint == "una conv 1×1 en el atajo (shortcut) puede igualar los canales (como el downsample de ResNet)"


def test_concatenated_maps_of_different_sizes_get_unets_crop():
    """U-Net's skip: a 64×64 map beside a 56×56 one (Ronneberger et al. 2015, Fig. 1's copy and crop)."""
    d = _one("  - {type: conv2d, name: big, out_channels: 8, kernel_size: 1}\n"
             "  - {type: conv2d, name: small, out_channels: 8, kernel_size: 9, inputs: [big]}\n"
             "  - {type: concat, name: cat, inputs: [big, small]}\n", "E204", "[1, 64, 64]")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "cat: concat inputs have different heights/widths: big 8×64×64, small 8×56×56"
    assert en_hint == ("only the channel count may differ between concatenated tensors; crop big to small's size "
                       "with {type: center_crop, inputs: [big], like: small} and concatenate that (U-Net's copy and "
                       "crop), or bring small to big's size (upsample, pad)")
    assert es == "cat: las entradas de concat tienen distintas alturas/anchuras: big 8×64×64, small 8×56×56"
    assert es_hint.startswith("solo el número de canales puede diferir entre tensores concatenados; recorta big al "
                              "tamaño de small con {type: center_crop, inputs: [big], like: small}")


def test_an_unused_layer_is_a_warning_with_its_fix():
    d = _one("  - {type: conv2d, name: side, out_channels: 4, kernel_size: 1}\n"
             "  - {type: conv2d, name: main, out_channels: 4, kernel_size: 1, inputs: [input]}\n", "W104")
    (en, en_hint), (es, es_hint) = _both(d)
    assert en == "side: its output is never used on the way to the model output (main)"
    assert es == "side: su salida nunca se usa en el camino hacia la salida del modelo (main)"
    assert es_hint == "nómbrala en inputs: de una capa posterior, quítala, o agrega allow: [W104]"


def test_a_channels_last_input_hint_comes_before_the_layers_own():
    """A 32×32×3 image written channels last: the conv's declared in_channels: 3 meets 32 channels."""
    d = _one("  - {type: conv2d, name: c1, in_channels: 3, out_channels: 8, kernel_size: 3}\n", "E203",
             "[32, 32, 3]")
    (_, en_hint), (_, es_hint) = _both(d)
    assert en_hint == ("the input 32×32×3 looks channels-last: write input: [3, 32, 32] (cnncalc reads C, H, W); "
                       "otherwise set in_channels: 32, or remove it (it is inferred)")
    assert es_hint == ("la entrada 32×32×3 parece tener los canales al final: escribe input: [3, 32, 32] (cnncalc "
                       "lee C, H, W); si no, pon in_channels: 32, o quítalo (se infiere)")


def test_explain_of_a_layer_that_does_not_exist():
    from cnncalc.explain import explain_layer

    analysis = analyze(load_string("name: net\ninput: [3, 32, 32]\nlayers:\n"
                                   "  - {type: conv2d, name: conv1, out_channels: 8, kernel_size: 3}\n"))
    with pytest.raises(CnnError) as e:
        explain_layer(analysis, "conv2")
    d = e.value.diagnostics[0]
    (en, en_hint), (es, es_hint) = _both(d)
    assert (en, es) == ("no layer named 'conv2' in net", "no hay ninguna capa llamada 'conv2' en net")


def test_the_worked_formulas_words_and_not_their_math():
    """BatchNorm of 64 channels: 2·64 = 128 trainable (γ, β) and 2·64 = 128 running statistics."""
    analysis = analyze(load_string("name: net\ninput: [64, 8, 8]\nlayers:\n  - {type: batchnorm2d, name: bn}\n"))
    params = analysis.layer("bn").worked().params
    set_language("en")
    assert str(params) == "params = 2·64 trainable (γ, β) + 2·64 non-trainable (running mean, variance) = 256"
    set_language("es")
    assert str(params) == "params = 2·64 entrenables (γ, β) + 2·64 no entrenables (media y varianza acumuladas) = 256"


def test_a_npy_input_of_the_wrong_shape(tmp_path):
    np = pytest.importorskip("numpy")
    from cnncalc.backend.npyfile import input_plan

    path = tmp_path / "x.npy"
    np.save(path, np.zeros((32, 32, 3), dtype="float32"))
    with pytest.raises(CnnError) as e:
        input_plan(str(path), (3, 32, 32), 1)
    (en, _), (es, es_hint) = _both(e.value.diagnostics[0])
    assert en == f"{path} holds an array of shape (32, 32, 3); the network takes (3, 32, 32) or (N, 3, 32, 32)"
    assert es == f"{path} contiene un arreglo de forma (32, 32, 3); la red admite (3, 32, 32) o (N, 3, 32, 32)"
    assert es_hint == ("guarda la entrada en la disposición de la red (canales primero), o da el tamaño de entrada "
                       "de la especificación")
