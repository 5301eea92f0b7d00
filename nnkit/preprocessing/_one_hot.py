"""One-hot encoding of integer class labels."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check

# --------------------------------------------------------------------------
# Categorical targets
# --------------------------------------------------------------------------

def one_hot(labels: Any, num_classes: int | None = None,
            dtype: Any = np.float32) -> np.ndarray:
    """Integer class labels -> one-hot rows (Keras' to_categorical).

    Args:
        labels: integers in [0, num_classes), shape (N,) or (N, 1).
        num_classes: C; default max(labels) + 1.
        dtype: of the result.

    Returns:
        Array of shape (N, C) with a single 1 per row.
    """
    y = check.array("one_hot", "labels", labels, kinds="biufcUSO")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"one_hot: labels must have shape (N,) or (N, 1), "
                         f"got {y.shape}")
    if y.dtype.kind == "f":
        frac = y[~np.isfinite(y) | (y != np.round(y))]
        if frac.size:
            raise ValueError(f"one_hot: labels must be integers, got "
                             f"{frac[0].item()!r}")
        y = y.astype(np.int64)
    elif y.dtype.kind not in "biu":
        raise TypeError(f"one_hot: labels must be integers, got dtype "
                        f"{y.dtype} (map names to 0..C-1 first)")
    y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: labels must be >= 0, got "
                         f"{y.min().item()}")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    else:
        check.positive_int("one_hot", "num_classes", num_classes)
    if y.size and y.max() >= num_classes:
        raise ValueError(f"one_hot: label {y.max()} is out of range for "
                         f"num_classes={num_classes} (labels must be in "
                         f"0..{int(num_classes) - 1})")
    out = np.zeros((y.size, int(num_classes)), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out
