"""Real errors of the spec side, said in Spanish (issue 13): reading YAML, the spec language,
`$expressions`, blocks and layer names, shapes, files, the zoo and the Python API.

Each error is built the way a user meets it (a spec through cnncalc.pipeline.load_string, or a
call of the Python API); under "es" its message, hint and context are the Spanish of
cnncalc/locale/es/spec.po with the same names and numbers, and under "en" the exact English
that the other tests and the docs pin. The Spanish uses the course's words: "capa", "entrada",
"bloque" (/work/shared/seeds/000_9af42e0fbabdecbd.txt: "los canales dentro de cada bloque";
/work/shared/seeds/002_5d5c09489cd87331.txt: "los datos de entrada").
"""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.errors import CnnError
from cnncalc.i18n import set_language, tr
from cnncalc.pipeline import load_string


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def _spec(layers: str, blocks: str = "", input_shape: str = "[3, 32, 32]") -> str:
    return f"name: net\ninput: {input_shape}\n{blocks}layers:\n{layers}"


def _one(text: str, code: str):
    """The one diagnostic with this code that loading the spec gives (raised or kept in the graph)."""
    try:
        found = list(load_string(text).diagnostics)
    except CnnError as e:
        found = list(e.diagnostics)
    found = [d for d in found if d.code == code]
    assert len(found) == 1, found
    return found[0]


def _raised(call, code: str):
    with pytest.raises(CnnError) as info:
        call()
    (d,) = [d for d in info.value.diagnostics if d.code == code]
    return d


def _both(d) -> tuple:
    """(English message, hint, context), (Spanish message, hint, context) of one diagnostic."""
    set_language("en")
    english = (tr(d.message), tr(d.hint), tr(d.context))
    set_language("es")
    return english, (tr(d.message), tr(d.hint), tr(d.context))


def test_an_unknown_op_with_did_you_mean():
    d = _one(_spec("  - {type: conv2, out_channels: 8, kernel_size: 3}\n"), "E101")
    assert (d.pos.line, d.pos.col) == (4, 12)
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("unknown op 'conv2'", "did you mean 'conv2d'?")
    assert (es, es_hint) == ("operación desconocida 'conv2'", "¿quisiste decir 'conv2d'?")


def test_an_unknown_key_of_an_op():
    d = _one(_spec("  - {type: conv2d, out_channels: 8, kernel_size: 3, strid: 2}\n"), "E102")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("unknown key 'strid' for conv2d", "did you mean 'stride'?")
    assert (es, es_hint) == ("clave desconocida 'strid' para conv2d", "¿quisiste decir 'stride'?")


def test_a_missing_required_argument_names_its_keras_spelling():
    d = _one(_spec("  - {type: conv2d, kernel_size: 3}\n"), "E103")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("conv2d needs 'out_channels' (Keras: filters)", "add out_channels: ... to this layer")
    assert (es, es_hint) == ("conv2d necesita 'out_channels' (Keras: filters)", "agrega out_channels: ... a esta capa")


def test_an_unknown_name_in_an_expression_inside_a_block_and_its_context():
    blocks = "blocks:\n  b:\n    args: {planes: 8}\n    layers:\n      - {type: conv2d, out_channels: $plane * 4, " \
             "kernel_size: 3}\n"
    d = _one(_spec("  - {block: b, name: layer1}\n", blocks), "E110")
    assert d.pos.line == 7
    (en, en_hint, en_ctx), (es, es_hint, es_ctx) = _both(d)
    assert en == "unknown name 'plane' in expression 'plane * 4'"
    assert (en_hint, en_ctx) == ("did you mean 'planes'?", "in layer1, block 'b' used at line 9")
    assert es == "nombre desconocido 'plane' en la expresión 'plane * 4'"
    assert (es_hint, es_ctx) == ("¿quisiste decir 'planes'?", "en layer1, bloque 'b' usado en la línea 9")


def test_an_index_outside_a_list_keeps_the_reason_translated():
    """The reason is a TypeError raised inside the evaluator and caught: its T() message is kept."""
    d = _one(_spec("  - {type: conv2d, out_channels: '$[8, 16][5]', kernel_size: 3}\n"), "E110")
    (en, _, _), (es, _, _) = _both(d)
    assert en == "cannot evaluate '[8, 16][5]': index 5 is outside a list of 2"
    assert es == "no se puede evaluar '[8, 16][5]': el índice 5 está fuera de una lista de 2"


def test_a_division_by_zero():
    d = _one(_spec("  - {type: conv2d, out_channels: $8 // 0, kernel_size: 3}\n"), "E110")
    (en, _, _), (es, _, _) = _both(d)
    assert (en, es) == ("division by zero in '8 // 0'", "división por cero en '8 // 0'")


def test_a_duplicate_layer_name_says_where_the_first_is():
    d = _one(_spec("  - {type: relu, name: a}\n  - {type: relu, name: a}\n"), "E105")
    assert d.pos.line == 5
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("duplicate layer name 'a' (first defined at line 4)", "give each layer a unique name")
    assert (es, es_hint) == ("nombre de capa repetido 'a' (definido primero en la línea 4)",
                             "da a cada capa un nombre único")


def test_an_unknown_input_without_a_close_name():
    d = _one(_spec("  - {type: relu, name: a}\n  - {type: relu, name: b, inputs: zzz}\n"), "E106")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("unknown input 'zzz'", "inputs: names an earlier layer, or `input`")
    assert (es, es_hint) == ("entrada desconocida 'zzz'", "inputs: nombra una capa anterior, o `input`")


def test_an_input_defined_later():
    d = _one(_spec("  - {type: add, name: a, inputs: [input, b]}\n  - {type: relu, name: b}\n"), "E107")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert en == "'b' is defined later (line 5); a layer can only take inputs from earlier layers"
    assert en_hint == "move this layer after 'b', or take an earlier layer"
    assert es == "'b' se define más adelante (línea 5); una capa solo puede tomar entradas de capas anteriores"
    assert es_hint == "mueve esta capa después de 'b', o toma una capa anterior"


def test_a_block_that_uses_itself():
    d = _one(_spec("  - {block: b, name: x}\n", "blocks:\n  b:\n    layers:\n      - {block: b}\n"), "E109")
    (en, en_hint, en_ctx), (es, es_hint, es_ctx) = _both(d)
    assert (en, en_ctx) == ("block 'b' uses itself: b → b", "in x, block 'b' used at line 8")
    assert en_hint == "a block cannot contain itself; use repeat: to stack copies"
    assert (es, es_ctx) == ("el bloque 'b' se usa a sí mismo: b → b", "en x, bloque 'b' usado en la línea 8")
    assert es_hint == "un bloque no puede contenerse a sí mismo; usa repeat: para apilar copias"


def test_an_op_with_too_few_inputs():
    d = _one(_spec("  - {type: add}\n"), "E112")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("add takes at least 2 inputs, got 1", "name them with inputs: [a, b]")
    assert (es, es_hint) == ("add recibe al menos 2 entradas, pero tiene 1", "nómbralas con inputs: [a, b]")


def test_a_negative_repeat():
    d = _one(_spec("  - {type: relu, repeat: -1}\n"), "E104")
    (en, _, _), (es, _, _) = _both(d)
    assert en == "repeat: must be a whole number ≥ 0, got -1"
    assert es == "repeat: debe ser un número entero ≥ 0, se recibió -1"


def test_a_duplicate_yaml_key():
    d = _one(_spec("  - {type: relu}\n") + "name: again\n", "E003")
    assert (d.pos.line, d.pos.col) == (5, 1)
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("duplicate key 'name' (first at line 1)", "remove one of the two")
    assert (es, es_hint) == ("clave repetida 'name' (la primera en la línea 1)", "quita una de las dos")


def test_an_input_size_of_zero():
    d = _one(_spec("  - {type: relu}\n", input_shape="[3, 0, 32]"), "E111")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert en == "input must be [C, L], [C, H, W], [C, D, H, W] (channels first) or [features], got [3, 0, 32]"
    assert es == ("input debe ser [C, L], [C, H, W], [C, D, H, W] (canales primero) o [características], "
                  "se recibió [3, 0, 32]")
    assert (en_hint, es_hint) == ("e.g. input: [3, 224, 224]", "p. ej. input: [3, 224, 224]")


def test_the_api_names_its_layout_argument_in_both_languages():
    """The CLI's '--layout hwc' becomes layout='hwc' in the API's hint, and the hint stays translatable."""
    d = _raised(lambda: cnncalc.summarize("alexnet", "3x"), "E004")
    assert d.pos.name == "input_shape"
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, es) == ("'3x' is not a shape", "'3x' no es una forma")
    assert en_hint == ("write CxHxW, e.g. 3x224x224 (or HxWxC with layout='hwc'); 1xL for a sequence, "
                       "CxDxHxW for a volume")
    assert es_hint == ("escribe CxHxW, p. ej. 3x224x224 (o HxWxC con layout='hwc'); 1xL para una secuencia, "
                       "CxDxHxW para un volumen")


def test_a_model_name_that_is_close_to_a_bundled_one():
    d = _raised(lambda: cnncalc.summarize("alexnt"), "E001")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == ("'alexnt' is neither a file nor a bundled model", "did you mean 'alexnet'?")
    assert (es, es_hint) == ("'alexnt' no es un archivo ni un modelo incluido", "¿quisiste decir 'alexnet'?")


def test_a_calculator_value_that_is_not_a_size():
    d = _raised(lambda: cnncalc.conv((3, 32, 32), out_channels=8, kernel_size=3.5), "E004")
    (en, _, _), (es, _, _) = _both(d)
    assert en == "kernel_size=3.5: expected an int, one int per dimension, or a word such as 'same'"
    assert es == "kernel_size=3.5: se esperaba un int, un int por dimensión, o una palabra como 'same'"


def test_a_directory_given_as_a_spec(tmp_path):
    """The kind of file is a message of its own, translated inside the sentence."""
    folder = tmp_path / "net.yaml"
    folder.mkdir()
    d = _raised(lambda: cnncalc.summarize(str(folder)), "E002")
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert (en, en_hint) == (f"{folder} is a directory, not a YAML file", "give the path of a .yaml spec")
    assert (es, es_hint) == (f"{folder} es un directorio, no un archivo YAML", "da la ruta de una especificación .yaml")


def test_libyaml_s_frequent_problems_are_translated_inside_the_message():
    d = _one("name: net\ninput: [3, 32, 32]\nlayers: a: b\n", "E003")
    assert d.pos.line == 3
    (en, en_hint, _), (es, es_hint, _) = _both(d)
    assert en == "invalid YAML: mapping values are not allowed in this context"
    assert en_hint == "check indentation, and quote values that contain ': ', '{', '[' or ','"
    assert es == "YAML inválido: no se permiten valores de mapeo en este contexto"
    assert es_hint == "revisa la sangría, y pon entre comillas los valores que contienen ': ', '{', '[' o ','"
