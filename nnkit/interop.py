"""Move models between nnkit and Keras: same architecture, same weights.

Because nnkit follows Keras' weight layouts (Dense kernel (in, out),
bias (out,)), weights copy across with ``get_weights``/``set_weights``
and no transposes. This is the only module that imports Keras, and only
inside its functions, so ``import nnkit`` stays light.

Layer converters live in two registries keyed by class name, so later
layer families (convolutional, recurrent) add themselves with
``register_to_keras`` / ``register_from_keras``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import activations as _acts
from .layers import Activation, Dense, Layer
from .losses import Loss
from .models import Sequential
from .optimizers import Optimizer

__all__ = ["to_keras", "from_keras", "optimizer_to_keras", "loss_to_keras",
           "activation_to_keras", "activation_from_keras",
           "regularizer_to_keras", "import_keras",
           "register_to_keras", "register_from_keras"]

_TO_KERAS: dict[str, Callable[[Layer, Any], Any]] = {}
_FROM_KERAS: dict[str, Callable[[Any], Layer]] = {}


def import_keras() -> Any:
    """Import Keras quietly (TensorFlow's C++ logs off)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
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


@register_to_keras("Dense")
def _dense_to_keras(layer: Dense, keras: Any) -> Any:
    return keras.layers.Dense(
        layer.units, activation=activation_to_keras(layer.activation),
        use_bias=layer.use_bias, name=layer.name, dtype=layer.dtype.name,
        kernel_regularizer=regularizer_to_keras(layer.kernel_regularizer),
        bias_regularizer=regularizer_to_keras(layer.bias_regularizer),
        activity_regularizer=regularizer_to_keras(
            layer.activity_regularizer))


@register_to_keras("Activation")
def _activation_to_keras(layer: Activation, keras: Any) -> Any:
    return keras.layers.Activation(activation_to_keras(layer.activation),
                                   name=layer.name, dtype=layer.dtype.name)


@register_from_keras("Dense")
def _dense_from_keras(k: Any) -> Layer:
    return Dense(k.units, activation=activation_from_keras(k.activation),
                 use_bias=k.use_bias, name=k.name,
                 dtype=_keras_dtype(k))


@register_from_keras("Activation")
def _activation_from_keras(k: Any) -> Layer:
    return Activation(activation_from_keras(k.activation), name=k.name,
                      dtype=_keras_dtype(k))


def _keras_dtype(k: Any) -> str:
    dt = getattr(k, "variable_dtype", None) or getattr(k, "dtype", None)
    return str(dt) if str(dt) in ("float32", "float64") else "float32"


def optimizer_to_keras(opt: Optimizer) -> Any:
    """A fresh Keras optimizer with the same class and hyperparameters."""
    keras = import_keras()
    cls = getattr(keras.optimizers, type(opt).__name__, None)
    if cls is None:
        raise ValueError(f"no Keras optimizer named {type(opt).__name__}")
    cfg = opt.get_config()
    cfg.pop("name", None)
    if isinstance(cfg.get("learning_rate"), dict):
        cfg["learning_rate"] = _schedule_to_keras(opt._schedule)
    return cls(**cfg)


def _schedule_to_keras(schedule: Any) -> Any:
    to_keras_fn = getattr(schedule, "to_keras", None)
    if to_keras_fn is None:
        raise ValueError(f"{type(schedule).__name__} has no Keras twin")
    return to_keras_fn()


def loss_to_keras(loss: Loss) -> Any:
    """The Keras loss object with the same class and settings."""
    keras = import_keras()
    return getattr(keras.losses, type(loss).__name__)(**loss.get_config())


def to_keras(model: Sequential, compile: bool = True) -> Any:
    """A ``keras.Sequential`` with nnkit's architecture and weights.

    The nnkit model must be built. If it is compiled and ``compile`` is
    True, the Keras model is compiled with the equivalent optimizer
    (fresh state), loss and metrics.
    """
    keras = import_keras()
    if not model.built:
        raise ValueError("to_keras: build the model first (call it on "
                         "data, or give the first layer input_shape)")
    dtype = model.layers[0].dtype.name
    klayers = [keras.Input(shape=model.input_shape, dtype=dtype)]
    for layer in model.layers:
        conv = _TO_KERAS.get(type(layer).__name__)
        if conv is None:
            raise ValueError(f"to_keras: no Keras conversion for "
                             f"{layer.describe()}")
        klayers.append(conv(layer, keras))
    kmodel = keras.Sequential(klayers, name=model.name)
    kmodel.set_weights(model.get_weights())
    if compile and model.optimizer is not None:
        kmodel.compile(optimizer=optimizer_to_keras(model.optimizer),
                       loss=loss_to_keras(model.loss),
                       metrics=list(model._metric_ids) or None)
    return kmodel


def from_keras(kmodel: Any, seed: int | None = None) -> Sequential:
    """An nnkit ``Sequential`` with a Keras model's architecture/weights.

    Only the structure and weights move; compile the nnkit model
    yourself (optimizer state is not copied).
    """
    model = Sequential(name=kmodel.name, seed=seed)
    for k in kmodel.layers:
        conv = _FROM_KERAS.get(type(k).__name__)
        if conv is None:
            raise ValueError(f"from_keras: no nnkit conversion for Keras "
                             f"layer {k.name!r} ({type(k).__name__})")
        model.add(conv(k))
    model.build(tuple(kmodel.input_shape[1:]))
    model.set_weights(kmodel.get_weights())
    return model
