"""Precision, recall, specificity, F-scores and MCC from the counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._checks import _div
from ._confusion import _average, _per_class_counts, confusion_matrix

__all__ = ["precision", "recall", "specificity", "fbeta_score", "f1_score",
           "matthews_corrcoef", "binary_report"]


def precision(y_true: Any, y_pred: Any, average: str | None = "binary",
              pos_label: Any = 1, labels: Any = None) -> Any:
    """Precision TP / (TP + FP): of the predicted positives, how many are.

    Args:
        y_true: true labels, shape (N,).
        y_pred: predicted labels, shape (N,).
        average: ``"binary"`` scores ``pos_label`` only; ``"macro"`` is
            the unweighted mean over classes; ``"weighted"`` weights
            each class by its support (number of true examples);
            ``"micro"`` pools the counts of all classes; ``None``
            returns the per-class scores, shape (C,).
        pos_label: the positive class for ``average="binary"``.
        labels: classes to include (not for ``"binary"``).

    Returns:
        A float in [0, 1] (0.0 when nothing is predicted positive), or
        an array of shape (C,) for ``average=None``.
    """
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels, "precision")
    return _average(tp, tp + fp, tp + fn, average)


def recall(y_true: Any, y_pred: Any, average: str | None = "binary",
           pos_label: Any = 1, labels: Any = None) -> Any:
    """Recall (sensitivity, TPR) TP / (TP + FN): positives found.

    Arguments and averaging as in ``precision``; 0.0 when a class has
    no true examples.
    """
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels, "recall")
    return _average(tp, tp + fn, tp + fn, average)


def specificity(y_true: Any, y_pred: Any, average: str | None = "binary",
                pos_label: Any = 1, labels: Any = None) -> Any:
    """Specificity (TNR) TN / (TN + FP): negatives correctly rejected.

    For two classes this is the recall of the negative class. With
    more classes each class is scored one-vs-rest and averaged as in
    ``precision`` (``"weighted"`` uses the positive support).
    """
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels, "specificity")
    return _average(tn, tn + fp, tp + fn, average)


def fbeta_score(y_true: Any, y_pred: Any, beta: float,
                average: str | None = "binary", pos_label: Any = 1,
                labels: Any = None) -> Any:
    """F-beta: weighted harmonic mean of precision and recall.

    F_b = (1 + b^2) P R / (b^2 P + R)
        = (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP).

    beta > 1 weighs recall more (F2 for screening), beta < 1 weighs
    precision more. Computed from counts as scikit-learn does, so it
    is 0.0 when TP = 0, and ``"micro"``/``"macro"`` follow the same
    rules as ``precision``.
    """
    check.non_negative("fbeta_score", "beta", beta)
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels, "fbeta_score")
    b2 = beta * beta
    return _average((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, tp + fn,
                    average)


def f1_score(y_true: Any, y_pred: Any, average: str | None = "binary",
             pos_label: Any = 1, labels: Any = None) -> Any:
    """F1 = 2 P R / (P + R) = 2 TP / (2 TP + FP + FN); see fbeta_score."""
    return fbeta_score(y_true, y_pred, 1.0, average=average,
                       pos_label=pos_label, labels=labels)


def matthews_corrcoef(y_true: Any, y_pred: Any) -> float:
    """Matthews correlation coefficient, in [-1, 1] (0 = chance).

    Binary: (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)). For
    C classes the same correlation between the one-hot matrices of
    true and predicted labels (Gorodkin's R_K, as scikit-learn). 0.0
    when the denominator is 0 (e.g. a constant prediction).
    """
    cm = confusion_matrix(y_true, y_pred).astype(np.float64)
    t = cm.sum(axis=1)                  # true count per class
    p = cm.sum(axis=0)                  # predicted count per class
    c = np.trace(cm)
    s = cm.sum()
    cov_tp = c * s - t @ p
    cov_pp = s * s - p @ p
    cov_tt = s * s - t @ t
    den = cov_tt * cov_pp
    return float(cov_tp / np.sqrt(den)) if den > 0 else 0.0


def binary_report(tn: int, fp: int, fn: int, tp: int) -> dict[str, float]:
    """Every binary metric from the four confusion-matrix counts.

    >>> r = binary_report(tn=8, fp=2, fn=4, tp=6)
    >>> round(r["precision"], 2), round(r["mcc"], 3)
    (0.75, 0.408)

    Returns:
        dict with ``accuracy``, ``precision``, ``recall`` (also under
        ``sensitivity``), ``specificity``, ``f1``, ``mcc``,
        ``balanced_accuracy`` and the counts themselves. Ratios with a
        zero denominator are 0.0.
    """
    counts = {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
    for k, v in counts.items():
        check.integer("binary_report", k, v, 0,
                      expected="a count (integer >= 0)")
    tn, fp, fn, tp = (int(v) for v in (tn, fp, fn, tp))
    prec = float(_div(tp, tp + fp))
    rec = float(_div(tp, tp + fn))
    spec = float(_div(tn, tn + fp))
    mcc_den = float((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return {
        "accuracy": float(_div(tp + tn, tp + tn + fp + fn)),
        "precision": prec,
        "recall": rec,
        "sensitivity": rec,
        "specificity": spec,
        "f1": float(_div(2 * tp, 2 * tp + fp + fn)),
        "mcc": float((tp * tn - fp * fn) / np.sqrt(mcc_den)) if mcc_den
        else 0.0,
        "balanced_accuracy": (rec + spec) / 2,
        "tn": tn, "fp": fp, "fn": fn, "tp": tp,
    }
