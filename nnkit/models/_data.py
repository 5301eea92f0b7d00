"""Data given to a model as one array, a list, or a dict keyed by name.

A model with several inputs takes ``x`` as a list (in the order of
``model.inputs``) or a dict keyed by input name; ``y``, ``sample_weight``
likewise by output. Internally everything becomes a list aligned with
the inputs or the outputs (None where an output has no target).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _validate as check
from . import _inputs

__all__ = ["as_inputs", "cast_inputs", "as_targets", "as_sample_weights",
           "fit_sample_weights", "check_xy", "check_fit_args", "take",
           "check_batch", "check_positive_int"]


def _as_list(data: Any, names: list[str], what: str, where: str,
             optional: list[bool] | None = None) -> list[Any]:
    """``data`` as a list aligned with ``names``."""
    k = len(names)
    if isinstance(data, dict):
        unknown = [key for key in data if key not in names]
        if unknown:
            raise ValueError(f"{where}: {what} has keys {unknown} that "
                             f"are not the model's {what} names {names}")
        missing = [n for i, n in enumerate(names) if n not in data
                   and not (optional and optional[i])]
        if missing:
            raise ValueError(f"{where}: {what} has no entry for "
                             f"{missing}; the model's {what} names are "
                             f"{names}")
        return [data.get(n) for n in names]
    if isinstance(data, (list, tuple)) and k > 1:
        if len(data) != k:
            raise ValueError(f"{where}: the model has {k} {what}s "
                             f"{names} but {len(data)} arrays were given")
        return list(data)
    if k > 1:
        raise ValueError(f"{where}: the model has {k} {what}s {names}; "
                         f"give a list of {k} arrays or a dict keyed by "
                         f"{what} name")
    return [data]


def check_positive_int(where: str, name: str, value: Any) -> None:
    check.positive_int(where, name, value)


def check_batch(arrays: list, where: str, what: str = "input") -> int:
    """All arrays hold the same number of examples; return it."""
    sizes = [len(a) for a in arrays if a is not None]
    if len(set(sizes)) > 1:
        raise ValueError(f"{where}: the {what} arrays hold different "
                         f"numbers of examples {sizes}")
    return sizes[0]


def as_inputs(model: Any, x: Any, where: str) -> list[np.ndarray]:
    """x as a checked list of arrays, one per model input."""
    if not model.layers:
        raise ValueError(f"{where}: the model has no layers")
    xs = _as_list(x, model.input_names, "input", where)
    labels = (["x"] if len(xs) == 1 else
              [f"x['{n}']" for n in model.input_names])
    xs = [_inputs.check_x(a, where, label) for a, label in zip(xs, labels)]
    check_batch(xs, where)
    for a, label, (_, dtype) in zip(xs, labels, model._input_specs()):
        _inputs.refuse_overflow(a, dtype, where, label)
    for a, label, name, (shape, _) in zip(xs, labels, model.input_names,
                                          model._input_specs()):
        if shape is not None and a.shape[1:] != tuple(shape):
            raise ValueError(
                f"{where}: {label} has examples of shape {a.shape[1:]} "
                f"but the model's input '{name}' expects {tuple(shape)}")
    return xs


def cast_inputs(model: Any, xs: list[np.ndarray]) -> list[np.ndarray]:
    """Each input in its dtype: floats to the input's float dtype;
    integer ids stay integers (an Embedding checks them)."""
    out = []
    for a, (_, dtype) in zip(xs, model._input_specs()):
        if dtype.kind == "f" or a.dtype.kind in "iub":
            a = a.astype(dtype, copy=False)
        out.append(a)
    return out


def as_targets(model: Any, y: Any, where: str) -> list[Any]:
    """y as a list aligned with the outputs (None: no target)."""
    losses = model.compiled_loss.losses
    ys = _as_list(y, model.output_names, "output", where,
                  optional=[lo is None for lo in losses])
    out = []
    for k, (arr, loss) in enumerate(zip(ys, losses)):
        if arr is None:
            if loss is not None:
                raise ValueError(f"{where}: no target for output "
                                 f"'{model.output_names[k]}', which "
                                 f"has a loss")
            out.append(None)
            continue
        label = ("y" if len(ys) == 1 else
                 f"y['{model.output_names[k]}']")
        out.append(_inputs.check_y(arr, where, label))
    return out


def as_sample_weights(model: Any, sample_weight: Any, ys: list,
                      where: str) -> list[Any]:
    """One weight array (or None) per output."""
    k = len(model.output_names)
    if sample_weight is None:
        return [None] * k
    if isinstance(sample_weight, (dict, list, tuple)) and k > 1:
        sws = _as_list(sample_weight, model.output_names, "output", where,
                       optional=[True] * k)
    elif isinstance(sample_weight, dict):
        sws = _as_list(sample_weight, model.output_names, "output", where)
    else:                          # one array: the same for every output
        sws = [sample_weight] * k
    out = []
    for sw, y in zip(sws, ys):
        if sw is None or y is None:
            out.append(None)
            continue
        sw = np.asarray(sw, dtype=np.float64)
        if sw.ndim == 0 or len(sw) != len(y):
            raise ValueError(f"{where}: sample_weight must hold one "
                             f"weight per example ({len(y)}), got shape "
                             f"{sw.shape}")
        if not np.all(np.isfinite(sw)):
            raise ValueError(f"{where}: sample_weight contains NaN or inf")
        out.append(sw)
    return out


def class_weights(y: np.ndarray, class_weight: dict, where: str
                  ) -> np.ndarray:
    """Keras' rule: each example weighs as its class (argmax if one-hot,
    rounded label otherwise); classes missing from the dict weigh 1."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"{where}: class_weight must be a dict "
                        f"{{class: weight}}, got "
                        f"{type(class_weight).__name__}")
    for c, w in class_weight.items():
        if not isinstance(c, (int, np.integer)) or isinstance(c, bool):
            raise ValueError(f"{where}: class_weight keys must be integer "
                             f"class indices, got {c!r}")
        if isinstance(w, bool) or not isinstance(
                w, (int, float, np.number)) or not np.isfinite(w):
            raise ValueError(f"{where}: class_weight[{c}] must be a "
                             f"finite number, got {w!r}")
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    if y.ndim != 1:
        raise ValueError(f"{where}: class_weight needs one label per "
                         f"example, got targets of shape {y.shape}")
    labels = np.round(y).astype(np.int64)
    return np.array([float(class_weight.get(int(c), 1.0)) for c in labels])


def fit_sample_weights(model: Any, sample_weight: Any, class_weight: Any,
                       ys: list, where: str) -> list[Any]:
    """``sample_weight`` and ``class_weight`` of ``fit`` as per-output
    weights (Keras refuses the two together, and class_weight for
    several outputs)."""
    if class_weight is None:
        return as_sample_weights(model, sample_weight, ys, where)
    if sample_weight is not None:
        raise ValueError(f"{where}: give sample_weight or class_weight, "
                         f"not both (as Keras); multiply them into one "
                         f"sample_weight instead")
    if len(ys) > 1:
        raise ValueError(f"{where}: class_weight is only supported for "
                         f"models with one output (as Keras); give a "
                         f"sample_weight per output instead")
    return [class_weights(ys[0], class_weight, where)]


def check_xy(model: Any, x: Any, y: Any, where: str
             ) -> tuple[list[np.ndarray], list[Any]]:
    """x and y checked against each other, the model and its losses."""
    xs = model._as_inputs(x, where)
    ys = as_targets(model, y, where)
    n = len(xs[0])
    labels = (["y"] if len(ys) == 1 else
              [f"y['{name}']" for name in model.output_names])
    for arr, label in zip(ys, labels):
        if arr is None:
            continue
        if len(arr) != n:
            raise ValueError(f"{where}: x has {n} examples but {label} "
                             f"has {len(arr)}")
        _inputs.check_finite(arr, where, label)
    xlabels = (["x"] if len(xs) == 1 else
               [f"x['{name}']" for name in model.input_names])
    for arr, label in zip(xs, xlabels):
        _inputs.check_finite(arr, where, label)
    dtype = model.layers[-1].dtype if model.layers else np.float32
    for arr, label in zip(ys, labels):
        if arr is not None:
            _inputs.refuse_overflow(arr, dtype, where, label)
    model.compiled_loss.check_targets(ys, model._output_shapes(), dtype,
                                      where)
    return xs, ys


def take(arrays: list, idx: Any) -> list:
    """The rows ``idx`` of every array (None stays None)."""
    return [None if a is None else a[idx] for a in arrays]


def check_fit_args(model: Any, x: Any, y: Any, epochs: int,
                   batch_size: int, validation_split: float,
                   validation_data: Any, sample_weight: Any,
                   class_weight: Any, initial_epoch: int = 0) -> tuple:
    """``fit``'s arguments checked: xs, ys, sample weights, and the
    validation data (xs, ys, sample weights) or None."""
    _inputs.check_fit_numbers(epochs, batch_size, validation_split,
                              initial_epoch)
    xs, ys = check_xy(model, x, y, "fit")
    sws = fit_sample_weights(model, sample_weight, class_weight, ys, "fit")
    if validation_data is not None:
        if not isinstance(validation_data, (list, tuple)) \
                or len(validation_data) not in (2, 3):
            raise check.ArgumentTypeError(
                f"fit: validation_data must be a pair (x_val, y_val) or "
                f"(x_val, y_val, sample_weight_val), got "
                f"{check.show(validation_data)}")
        xv, yv = check_xy(model, validation_data[0], validation_data[1],
                          "fit (validation_data)")
        swv = as_sample_weights(
            model, validation_data[2] if len(validation_data) == 3
            else None, yv, "fit (validation_data)")
        return xs, ys, sws, (xv, yv, swv)
    if validation_split:
        n = len(xs[0])
        cut = int(math.floor(n * (1.0 - validation_split)))
        if cut < 1 or cut == n:
            raise ValueError(f"fit: validation_split={validation_split} "
                             f"leaves no training or no validation data "
                             f"for {n} examples")
        head, tail = slice(0, cut), slice(cut, n)
        # Keras weighs the validation part with its sample weights too,
        # but class_weight applies to the training data only.
        val_sw = (take(sws, tail) if class_weight is None
                  else [None] * len(sws))
        return (take(xs, head), take(ys, head), take(sws, head),
                (take(xs, tail), take(ys, tail), val_sw))
    return xs, ys, sws, None
