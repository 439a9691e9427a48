"""Keras layers as cnncalc ops: which layer class is which op, and how its config becomes arguments.

Keras class names are op aliases (Conv2D, Dense, MaxPooling2D, BatchNormalization, ...) and
Keras argument names are argument aliases (filters, strides, use_bias, pool_size, units,
rate, epsilon), so a layer's config is mostly copied. What differs is said here:
Keras is channels-last (a Concatenate on axis -1 is cnncalc's channel concat; a layer
with data_format channels_first is refused rather than read wrongly), `activation:` is
cnncalc's activation shortcut (a separate layer after this one), BatchNormalization's
momentum is Keras's 1 − PyTorch's (it changes no count and is left out), and a ReLU
layer with max_value 6 is relu6. Config keys that change no shape or count (initializers,
regularizers, constraints, dtype, trainable, name) are ignored; any other key cnncalc does
not know is Unsupported, so that no setting is dropped silently.
"""

from __future__ import annotations

from ...i18n import T
from ..registry import find_arg, find_op
from . import decimal

IGNORED_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
IGNORED = {"name", "trainable", "dtype", "activity_regularizer", "seed", "noise_shape", "synchronized",
           "momentum", "renorm_momentum",
           "renorm_clipping", "lora_alpha", "axis", "data_format", "center", "scale", "registered_name", "module"}
# Layers that are the identity at inference and have no cnncalc op (Dropout and its kin are the dropout op).
ALIAS_CLASSES = {"GaussianNoise", "GaussianDropout", "ActivityRegularization", "Identity"}


class Unsupported(Exception):
    def __init__(self, why: str, hint: str):
        super().__init__(why)
        self.why, self.hint = why, hint


def _one(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value and len(set(value)) == 1 else list(value)
    return value


def input_shape(config: dict) -> tuple | None:
    """An InputLayer's [None, H, W, C] (batch_shape, Keras 2's batch_input_shape) -> (C, H, W)."""
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    if shape is None and config.get("input_shape") is not None:
        shape = [None, *config["input_shape"]]
    if not shape or any(d is None for d in shape[1:]):
        return None
    dims = [int(d) for d in shape[1:]]
    return (dims[-1], *dims[:-1]) if len(dims) > 1 else tuple(dims)


def _relu(config: dict):
    if float(config.get("negative_slope") or 0) or float(config.get("threshold") or 0):
        raise Unsupported(T("a ReLU with negative_slope or threshold is not supported"),
                          T("use LeakyReLU for a negative slope"))
    top = config.get("max_value")
    if top is None:
        return "ReLU", {}
    if float(top) == 6:
        return "relu6", {}
    raise Unsupported(T("a ReLU with max_value {value} is not supported", value=top), T("max_value 6 is relu6"))


def _check_channels_last(config: dict, cls: str):
    if config.get("data_format", "channels_last") not in ("channels_last", None):
        raise Unsupported(T("data_format {value} is not supported", value=config["data_format"]),
                          T("save the model with data_format channels_last (Keras's default)"))
    if cls == "BatchNormalization":
        if config.get("axis", -1) not in (-1, [-1], 3, [3]):
            raise Unsupported(T("BatchNormalization over axis {value} is not supported", value=config["axis"]),
                              T("normalise over the channels (axis -1)"))
        if bool(config.get("center", True)) != bool(config.get("scale", True)):
            raise Unsupported(T("BatchNormalization with only one of center and scale is not supported"),
                              T("use center and scale both true or both false"))
    if cls == "Concatenate" and config.get("axis", -1) not in (-1, 3):
        raise Unsupported(T("Concatenate along axis {value} is not supported", value=config.get("axis")),
                          T("cnncalc concatenates along channels (axis -1 in Keras)"))


def translate(cls: str, config: dict) -> tuple:
    """One Keras layer -> ("layer", op type, args, activation or None) | ("alias", None, {}, None)."""
    if cls in ALIAS_CLASSES:
        return "alias", None, {}, None
    _check_channels_last(config, cls)
    if cls == "ReLU":
        op_type, args = _relu(config)
        return "layer", op_type, args, None
    if cls == "Activation":
        act = config.get("activation")
        if not isinstance(act, str) or (act != "linear" and find_op(act) is None):
            raise Unsupported(T("activation {value} is not supported", value=act),
                              T("see `cnncalc ops` for the layers cnncalc knows"))
        return ("alias", None, {}, None) if act == "linear" else ("layer", act, {}, None)
    op = find_op(cls)
    if op is None:
        raise Unsupported(T("cnncalc has no layer for Keras {cls}", cls=cls),
                          T("see `cnncalc ops` for the layers cnncalc knows"))
    args, activation = {}, None
    for key, value in config.items():
        if key == "activation":
            if value not in (None, "linear"):
                if not isinstance(value, str) or find_op(value) is None:
                    raise Unsupported(T("activation {value} is not supported", value=value),
                                      T("see `cnncalc ops` for the layers cnncalc knows"))
                activation = value
            continue
        if key in IGNORED or key.endswith(IGNORED_SUFFIXES):
            continue
        arg = find_arg(op, key)
        if arg is None:
            if value in (None, False, "", [], {}) or (value in (1, [1, 1]) and key in ("groups", "dilation_rate")):
                continue  # a feature left off (quantization_config: null, renorm: false, lora_rank: null)
            raise Unsupported(T("the setting {key}: {value} is not supported", key=key, value=value),
                              T("see `cnncalc ops` for the arguments cnncalc knows"))
        if value is None or (key == "padding" and value == "valid"):
            continue  # Keras's "valid" is no padding, cnncalc's default
        if key == "epsilon":
            value = decimal(value)
        elif isinstance(value, str):
            value = value.lower()
        else:
            value = _one(value)
        if value == arg.default:
            continue
        args[key] = value
    if cls in ("BatchNormalization",) and not config.get("scale", True):
        args["scale"] = False
    return "layer", cls, args, activation
