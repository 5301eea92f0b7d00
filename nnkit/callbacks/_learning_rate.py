"""ReduceLROnPlateau and LearningRateScheduler: set the learning rate."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Real

import numpy as np

from ._base import Callback
from ._monitor import MonitorCallback, _check_number

__all__ = ["ReduceLROnPlateau", "LearningRateScheduler"]


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when progress stalls.

    At each epoch end, as Keras 3: the current rate is written to
    ``logs["learning_rate"]``; during a cooldown the counter drops by
    one and ``wait`` is reset; an improvement resets ``wait``; otherwise
    (outside cooldown) ``wait`` grows, and when it reaches ``patience``
    the rate becomes ``max(lr * factor, min_lr)`` (from the next epoch
    on), the cooldown starts and ``wait`` returns to 0. A rate already
    at ``min_lr`` (compared, like Keras, with min_lr rounded to
    float32) is left alone.

    Args:
        monitor: the log entry to watch.
        factor: multiplier in (0, 1).
        patience: epochs without improvement before reducing.
        mode: "min", "max" or "auto".
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound on the learning rate.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1,
                 patience: int = 10, mode: str = "auto",
                 min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = "ReduceLROnPlateau"
        self.factor = float(_check_number(owner, "factor", factor,
                                          lambda v: 0 < v < 1, "in (0, 1)"))
        self.min_lr = float(_check_number(owner, "min_lr", min_lr,
                                          lambda v: 0 <= v < np.inf,
                                          "a finite number >= 0"))
        for arg, v in (("patience", patience), ("cooldown", cooldown)):
            if not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"{owner}: {arg} must be an integer >= 0, "
                                 f"got {v!r}")
        self.patience, self.cooldown = patience, cooldown
        self.wait = self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = self.cooldown_counter = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._monitored(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    optimizer.learning_rate = max(old_lr * self.factor,
                                                  self.min_lr)
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch.

    ``schedule(epoch, lr)`` (epoch counted from 0, lr the current rate)
    returns the new rate; a one-argument ``schedule(epoch)`` also works.
    The rate used is written to ``logs["learning_rate"]`` at epoch end.

    Example, the rate times 0.2 every 5 epochs::

        LearningRateScheduler(
            lambda epoch, lr: lr * 0.2 if epoch and epoch % 5 == 0 else lr)
    """

    def __init__(self, schedule: Callable[..., float]):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"LearningRateScheduler: schedule must be a "
                             f"function (epoch, lr) -> lr, got "
                             f"{schedule!r}")
        self.schedule = schedule
        try:
            n_args = len(inspect.signature(schedule).parameters)
        except (TypeError, ValueError):     # some builtins: assume 2
            n_args = 2
        self._takes_lr = n_args >= 2

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = (self.schedule(epoch, float(optimizer.learning_rate))
              if self._takes_lr else self.schedule(epoch))
        if not isinstance(lr, Real) or isinstance(lr, bool):
            raise ValueError(f"LearningRateScheduler: the schedule must "
                             f"return a number, got {lr!r} at epoch "
                             f"{epoch}")
        optimizer.learning_rate = float(lr)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
