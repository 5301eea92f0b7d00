"""Cosine decay with an optional linear warm-up (Keras' twin)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import (
    LearningRateSchedule,
    _out,
    _steps,
)
from ._registry import register

__all__ = ["CosineDecay"]


@register
class CosineDecay(LearningRateSchedule):
    """Cosine decay with an optional linear warm-up (Keras' twin).

    Without ``warmup_target``: ``lr0 * ((1 - alpha) * c + alpha)`` with
    ``c = (1 + cos(pi * min(step, T) / T)) / 2`` (Loshchilov & Hutter
    2017, one cycle, no restarts). With ``warmup_target``: first a
    linear ramp from lr0 to the target over ``warmup_steps``, then the
    same cosine from the target, over the next ``decay_steps``.

    Args:
        initial_learning_rate: lr0 >= 0.
        decay_steps: T > 0.
        alpha: final fraction of the peak rate, in [0, 1].
        warmup_target: peak rate after warm-up, or None (no warm-up).
        warmup_steps: length of the warm-up (>= 0).
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 alpha: float = 0.0, warmup_target: float | None = None,
                 warmup_steps: float = 0):
        owner = type(self).__name__
        self.initial_learning_rate = check.non_negative(
            owner, "initial_learning_rate", initial_learning_rate)
        self.decay_steps = check.positive(owner, "decay_steps",
                                          decay_steps)
        self.alpha = check.number(owner, "alpha", alpha, 0.0, 1.0)
        self.warmup_target = check.non_negative(
            owner, "warmup_target", warmup_target, allow_none=True)
        self.warmup_steps = check.non_negative(owner, "warmup_steps",
                                               warmup_steps)

    def _cosine(self, t: np.ndarray, peak: float) -> np.ndarray:
        c = 0.5 * (1.0 + np.cos(np.pi * t / self.decay_steps))
        return peak * ((1.0 - self.alpha) * c + self.alpha)

    def __call__(self, step: Any) -> Any:
        t = _steps(step)
        if self.warmup_target is None:
            t = np.minimum(t, self.decay_steps)
            return _out(self._cosine(t, self.initial_learning_rate))
        w, lr0 = self.warmup_steps, self.initial_learning_rate
        t = np.minimum(t, self.decay_steps + w)
        warm = lr0 + (self.warmup_target - lr0) * t / w if w > 0 else lr0
        decay = self._cosine(t - w, self.warmup_target)
        return _out(np.where(t < w, warm, decay))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha,
                "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}
