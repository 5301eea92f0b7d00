"""Stateful metrics: Keras' reset/update/result protocol.

A metric reported by ``fit`` must describe the whole epoch, not one
batch. For a mean (accuracy, mse) the mean of the batch values,
weighted by batch size, is exact; for a ratio of counts (precision,
recall, AUC) it is not: the mean of per-batch precisions is not the
precision of the epoch. So, as in Keras, a metric keeps *state*::

    metric.reset_state()                  # start of an epoch / evaluate
    metric.update_state(y_true, y_pred)   # after every batch
    metric.result()                       # the value so far

``MeanMetricWrapper`` turns a batch-mean function (``binary_accuracy``,
``mean_squared_error``, your own ``fn(y_true, y_pred)``) into such a
metric: it keeps the sum of value x batch size and the number of
examples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._docs import inherit_sections

__all__ = ["Metric", "MeanMetricWrapper"]


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Metric:
    """Base class of the stateful metrics.

    Args:
        name: the key in ``fit``'s history; default the class name in
            snake case (``"precision"``, ``"auc"``).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass's docstring inherits the Args entries and sections
        # it leaves out from its bases (nnkit._docs).
        super().__init_subclass__(**kwargs)
        inherit_sections(cls)

    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, "
                            f"got {name!r}")
        self.name = name or _snake(type(self).__name__)
        self.reset_state()

    def reset_state(self) -> None:
        """Forget everything seen so far."""
        raise NotImplementedError

    def update_state(self, y_true: Any, y_pred: Any,
                     sample_weight: Any = None) -> None:
        """Accumulate one batch."""
        raise NotImplementedError

    def result(self) -> Any:
        """The metric over everything seen since the last reset."""
        raise NotImplementedError

    def __call__(self, y_true: Any, y_pred: Any,
                 sample_weight: Any = None) -> Any:
        """Update with one batch, then return ``result()`` (as Keras)."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}'>"


class MeanMetricWrapper(Metric):
    """The running mean of a batch-mean function, weighted by batch size.

    Args:
        fn: ``fn(y_true, y_pred) -> float``, the mean over the batch.
        name: the history key (default ``fn.__name__``).
    """

    def __init__(self, fn: Callable[[Any, Any], float],
                 name: str | None = None):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, got "
                            f"{fn!r}")
        self.fn = fn
        super().__init__(name or getattr(fn, "__name__", "metric"))

    def reset_state(self):
        self.total, self.count = 0.0, 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(f"MeanMetricWrapper '{self.name}': a "
                             f"batch-mean function cannot weigh examples")
        n = len(y_pred)
        self.total += float(self.fn(y_true, y_pred)) * n
        self.count += n

    def result(self):
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        raise TypeError(f"MeanMetricWrapper '{self.name}' wraps a Python "
                        f"function and cannot be serialised; compile with "
                        f"the metric's name instead")
