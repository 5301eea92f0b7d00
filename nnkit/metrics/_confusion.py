"""The confusion matrix, accuracy, and per-class counts TP, FP, FN, TN."""

from __future__ import annotations

from typing import Any

import numpy as np

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
    y_true, y_pred = _pair(y_true, y_pred)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D list, got "
                         f"{labels!r}")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"labels contains duplicates: {labels!r}")
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
    """Fraction of examples whose predicted label equals the true one."""
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.size == 0:
        return 0.0
    return float(np.mean(y_true == y_pred))


def _per_class_counts(y_true, y_pred, average, pos_label, labels):
    """tp, fp, fn, tn per class (arrays of shape (C,)) and the labels.

    With ``average="binary"`` only the positive class is kept.
    """
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got "
                         f"{average!r}")
    y_true, y_pred = _pair(y_true, y_pred)
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if present.size > 2:
            raise ValueError(
                f"average='binary' needs two classes but the labels are "
                f"{present.tolist()}; choose average='macro', 'micro', "
                "'weighted' or None")
        if present.size == 2 and pos_label not in present:
            raise ValueError(f"pos_label={pos_label!r} is not one of the "
                             f"labels {present.tolist()}")
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
