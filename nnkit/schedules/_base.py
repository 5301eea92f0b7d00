"""The schedule base classes and the argument checks they share.

``LearningRateSchedule`` is the protocol (``schedule(step) -> lr``,
``get_config``); ``_Decay`` holds the four arguments
``ExponentialDecay`` and ``InverseTimeDecay`` share (as in Keras).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validate as check

if TYPE_CHECKING:
    from ._per_epoch import PerEpoch

__all__ = ["LearningRateSchedule"]


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
        self.initial_learning_rate = check.non_negative(
            owner, "initial_learning_rate", initial_learning_rate)
        self.decay_steps = check.positive(owner, "decay_steps",
                                          decay_steps)
        self.decay_rate = check.number(owner, "decay_rate", decay_rate,
                                       0.0, low_open=self.strict_rate)
        self.staircase = check.boolean(owner, "staircase", staircase)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase}
