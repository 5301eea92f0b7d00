"""The schedule base classes and the argument checks they share.

``LearningRateSchedule`` is the protocol (``schedule(step) -> lr``,
``get_config``); ``_Decay`` holds the four arguments
``ExponentialDecay`` and ``InverseTimeDecay`` share (as in Keras).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ._per_epoch import PerEpoch

__all__ = ["LearningRateSchedule"]


def _check_number(owner: str, name: str, value: Any, strict: bool = False,
                 high: float | None = None) -> float:
    """``value`` as a finite float >= 0 (> 0 if ``strict``, <= high)."""
    value = float(value)
    ok = np.isfinite(value) and (value > 0 if strict else value >= 0)
    if high is not None:
        ok = ok and value <= high
    if not ok:
        rng = "> 0" if strict else ">= 0"
        if high is not None:
            rng = f"in {'(' if strict else '['}0, {high}]"
        raise ValueError(f"{owner}: {name} must be {rng}, got {value}")
    return value


def _check_steps(owner: str, name: str, value: Any) -> float:
    """A step count > 0 (int or float, as Keras allows)."""
    return _check_number(owner, name, value, strict=True)


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate``.

    Subclasses implement ``__call__`` (numpy, so an array of steps works
    too) and ``get_config``. The Keras twins are made by
    ``nnkit.interop.schedule_to_keras``.
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)

    def per_epoch(self, steps_per_epoch: int) -> PerEpoch:
        """This schedule indexed by epoch: see ``PerEpoch``."""
        # PerEpoch wraps a schedule: imported here, not at the top,
        # because its module imports this one.
        from ._per_epoch import PerEpoch
        return PerEpoch(self, steps_per_epoch)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _out(x: np.ndarray) -> Any:
    return float(x) if np.ndim(x) == 0 else x


def _steps(step: Any) -> np.ndarray:
    return np.asarray(step, dtype=np.float64)


class _Decay(LearningRateSchedule):
    """The arguments ExponentialDecay and InverseTimeDecay share (with
    their Keras twins too): lr0, decay_steps, decay_rate, staircase."""

    strict_rate = False     # may decay_rate be 0?

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 decay_rate: float, staircase: bool = False):
        owner = type(self).__name__
        self.initial_learning_rate = _check_number(
            owner, "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _check_steps(owner, "decay_steps", decay_steps)
        self.decay_rate = _check_number(owner, "decay_rate", decay_rate,
                                        strict=self.strict_rate)
        self.staircase = bool(staircase)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase}
