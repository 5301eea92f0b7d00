"""The checks a model runs on each array it is given, and on ``fit``'s
numeric arguments. (Lists and dicts of arrays are unpacked by
``_data``, which calls these on every array.)"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ..layers.input_layer import Input
from ..layers.sequence_checks import check_not_ragged

__all__ = ["Input", "check_x", "check_finite", "check_fit_numbers"]


def check_x(x: Any, where: str, label: str = "x") -> np.ndarray:
    """One input array: rectangular, numeric, a non-empty batch."""
    check_not_ragged(where, x)
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{where}: {label} must be numeric, got dtype "
                        f"{x.dtype}")
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"{where}: {label} must be a non-empty batch, "
                         f"got shape {x.shape}")
    return x


def check_finite(arr: np.ndarray, where: str, label: str) -> None:
    """No NaN or inf in a float array (say which examples)."""
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = ~np.isfinite(arr.reshape(len(arr), -1)).all(axis=1)
        raise ValueError(
            f"{where}: {label} contains NaN or inf in "
            f"{int(bad.sum())} example(s), the first at index "
            f"{int(np.argmax(bad))}; clean or impute them first")


def check_fit_numbers(epochs: Any, batch_size: Any,
                      validation_split: Any) -> None:
    """``fit``'s epochs, batch_size and validation_split."""
    check.positive_int("fit", "epochs", epochs)
    check.positive_int("fit", "batch_size", batch_size)
    check.rate("fit", "validation_split", validation_split)
