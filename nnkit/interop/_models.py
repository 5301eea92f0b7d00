"""Optimizers, losses and whole models: to_keras and from_keras."""

from __future__ import annotations

from typing import Any

from ..losses import Loss
from ..models import Sequential
from ..optimizers import Optimizer
from ._base import _FROM_KERAS, _TO_KERAS, import_keras


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
