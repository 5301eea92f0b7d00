"""``PerEpoch``: any schedule indexed by epoch instead of step."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import LearningRateSchedule, _steps
from ._decays import (
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstantDecay,
)
from ._registry import get, register, serialize

__all__ = ["PerEpoch"]


@register
class PerEpoch(LearningRateSchedule):
    """A schedule indexed by epoch: ``schedule(step // steps_per_epoch)``.

    ``StepDecay(0.1, 0.5, 10).per_epoch(steps)`` halves the rate every
    10 epochs. ``to_keras`` works when Keras can say the same per step:
    an ``ExponentialDecay``/``InverseTimeDecay`` that is staircased or
    has ``decay_steps`` 1 (integer decay_steps), and a
    ``PiecewiseConstantDecay`` (its boundaries become steps).

    Args:
        schedule: a schedule (or its ``serialize`` dict).
        steps_per_epoch: ``ceil(n_examples / batch_size)``, as in fit.
    """

    def __init__(self, schedule: Any, steps_per_epoch: int):
        self.schedule = check.lookup("PerEpoch", "schedule", schedule, get)
        self.steps_per_epoch = check.positive_int(
            "PerEpoch", "steps_per_epoch", steps_per_epoch)

    def __call__(self, step: Any) -> Any:
        return self.schedule(np.floor(_steps(step) / self.steps_per_epoch))

    def get_config(self) -> dict[str, Any]:
        return {"schedule": serialize(self.schedule),
                "steps_per_epoch": self.steps_per_epoch}

    def to_keras(self) -> Any:
        s, n = self.schedule, self.steps_per_epoch
        if isinstance(s, PiecewiseConstantDecay):
            # epoch > b  <=>  step > (b + 1) * n - 1
            return self._keras_schedule("PiecewiseConstantDecay", {
                "boundaries": [(b + 1) * n - 1 for b in s.boundaries],
                "values": s.values})
        if isinstance(s, (ExponentialDecay, InverseTimeDecay)) \
                and float(s.decay_steps).is_integer() \
                and (s.staircase or s.decay_steps == 1):
            # floor(floor(step / n) / T) == floor(step / (n T))
            return self._keras_schedule(
                "ExponentialDecay" if isinstance(s, ExponentialDecay)
                else "InverseTimeDecay",
                {"initial_learning_rate": s.initial_learning_rate,
                 "decay_steps": s.decay_steps * n,
                 "decay_rate": s.decay_rate, "staircase": True})
        raise ValueError(f"PerEpoch({type(s).__name__}) has no Keras "
                         f"twin; use a keras.callbacks."
                         f"LearningRateScheduler")
