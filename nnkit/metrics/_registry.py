"""Metrics by name: ``get`` for ``Sequential.compile(metrics=[...])``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _validate as check
from ._accuracy import (
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
)
from ._confusion_metrics import AUC, Precision, Recall
from ._metric import MeanMetricWrapper, Metric
from ._regression import mean_absolute_error, mean_squared_error

__all__ = ["get", "names", "as_metric", "serialize", "deserialize"]


MetricFn = Callable[[Any, Any], float]

_METRICS: dict[str, MetricFn] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
}
_METRIC_ALIASES = {"mse": "mean_squared_error",
                   "mae": "mean_absolute_error"}
_LOSS_ALIASES = {"bce": "binary_crossentropy",
                 "cce": "categorical_crossentropy"}


# Stateful metrics known by name, as in Keras' compile(metrics=[...]).
_STATEFUL: dict[str, type[Metric]] = {"precision": Precision,
                                      "recall": Recall, "auc": AUC}


def names() -> list[str]:
    """The metric names ``get`` accepts, aliases included."""
    return sorted({"accuracy", "acc", *_METRICS, *_METRIC_ALIASES,
                   *_STATEFUL})


def _accuracy_for(loss_name: Any, output_units: int | None) -> MetricFn:
    if loss_name is not None and not isinstance(loss_name, str):
        loss_name = getattr(loss_name, "name", None)
    key = str(loss_name).lower() if loss_name is not None else None
    key = _LOSS_ALIASES.get(key, key)
    if key == "binary_crossentropy":
        return binary_accuracy
    if key == "categorical_crossentropy":
        return categorical_accuracy
    if key == "sparse_categorical_crossentropy":
        return sparse_categorical_accuracy
    return binary_accuracy if output_units == 1 else categorical_accuracy


def get(identifier: Any, loss_name: Any = None,
        output_units: int | None = None) -> tuple[str, MetricFn]:
    """Resolve a metric for ``compile(metrics=[...])`` to (name, fn).

    ``"accuracy"``/``"acc"`` picks the accuracy that fits the loss:
    binary_crossentropy -> binary_accuracy, categorical_crossentropy ->
    categorical_accuracy, sparse_categorical_crossentropy ->
    sparse_categorical_accuracy; for any other loss, binary_accuracy
    if the model has one output unit, else categorical_accuracy. It is
    reported as ``"accuracy"`` (``"acc"`` for ``"acc"``, as Keras).
    (Keras 3 decides from the shapes of y_true and y_pred instead; for
    the usual loss/label pairings both rules pick the same function.)
    Other names are reported as given, like Keras: ``"mse"`` stays
    ``"mse"``.

    ``"precision"``, ``"recall"`` and ``"auc"`` (and ``Metric``
    instances such as ``Precision(thresholds=0.3)``, or their configs
    from ``serialize``) give stateful metrics that ``fit`` and
    ``evaluate`` accumulate over the batches (see ``Metric``).

    Args:
        identifier: a name, a ``Metric``, a serialised metric, or a
            callable ``fn(y_true, y_pred)``.
        loss_name: the compiled loss (a name or an object with
            ``.name``), used only for ``"accuracy"``.
        output_units: width of the model's output, same use.

    Returns:
        (name, fn) where ``fn(y_true, y_pred) -> float``, or (name,
        metric) for a stateful ``Metric``.
    """
    if isinstance(identifier, Metric):
        return identifier.name, identifier
    if isinstance(identifier, dict):
        cls = _STATEFUL.get(str(identifier.get("class_name", "")).lower())
        if cls is None:
            raise ValueError(f"unknown metric config {identifier!r}")
        metric = cls.from_config(identifier.get("config", {}))
        return metric.name, metric
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            # logged as Keras logs it: "acc" stays "acc"
            name = identifier if key == "acc" else "accuracy"
            return name, _accuracy_for(loss_name, output_units)
        fn = _METRICS.get(_METRIC_ALIASES.get(key, key))
        if fn is not None:
            return identifier, fn
        if key in _STATEFUL:
            return identifier, _STATEFUL[key](name=identifier)
        raise ValueError(f"unknown metric {identifier!r}; choose one of "
                         f"{', '.join(names())}")
    raise check.not_an_identifier(
        "a metric", "a name such as 'accuracy', a Metric or a function "
        "fn(y_true, y_pred) -> float", identifier)


def as_metric(name: str, fn: Any) -> Metric:
    """A stateful metric from what ``get`` returns: a ``Metric`` as it
    is, a batch-mean function wrapped in ``MeanMetricWrapper``."""
    if isinstance(fn, Metric):
        return fn
    return MeanMetricWrapper(fn, name)


def serialize(identifier: Any) -> Any:
    """JSON for ``compile(metrics=...)``: a name stays a name, a
    ``Metric`` becomes {"class_name", "config"} (``get`` reads both);
    lists and per-output dicts of them are converted entry by entry.
    """
    if isinstance(identifier, Metric):
        return {"class_name": type(identifier).__name__,
                "config": identifier.get_config()}
    if isinstance(identifier, (list, tuple)):
        return [serialize(m) for m in identifier]
    if isinstance(identifier, dict):
        return {k: serialize(m) for k, m in identifier.items()}
    return identifier


def deserialize(obj: Any) -> Any:
    """The inverse of ``serialize``: Metric objects back, names as
    they are, lists and per-output dicts entry by entry."""
    if isinstance(obj, dict) and set(obj) == {"class_name", "config"}:
        return get(obj)[1]
    if isinstance(obj, list):
        return [deserialize(m) for m in obj]
    if isinstance(obj, dict):
        return {k: deserialize(m) for k, m in obj.items()}
    return obj
