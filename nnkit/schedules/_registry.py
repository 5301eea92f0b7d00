"""Schedules by class name: ``register``, ``serialize`` and ``get``.

An optimizer saved with a schedule stores ``{"schedule": class name,
"config": {...}}``; ``get`` turns it back into the schedule.
"""

from __future__ import annotations

from typing import Any

from ._base import LearningRateSchedule

__all__ = ["get", "serialize", "register"]


_REGISTRY: dict[str, type[LearningRateSchedule]] = {}


def register(cls: type) -> type:
    """Make a schedule class loadable by ``get`` (by class name)."""
    _REGISTRY[cls.__name__] = cls
    return cls


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
