"""How a SPEC name finds a bundled file or a variant of one (cnncalc/zoo.py)."""

from __future__ import annotations

import pytest

from cnncalc import zoo
from cnncalc.errors import CnnError

SPEC = """name: fam
args: {w: 4}
input: [3, 8, 8]
variants:   # a comment here is valid YAML
  fam_small: {w: 2}
  other_name_large: {w: 8}
layers:
  - {type: conv2d, out_channels: $w, kernel_size: 1}
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "fam.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "plain.yaml").write_text("name: plain\ninput: [3, 8, 8]\nlayers: [relu]\n", encoding="utf-8")
    monkeypatch.setattr(zoo, "architectures_dir", lambda: tmp_path)
    zoo.variants_of.cache_clear()
    zoo.variant_index.cache_clear()
    yield tmp_path
    zoo.variants_of.cache_clear()
    zoo.variant_index.cache_clear()


def test_variants_are_found_whatever_the_file_is_called(folder):
    assert zoo.bundled_names() == ["fam_small", "other_name_large", "plain"]
    path, shown, variant = zoo.resolve("other_name_large")  # not a prefix of fam.yaml
    assert (path.name, shown, variant) == ("fam.yaml", "fam.yaml", "other_name_large")
    assert zoo.resolve("plain")[2] is None


def test_a_variant_sets_the_models_arguments(folder):
    import cnncalc

    assert cnncalc.summarize("fam_small").output_shape == (2, 8, 8)
    assert cnncalc.summarize("other_name_large").name == "other_name_large"


def test_an_unknown_name_suggests_a_variant(folder):
    with pytest.raises(CnnError) as info:
        zoo.resolve("fam_smal")
    assert info.value.diagnostics[0].hint == "did you mean 'fam_small'?"


@pytest.mark.parametrize("text,names", [
    ("variants:\n  a: {w: 1}\n  # b: commented out\n  c:\n    w: 2\n    d: {x: 1}\nlayers: []\n", ("a", "c")),
    ("variants: {a: {w: 1}, b: {w: 2}}  # flow style\nlayers: []\n", ("a", "b")),
    ("variants:   # the family\n    big.v2: {w: 1}\n\n    small-v2:\n      w: 2\n", ("big.v2", "small-v2")),
    ("layers: []\n", ()),
])
def test_variant_names_are_read_from_the_text_as_yaml_would(tmp_path, text, names):
    p = tmp_path / "f.yaml"
    p.write_text(text)
    assert zoo.variants_of(p) == zoo._parsed_variants(text, p) == names


def test_every_bundled_files_variants_read_as_yaml_reads_them():
    for p in zoo.architectures_dir().glob("*.yaml"):
        assert zoo.variants_of(p) == zoo._parsed_variants(p.read_text(encoding="utf-8"), p), p.name
