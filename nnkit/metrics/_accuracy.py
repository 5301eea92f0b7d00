"""Training-time accuracies on network outputs (Keras' definitions)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._checks import _same_rank

__all__ = ["binary_accuracy", "categorical_accuracy",
           "sparse_categorical_accuracy"]


# --------------------------------------------------------------------------
# Training-time metrics (Keras' definitions)
# --------------------------------------------------------------------------


def binary_accuracy(y_true: Any, y_pred: Any,
                    threshold: float = 0.5) -> float:
    """Mean of [(y_pred > threshold) == y_true] (Keras' definition).

    Shapes (N,) or (N, 1) for both; y_true holds 0/1. Unlike Keras'
    function, which returns one value per example, this returns their
    mean (a float).
    """
    y_true, y_pred = _same_rank(y_true, y_pred, "binary_accuracy")
    check.number("binary_accuracy", "threshold", threshold)
    hits = (y_pred > threshold).astype(np.float64) == y_true
    return float(np.mean(hits))


def categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of [argmax y_pred == argmax y_true]; y_true one-hot (N, C).

    Unlike Keras' function, which returns one value per example, this
    returns their mean (a float).
    """
    y_true = check.array("categorical_accuracy", "y_true", y_true)
    y_pred = check.array("categorical_accuracy", "y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_accuracy: y_true has shape {y_true.shape} but "
            f"y_pred has {y_pred.shape}; integer labels need "
            "sparse_categorical_accuracy")
    return float(np.mean(np.argmax(y_true, -1) == np.argmax(y_pred, -1)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of [argmax y_pred == y_true]; y_true integers (N,) or (N, 1).

    Unlike Keras' function, which returns one value per example, this
    returns their mean (a float).
    """
    fn = "sparse_categorical_accuracy"
    y_true = check.array(fn, "y_true", y_true)
    y_pred = check.array(fn, "y_pred", y_pred, ndim=tuple(range(1, 8)))
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_accuracy: y_true has shape {y_true.shape},"
            f" expected {y_pred.shape[:-1]} (one label per row of y_pred "
            f"{y_pred.shape})")
    return float(np.mean(np.argmax(y_pred, axis=-1) == y_true))
