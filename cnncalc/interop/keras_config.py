"""Read a Keras model's configuration as an Imported model (.keras files and model.to_json() output).

Keras itself is not needed: a .keras file is a zip holding config.json, read here with
zipfile and json only. A model file is untrusted input, so the budgets are checked before
anything is decompressed: the zip directory's file_size of config.json (MAX_JSON_BYTES;
a zip bomb announces its size there, and the read stops at the cap even if it lied),
then the JSON's nesting depth (MAX_DEPTH) before json.loads. Sequential and Functional
models in the Keras 3 format (inbound_nodes of keras tensors) and the Keras 2 format
(inbound_nodes as [[name, node, tensor, kwargs], ...]) are read. Layer names are Keras's;
shapes are cnncalc's channels-first (input [C, H, W]), which changes no parameter count.
Each layer is translated by cnncalc/ops/foreign/keras.py; an unknown class is E007.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from ..errors import Option, fail
from ..graph import DEFAULT_MAX_LAYERS
from ..i18n import T
from ..ops.foreign import keras as table
from .model import Imported, ImportedLayer

MAX_JSON_BYTES = 16 * 1024 * 1024  # a config of thousands of layers is a few MB
MAX_DEPTH = 64  # Keras configs nest about 10 deep
HINT = T("save the model with model.save('model.keras') or write model.to_json() to a .json file")


def _bad(shown: str, why: str):
    return fail("E008", T("{file} is not a Keras model: {why}", file=shown, why=why), Option(shown), HINT)


def _text(path: Path, shown: str) -> str:
    if path.suffix.lower() == ".json":
        try:
            size = path.stat().st_size
            if size > MAX_JSON_BYTES:
                raise _bad(shown, T("it is {size:,} bytes, more than the {limit:,} cnncalc reads", size=size,
                                    limit=MAX_JSON_BYTES))
            return path.read_bytes().decode("utf-8")
        except OSError as e:
            raise fail("E008", T("cannot read {file}: {why}", file=shown, why=e.strerror or str(e)),
                       Option(shown)) from None
        except UnicodeDecodeError:
            raise _bad(shown, T("it is not UTF-8 text")) from None
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo("config.json")
            except KeyError:
                raise _bad(shown, T("the archive holds no config.json")) from None
            if info.file_size > MAX_JSON_BYTES:
                raise _bad(shown, T("its config.json is {size:,} bytes, more than the {limit:,} cnncalc reads",
                                    size=info.file_size, limit=MAX_JSON_BYTES))
            with zf.open(info) as member:
                data = member.read(MAX_JSON_BYTES + 1)
            if len(data) > MAX_JSON_BYTES:
                raise _bad(shown, T("its config.json is more than the {limit:,} bytes cnncalc reads",
                                    limit=MAX_JSON_BYTES))
            return data.decode("utf-8")
    except OSError as e:
        raise fail("E008", T("cannot read {file}: {why}", file=shown, why=e.strerror or str(e)),
                   Option(shown)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, UnicodeDecodeError) as e:
        raise _bad(shown, T("it is not a zip archive with a config.json ({why})", why=type(e).__name__)) from None


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings, counted before json.loads recurses into it."""
    depth = deepest = 0
    for ch in re.sub(r'"(?:[^"\\]|\\.)*"', "", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _config(path: Path, shown: str) -> dict:
    text = _text(path, shown)
    if _depth(text) > MAX_DEPTH:
        raise _bad(shown, T("its JSON nests more than {limit} levels deep", limit=MAX_DEPTH))
    try:
        config = json.loads(text)
    except ValueError as e:
        raise _bad(shown, T("its JSON does not parse ({why})", why=str(e))) from None
    if isinstance(config, dict) and "model_config" in config:  # Keras 2 HDF5-era JSON wrapper
        config = config["model_config"]
    if not isinstance(config, dict) or config.get("class_name") not in ("Sequential", "Functional", "Model"):
        found = config.get("class_name") if isinstance(config, dict) else type(config).__name__
        raise _bad(shown, T("its top level is {found}, not a Sequential or Functional model", found=found))
    if not isinstance(config.get("config"), dict) or not isinstance(config["config"].get("layers"), list):
        raise _bad(shown, T("it lists no layers"))
    return config


def _sources(layer: dict) -> list[str]:
    """The layers a functional layer's first call reads (Keras 3 keras_history, or Keras 2 node lists)."""
    nodes = layer.get("inbound_nodes") or []
    if not nodes:
        return []
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        found = []

        def walk(value):
            if isinstance(value, dict):
                if value.get("class_name") == "__keras_tensor__":
                    found.append(value["config"]["keras_history"][0])
                else:
                    for v in value.values():
                        walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
        walk(node.get("args", []))
        return found
    return [entry[0] for entry in node if isinstance(entry, list) and entry]  # Keras 2


def read(path: Path, shown: str) -> Imported:
    config = _config(path, shown)
    body = config["config"]
    entries = body["layers"]
    if len(entries) > DEFAULT_MAX_LAYERS:
        raise _bad(shown, T("it has {n} layers, more than the {limit} cnncalc reads", n=len(entries),
                            limit=DEFAULT_MAX_LAYERS))
    sequential = config["class_name"] == "Sequential"
    shape = table.input_shape(body.get("build_input_shape") and {"batch_shape": body["build_input_shape"]} or {})
    produced: dict[str, str] = {}
    layers: list[ImportedLayer] = []
    previous = "input"
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("config", {}), dict):
            raise _bad(shown, T("layer {i} is not a layer object", i=i))
        cls, cfg = str(entry.get("class_name")), entry.get("config") or {}
        name = str(entry.get("name") or cfg.get("name") or f"layer_{i}")
        place = Option(f"{shown}:layer {name}")
        if cls == "InputLayer":
            found = table.input_shape(cfg)
            if found is None:
                raise fail("E007", T("the input {name} has no fixed size", name=name), place,
                           T("build the model with keras.Input(shape=(H, W, C))"))
            if shape is not None and produced and found != shape:
                raise fail("E007", T("the model has more than one input ({name})", name=name), place,
                           T("cnncalc reads a model with one input tensor"))
            shape = found
            produced[name] = previous = "input"
            continue
        if i == 0 and shape is None:
            shape = table.input_shape(cfg)
        try:
            kind, op, args, activation = table.translate(cls, cfg)
        except table.Unsupported as e:
            raise fail("E007", T("layer {name} ({cls}): {why}", name=name, cls=cls, why=e.why), place,
                       e.hint) from None
        if sequential:
            sources = [previous]
        else:
            try:
                sources = [produced[s] for s in _sources(entry)]
            except KeyError as e:
                raise _bad(shown, T("layer {name} reads {other}, which comes later or not at all", name=name,
                                    other=e.args[0])) from None
        if kind == "alias":
            produced[name] = previous = sources[0] if sources else previous
            continue
        if activation:
            args = {**args, "activation": activation}
        layers.append(ImportedLayer(name, op, args, tuple(sources), ""))
        produced[name] = previous = name
    if shape is None:
        raise fail("E007", T("{file} gives no input size", file=shown), Option(shown),
                   T("build the model with keras.Input(shape=(H, W, C))"))
    return Imported(name=re.sub(r"[^A-Za-z0-9_.]+", "_", str(body.get("name") or path.stem)), input_shape=shape,
                    layers=tuple(layers), source=str(T("Keras model {file} read by cnncalc import", file=path.name)))
