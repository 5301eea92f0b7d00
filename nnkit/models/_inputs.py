"""``Input``, and the checks a model runs on the x and y it is given."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validate as check
from ..callbacks import Callback
from ..layers.base import Layer
from ..layers.sequence_checks import check_not_ragged

if TYPE_CHECKING:
    from ._sequential import Sequential

__all__ = ["Input", "prepare_x", "cast_x", "check_xy", "check_fit_args",
           "check_layer_list", "check_callbacks", "check_verbose"]


class Input:
    """Declares the per-example input shape, as ``keras.Input(shape=...)``.

    ``Sequential([Input((2,)), Dense(4)])`` builds the model at once.
    """

    def __init__(self, shape: Any):
        self.shape = check.shape("Input", "shape", shape)


def check_layer_list(owner: str, layers: Any) -> None:
    """None or a list of layers (an ``Input`` may come first)."""
    check.list_of(owner, "layers", layers, (Layer, Input), "nnkit layer",
                  "Sequential([layer])", allow_none=True)


def check_callbacks(where: str, callbacks: Any) -> list:
    """``callbacks`` (None or a list of Callback objects) as a list."""
    return check.list_of(where, "callbacks", callbacks, Callback,
                         "nnkit Callback", "callbacks=[callback]",
                         allow_none=True) or []


def check_verbose(where: str, verbose: Any) -> int:
    """0, 1 or 2 (Keras' "auto" and True/False too) as an int."""
    if isinstance(verbose, str) and verbose == "auto":
        return 1
    if isinstance(verbose, (bool, np.bool_)):
        return int(verbose)
    return check.one_of(where, "verbose", verbose, (0, 1, 2))


def prepare_x(model: Sequential, x: Any, where: str) -> np.ndarray:
    """x as an array, checked; builds the model on first use."""
    check_not_ragged(where, x)
    if not model.layers:
        raise ValueError(f"{where}: the model has no layers")
    x = check.array(where, "x", x)
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"{where}: x must be a non-empty batch, got "
                         f"shape {x.shape}")
    if not model.built:
        model.build(x.shape[1:])
    return x


def cast_x(model: Sequential, x: np.ndarray) -> np.ndarray:
    """x in the first layer's dtype; integer ids stay integer for a
    layer that looks them up (Embedding), so no id is rounded."""
    first = model.layers[0]
    if x.dtype.kind in "iu" and getattr(first, "integer_inputs", False):
        return x
    return x.astype(first.dtype, copy=False)


def _refuse_overflow(where: str, label: str, arr: np.ndarray,
                     dtype: np.dtype) -> None:
    """Finite values that become inf in the model's float dtype."""
    if arr.dtype.kind != "f" or np.dtype(dtype).itemsize >= \
            arr.dtype.itemsize:
        return
    big = float(np.max(np.abs(arr))) if arr.size else 0.0
    limit = float(np.finfo(dtype).max)
    if big > limit:
        raise ValueError(
            f"{where}: {label} has values up to {big:.3g}, beyond the "
            f"range of the model's {np.dtype(dtype).name} (largest "
            f"{limit:.3g}); they would become inf. Scale the inputs "
            f"(e.g. nnkit.preprocessing.StandardScaler) or build the "
            f"model with dtype='float64'")


def _numeric_y(where: str, y: Any) -> np.ndarray:
    """y as a numeric array with one entry per example."""
    try:
        y = check.array(where, "y", y)
    except TypeError:
        names = np.asarray(y)
        if names.dtype.kind not in "US":
            raise
        raise check.ArgumentTypeError(
            f"{where}: y holds strings ({names.ravel()[:3].tolist()}...): "
            f"map the class names to integers 0..C-1 first, e.g. "
            f"names, y = np.unique(y, return_inverse=True)") from None
    if y.ndim == 0:
        raise ValueError(f"{where}: y must have one entry per example, "
                         f"got a scalar")
    return y


def check_xy(model: Sequential, x: Any, y: Any, where: str):
    """x and y checked against each other, the model and its loss."""
    x = prepare_x(model, x, where)
    y = _numeric_y(where, y)
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
    dtype = model.layers[0].dtype
    for arr, label in ((x, "x"), (y, "y")):
        _refuse_overflow(where, label, arr, dtype)
    # Catch label/loss mismatches (e.g. label 3 with 3 classes) now,
    # with the loss' own message, rather than mid-epoch.
    model.loss.prepare(y, np.zeros((len(y),) + model.output_shape,
                                   dtype=dtype))
    return cast_x(model, x), y


def check_fit_args(model: Sequential, x: Any, y: Any, epochs: int,
                   batch_size: int, validation_split: float,
                   validation_data: tuple | None,
                   initial_epoch: int = 0) -> tuple:
    """``fit``'s arguments checked: x, y, x_val, y_val (None if absent)."""
    check.positive_int("fit", "epochs", epochs)
    check.positive_int("fit", "batch_size", batch_size)
    check.rate("fit", "validation_split", validation_split)
    check.non_negative_int("fit", "initial_epoch", initial_epoch)
    if initial_epoch >= epochs:
        # As in Keras, epochs is the index to stop at, not a count.
        raise ValueError(
            f"fit: initial_epoch={initial_epoch} leaves no epoch to run "
            f"with epochs={epochs}: epochs is the epoch to stop at, not "
            f"a count (as in Keras); to run 5 more epochs from epoch "
            f"{initial_epoch}, pass epochs={initial_epoch + 5}")
    x, y = check_xy(model, x, y, "fit")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or \
                len(validation_data) != 2:
            raise check.ArgumentTypeError(
                f"fit: validation_data must be a pair (x_val, y_val), "
                f"got {check.show(validation_data)}")
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
