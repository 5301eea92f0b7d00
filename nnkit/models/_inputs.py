"""The checks a model runs on each array it is given, and on ``fit``'s
numeric arguments. (Lists and dicts of arrays are unpacked by
``_data``, which calls these on every array.)"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ..callbacks import Callback
from ..layers.input_layer import Input
from ..layers.sequence_checks import check_not_ragged

__all__ = ["Input", "check_x", "check_y", "check_finite",
           "refuse_overflow", "check_fit_numbers", "check_verbose",
           "check_callbacks"]


def check_x(x: Any, where: str, label: str = "x") -> np.ndarray:
    """One input array: rectangular, numeric, a non-empty batch."""
    check_not_ragged(where, x)
    x = check.array(where, label, x)
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"{where}: {label} must be a non-empty batch, "
                         f"got shape {x.shape}")
    return x


def check_y(y: Any, where: str, label: str = "y") -> np.ndarray:
    """One target array: numeric, one entry per example."""
    try:
        y = check.array(where, label, y)
    except TypeError:
        names = np.asarray(y)
        if names.dtype.kind not in "US":
            raise
        raise check.ArgumentTypeError(
            f"{where}: {label} holds strings "
            f"({names.ravel()[:3].tolist()}...): map the class names to "
            f"integers 0..C-1 first, e.g. "
            f"names, y = np.unique(y, return_inverse=True)") from None
    if y.ndim == 0:
        raise ValueError(f"{where}: {label} must have one entry per "
                         f"example, got a scalar")
    return y


def refuse_overflow(arr: np.ndarray, dtype: Any, where: str,
                    label: str) -> None:
    """Finite values that would become inf in the model's float dtype
    (a float64 input beyond float32's range): name the input, rather
    than let training diverge for no visible reason."""
    dtype = np.dtype(dtype)
    if arr.dtype.kind != "f" or dtype.kind != "f" or \
            dtype.itemsize >= arr.dtype.itemsize or not arr.size:
        return
    finite = np.abs(arr[np.isfinite(arr)])   # inf is another check's
    big = float(finite.max()) if finite.size else 0.0
    limit = float(np.finfo(dtype).max)
    if big > limit:
        raise ValueError(
            f"{where}: {label} has values up to {big:.3g}, beyond the "
            f"range of the model's {dtype.name} (largest {limit:.3g}); "
            f"they would become inf. Scale the inputs (e.g. "
            f"nnkit.preprocessing.StandardScaler) or build the model "
            f"with dtype='float64'")


def check_finite(arr: np.ndarray, where: str, label: str) -> None:
    """No NaN or inf in a float array (say which examples)."""
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = ~np.isfinite(arr.reshape(len(arr), -1)).all(axis=1)
        raise ValueError(
            f"{where}: {label} contains NaN or inf in "
            f"{int(bad.sum())} example(s), the first at index "
            f"{int(np.argmax(bad))}; clean or impute them first")


def check_fit_numbers(epochs: Any, batch_size: Any,
                      validation_split: Any, initial_epoch: Any = 0
                      ) -> None:
    """``fit``'s epochs, batch_size, validation_split, initial_epoch."""
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


def check_verbose(where: str, verbose: Any) -> int:
    """0, 1 or 2 (Keras' "auto" and True/False too) as an int."""
    if isinstance(verbose, str) and verbose == "auto":
        return 1
    if isinstance(verbose, (bool, np.bool_)):
        return int(verbose)
    return check.one_of(where, "verbose", verbose, (0, 1, 2))


def check_callbacks(where: str, callbacks: Any) -> list:
    """``callbacks`` (None or a list of Callback objects) as a list."""
    return check.list_of(where, "callbacks", callbacks, Callback,
                         "nnkit Callback", "callbacks=[callback]",
                         allow_none=True) or []
