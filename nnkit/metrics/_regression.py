"""Training-time regression metrics: mean squared and absolute error."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import _same_rank

__all__ = ["mean_squared_error", "mean_absolute_error"]


def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """Mean over the last axis, then the batch, of (y_true - y_pred)^2.

    Unlike Keras' function, which returns one value per example, this
    returns their mean (a float).
    """
    y_true, y_pred = _same_rank(y_true, y_pred, "mean_squared_error")
    return float(np.mean(np.mean((y_true - y_pred) ** 2, axis=-1)))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """Mean over the last axis, then the batch, of ``|y_true - y_pred|``.

    Unlike Keras' function, which returns one value per example, this
    returns their mean (a float).
    """
    y_true, y_pred = _same_rank(y_true, y_pred, "mean_absolute_error")
    return float(np.mean(np.mean(np.abs(y_true - y_pred), axis=-1)))
