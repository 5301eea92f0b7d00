"""Whole models: ``to_keras`` and ``from_keras``."""

from __future__ import annotations

from typing import Any

from ..models import Sequential
from ._base import LAYERS, MODELS, import_keras
from ._functions import loss_to_keras
from ._optimizers import optimizer_to_keras

__all__ = ["to_keras", "from_keras", "metric_to_keras"]


def to_keras(model: Any, compile: bool = True) -> Any:
    """A Keras model with nnkit's architecture and weights.

    The nnkit model must be built. If it is compiled and ``compile`` is
    True, the Keras model is compiled with the equivalent optimizer
    (fresh state), loss and metrics.
    """
    if not model.built:
        raise ValueError("to_keras: build the model first (call it on "
                         "data, or give the first layer input_shape)")
    kmodel = MODELS.to_keras(model)
    kmodel.set_weights(model.get_weights())
    if compile and model.optimizer is not None:
        kmodel.compile(optimizer=optimizer_to_keras(model.optimizer),
                       loss=loss_to_keras(model.loss),
                       metrics=[metric_to_keras(m)
                                for m in model._metric_ids] or None)
    return kmodel


def metric_to_keras(metric: Any) -> Any:
    """A ``compile(metrics=[...])`` entry for Keras: names stay names;
    an nnkit ``Metric`` (Precision, Recall, AUC) becomes the Keras
    metric of the same class and configuration."""
    from ..metrics import Metric
    if not isinstance(metric, Metric):
        return metric
    keras = import_keras()
    cls = getattr(keras.metrics, type(metric).__name__, None)
    if cls is None:
        raise ValueError(f"to_keras: no Keras metric for {metric!r}")
    return cls(**metric.get_config())


def from_keras(kmodel: Any, seed: int | None = None) -> Any:
    """An nnkit model with a Keras model's architecture and weights.

    Only the structure and weights move; compile the nnkit model
    yourself (optimizer state is not copied).
    """
    model = MODELS.from_keras(kmodel, seed=seed)
    model.set_weights(kmodel.get_weights())
    return model


@MODELS.register_to_keras(Sequential)
def _sequential_to_keras(model: Sequential, keras: Any) -> Any:
    dtype = model.layers[0].dtype.name
    klayers = [keras.Input(shape=model.input_shape, dtype=dtype)]
    klayers += [LAYERS.to_keras(layer) for layer in model.layers]
    return keras.Sequential(klayers, name=model.name)


@MODELS.register_from_keras("Sequential")
def _sequential_from_keras(kmodel: Any, seed: int | None = None
                           ) -> Sequential:
    model = Sequential(name=kmodel.name, seed=seed)
    for k in kmodel.layers:
        model.add(LAYERS.from_keras(k))
    model.build(tuple(kmodel.input_shape[1:]))
    return model
