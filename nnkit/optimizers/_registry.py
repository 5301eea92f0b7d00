"""Optimizers by name: ``get``, ``serialize`` and ``register``.

Saved models store an optimizer as ``{"class_name": ..., "config":
...}``; ``get`` finds the class by its lower-case name.
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from ._adadelta import Adadelta
from ._adagrad import Adagrad
from ._adam import Adam, AdamW
from ._adamax import Adamax
from ._base import Optimizer
from ._nadam import Nadam
from ._rmsprop import RMSprop
from ._sgd import SGD

__all__ = ["get", "serialize", "register"]


_REGISTRY: dict[str, type[Optimizer]] = {}


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Make an optimizer class known to ``get`` by its lower-case name."""
    _REGISTRY[cls.__name__.lower()] = cls
    return cls


for _cls in (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, Adamax,
             Nadam):
    register(_cls)


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``"sgd"``), a config dict or an instance.

    Names give the Keras defaults (e.g. ``"sgd"`` -> SGD(0.01)). None
    gives None, as in Keras (a model compiled without an optimizer can
    evaluate and predict, but not train).
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        cfg = dict(identifier)
        cls = _REGISTRY.get(str(cfg.pop("class_name", "")).lower())
        if cls is None:
            raise ValueError(f"unknown optimizer config {identifier!r}")
        config = cfg.get("config", cfg)
        return cls.from_config(check.known_arguments(
            "optimizer config", cls, {k: v for k, v in config.items()
                                      if k != "class_name"}))
    if isinstance(identifier, str):
        return check.by_name("optimizer", identifier, _REGISTRY)()
    raise check.not_an_identifier(
        "an optimizer", "a name such as 'adam', a config dict or an "
        "nnkit optimizer (e.g. nnkit.optimizers.SGD(0.01))", identifier)


def serialize(opt: Optimizer) -> dict[str, Any]:
    return {"class_name": type(opt).__name__, "config": opt.get_config()}
