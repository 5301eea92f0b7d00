"""ReduceLROnPlateau and LearningRateScheduler: set the learning rate."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Real

import numpy as np

from .. import _validate as check
from ._base import Callback
from ._monitor import MonitorCallback

__all__ = ["ReduceLROnPlateau", "LearningRateScheduler"]


def _refuse_schedule(callback: Callback, optimizer: object) -> None:
    """A learning rate that is a schedule cannot be set (Keras 3 raises
    TypeError as well): refuse before training rather than replace the
    schedule by a constant."""
    schedule = getattr(optimizer, "_schedule", None)
    if schedule is not None:
        raise TypeError(
            f"{type(callback).__name__}: the optimizer's learning rate is "
            f"a schedule ({type(schedule).__name__}), which this callback "
            f"would replace by a constant. Use one or the other: create "
            f"the optimizer with a number as learning_rate, or drop the "
            f"callback and let the schedule set the rate")


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
        verbose: 1 prints each reduction, as Keras.
        mode: "min", "max" or "auto".
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound on the learning rate.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1,
                 patience: int = 10, verbose: int = 0, mode: str = "auto",
                 min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = "ReduceLROnPlateau"
        self.factor = check.number(owner, "factor", factor, 0.0, 1.0,
                                   low_open=True, high_open=True)
        self.min_lr = check.non_negative(owner, "min_lr", min_lr)
        self.patience = check.non_negative_int(owner, "patience", patience)
        self.verbose = check.non_negative_int(owner, "verbose", verbose)
        self.cooldown = check.non_negative_int(owner, "cooldown", cooldown)
        self.wait = self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        _refuse_schedule(self, self.model.optimizer)
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
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau "
                              f"reducing learning rate to {new_lr}.")
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

    Args:
        schedule: the function (epoch, lr) -> lr, or epoch -> lr.
        verbose: 1 prints the rate set at each epoch, as Keras.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0):
        super().__init__()
        self.schedule = check.function(
            "LearningRateScheduler", "schedule", schedule,
            "a function (epoch, lr) -> lr")
        self.verbose = check.non_negative_int("LearningRateScheduler",
                                              "verbose", verbose)
        try:
            n_args = len(inspect.signature(schedule).parameters)
        except (TypeError, ValueError):     # some builtins: assume 2
            n_args = 2
        self._takes_lr = n_args >= 2

    def on_train_begin(self, logs=None):
        _refuse_schedule(self, self.model.optimizer)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = (self.schedule(epoch, float(optimizer.learning_rate))
              if self._takes_lr else self.schedule(epoch))
        if not isinstance(lr, Real) or isinstance(lr, bool) \
                or not np.isfinite(lr) or lr < 0:
            raise ValueError(f"LearningRateScheduler: the schedule must "
                             f"return a finite number >= 0, got {lr!r} at "
                             f"epoch {epoch}")
        optimizer.learning_rate = float(lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                  f"learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
