"""Keras import, the converter registries and the shared helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .. import activations as _acts
from ..layers import Layer

_TO_KERAS: dict[str, Callable[[Layer, Any], Any]] = {}
_FROM_KERAS: dict[str, Callable[[Any], Layer]] = {}


def import_keras() -> Any:
    """Import Keras (TensorFlow backend) without start-up noise.

    TensorFlow's C++ runtime prints a few lines straight to the process'
    stderr while it loads (the absl and oneDNN notices), which
    ``TF_CPP_MIN_LOG_LEVEL`` does not stop and which would end up in a
    notebook's output. So the first import runs with file descriptor 2
    pointed at /dev/null; Python-level errors still raise normally.
    """
    import sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    saved = os.dup(2)
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    # tf.function retracing notices etc. are advice for production code,
    # noise in a textbook's output.
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    return keras


def register_to_keras(class_name: str):
    def deco(fn):
        _TO_KERAS[class_name] = fn
        return fn
    return deco


def register_from_keras(class_name: str):
    def deco(fn):
        _FROM_KERAS[class_name] = fn
        return fn
    return deco


def activation_to_keras(act: _acts.Activation) -> Any:
    """The Keras activation equal to an nnkit one (name or callable)."""
    keras = import_keras()
    if isinstance(act, _acts.LeakyReLU):
        slope = act.negative_slope

        def leaky_relu(x):
            return keras.activations.leaky_relu(x, negative_slope=slope)
        leaky_relu.nnkit_activation = act   # lets from_keras recover it
        return leaky_relu
    if isinstance(act, _acts.ELU) and act.alpha != 1.0:
        alpha = act.alpha

        def elu(x):
            return keras.activations.elu(x, alpha=alpha)
        elu.nnkit_activation = act
        return elu
    if isinstance(act, _acts.Step):
        raise ValueError("the step activation has no Keras twin (it has "
                         "no useful gradient); use a Perceptron instead")
    return {"swish": "silu"}.get(act.name, act.name)


def activation_from_keras(fn: Any) -> _acts.Activation:
    if hasattr(fn, "nnkit_activation"):
        return fn.nnkit_activation
    name = getattr(fn, "__name__", str(fn))
    name = {"silu": "swish"}.get(name, name)
    return _acts.get(name)


def regularizer_to_keras(reg: Any) -> Any:
    """The Keras penalty with the same class and rates (or None)."""
    if reg is None:
        return None
    keras = import_keras()
    cls = {"l1": keras.regularizers.L1, "l2": keras.regularizers.L2,
           "l1_l2": keras.regularizers.L1L2}[reg.name]
    return cls(**reg.get_config())


def _common(layer: Layer) -> dict[str, Any]:
    return {"name": layer.name, "dtype": layer.dtype.name}


def _kernel_kwargs(layer: Layer) -> dict[str, Any]:
    """Keras arguments shared by layers with a kernel, a bias and an
    activation (Dense, Conv2D and the recurrent layers)."""
    return {**_common(layer),
            "activation": activation_to_keras(layer.activation),
            "use_bias": layer.use_bias,
            "kernel_regularizer": regularizer_to_keras(
                layer.kernel_regularizer),
            "bias_regularizer": regularizer_to_keras(
                layer.bias_regularizer)}


def _common_from(k: Any) -> dict[str, Any]:
    return {"name": k.name, "dtype": _keras_dtype(k)}


def _channels_last(k: Any) -> None:
    fmt = getattr(k, "data_format", "channels_last")
    if fmt != "channels_last":
        raise ValueError(f"from_keras: {type(k).__name__} {k.name!r} uses "
                         f"data_format={fmt!r}; nnkit is channels_last")


def _layer_class(name: str) -> type[Layer]:
    from ..layers import get
    return get(name)


def _keras_dtype(k: Any) -> str:
    dt = getattr(k, "variable_dtype", None) or getattr(k, "dtype", None)
    return str(dt) if str(dt) in ("float32", "float64") else "float32"
