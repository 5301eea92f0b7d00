"""MonitorCallback: the shared logic of callbacks that watch a metric."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _validate as check
from ._base import Callback

__all__ = ["MonitorCallback"]


# ----- callbacks that watch a metric ---------------------------------------
# These follow Keras 3's callbacks line by line in behaviour (which
# epoch stops, when the learning rate changes); the tests drive nnkit's
# and Keras' versions with the same metric values and compare.

_MAXIMISE = ("acc", "auc", "precision", "recall", "f1", "fbeta", "mcc")
_MINIMISE = ("loss", "error", "crossentropy", "mse", "mae", "hinge")


def _direction(owner: str, monitor: str, mode: str) -> str:
    """Return "min" or "max": should ``monitor`` go down or up?

    ``mode="auto"`` decides from the name, as Keras does from its
    metric objects: "loss" (and "val_loss") goes down, accuracy-like
    names go up, error-like names go down; anything else is an error.
    """
    check.one_of(owner, "mode", mode, ("auto", "min", "max"))
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_").lower()
    if any(word in name for word in _MINIMISE):
        return "min"
    if any(word in name for word in _MAXIMISE):
        return "max"
    raise ValueError(f"{owner}: cannot tell whether {monitor!r} should "
                     f"be minimised or maximised; pass mode='min' or "
                     f"mode='max'")


class MonitorCallback(Callback):
    """Shared logic of callbacks that track the best value of a metric.

    An epoch's value ``current`` improves on ``reference`` when (Keras'
    rule, with ``min_delta`` taken as ``|min_delta|``)

        current + min_delta < reference      (mode "min")
        current - min_delta > reference      (mode "max")

    so a change smaller than min_delta does not count. Both values are
    compared in float32, as Keras does (:ref:`keras-conventions`), so
    two values equal in float32 are a tie in both libraries.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 baseline: float | None = None, min_delta: float = 0.0):
        super().__init__()
        owner = type(self).__name__
        if not isinstance(monitor, str) or not monitor:
            raise check.ArgumentTypeError(
                f"{owner}: monitor must be a metric name such as "
                f"'val_loss', got {check.show(monitor)}")
        min_delta = check.number(owner, "min_delta", min_delta)
        self.monitor, self.mode = monitor, mode
        self.direction = _direction(owner, monitor, mode)
        self.best = check.number(owner, "baseline", baseline,
                                 allow_none=True, allow_inf=True)
        self.min_delta = abs(min_delta)

    def _is_improvement(self, current: float,
                        reference: float | None) -> bool:
        if reference is None:
            return True
        ref = np.float32(reference)
        if self.direction == "min":
            return bool(np.float32(current + self.min_delta) < ref)
        return bool(np.float32(current - self.min_delta) > ref)

    def _monitored(self, logs: dict | None) -> float | None:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__} monitors {self.monitor!r}, which is "
                f"not in the logs (available: {', '.join(logs or {})}); "
                f"did you forget validation data?", stacklevel=3)
        return value
