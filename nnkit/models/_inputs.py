"""``Input``, and the checks a model runs on the x and y it is given."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validate as check
from ..layers.base import as_shape
from ..layers.sequence_checks import check_not_ragged

if TYPE_CHECKING:
    from ._sequential import Sequential

__all__ = ["Input", "prepare_x", "check_xy", "check_fit_args"]


class Input:
    """Declares the per-example input shape, as ``keras.Input(shape=...)``.

    ``Sequential([Input((2,)), Dense(4)])`` builds the model at once.
    """

    def __init__(self, shape: Any):
        self.shape = as_shape(shape)


def prepare_x(model: Sequential, x: Any, where: str) -> np.ndarray:
    """x as an array, checked; builds the model on first use."""
    check_not_ragged(where, x)
    x = np.asarray(x)
    if not model.layers:
        raise ValueError(f"{where}: the model has no layers")
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{where}: x must be numeric, got dtype "
                        f"{x.dtype}")
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"{where}: x must be a non-empty batch, got "
                         f"shape {x.shape}")
    if not model.built:
        model.build(x.shape[1:])
    return x


def check_xy(model: Sequential, x: Any, y: Any, where: str):
    """x and y checked against each other, the model and its loss."""
    x = prepare_x(model, x, where)
    y = np.asarray(y)
    if len(y) != len(x):
        raise ValueError(f"{where}: x has {len(x)} examples but y has "
                         f"{len(y)}")
    for arr, label in ((x, "x"), (y, "y")):
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            bad = ~np.isfinite(arr.reshape(len(arr), -1)).all(axis=1)
            raise ValueError(
                f"{where}: {label} contains NaN or inf in "
                f"{int(bad.sum())} example(s), the first at index "
                f"{int(np.argmax(bad))}; clean or impute them first")
    # Catch label/loss mismatches (e.g. label 3 with 3 classes) now,
    # with the loss' own message, rather than mid-epoch.
    dtype = model.layers[0].dtype
    model.loss.prepare(y, np.zeros((len(y),) + model.output_shape,
                                   dtype=dtype))
    return x.astype(dtype, copy=False), y


def check_fit_args(model: Sequential, x: Any, y: Any, epochs: int,
                   batch_size: int, validation_split: float,
                   validation_data: tuple | None) -> tuple:
    """``fit``'s arguments checked: x, y, x_val, y_val (None if absent)."""
    check.positive_int("fit", "epochs", epochs)
    check.positive_int("fit", "batch_size", batch_size)
    check.rate("fit", "validation_split", validation_split)
    x, y = check_xy(model, x, y, "fit")
    if validation_data is not None:
        if len(validation_data) != 2:
            raise ValueError("fit: validation_data must be (x_val, "
                             "y_val)")
        xv, yv = check_xy(model, *validation_data, "fit "
                          "(validation_data)")
    elif validation_split:
        cut = int(math.floor(len(x) * (1.0 - validation_split)))
        if cut < 1 or cut == len(x):
            raise ValueError(f"fit: validation_split="
                             f"{validation_split} leaves no training "
                             f"or no validation data for {len(x)} "
                             f"examples")
        x, xv, y, yv = x[:cut], x[cut:], y[:cut], y[cut:]
    else:
        xv = yv = None
    return x, y, xv, yv
