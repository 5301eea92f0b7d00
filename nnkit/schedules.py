"""Learning-rate schedules: the learning rate as a function of the step.

A schedule is a callable ``schedule(step) -> lr``; give it to any
optimizer as ``learning_rate`` and the optimizer calls it with its
``iterations`` counter before every update, exactly as Keras does::

    opt = nnkit.optimizers.SGD(learning_rate=ExponentialDecay(
        0.1, decay_steps=1000, decay_rate=0.5))

**Schedules count optimizer steps (mini-batches), not epochs.** Books
often write schedules per epoch (``lr0 / (1 + k * epoch)``); to get one,
wrap any schedule with ``per_epoch(steps_per_epoch)``, which feeds it
``step // steps_per_epoch``, with ``steps_per_epoch =
ceil(n_examples / batch_size)`` as in ``fit``. For the Keras-twinned
decays the same curve can also be written per step: an exponential
decay by r per epoch is ``ExponentialDecay(lr0, steps_per_epoch, r,
staircase=True)``.

Every schedule accepts a step array too (``schedule(np.arange(200))``),
which is handy for plotting, has ``get_config`` (so optimizers using it
can be saved), and, where Keras has the same schedule,
``to_keras()`` returning the equivalent
``keras.optimizers.schedules`` object. Keras evaluates its schedules in
float32 (Python floats become float32 tensors), nnkit in float64; the
two agree to float32 precision.

Schedules with no Keras twin: ``NaturalExpDecay`` (closed form of an
``ExponentialDecay``), ``OneCycle`` (Smith 2018) and
``CyclicalLearningRate`` (Smith 2017), plus ``PerEpoch``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay",
           "PiecewiseConstantDecay", "CosineDecay", "TimeBasedDecay",
           "StepDecay", "NaturalExpDecay", "OneCycle",
           "CyclicalLearningRate", "PerEpoch", "get", "serialize",
           "register"]


_REGISTRY: dict[str, type[LearningRateSchedule]] = {}


def register(cls: type) -> type:
    """Make a schedule class loadable by ``get`` (by class name)."""
    _REGISTRY[cls.__name__] = cls
    return cls


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
    too) and ``get_config``; those with a Keras twin also ``to_keras``.
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)

    def to_keras(self) -> Any:
        """The equivalent ``keras.optimizers.schedules`` object."""
        raise ValueError(f"{type(self).__name__} has no Keras twin; use "
                         f"a keras.callbacks.LearningRateScheduler")

    def _keras_schedule(self, class_name: str,
                        config: dict[str, Any]) -> Any:
        from .interop import import_keras
        keras = import_keras()
        return getattr(keras.optimizers.schedules, class_name)(**config)

    def per_epoch(self, steps_per_epoch: int) -> PerEpoch:
        """This schedule indexed by epoch: see ``PerEpoch``."""
        return PerEpoch(self, steps_per_epoch)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _out(x: np.ndarray) -> Any:
    return float(x) if np.ndim(x) == 0 else x


def _steps(step: Any) -> np.ndarray:
    return np.asarray(step, dtype=np.float64)


class _KerasDecay(LearningRateSchedule):
    """The arguments ExponentialDecay and InverseTimeDecay share with
    their Keras twins: lr0, decay_steps, decay_rate, staircase."""

    keras_name = ""
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

    def _decay_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase}

    def get_config(self) -> dict[str, Any]:
        return self._decay_config()

    def to_keras(self) -> Any:
        # Subclasses with their own get_config (StepDecay...) still map
        # to the Keras twin through the four shared arguments.
        return self._keras_schedule(self.keras_name, self._decay_config())


@register
class ExponentialDecay(_KerasDecay):
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

    keras_name = "ExponentialDecay"
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
        k = _check_number("NaturalExpDecay", "decay_rate", decay_rate)
        super().__init__(initial_learning_rate, 1, math.exp(-k))
        self.k = k

    def __call__(self, step: Any) -> Any:
        return _out(self.initial_learning_rate
                    * np.exp(-self.k * _steps(step)))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_rate": self.k}


@register
class InverseTimeDecay(_KerasDecay):
    """``lr0 / (1 + decay_rate * step / decay_steps)`` (Keras' twin).

    With ``staircase=True``, ``step / decay_steps`` is floored.

    Args:
        initial_learning_rate: lr0 >= 0.
        decay_steps: T > 0.
        decay_rate: k >= 0.
        staircase: floor ``step / decay_steps``.
    """

    keras_name = "InverseTimeDecay"

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
        self.boundaries = [int(b) for b in boundaries]
        self.values = [_check_number(owner, "values", v) for v in values]
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

    def to_keras(self) -> Any:
        return self._keras_schedule("PiecewiseConstantDecay",
                                    self.get_config())


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
        self.initial_learning_rate = _check_number(
            owner, "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _check_steps(owner, "decay_steps", decay_steps)
        self.alpha = _check_number(owner, "alpha", alpha, high=1.0)
        self.warmup_target = (None if warmup_target is None else
                              _check_number(owner, "warmup_target",
                                           warmup_target))
        self.warmup_steps = _check_number(owner, "warmup_steps",
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

    def to_keras(self) -> Any:
        return self._keras_schedule("CosineDecay", self.get_config())


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
        self.max_learning_rate = _check_number(o, "max_learning_rate",
                                               max_learning_rate, True)
        if not isinstance(total_steps, (int, np.integer)) \
                or total_steps < 2:
            raise ValueError(f"{o}: total_steps must be an integer >= 2, "
                             f"got {total_steps!r}")
        self.total_steps = int(total_steps)
        lr0 = (self.max_learning_rate / 10 if initial_learning_rate is None
               else initial_learning_rate)
        self.initial_learning_rate = _check_number(
            o, "initial_learning_rate", lr0, high=self.max_learning_rate)
        final = lr0 / 1000 if final_learning_rate is None \
            else final_learning_rate
        self.final_learning_rate = _check_number(
            o, "final_learning_rate", final,
            high=self.initial_learning_rate)
        self.annihilation = _check_number(o, "annihilation", annihilation,
                                          high=1.0)
        if self.annihilation == 1.0:
            raise ValueError(f"{o}: annihilation must be in [0, 1), got "
                             f"1.0")
        self.max_momentum = _check_number(o, "max_momentum", max_momentum,
                                          high=1.0)
        self.min_momentum = _check_number(o, "min_momentum", min_momentum,
                                          high=self.max_momentum)
        if self.max_momentum >= 1.0:
            raise ValueError(f"{o}: max_momentum must be in [0, 1), got "
                             f"{self.max_momentum}")
        self.cycle_momentum = bool(cycle_momentum)

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
        self.base_learning_rate = _check_number(o, "base_learning_rate",
                                                base_learning_rate)
        self.max_learning_rate = _check_number(o, "max_learning_rate",
                                               max_learning_rate)
        if self.max_learning_rate < self.base_learning_rate:
            raise ValueError(f"{o}: max_learning_rate must be >= "
                             f"base_learning_rate ({base_learning_rate}), "
                             f"got {max_learning_rate}")
        self.step_size = _check_steps(o, "step_size", step_size)
        if mode not in self.MODES:
            raise ValueError(f"{o}: mode must be one of {self.MODES}, got "
                             f"{mode!r}")
        self.mode = mode
        self.gamma = _check_number(o, "gamma", gamma, True, high=1.0)

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
        self.schedule = get(schedule)
        if not isinstance(steps_per_epoch, (int, np.integer)) \
                or steps_per_epoch < 1:
            raise ValueError(f"PerEpoch: steps_per_epoch must be a "
                             f"positive integer, got {steps_per_epoch!r}")
        self.steps_per_epoch = int(steps_per_epoch)

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


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"schedule": class name, "config": {...}}``, JSON-ready."""
    return {"schedule": type(schedule).__name__,
            "config": schedule.get_config()}


def get(identifier: Any) -> LearningRateSchedule:
    """A schedule from an instance or a ``serialize`` dict.

    ``Optimizer.from_config`` uses it to restore a saved schedule. Keras'
    ``{"class_name": ..., "config": ...}`` form is accepted as well.
    """
    if isinstance(identifier, LearningRateSchedule):
        return identifier
    if isinstance(identifier, dict):
        name = identifier.get("schedule", identifier.get("class_name"))
        cls = _REGISTRY.get(name)
        if cls is None:
            raise ValueError(f"unknown schedule {name!r}; choose one of "
                             f"{', '.join(sorted(_REGISTRY))}")
        return cls.from_config(dict(identifier.get("config", {})))
    raise TypeError(f"expected a schedule or its config dict, got "
                    f"{type(identifier).__name__}")
