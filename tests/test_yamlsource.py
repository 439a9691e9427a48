"""Safe YAML reading: positions kept, standard tags only, merge keys as YAML defines them,
and every budget (bytes, values, depth) charged before the work."""

import os

import pytest
import yaml

from cnncalc.errors import CnnError
from cnncalc.yamlsource import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_file, load_text


def _error(text):
    with pytest.raises(CnnError) as info:
        load_text(text, "s.yaml")
    return info.value.diagnostics[0]


def test_values_and_positions_match_pyyaml():
    text = "a: 1\nb: [x, 2.5, null, true, '3', 012]\nc: {d: -4, e: 0x1f, f: 1e3}\n"
    doc = load_text(text, "s.yaml")
    assert doc == yaml.safe_load(text)
    assert (doc.at("b").line, doc.at("b").col) == (2, 4)
    assert (doc["b"].at(1).line, doc["b"].at(1).col) == (2, 8)
    assert doc.key_at("c").line == 3


def test_a_merge_key_fills_only_what_the_mapping_does_not_set():
    text = "d: &d {type: conv2d, kernel_size: 3, out_channels: 8}\nx: {<<: *d, kernel_size: 5}\n" \
           "y: {kernel_size: 7, <<: *d}\nz: {<<: [{a: 1}, {a: 2, b: 3}]}\n"
    doc = load_text(text, "s.yaml")
    assert doc == yaml.safe_load(text)
    assert doc["x"] == {"type": "conv2d", "kernel_size": 5, "out_channels": 8}
    assert doc["z"] == {"a": 1, "b": 3}
    assert doc["x"].at("kernel_size").line == 2


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo hi']", "!!binary aGk=", "!custom 1",
                                 "!!set {a: null}", "!!omap [a: 1]"])
def test_a_tag_other_than_yamls_plain_ones_is_refused(tag):
    d = _error(f"name: {tag}\n")
    assert d.code == "E003" and "unknown YAML tag" in d.message and (d.pos.line, d.pos.col) == (1, 7)


def test_standard_tags_are_read():
    assert load_text("a: !!str 12\nb: !!int '7'\nc: !!float 1\nd: ! 5\n") == {"a": "12", "b": 7, "c": 1.0, "d": "5"}


def test_a_duplicate_key_names_the_first():
    d = _error("a: 1\nb: 2\na: 3\n")
    assert d.code == "E003" and d.message == "duplicate key 'a' (first at line 1)" and d.pos.line == 3


def test_billion_laughs_is_refused_at_the_alias_that_crosses_the_budget():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    d = _error("\n".join(lines) + "\n")
    assert d.code == "E005" and f"more than {MAX_NODES:,} values" in d.message and "aliases" in d.hint
    assert d.pos.line == 6  # 10^6 values would be built at a5, the first over 250,000


def test_many_plain_values_are_refused_without_blaming_aliases():
    d = _error("v: [" + ", ".join(["1"] * (MAX_NODES + 10)) + "]\n")
    assert d.code == "E005" and "aliases" not in d.hint and "repeat" in d.hint


def test_depth_and_recursion_and_undefined_aliases():
    assert _error("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n").code == "E005"
    assert "recursive" in _error("a: &x [1, *x]\n").message
    d = _error("a: *nowhere\n")
    assert d.code == "E003" and "*nowhere" in d.message


def test_a_second_document_is_an_error_at_its_start():
    d = _error("a: 1\n---\nb: 2\n")
    assert d.code == "E003" and d.pos.line == 2


@pytest.mark.parametrize("path,kind", [("/dev/zero", "a character device"), ("/tmp", "a directory")])
def test_special_files_are_refused_from_their_stat(path, kind):
    with pytest.raises(CnnError) as info:
        load_file(path)
    d = info.value.diagnostics[0]
    assert d.code == "E002" and d.message == f"{path} is {kind}, not a YAML file"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(CnnError) as info:
        load_file(fifo)  # opening a FIFO to read would wait for a writer forever
    assert "a FIFO" in info.value.diagnostics[0].message


def test_a_file_over_the_byte_cap_is_refused_from_its_size(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is read
    with pytest.raises(CnnError) as info:
        load_file(big)
    assert info.value.diagnostics[0].code == "E005"
