"""The optimizer base class and the argument checks all optimizers share.

``Optimizer`` holds what every Keras optimizer has: the learning rate
(a number or a schedule), gradient clipping, decoupled weight decay,
the slots kept per parameter, config and state. A subclass adds its
hyperparameters and one ``update_step``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .._docs import inherit_sections
from ..layers.base import Parameter

__all__ = ["Optimizer"]


def _learning_rate(owner: str, value: Any) -> tuple[Any, float | None]:
    """(schedule, None) for a callable, (None, lr) for a number >= 0."""
    if callable(value):
        return value, None
    if value is None or isinstance(value, (str, bytes)):
        raise check.ArgumentTypeError(
            f"{owner}: learning_rate must be a number >= 0 or a schedule "
            f"(a function of the step, see nnkit.schedules), got "
            f"{check.show(value)} ({check.type_name(value)})")
    return None, check.non_negative(owner, "learning_rate", value)


class Optimizer:
    """Base class with Keras' shared arguments.

    Args:
        learning_rate: a float >= 0 or a schedule ``step -> lr``.
        clipvalue: clip each gradient element into [-v, v].
        clipnorm: rescale each gradient whose L2 norm exceeds this.
        global_clipnorm: rescale all gradients together when their joint
            L2 norm exceeds this.
        weight_decay: decoupled decay ``w -= lr * wd * w`` each step.
        name: used in error messages.

    At most one of ``clipvalue``, ``clipnorm`` and ``global_clipnorm``
    may be given (Keras 3 refuses more too). An optimizer belongs to
    the weights it first updates: its step count and slots describe
    them, so ``apply`` refuses another model's weights (as Keras 3
    does); create one optimizer per model.
    """

    name = "optimizer"
    slot_names: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass's docstring inherits the Args entries and sections
        # it leaves out from its bases (nnkit._docs).
        super().__init_subclass__(**kwargs)
        inherit_sections(cls)

    def __init__(self, learning_rate: Any = 0.01,
                 clipnorm: float | None = None,
                 clipvalue: float | None = None,
                 global_clipnorm: float | None = None,
                 weight_decay: float | None = None,
                 name: str | None = None):
        owner = type(self).__name__
        self.name = check.string(owner, "name", name, allow_none=True) \
            or type(self).name
        self._schedule, self._lr = _learning_rate(owner, learning_rate)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue,
                 "global_clipnorm": global_clipnorm}
        for arg, v in clips.items():
            clips[arg] = check.positive(owner, arg, v, allow_none=True)
        given = [arg for arg, v in clips.items() if v is not None]
        if len(given) > 1:
            # Keras 3 refuses this too: the modes would not combine.
            raise ValueError(
                f"{owner}: only one of clipnorm, clipvalue and "
                f"global_clipnorm can be set, got "
                + ", ".join(f"{a}={clips[a]}" for a in given))
        self.clipnorm, self.clipvalue = clips["clipnorm"], clips["clipvalue"]
        self.global_clipnorm = clips["global_clipnorm"]
        self.weight_decay = check.non_negative(owner, "weight_decay",
                                               weight_decay, allow_none=True)
        self.iterations = 0
        self._slots: dict[Parameter, dict[str, np.ndarray]] = {}
        # the weights of the first step (see _bind)
        self._params: tuple[Parameter, ...] | None = None

    # ----- learning rate -----------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate used by the next step."""
        if self._schedule is not None:
            return float(self._schedule(self.iterations))
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        owner = type(self).__name__
        if self._schedule is not None and not callable(value):
            # Keras 3 refuses this as well: replacing the schedule by a
            # constant would silently end it.
            raise TypeError(
                f"{owner}: the learning rate is a schedule "
                f"({type(self._schedule).__name__}), so it cannot be set "
                f"to the number {value!r}; create the optimizer with a "
                f"number as learning_rate if it must be settable (e.g. "
                f"by LearningRateScheduler or ReduceLROnPlateau)")
        self._schedule, self._lr = _learning_rate(owner, value)

    # ----- one step -------------------------------------------------------
    def clip_gradients(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """Keras' clipping, by whichever of clipnorm, global_clipnorm
        or clipvalue is set (the constructor allows only one)."""
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
        self._bind(params)
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

    def _bind(self, params: list[Parameter]) -> None:
        """Remember the weights of the first step; refuse any others."""
        params = tuple(params)
        if self._params is None:
            self._params = params
        elif self._params != params:
            raise ValueError(self._foreign_message(params))

    def _foreign_message(self, params: tuple[Parameter, ...]) -> str:
        def names(ps):
            shown = ", ".join(p.path for p in ps[:3])
            return shown + (", ..." if len(ps) > 3 else "")
        cls = type(self).__name__
        return (f"{cls}: this optimizer was built for the "
                f"{len(self._params)} weight arrays of another model "
                f"({names(self._params)}) and cannot update the "
                f"{len(params)} of this one: its step count and slots "
                f"(momentum, moments, schedule position) belong to those "
                f"weights. "
                f"Create a new optimizer for each model, e.g. "
                f"{cls}.from_config(optimizer.get_config()), or call "
                f"optimizer.reset_state() to start this one afresh")

    def check_parameters(self, params: list[Parameter]) -> None:
        """Raise now if ``apply(params)`` would refuse these weights."""
        if self._params is not None and self._params != tuple(params):
            raise ValueError(self._foreign_message(tuple(params)))

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
        self._params = None
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
        self._params = tuple(params)
        for p in params:
            slots = {k: np.asarray(state[f"{p.path}/{k}"], p.data.dtype)
                     for k in self.slot_names if f"{p.path}/{k}" in state}
            if slots:
                self._slots[p] = slots

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class _Moments(Optimizer):
    """The arguments Adam, AdamW, Adamax and Nadam share.

    Each keeps a decaying average of the gradient (decay ``beta_1``) and
    one of its size (decay ``beta_2``) and steps along the first divided
    by the second plus ``epsilon``. Their update rules differ and each
    class writes its own ``update_step``; only the arguments (with
    Keras' defaults, the same for all four), their checks, their
    config entries and their documentation are written once, here.

    Args:
        learning_rate: Keras default 0.001 (see ``Optimizer``).
        beta_1: first-moment decay, in [0, 1), Keras default 0.9.
        beta_2: second-moment decay, in [0, 1), Keras default 0.999.
        epsilon: eps > 0, Keras default 1e-7.
        **kwargs: the other arguments of ``Optimizer``.
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check.rate(owner, "beta_1", beta_1)
        self.beta_2 = check.rate(owner, "beta_2", beta_2)
        self.epsilon = check.positive(owner, "epsilon", epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1,
                "beta_2": self.beta_2, "epsilon": self.epsilon}
