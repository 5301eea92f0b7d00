"""Cyclical learning rates (Smith 2017): triangle waves."""

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

__all__ = ["CyclicalLearningRate"]


@register
class CyclicalLearningRate(LearningRateSchedule):
    """Cyclical learning rates (Smith 2017), triangle waves.

    The rate goes linearly from ``base`` up to ``max`` in ``step_size``
    steps and back down in as many, over and over::

        cycle = floor(1 + step / (2 * step_size))
        x     = |step / step_size - 2 * cycle + 1|
        lr    = base + (max - base) * max(0, 1 - x) * scale

    with ``scale = 1`` (``"triangular"``), ``1 / 2**(cycle - 1)``
    (``"triangular2"``: the amplitude halves every cycle) or
    ``gamma**step`` (``"exp_range"``). Smith suggests a step_size of 2
    to 10 epochs' worth of steps.

    Args:
        base_learning_rate: the bottom of the wave (>= 0).
        max_learning_rate: the top (>= base).
        step_size: half a cycle, in steps (> 0).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
        gamma: decay per step for ``"exp_range"``, in (0, 1].
    """

    MODES = ("triangular", "triangular2", "exp_range")

    def __init__(self, base_learning_rate: float, max_learning_rate: float,
                 step_size: float, mode: str = "triangular",
                 gamma: float = 1.0):
        o = "CyclicalLearningRate"
        self.base_learning_rate = check.non_negative(
            o, "base_learning_rate", base_learning_rate)
        self.max_learning_rate = check.non_negative(
            o, "max_learning_rate", max_learning_rate)
        if self.max_learning_rate < self.base_learning_rate:
            raise ValueError(f"{o}: max_learning_rate must be >= "
                             f"base_learning_rate ({base_learning_rate}), "
                             f"got {max_learning_rate}")
        self.step_size = check.positive(o, "step_size", step_size)
        self.mode = check.one_of(o, "mode", mode, self.MODES)
        self.gamma = check.number(o, "gamma", gamma, 0.0, 1.0,
                                  low_open=True)

    def __call__(self, step: Any) -> Any:
        t = _steps(step)
        cycle = np.floor(1 + t / (2 * self.step_size))
        x = np.abs(t / self.step_size - 2 * cycle + 1)
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 0.5 ** (cycle - 1)
        else:
            scale = self.gamma ** t
        amp = self.max_learning_rate - self.base_learning_rate
        return _out(self.base_learning_rate
                    + amp * np.maximum(0.0, 1 - x) * scale)

    def get_config(self) -> dict[str, Any]:
        return {"base_learning_rate": self.base_learning_rate,
                "max_learning_rate": self.max_learning_rate,
                "step_size": self.step_size, "mode": self.mode,
                "gamma": self.gamma}
