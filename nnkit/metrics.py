"""Classification and regression metrics, with scikit-learn's conventions.

Two families live here.

*Evaluation metrics* take label arrays (``y_true``, ``y_pred``) or
scores and follow scikit-learn: ``confusion_matrix`` has true classes
in rows and predicted classes in columns; ``precision``, ``recall``,
``f1_score`` and ``fbeta_score`` accept ``average="binary" | "macro" |
"micro" | "weighted" | None``; ``roc_curve`` and
``precision_recall_curve`` return their points in the same order and
with the same thresholds as scikit-learn.

For a binary problem with counts TN, FP, FN, TP::

    accuracy    = (TP + TN) / (TP + TN + FP + FN)
    precision   = TP / (TP + FP)
    recall      = TP / (TP + FN)          (sensitivity, true positive rate)
    specificity = TN / (TN + FP)          (true negative rate)
    F_beta      = (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)
    MCC         = (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))

Zero division: when a denominator is 0 (no predicted positives for
precision, no actual positives for recall, ...) the metric is 0.0 and
no warning is raised, like scikit-learn with ``zero_division=0``.

*Training-time metrics* (``binary_accuracy``, ``categorical_accuracy``,
``sparse_categorical_accuracy``, ``mean_squared_error``,
``mean_absolute_error``) follow Keras: they take ``(y_true, y_pred)``
with ``y_pred`` the network's output and return the batch mean as a
float. ``get`` resolves the names ``Sequential.compile(metrics=[...])``
accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "confusion_matrix", "accuracy_score", "precision", "recall",
    "specificity", "f1_score", "fbeta_score", "matthews_corrcoef",
    "roc_curve", "roc_auc", "precision_recall_curve", "average_precision",
    "binary_report", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "mean_squared_error",
    "mean_absolute_error", "get", "names",
]

_AVERAGES = ("binary", "macro", "micro", "weighted", None)


def _div(num, den):
    """num / den elementwise, 0.0 where den == 0 (no warning)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _labels_1d(y: Any, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape "
                         f"{y.shape} (for one-hot rows use argmax(axis=1))")
    return y


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = _labels_1d(y_true, "y_true")
    y_pred = _labels_1d(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.shape[0]} labels but y_pred "
                         f"has {y_pred.shape[0]}; they must match")
    return y_true, y_pred


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
                                          pos_label, labels)
    return _average(tp, tp + fp, tp + fn, average)


def recall(y_true: Any, y_pred: Any, average: str | None = "binary",
           pos_label: Any = 1, labels: Any = None) -> Any:
    """Recall (sensitivity, TPR) TP / (TP + FN): positives found.

    Arguments and averaging as in ``precision``; 0.0 when a class has
    no true examples.
    """
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels)
    return _average(tp, tp + fn, tp + fn, average)


def specificity(y_true: Any, y_pred: Any, average: str | None = "binary",
                pos_label: Any = 1, labels: Any = None) -> Any:
    """Specificity (TNR) TN / (TN + FP): negatives correctly rejected.

    For two classes this is the recall of the negative class. With
    more classes each class is scored one-vs-rest and averaged as in
    ``precision`` (``"weighted"`` uses the positive support).
    """
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels)
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
    if not np.isfinite(beta) or beta < 0:
        raise ValueError(f"beta must be a finite number >= 0, got {beta}")
    tp, fp, fn, tn, _ = _per_class_counts(y_true, y_pred, average,
                                          pos_label, labels)
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
        if int(v) != v or v < 0:
            raise ValueError(f"{k} must be a count (integer >= 0), got {v}")
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


# --------------------------------------------------------------------------
# Threshold curves from scores
# --------------------------------------------------------------------------

def _binary_clf_curve(y_true, scores, pos_label):
    """Cumulative FP and TP counts at each distinct score, high to low.

    Returns (fps, tps, thresholds), each of shape (K,), K = number of
    distinct scores; predicting positive when score >= thresholds[k]
    gives fps[k] false and tps[k] true positives.
    """
    y_true, scores = _pair(y_true, scores)
    if not np.issubdtype(scores.dtype, np.number) or scores.dtype == bool:
        scores = scores.astype(np.float64)
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores contain NaN or infinity")
    classes = np.unique(y_true)
    if classes.size != 2:
        raise ValueError(
            f"a ROC/PR curve needs both classes in y_true, got "
            f"{classes.tolist()}: the curve is undefined")
    if pos_label is None:
        if not set(classes.tolist()) <= {0, 1, -1}:
            raise ValueError(f"labels {classes.tolist()} are not 0/1 or "
                             "-1/1: pass pos_label")
        pos_label = 1
    if pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the "
                         f"labels {classes.tolist()}")
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
    fps, tps, thr = _binary_clf_curve(y_true, scores, pos_label)
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
    fps, tps, thr = _binary_clf_curve(y_true, scores, pos_label)
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


# --------------------------------------------------------------------------
# Training-time metrics (Keras' definitions)
# --------------------------------------------------------------------------

def _same_rank(y_true, y_pred):
    """Keras' squeeze_or_expand_to_same_rank for ranks differing by 1."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim - 1:
        if y_pred.shape[-1] == 1:
            y_pred = y_pred[..., 0]
        else:
            y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1:
        if y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
        else:
            y_pred = y_pred[..., None]
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(f"y_true has shape {y_true.shape} and y_pred "
                         f"{y_pred.shape}: they do not match") from None
    return y_true, y_pred


def binary_accuracy(y_true: Any, y_pred: Any,
                    threshold: float = 0.5) -> float:
    """Mean of [(y_pred > threshold) == y_true] (Keras' definition).

    Shapes (N,) or (N, 1) for both; y_true holds 0/1.
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    hits = (y_pred > threshold).astype(np.float64) == y_true
    return float(np.mean(hits))


def categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of [argmax y_pred == argmax y_true]; y_true one-hot (N, C)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_accuracy: y_true has shape {y_true.shape} but "
            f"y_pred has {y_pred.shape}; integer labels need "
            "sparse_categorical_accuracy")
    return float(np.mean(np.argmax(y_true, -1) == np.argmax(y_pred, -1)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of [argmax y_pred == y_true]; y_true integers (N,) or (N, 1)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_accuracy: y_true has shape {y_true.shape},"
            f" expected {y_pred.shape[:-1]} (one label per row of y_pred "
            f"{y_pred.shape})")
    return float(np.mean(np.argmax(y_pred, axis=-1) == y_true))


def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """Mean over the last axis, then the batch, of (y_true - y_pred)^2."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return float(np.mean(np.mean((y_true - y_pred) ** 2, axis=-1)))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """Mean over the last axis, then the batch, of ``|y_true - y_pred|``."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return float(np.mean(np.mean(np.abs(y_true - y_pred), axis=-1)))


MetricFn = Callable[[Any, Any], float]

_METRICS: dict[str, MetricFn] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
}
_METRIC_ALIASES = {"mse": "mean_squared_error",
                   "mae": "mean_absolute_error"}
_LOSS_ALIASES = {"bce": "binary_crossentropy",
                 "cce": "categorical_crossentropy"}


def names() -> list[str]:
    """The metric names ``get`` accepts, aliases included."""
    return sorted({"accuracy", "acc", *_METRICS, *_METRIC_ALIASES})


def _accuracy_for(loss_name: Any, output_units: int | None) -> MetricFn:
    if loss_name is not None and not isinstance(loss_name, str):
        loss_name = getattr(loss_name, "name", None)
    key = str(loss_name).lower() if loss_name is not None else None
    key = _LOSS_ALIASES.get(key, key)
    if key == "binary_crossentropy":
        return binary_accuracy
    if key == "categorical_crossentropy":
        return categorical_accuracy
    if key == "sparse_categorical_crossentropy":
        return sparse_categorical_accuracy
    return binary_accuracy if output_units == 1 else categorical_accuracy


def get(identifier: Any, loss_name: Any = None,
        output_units: int | None = None) -> tuple[str, MetricFn]:
    """Resolve a metric for ``compile(metrics=[...])`` to (name, fn).

    ``"accuracy"``/``"acc"`` picks the accuracy that fits the loss:
    binary_crossentropy -> binary_accuracy, categorical_crossentropy ->
    categorical_accuracy, sparse_categorical_crossentropy ->
    sparse_categorical_accuracy; for any other loss, binary_accuracy
    if the model has one output unit, else categorical_accuracy. It is
    reported as ``"accuracy"``. (Keras 3 decides from the shapes of
    y_true and y_pred instead; for the usual loss/label pairings both
    rules pick the same function.) Other names are reported as given,
    like Keras: ``"mse"`` stays ``"mse"``.

    Args:
        identifier: a name, or a callable ``fn(y_true, y_pred)``.
        loss_name: the compiled loss (a name or an object with
            ``.name``), used only for ``"accuracy"``.
        output_units: width of the model's output, same use.

    Returns:
        (name, fn) where ``fn(y_true, y_pred) -> float``.
    """
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            return "accuracy", _accuracy_for(loss_name, output_units)
        fn = _METRICS.get(_METRIC_ALIASES.get(key, key))
        if fn is not None:
            return identifier, fn
    raise ValueError(f"unknown metric {identifier!r}; choose one of "
                     f"{', '.join(names())}")
