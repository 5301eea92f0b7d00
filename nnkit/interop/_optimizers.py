"""Optimizers and learning-rate schedules: their Keras twins."""

from __future__ import annotations

from typing import Any

from .. import optimizers as _opt
from .. import schedules as _sch
from ._base import OPTIMIZERS, SCHEDULES

__all__ = ["optimizer_to_keras", "schedule_to_keras"]


def optimizer_to_keras(opt: _opt.Optimizer) -> Any:
    """A fresh Keras optimizer with the same class and hyperparameters."""
    return OPTIMIZERS.to_keras(opt)


def schedule_to_keras(schedule: _sch.LearningRateSchedule) -> Any:
    """The equivalent ``keras.optimizers.schedules`` object.

    Keras evaluates its schedules in float32, nnkit in float64
    (:ref:`keras-conventions`); the two agree to float32 precision.
    """
    return SCHEDULES.to_keras(schedule)


# ----- optimizers: the same class name and config in Keras --------------
def _optimizer(keras_name: str):
    def convert(opt: _opt.Optimizer, keras: Any) -> Any:
        cfg = opt.get_config()
        cfg.pop("name", None)
        if opt._schedule is not None:
            cfg["learning_rate"] = schedule_to_keras(opt._schedule)
        return getattr(keras.optimizers, keras_name)(**cfg)
    return convert


for _cls in (_opt.SGD, _opt.Adagrad, _opt.Adadelta, _opt.RMSprop,
             _opt.Adam, _opt.AdamW, _opt.Adamax, _opt.Nadam):
    OPTIMIZERS.register_to_keras(_cls)(_optimizer(_cls.__name__))


# ----- schedules ------------------------------------------------------------
def _keras_schedule(keras: Any, keras_name: str, **config: Any) -> Any:
    return getattr(keras.optimizers.schedules, keras_name)(**config)


def _decay_config(s: Any) -> dict[str, Any]:
    # StepDecay, NaturalExpDecay and TimeBasedDecay are special cases of
    # their parents, stored in the same four attributes.
    return {"initial_learning_rate": s.initial_learning_rate,
            "decay_steps": s.decay_steps, "decay_rate": s.decay_rate,
            "staircase": s.staircase}


@SCHEDULES.register_to_keras(_sch.ExponentialDecay)
def _exponential(s: Any, keras: Any) -> Any:
    return _keras_schedule(keras, "ExponentialDecay", **_decay_config(s))


@SCHEDULES.register_to_keras(_sch.InverseTimeDecay)
def _inverse_time(s: Any, keras: Any) -> Any:
    return _keras_schedule(keras, "InverseTimeDecay", **_decay_config(s))


@SCHEDULES.register_to_keras(_sch.CosineDecay)
def _cosine(s: Any, keras: Any) -> Any:
    return _keras_schedule(keras, "CosineDecay", **s.get_config())


@SCHEDULES.register_to_keras(_sch.PiecewiseConstantDecay)
def _piecewise(s: Any, keras: Any) -> Any:
    return _keras_schedule(keras, "PiecewiseConstantDecay",
                           **s.get_config())


@SCHEDULES.register_to_keras(_sch.PerEpoch)
def _per_epoch(p: Any, keras: Any) -> Any:
    # Keras has no per-epoch wrapper; some schedules say the same per step.
    s, n = p.schedule, p.steps_per_epoch
    if isinstance(s, _sch.PiecewiseConstantDecay):
        # epoch > b  <=>  step > (b + 1) * n - 1
        return _keras_schedule(
            keras, "PiecewiseConstantDecay",
            boundaries=[(b + 1) * n - 1 for b in s.boundaries],
            values=s.values)
    if isinstance(s, (_sch.ExponentialDecay, _sch.InverseTimeDecay)) \
            and float(s.decay_steps).is_integer() \
            and (s.staircase or s.decay_steps == 1):
        # floor(floor(step / n) / T) == floor(step / (n T))
        name = ("ExponentialDecay" if isinstance(s, _sch.ExponentialDecay)
                else "InverseTimeDecay")
        return _keras_schedule(
            keras, name, **{**_decay_config(s),
                            "decay_steps": s.decay_steps * n,
                            "staircase": True})
    raise ValueError(f"PerEpoch({type(s).__name__}) has no Keras twin; "
                     f"use a keras.callbacks.LearningRateScheduler")
