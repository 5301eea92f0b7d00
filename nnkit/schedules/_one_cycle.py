"""Smith's one-cycle policy: the rate up and down, the momentum mirrored."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import LearningRateSchedule, _out, _steps
from ._registry import register

__all__ = ["OneCycle"]


@register
class OneCycle(LearningRateSchedule):
    """Smith's one-cycle policy, with the inverse momentum cycle.

    Smith (2018), Géron (ch. 11): one cycle over the first
    ``c = (1 - annihilation) * total_steps`` steps, the learning rate
    climbing linearly from lr0 to ``max_learning_rate`` in the first
    half and back to lr0 in the second; the remaining steps take it
    linearly down to ``final_learning_rate``, several orders of
    magnitude smaller, where it stays (after ``total_steps`` the rate
    is ``final_learning_rate``, whatever ``annihilation``). The
    momentum mirrors the rate::

        lr:        (0, lr0) -> (c/2, max_lr) -> (c, lr0) -> (total, final)
        momentum:  (0, max_m) -> (c/2, min_m) -> (c, max_m) -> max_m ...

    High rate with low momentum and vice versa: a large step with large
    momentum tends to diverge.

    How to use it: pass it as ``learning_rate``. Before each step the
    optimizer calls ``update_optimizer``, which sets the optimizer's
    ``momentum`` (SGD, RMSprop; create them with ``momentum > 0``) or
    ``beta_1`` (Adam, AdamW, Nadam) to ``momentum(iterations)``::

        steps = epochs * math.ceil(len(x) / batch_size)
        sched = OneCycle(0.5, total_steps=steps)
        model.compile(SGD(learning_rate=sched, momentum=0.95), "mse")
        model.fit(x, y, epochs=epochs, batch_size=batch_size)

    With ``cycle_momentum=False`` only the learning rate changes. There
    is no Keras twin: in Keras, set ``optimizer.learning_rate`` and
    ``optimizer.momentum`` from ``sched(step)`` and
    ``sched.momentum(step)`` in a callback's ``on_train_batch_begin``.

    Args:
        max_learning_rate: the peak rate (e.g. from ``lr_range_test``).
        total_steps: length of the whole policy, in optimizer steps.
        initial_learning_rate: lr0; default ``max_learning_rate / 10``.
        final_learning_rate: default ``initial_learning_rate / 1000``.
        annihilation: fraction of the steps spent after the cycle,
            in [0, 1); default 0.1.
        max_momentum, min_momentum: the momentum range, default
            0.95 and 0.85 (0 <= min <= max < 1).
        cycle_momentum: whether ``update_optimizer`` sets the momentum.
    """

    def __init__(self, max_learning_rate: float, total_steps: int,
                 initial_learning_rate: float | None = None,
                 final_learning_rate: float | None = None,
                 annihilation: float = 0.1, max_momentum: float = 0.95,
                 min_momentum: float = 0.85, cycle_momentum: bool = True):
        o = "OneCycle"
        self.max_learning_rate = check.positive(o, "max_learning_rate",
                                                max_learning_rate)
        self.total_steps = check.integer(o, "total_steps", total_steps, 2)
        lr0 = (self.max_learning_rate / 10 if initial_learning_rate is None
               else initial_learning_rate)
        self.initial_learning_rate = check.number(
            o, "initial_learning_rate", lr0, 0.0, self.max_learning_rate)
        final = self.initial_learning_rate / 1000 \
            if final_learning_rate is None else final_learning_rate
        self.final_learning_rate = check.number(
            o, "final_learning_rate", final, 0.0,
            self.initial_learning_rate)
        self.annihilation = check.rate(o, "annihilation", annihilation)
        self.max_momentum = check.rate(o, "max_momentum", max_momentum)
        self.min_momentum = check.number(o, "min_momentum", min_momentum,
                                         0.0, self.max_momentum)
        self.cycle_momentum = check.boolean(o, "cycle_momentum",
                                            cycle_momentum)

    def _knots(self) -> tuple[float, float]:
        cycle = (1.0 - self.annihilation) * self.total_steps
        return cycle / 2, cycle

    def __call__(self, step: Any) -> Any:
        half, cycle = self._knots()
        lr0, t = self.initial_learning_rate, _steps(step)
        xp = [0.0, half, cycle]
        fp = [lr0, self.max_learning_rate, lr0]
        if cycle < self.total_steps:
            xp.append(float(self.total_steps))
            fp.append(self.final_learning_rate)
        lr = np.interp(t, xp, fp)
        return _out(np.where(t > self.total_steps,
                             self.final_learning_rate, lr))

    def momentum(self, step: Any) -> Any:
        """The momentum (or Adam's beta_1) for this step."""
        half, cycle = self._knots()
        hi, lo = self.max_momentum, self.min_momentum
        return _out(np.interp(_steps(step), [0.0, half, cycle],
                              [hi, lo, hi]))

    def update_optimizer(self, optimizer: Any) -> None:
        """Set the optimizer's momentum for its next step."""
        if not self.cycle_momentum:
            return
        attr = "beta_1" if hasattr(optimizer, "beta_1") else "momentum"
        if attr == "momentum" and "momentum" not in getattr(
                optimizer, "slot_names", ()):
            raise ValueError(
                f"OneCycle: cannot cycle the momentum of "
                f"{type(optimizer).__name__}: it has no momentum. Create "
                f"it with momentum > 0, or pass cycle_momentum=False")
        setattr(optimizer, attr, self.momentum(optimizer.iterations))

    def get_config(self) -> dict[str, Any]:
        return {"max_learning_rate": self.max_learning_rate,
                "total_steps": self.total_steps,
                "initial_learning_rate": self.initial_learning_rate,
                "final_learning_rate": self.final_learning_rate,
                "annihilation": self.annihilation,
                "max_momentum": self.max_momentum,
                "min_momentum": self.min_momentum,
                "cycle_momentum": self.cycle_momentum}
