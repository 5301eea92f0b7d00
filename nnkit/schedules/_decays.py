"""Decays with a Keras twin: exponential, inverse-time, piecewise.

``StepDecay``, ``NaturalExpDecay`` and ``TimeBasedDecay`` are the
textbook names of special cases, computed by the same classes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _validate as check
from ._base import (
    LearningRateSchedule,
    _Decay,
    _out,
    _steps,
)
from ._registry import register

__all__ = ["ExponentialDecay", "StepDecay", "NaturalExpDecay",
           "InverseTimeDecay", "TimeBasedDecay", "PiecewiseConstantDecay"]


@register
class ExponentialDecay(_Decay):
    """``lr0 * decay_rate ** (step / decay_steps)`` (Keras' twin).

    With ``staircase=True`` the exponent is ``floor(step /
    decay_steps)``: the rate drops by ``decay_rate`` every
    ``decay_steps`` steps ("step decay").

    Args:
        initial_learning_rate: lr0 >= 0.
        decay_steps: T > 0 (steps).
        decay_rate: r > 0.
        staircase: floor the exponent.
    """

    strict_rate = True      # r = 0 would make every rate 0 after step 0

    def __call__(self, step: Any) -> Any:
        p = _steps(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _out(self.initial_learning_rate * self.decay_rate ** p)


@register
class StepDecay(ExponentialDecay):
    """Step decay ``lr0 * drop ** floor(step / steps_per_drop)``.

    The textbook "drop the rate by a factor every n steps (epochs)";
    Keras' twin is ``ExponentialDecay(lr0, n, drop, staircase=True)``.

    Args:
        initial_learning_rate: lr0 >= 0.
        drop: factor k > 0 applied every ``steps_per_drop`` steps.
        steps_per_drop: n > 0.
    """

    def __init__(self, initial_learning_rate: float, drop: float = 0.5,
                 steps_per_drop: float = 10):
        check.positive("StepDecay", "drop", drop)
        check.positive("StepDecay", "steps_per_drop", steps_per_drop)
        super().__init__(initial_learning_rate, steps_per_drop, drop,
                         staircase=True)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "drop": self.decay_rate,
                "steps_per_drop": self.decay_steps}


@register
class NaturalExpDecay(ExponentialDecay):
    """Exponential decay ``lr0 * exp(-k * step)``.

    The same curve as ``ExponentialDecay(lr0, 1, exp(-k))`` (its Keras
    twin), computed in closed form.

    Args:
        initial_learning_rate: lr0 >= 0.
        decay_rate: k >= 0, per step.
    """

    def __init__(self, initial_learning_rate: float, decay_rate: float):
        k = check.non_negative("NaturalExpDecay", "decay_rate",
                               decay_rate)
        super().__init__(initial_learning_rate, 1, math.exp(-k))
        self.k = k

    def __call__(self, step: Any) -> Any:
        return _out(self.initial_learning_rate
                    * np.exp(-self.k * _steps(step)))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_rate": self.k}


@register
class InverseTimeDecay(_Decay):
    """``lr0 / (1 + decay_rate * step / decay_steps)`` (Keras' twin).

    With ``staircase=True``, ``step / decay_steps`` is floored.

    Args:
        initial_learning_rate: lr0 >= 0.
        decay_steps: T > 0.
        decay_rate: k >= 0.
        staircase: floor ``step / decay_steps``.
    """

    def __call__(self, step: Any) -> Any:
        p = _steps(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _out(self.initial_learning_rate / (1 + self.decay_rate * p))


@register
class TimeBasedDecay(InverseTimeDecay):
    """Time-based decay ``lr0 / (1 + decay * step)``.

    Keras 2's old ``decay`` argument; Keras 3's twin is
    ``InverseTimeDecay(lr0, decay_steps=1, decay_rate=decay)``.

    Args:
        initial_learning_rate: lr0 >= 0.
        decay: k >= 0, per step.
    """

    def __init__(self, initial_learning_rate: float, decay: float):
        super().__init__(initial_learning_rate, 1, decay)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay": self.decay_rate}


@register
class PiecewiseConstantDecay(LearningRateSchedule):
    """Constant pieces: ``values[i]`` while ``b[i-1] < step <= b[i]``.

    As in Keras, ``values[0]`` holds up to and including
    ``boundaries[0]``, and ``values[-1]`` after ``boundaries[-1]``.

    Args:
        boundaries: increasing steps, one fewer than ``values``.
        values: the learning rates (>= 0).
    """

    def __init__(self, boundaries: list[int], values: list[float]):
        owner = type(self).__name__
        for arg, seq in (("boundaries", boundaries), ("values", values)):
            if not isinstance(seq, (list, tuple, np.ndarray)):
                raise check.ArgumentTypeError(
                    f"{owner}: {arg} must be a list, got "
                    f"{check.show(seq)} ({check.type_name(seq)})")
        self.boundaries = [check.non_negative_int(owner, "boundaries", b)
                           for b in boundaries]
        self.values = [check.non_negative(owner, "values", v)
                       for v in values]
        if len(self.values) != len(self.boundaries) + 1:
            raise ValueError(
                f"{owner}: values must have one more entry than "
                f"boundaries, got {len(self.values)} values and "
                f"{len(self.boundaries)} boundaries")
        if any(b >= c for b, c in zip(self.boundaries,
                                      self.boundaries[1:])):
            raise ValueError(f"{owner}: boundaries must be increasing, "
                             f"got {self.boundaries}")

    def __call__(self, step: Any) -> Any:
        i = np.searchsorted(self.boundaries, _steps(step), side="left")
        return _out(np.asarray(self.values)[i])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values}
