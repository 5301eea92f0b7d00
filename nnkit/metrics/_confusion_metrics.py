"""Precision, Recall and AUC as streaming metrics (Keras' definitions).

Each counts, over every batch since the last reset, the true and false
positives (and negatives) of the binary decisions ``y_pred > t`` for
one or more thresholds t; the metric is computed from the totals::

    precision = TP / (TP + FP)        recall = TP / (TP + FN)

(0 when the denominator is 0, Keras' ``divide_no_nan``). Every entry of
y_pred is one decision, as in Keras: with one-hot targets and softmax
outputs each class of each example counts (use ``class_id`` for one
class, ``top_k`` to call only the k largest scores positive).

AUC sweeps ``num_thresholds`` evenly spaced thresholds from just below
0 to just above 1 and sums the area under the curve they trace: ROC
(recall against the false-positive rate FP / (FP + TN)) or PR (precision
against recall). ``summation_method="interpolation"`` uses trapezoids
for ROC and, for PR, Davis & Goadrich's interpolation (precision varies
as TP / P with TP and P linear between thresholds), as Keras does;
``"minoring"``/``"majoring"`` take the lower/upper rectangle.

With evenly spaced thresholds Keras does not compare every prediction
with every threshold: it puts prediction p (clipped into [0, 1]) into
bucket ``ceil(p (T - 1)) - 1`` and accumulates the counts from the top
bucket down. nnkit does the same (``np.bincount`` and a reversed
cumulative sum), so the two agree even for predictions that fall on a
threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._checks import _div
from ._metric import Metric

__all__ = ["Precision", "Recall", "AUC"]

EPSILON = 1e-7            # Keras' backend.epsilon()
NEG_INF = -1e10           # what top_k filtering gives the other scores


def _thresholds(owner: str, thresholds: Any, default: float) -> list:
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple,
                                                         np.ndarray)) \
        else [thresholds]
    if not values:
        raise ValueError(f"{owner}: thresholds must be a number or a "
                         f"non-empty list, got {thresholds!r}")
    return [check.number(owner, "thresholds", t, 0.0, 1.0) for t in values]


def _evenly_spaced(thresholds: list) -> bool:
    """Keras' test: >= 3 thresholds at i / (n - 1), within 1e-7."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def _prepare(y_true: Any, y_pred: Any, sample_weight: Any, top_k: Any,
             class_id: Any, owner: str):
    """Flat (labels, predictions, weights), Keras' preprocessing."""
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float64)
    y_true = np.asarray(y_true)
    if y_true.shape != y_pred.shape:
        if y_true.size != y_pred.size:
            raise ValueError(f"{owner}: y_true has shape {y_true.shape} "
                             f"but y_pred has shape {y_pred.shape}; they "
                             f"must hold the same number of values")
        y_true = y_true.reshape(y_pred.shape)
    w = None
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        w = w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim))
        w = np.broadcast_to(w, y_pred.shape)
    if top_k is not None:
        order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :top_k]
        keep = np.zeros(y_pred.shape, bool)
        np.put_along_axis(keep, order, True, axis=-1)
        y_pred = np.where(keep, y_pred, y_pred.dtype.type(NEG_INF))
    if class_id is not None:
        if y_pred.ndim < 2 or not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(f"{owner}: class_id={class_id} needs y_pred "
                             f"of shape (batch, classes) with more than "
                             f"{class_id} classes, got {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        w = None if w is None else w[..., class_id]
    labels = y_true.reshape(-1) != 0
    return labels, y_pred.reshape(-1), None if w is None else w.reshape(-1)


def _counts_by_comparison(labels, preds, weights, thresholds):
    """(TP, FP, TN, FN) per threshold: compare every p with every t."""
    t = np.asarray(thresholds, dtype=preds.dtype)[:, None]
    pos = preds[None, :] > t                      # (T, n)
    w = np.ones(len(preds)) if weights is None else weights
    tp = (pos & labels) @ w
    fp = (pos & ~labels) @ w
    return tp, fp, np.sum(w * ~labels) - fp, np.sum(w * labels) - tp


def _counts_by_bucket(labels, preds, weights, n_thresholds,
                      with_epsilon=True):
    """The same counts for evenly spaced thresholds, Keras' bucketing."""
    p = np.clip(preds, 0, 1)
    bucket = np.ceil(p * preds.dtype.type(n_thresholds - 1)) - 1
    if with_epsilon:
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(int)
    w = np.ones(len(preds)) if weights is None else weights
    seen = bucket >= 0   # without the epsilon, p = 0 is below every t
    tp_b = np.bincount(bucket[seen], (w * labels)[seen], n_thresholds)
    fp_b = np.bincount(bucket[seen], (w * ~labels)[seen], n_thresholds)
    # a prediction counts as positive at every threshold up to its bucket
    tp = np.cumsum(tp_b[::-1])[::-1]
    fp = np.cumsum(fp_b[::-1])[::-1]
    return tp, fp, np.sum(w * ~labels) - fp, np.sum(w * labels) - tp


class _ThresholdMetric(Metric):
    """Shared arguments and counts of Precision and Recall.

    Args:
        thresholds: a number or a list in [0, 1]; default 0.5 (with
            ``top_k``: every kept score is positive).
        top_k: only the k largest scores of each example may be
            positive.
        class_id: score only this class (last axis of y_pred).
        name: the history key (default ``"precision"``/``"recall"``).

    Returns (``result``):
        a float, or an array with one value per threshold.
    """

    def __init__(self, thresholds: Any = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None):
        owner = type(self).__name__
        check.positive_int(owner, "top_k", top_k, allow_none=True)
        check.integer(owner, "class_id", class_id, 0, allow_none=True)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = (_thresholds(owner, thresholds, default)
                           if thresholds is not None else [default])
        super().__init__(name)

    def reset_state(self):
        n = len(self.thresholds)
        self.tp, self.fp = np.zeros(n), np.zeros(n)
        self.tn, self.fn = np.zeros(n), np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels, preds, w = _prepare(y_true, y_pred, sample_weight,
                                    self.top_k, self.class_id,
                                    f"{type(self).__name__} '{self.name}'")
        if _evenly_spaced(self.thresholds):
            counts = _counts_by_bucket(labels, preds, w,
                                       len(self.thresholds), False)
        else:
            counts = _counts_by_comparison(labels, preds, w,
                                           self.thresholds)
        for total, c in zip((self.tp, self.fp, self.tn, self.fn), counts):
            total += c

    def _finish(self, values):
        return float(values[0]) if len(values) == 1 else values

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


# Precision's and Recall's docstrings show what is their own;
# _ThresholdMetric's Args and Returns complete them (nnkit._docs).
class Precision(_ThresholdMetric):
    """TP / (TP + FP) over all batches since the last reset (Keras').

    Args:
        name: the history key (default ``"precision"``).
    """

    def result(self):
        return self._finish(_div(self.tp, self.tp + self.fp))


class Recall(_ThresholdMetric):
    """TP / (TP + FN) over all batches since the last reset (Keras').

    Args:
        name: the history key (default ``"recall"``).
    """

    def result(self):
        return self._finish(_div(self.tp, self.tp + self.fn))


class AUC(Metric):
    """Area under the ROC or PR curve, from streaming counts (Keras').

    Args:
        num_thresholds: T >= 2 evenly spaced thresholds, default 200.
        curve: ``"ROC"`` or ``"PR"``.
        summation_method: ``"interpolation"``, ``"minoring"`` or
            ``"majoring"``.
        name: the history key (default ``"auc"``).
        thresholds: explicit thresholds in [0, 1] instead (then
            num_thresholds is their number + 2).
        multi_label: one curve per label (last axis), averaged; else all
            entries are pooled into one curve.
        num_labels: accepted for Keras compatibility (the labels are
            counted on the first batch).
        label_weights: weights of the labels' AUCs (``multi_label``).
        from_logits: apply a sigmoid to y_pred first.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation",
                 name: str | None = None, thresholds: Any = None,
                 multi_label: bool = False, num_labels: int | None = None,
                 label_weights: Any = None, from_logits: bool = False):
        owner = "AUC"
        curve = check.one_of(owner, "curve", str(curve).upper(),
                             ("ROC", "PR"))
        check.one_of(owner, "summation_method", summation_method,
                     ("interpolation", "minoring", "majoring"))
        self.init_thresholds = thresholds
        if thresholds is not None:
            inner = sorted(_thresholds(owner, thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self.evenly = _evenly_spaced([0.0] + inner + [1.0])
        else:
            self.num_thresholds = check.integer(
                owner, "num_thresholds", num_thresholds, 2)
            inner = [(i + 1) * 1.0 / (self.num_thresholds - 1)
                     for i in range(self.num_thresholds - 2)]
            self.evenly = True
        self.thresholds = [0.0 - EPSILON] + inner + [1.0 + EPSILON]
        self.curve = str(curve).upper()
        self.summation_method = summation_method
        self.multi_label = check.boolean(owner, "multi_label", multi_label)
        self.num_labels = check.positive_int(owner, "num_labels",
                                             num_labels, allow_none=True)
        self.label_weights = (None if label_weights is None else
                              check.array(owner, "label_weights",
                                          label_weights, ndim=1,
                                          finite=True).astype(np.float64))
        self.from_logits = check.boolean(owner, "from_logits", from_logits)
        super().__init__(name)

    def reset_state(self):
        self.tp = self.fp = self.tn = self.fn = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred)
        if self.from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        owner = f"AUC '{self.name}'"
        if self.multi_label:
            y_pred = y_pred if y_pred.ndim == 2 else y_pred.reshape(
                len(y_pred), -1)
            cols = [_prepare(np.asarray(y_true).reshape(y_pred.shape)[:, j],
                             y_pred[:, j], sample_weight, None, None, owner)
                    for j in range(y_pred.shape[1])]
            counts = [self._counts(*c) for c in cols]
            counts = [np.stack(c, axis=1) for c in zip(*counts)]
        else:
            counts = self._counts(*_prepare(y_true, y_pred, sample_weight,
                                            None, None, owner))
        if self.tp is None:
            self.tp, self.fp, self.tn, self.fn = (np.zeros_like(c)
                                                  for c in counts)
        for total, c in zip((self.tp, self.fp, self.tn, self.fn), counts):
            total += c

    def _counts(self, labels, preds, w):
        if self.evenly:
            return _counts_by_bucket(labels, preds, w, self.num_thresholds)
        return _counts_by_comparison(labels, preds, w, self.thresholds)

    def _interpolate_pr(self):
        """Davis & Goadrich's PR interpolation, as Keras computes it."""
        tp, fp, fn = self.tp, self.fp, self.fn
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return _div(slope * (dtp + intercept * np.log(ratio)),
                    np.maximum(tp[1:] + fn[1:], 0))

    def result(self):
        if self.tp is None:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._interpolate_pr()
        else:
            recall = _div(self.tp, self.tp + self.fn)
            if self.curve == "ROC":
                x, y = _div(self.fp, self.fp + self.tn), recall
            else:
                x, y = recall, _div(self.tp, self.tp + self.fp)
            if self.summation_method == "interpolation":
                heights = (y[:-1] + y[1:]) / 2.0
            elif self.summation_method == "minoring":
                heights = np.minimum(y[:-1], y[1:])
            else:
                heights = np.maximum(y[:-1], y[1:])
            terms = (x[:-1] - x[1:]) * heights
        if not self.multi_label:
            return float(np.sum(terms))
        by_label = np.sum(terms, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(_div(np.sum(by_label * self.label_weights),
                          np.sum(self.label_weights)))

    def get_config(self):
        cfg = {**super().get_config(),
               "num_thresholds": self.num_thresholds, "curve": self.curve,
               "summation_method": self.summation_method,
               "multi_label": self.multi_label,
               "num_labels": self.num_labels,
               "label_weights": None if self.label_weights is None
               else self.label_weights.tolist(),
               "from_logits": self.from_logits}
        if self.init_thresholds is not None:
            cfg["thresholds"] = self.thresholds[1:-1]
            cfg.pop("num_thresholds")
        return cfg
