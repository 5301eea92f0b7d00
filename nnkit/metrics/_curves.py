"""ROC and precision-recall curves from scores, and their areas."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._checks import _div, _pair

__all__ = ["roc_curve", "roc_auc", "precision_recall_curve",
           "average_precision"]


# --------------------------------------------------------------------------
# Threshold curves from scores
# --------------------------------------------------------------------------

def _binary_clf_curve(y_true, scores, pos_label, fn):
    """Cumulative FP and TP counts at each distinct score, high to low.

    Returns (fps, tps, thresholds), each of shape (K,), K = number of
    distinct scores; predicting positive when score >= thresholds[k]
    gives fps[k] false and tps[k] true positives.
    """
    y_true, scores = _pair(y_true, scores, fn)
    scores = check.array(fn, "scores", scores, finite=True).astype(
        np.float64)
    classes = np.unique(y_true)
    if classes.size != 2:
        raise ValueError(
            f"{fn}: a ROC/PR curve needs both classes in y_true, got "
            f"{classes.tolist()}: the curve is undefined")
    if pos_label is None:
        if not set(classes.tolist()) <= {0, 1, -1}:
            raise ValueError(f"{fn}: labels {classes.tolist()} are not "
                             f"0/1 or -1/1: pass pos_label")
        pos_label = 1
    if pos_label not in classes:
        raise ValueError(f"{fn}: pos_label={pos_label!r} is not one of "
                         f"the labels {classes.tolist()}")
    y = (y_true == pos_label).astype(np.float64)
    # Stable sort by decreasing score (mergesort keeps ties together).
    order = np.argsort(scores, kind="mergesort")[::-1]
    s, y = scores[order], y[order]
    last_of_each = np.r_[np.nonzero(np.diff(s))[0], s.size - 1]
    tps = np.cumsum(y)[last_of_each]
    fps = 1 + last_of_each - tps
    return fps, tps, s[last_of_each]


def roc_curve(y_true: Any, scores: Any, pos_label: Any = None,
              drop_intermediate: bool = True
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receiver operating characteristic: TPR against FPR per threshold.

    Args:
        y_true: binary labels, shape (N,); both classes must be present.
        scores: higher means "more positive" (probabilities, logits,
            decision values), shape (N,).
        pos_label: the positive class; default 1 for 0/1 or -1/1 labels.
        drop_intermediate: drop thresholds whose point lies on a
            straight segment (they do not change the plotted curve or
            its area), as scikit-learn does by default.

    Returns:
        fpr, tpr, thresholds: shape (K + 1,) each. Thresholds decrease;
        the first is ``inf`` so that the curve starts at (0, 0), and
        point k is reached predicting positive when score >=
        thresholds[k].
    """
    fps, tps, thr = _binary_clf_curve(y_true, scores, pos_label,
                                      "roc_curve")
    if drop_intermediate and fps.size > 2:
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        keep = np.nonzero(np.r_[True, corner, True])[0]
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thr.astype(np.float64)]
    return fps / fps[-1], tps / tps[-1], thresholds


def roc_auc(y_true: Any, scores: Any, pos_label: Any = None) -> float:
    """Area under the ROC curve (trapezoids): P(score+ > score-).

    0.5 is chance, 1.0 a perfect ranking; ties count one half.
    """
    fpr, tpr, _ = roc_curve(y_true, scores, pos_label=pos_label,
                            drop_intermediate=False)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def precision_recall_curve(y_true: Any, scores: Any, pos_label: Any = None
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall for every threshold, as scikit-learn.

    Args:
        y_true: binary labels, shape (N,); both classes must be present.
        scores: higher means "more positive", shape (N,).
        pos_label: the positive class; default 1 for 0/1 or -1/1 labels.

    Returns:
        precision, recall: shape (K + 1,); thresholds: shape (K,),
        increasing (one per distinct score). The last point is
        (recall 0, precision 1), which has no threshold.
    """
    fps, tps, thr = _binary_clf_curve(y_true, scores, pos_label,
                                      "precision_recall_curve")
    prec = _div(tps, tps + fps)
    rec = tps / tps[-1]
    return np.r_[prec[::-1], 1.0], np.r_[rec[::-1], 0.0], thr[::-1]


def average_precision(y_true: Any, scores: Any,
                      pos_label: Any = None) -> float:
    """AP = sum_n (R_n - R_{n-1}) P_n: the PR curve as a step function.

    Like scikit-learn, no interpolation (the trapezoid rule would be
    optimistic on a PR curve).
    """
    prec, rec, _ = precision_recall_curve(y_true, scores,
                                          pos_label=pos_label)
    return float(max(0.0, -np.sum(np.diff(rec) * prec[:-1])))
