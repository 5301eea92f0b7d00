"""Label checks and the zero-safe division that the metrics share."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check

__all__: list[str] = []


def _div(num, den):
    """num / den elementwise, 0.0 where den == 0 (no warning)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _labels_1d(y: Any, name: str, fn: str) -> np.ndarray:
    y = check.array(fn, name, y, kinds="biufUSO")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{fn}: {name} must be a 1-D array of labels, got "
                         f"shape {y.shape} (for one-hot rows use "
                         f"argmax(axis=1))")
    return y


def _pair(y_true, y_pred, fn: str) -> tuple[np.ndarray, np.ndarray]:
    y_true = _labels_1d(y_true, "y_true", fn)
    y_pred = _labels_1d(y_pred, "y_pred", fn)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{fn}: y_true has {y_true.shape[0]} labels but "
                         f"y_pred has {y_pred.shape[0]}; they must match")
    return y_true, y_pred


def _same_rank(y_true, y_pred, fn: str):
    """Keras' squeeze_or_expand_to_same_rank for ranks differing by 1."""
    y_true = check.array(fn, "y_true", y_true)
    y_pred = check.array(fn, "y_pred", y_pred)
    if y_true.ndim == y_pred.ndim - 1:
        if y_pred.shape[-1] == 1:
            y_pred = y_pred[..., 0]
        else:
            y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1:
        if y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
        else:
            y_pred = y_pred[..., None]
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(f"{fn}: y_true has shape {y_true.shape} and "
                         f"y_pred {y_pred.shape}: they do not match"
                         ) from None
    return y_true, y_pred
