"""The confusion matrix, accuracy, and per-class counts TP, FP, FN, TN."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._checks import _div, _pair

__all__ = ["confusion_matrix", "accuracy_score"]


_AVERAGES = ("binary", "macro", "micro", "weighted", None)


# --------------------------------------------------------------------------
# Confusion matrix and the metrics derived from it
# --------------------------------------------------------------------------

def confusion_matrix(y_true: Any, y_pred: Any,
                     labels: Any = None) -> np.ndarray:
    """Count how often each true class is predicted as each class.

    Args:
        y_true: true labels, shape (N,).
        y_pred: predicted labels, shape (N,).
        labels: the classes, in the order of the rows and columns.
            Default: the sorted union of the labels in both arrays.
            Examples whose labels are not listed are ignored.

    Returns:
        cm: int array of shape (C, C); ``cm[i, j]`` counts examples of
        true class ``labels[i]`` predicted as ``labels[j]``. For labels
        (0, 1), ``tn, fp, fn, tp = cm.ravel()``.
    """
    y_true, y_pred = _pair(y_true, y_pred, "confusion_matrix")
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    labels = check.array("confusion_matrix", "labels", labels,
                         kinds="biufUSO")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"confusion_matrix: labels must be a non-empty "
                         f"1-D list, got {labels!r}")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"confusion_matrix: labels contains duplicates: "
                         f"{labels!r}")
    c = labels.size
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def index(y):
        pos = np.clip(np.searchsorted(sorted_labels, y), 0, c - 1)
        found = sorted_labels[pos] == y
        return order[pos], found

    i, ok_t = index(y_true)
    j, ok_p = index(y_pred)
    keep = ok_t & ok_p
    flat = np.bincount(i[keep] * c + j[keep], minlength=c * c)
    return flat.reshape(c, c).astype(np.int64)


def accuracy_score(y_true: Any, y_pred: Any) -> float:
    """Fraction of examples whose predicted label equals the true one.

    ``y_pred`` may also be a model's output, turned into labels the way
    the accuracy Keras picks for ``compile(metrics=["accuracy"])``
    does: several columns (N, C) of scores give ``argmax`` over the
    columns; one column (N,) or (N, 1) of probabilities (floats in
    [0, 1] that are not all 0 or 1) gives ``p > 0.5``, which must then
    be compared with 0/1 labels. A one-hot ``y_true`` (N, C) is read
    as ``argmax`` too.

    Args:
        y_true: labels (N,) or (N, 1), or one-hot rows (N, C).
        y_pred: labels (N,), probabilities (N,) or (N, 1), or scores
            (N, C).

    Returns:
        the fraction of matches (0.0 for no examples).
    """
    y_true = check.array("accuracy_score", "y_true", y_true,
                         kinds="biufUSO")
    y_pred = check.array("accuracy_score", "y_pred", y_pred,
                         kinds="biufUSO")
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        y_pred = np.argmax(y_pred, axis=1)
        if y_true.ndim == 2 and y_true.shape[1] > 1:
            y_true = np.argmax(y_true, axis=1)
    elif _are_probabilities(y_pred):
        y_pred = (np.reshape(y_pred, len(y_pred)) > 0.5).astype(np.int64)
        labels = np.unique(np.asarray(y_true))
        if labels.dtype.kind not in "biuf" or not np.isin(labels,
                                                          (0, 1)).all():
            raise ValueError(
                f"accuracy_score: y_pred holds probabilities (floats in "
                f"[0, 1]), which are compared with 0/1 labels after "
                f"thresholding at 0.5, but y_true holds the labels "
                f"{labels[:5].tolist()}; pass predicted labels instead")
    elif y_pred.dtype.kind == "f" and y_pred.size and not np.all(
            y_pred == np.round(y_pred)):
        frac = y_pred[y_pred != np.round(y_pred)].flat[0].item()
        raise ValueError(
            f"accuracy_score: y_pred holds fractional values outside "
            f"[0, 1] (e.g. {frac!r}), which are neither labels nor "
            f"probabilities; pass predicted labels")
    y_true, y_pred = _pair(y_true, y_pred, "accuracy_score")
    if y_true.size == 0:
        return 0.0
    return float(np.mean(y_true == y_pred))


def _are_probabilities(y_pred: np.ndarray) -> bool:
    """A float column with values in [0, 1], not all of them 0 or 1."""
    if y_pred.dtype.kind != "f" or y_pred.ndim not in (1, 2) or (
            y_pred.ndim == 2 and y_pred.shape[1] != 1) or not y_pred.size:
        return False
    finite = np.isfinite(y_pred).all()
    return bool(finite and y_pred.min() >= 0 and y_pred.max() <= 1
                and not np.isin(y_pred, (0.0, 1.0)).all())


def _per_class_counts(y_true, y_pred, average, pos_label, labels,
                      fn: str):
    """tp, fp, fn, tn per class (arrays of shape (C,)) and the labels.

    With ``average="binary"`` only the positive class is kept.
    """
    if average not in _AVERAGES:
        raise ValueError(f"{fn}: average must be one of {_AVERAGES}, got "
                         f"{average!r}")
    y_true, y_pred = _pair(y_true, y_pred, fn)
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if present.size > 2:
            raise ValueError(
                f"{fn}: average='binary' needs two classes but the labels are "
                f"{present.tolist()}; choose average='macro', 'micro', "
                "'weighted' or None")
        if present.size == 2 and pos_label not in present:
            raise ValueError(f"{fn}: pos_label={pos_label!r} is not one of "
                             f"the labels {present.tolist()}")
        labels = [pos_label]
    elif labels is None:
        labels = present
    labels = np.asarray(labels)
    cm = confusion_matrix(y_true, y_pred,
                          labels=np.union1d(labels, present))
    all_labels = np.union1d(labels, present)
    idx = np.searchsorted(all_labels, labels)
    tp = np.diag(cm)[idx]
    fp = cm.sum(axis=0)[idx] - tp
    fn = cm.sum(axis=1)[idx] - tp
    tn = y_true.size - tp - fp - fn
    return tp, fp, fn, tn, labels


def _average(num, den, support, average):
    """Combine per-class ratios num/den as scikit-learn does."""
    if average == "micro":
        return float(_div(num.sum(), den.sum()))
    scores = _div(num, den)
    if average is None:
        return scores
    if average == "weighted":
        total = support.sum()
        return float(np.sum(scores * support) / total) if total else 0.0
    return float(np.mean(scores))        # "binary" (one class) or "macro"
