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

*Streaming metrics* (``Precision``, ``Recall``, ``AUC``, and any
function wrapped in ``MeanMetricWrapper``) follow Keras' ``Metric``
protocol, ``reset_state`` / ``update_state`` / ``result``, so ``fit``
reports them over the whole epoch, as Keras does.
"""

from .._public import set_public_module
from ._accuracy import (
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
)
from ._confusion import accuracy_score, confusion_matrix
from ._confusion_metrics import AUC, Precision, Recall
from ._curves import (
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)
from ._metric import MeanMetricWrapper, Metric
from ._precision_recall import (
    binary_report,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision,
    recall,
    specificity,
)
from ._registry import MetricFn as MetricFn
from ._registry import as_metric, deserialize, get, names, serialize
from ._regression import mean_absolute_error, mean_squared_error

__all__ = [
    "confusion_matrix", "accuracy_score", "precision", "recall",
    "specificity", "f1_score", "fbeta_score", "matthews_corrcoef",
    "roc_curve", "roc_auc", "precision_recall_curve", "average_precision",
    "binary_report", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "mean_squared_error",
    "mean_absolute_error", "get", "names", "Metric", "MeanMetricWrapper",
    "Precision", "Recall", "AUC", "as_metric", "serialize", "deserialize",
]

set_public_module(__name__, __all__)
