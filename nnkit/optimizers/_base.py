"""The optimizer base class and the argument checks all optimizers share.

``Optimizer`` holds what every Keras optimizer has: the learning rate
(a number or a schedule), gradient clipping, decoupled weight decay,
the slots kept per parameter, config and state. A subclass adds its
hyperparameters and one ``update_step``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layers.base import Parameter

__all__ = ["Optimizer"]


def _check_rate(owner: str, name: str, value: float,
                low: float = 0.0, high: float | None = None,
                high_open: bool = False) -> float:
    value = float(value)
    bad = not np.isfinite(value) or value < low
    if high is not None:
        bad = bad or value > high or (high_open and value == high)
    if bad:
        rng = (f"[{low}, {high}{')' if high_open else ']'}"
               if high is not None else f">= {low}")
        raise ValueError(f"{owner}: {name} must be in {rng}, got {value}")
    return value


def _check_positive(owner: str, name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{owner}: {name} must be > 0, got {value}")
    return value


def _check_beta(owner: str, name: str, value: float) -> float:
    return _check_rate(owner, name, value, 0.0, 1.0, high_open=True)


class Optimizer:
    """Base class with Keras' shared arguments.

    Args:
        learning_rate: a float > 0 or a schedule ``step -> lr``.
        clipvalue: clip each gradient element into [-v, v].
        clipnorm: rescale each gradient whose L2 norm exceeds this.
        global_clipnorm: rescale all gradients together when their joint
            L2 norm exceeds this (not combinable with ``clipnorm``).
        weight_decay: decoupled decay ``w -= lr * wd * w`` each step.
        name: used in error messages.
    """

    name = "optimizer"
    slot_names: tuple[str, ...] = ()

    def __init__(self, learning_rate: Any = 0.01,
                 clipnorm: float | None = None,
                 clipvalue: float | None = None,
                 global_clipnorm: float | None = None,
                 weight_decay: float | None = None,
                 name: str | None = None):
        self.name = name or type(self).name
        owner = type(self).__name__
        if callable(learning_rate):
            self._schedule, self._lr = learning_rate, None
        else:
            self._schedule = None
            self._lr = _check_rate(owner, "learning_rate", learning_rate)
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(f"{owner}: set clipnorm or global_clipnorm, "
                             "not both")
        for arg, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                       ("global_clipnorm", global_clipnorm)):
            if v is not None and not (np.isfinite(v) and v > 0):
                raise ValueError(f"{owner}: {arg} must be > 0, got {v}")
        self.clipnorm, self.clipvalue = clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.weight_decay = (None if weight_decay is None else
                             _check_rate(owner, "weight_decay",
                                         weight_decay))
        self.iterations = 0
        self._slots: dict[Parameter, dict[str, np.ndarray]] = {}

    # ----- learning rate -----------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate used by the next step."""
        if self._schedule is not None:
            return float(self._schedule(self.iterations))
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if callable(value):
            self._schedule, self._lr = value, None
        else:
            self._schedule = None
            self._lr = _check_rate(type(self).__name__, "learning_rate",
                                   value)

    # ----- one step -------------------------------------------------------
    def clip_gradients(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """Keras' clipping. As in Keras, only one mode acts: clipnorm
        if set, else global_clipnorm, else clipvalue."""
        if self.clipnorm is not None:
            c = self.clipnorm
            return [g * c / max(np.sqrt(np.sum(g * g)), c) for g in grads]
        if self.global_clipnorm is not None:
            c = self.global_clipnorm
            norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
            return [g * (c / max(norm, c)) for g in grads]
        if self.clipvalue is not None:
            v = self.clipvalue
            return [np.clip(g, -v, v) for g in grads]
        return grads

    def slots(self, p: Parameter) -> dict[str, np.ndarray]:
        """The state arrays of ``p``, created on first use."""
        s = self._slots.get(p)
        if s is None:
            s = {k: self.init_slot(k, p) for k in self.slot_names}
            self._slots[p] = s
        return s

    def init_slot(self, slot: str, p: Parameter) -> np.ndarray:
        return np.zeros_like(p.data)

    def apply(self, params: list[Parameter]) -> None:
        """One optimisation step from the gradients stored in ``params``."""
        # A schedule may also drive other hyperparameters (OneCycle
        # cycles the momentum): it gets the optimizer before each step.
        hook = getattr(self._schedule, "update_optimizer", None)
        if hook is not None:
            hook(self)
        params = [p for p in params if p.trainable]
        grads = self.clip_gradients([p.grad for p in params])
        lr = self.learning_rate
        for p, g in zip(params, grads):
            lr_t = p.data.dtype.type(lr)
            if self.weight_decay:
                p.data -= lr_t * p.data.dtype.type(self.weight_decay) \
                    * p.data
            self.update_step(p, g, self.slots(p), lr_t)
        self.iterations += 1

    def update_step(self, p: Parameter, g: np.ndarray,
                    slots: dict[str, np.ndarray], lr: Any) -> None:
        """Update ``p.data`` in place: the optimizer's rule, one step.

        Args:
            p: the parameter; ``p.data`` is changed in place.
            g: its (clipped) gradient, shaped like ``p.data``.
            slots: this parameter's state arrays by name (``slot_names``),
                updated in place.
            lr: the learning rate of this step, in ``p.data``'s dtype.
        """
        raise NotImplementedError

    # ----- config and state -----------------------------------------------
    def get_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"name": self.name}
        if self._schedule is not None:
            get_cfg = getattr(self._schedule, "get_config", None)
            if get_cfg is None:
                raise TypeError(f"{type(self).__name__}: a learning-rate "
                                "function cannot be saved; use a schedule "
                                "from nnkit.schedules")
            cfg["learning_rate"] = {
                "schedule": type(self._schedule).__name__,
                "config": get_cfg()}
        else:
            cfg["learning_rate"] = self._lr
        for k in ("clipnorm", "clipvalue", "global_clipnorm",
                  "weight_decay"):
            if getattr(self, k) is not None:
                cfg[k] = getattr(self, k)
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            from .. import schedules
            config["learning_rate"] = schedules.get(lr)
        return cls(**config)

    def reset_state(self) -> None:
        """Forget every slot and restart ``iterations`` at 0."""
        self._slots = {}
        self.iterations = 0

    def get_state(self, params: list[Parameter]) -> dict[str, np.ndarray]:
        """Slots keyed ``"<param path>/<slot>"`` plus ``iterations``."""
        state = {"iterations": np.array(self.iterations)}
        for p in params:
            for k, v in self._slots.get(p, {}).items():
                state[f"{p.path}/{k}"] = v.copy()
        return state

    def set_state(self, params: list[Parameter],
                  state: dict[str, np.ndarray]) -> None:
        self.iterations = int(state["iterations"])
        for p in params:
            slots = {k: np.asarray(state[f"{p.path}/{k}"], p.data.dtype)
                     for k in self.slot_names if f"{p.path}/{k}" in state}
            if slots:
                self._slots[p] = slots

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"
