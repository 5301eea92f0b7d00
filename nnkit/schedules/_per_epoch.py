"""``PerEpoch``: any schedule indexed by epoch instead of step."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import LearningRateSchedule, _steps
from ._registry import get, register, serialize

__all__ = ["PerEpoch"]


@register
class PerEpoch(LearningRateSchedule):
    """A schedule indexed by epoch: ``schedule(step // steps_per_epoch)``.

    ``StepDecay(0.1, 0.5, 10).per_epoch(steps)`` halves the rate every
    10 epochs. Keras has no such wrapper, but can say the same per
    step (``nnkit.interop.schedule_to_keras``) for an
    ``ExponentialDecay``/``InverseTimeDecay`` that is staircased or has
    ``decay_steps`` 1 (integer decay_steps), and for a
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
