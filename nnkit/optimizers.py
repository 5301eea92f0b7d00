"""Optimizers, each following Keras 3's update rule exactly.

An optimizer keeps, for every parameter, a few arrays ("slots": the
momentum, Adam's moments...) and one global step counter,
``iterations``. ``apply(params)`` runs one step:

1. clip the gradients (``clipvalue``, ``clipnorm`` or
   ``global_clipnorm``), as Keras does, before anything else;
2. apply decoupled weight decay, if any: ``w -= lr * wd * w``;
3. ``update_step(p, slots, lr)`` for each trainable parameter;
4. ``iterations += 1``.

The learning rate may be a number or a schedule (any callable taking
the step number, see ``nnkit.schedules``). The learning rate and the
arithmetic use the parameter's dtype, so a float64 model runs in
float64 throughout (Keras does the same when ``floatx`` is float64).

A documented difference: Keras' TensorFlow backend turns Python-float
hyperparameters (momentum, beta_1, beta_2, rho, epsilon, clip
thresholds) into float32 tensors before casting them to the weights'
dtype, so in float64 it computes with momentum 0.8999999762 instead of
0.9. nnkit uses the value you give. The tests show both facts: with
hyperparameters that float32 holds exactly (0.5, 0.875...) the two
agree to 1e-10 in float64, and rounding nnkit's momentum to float32
reproduces Keras' 0.9 run to the same tolerance. The rounding happens
where Keras casts a Python float (``ops.cast``): SGD's momentum, the
betas in Adam's and Nadam's bias corrections (not in their moment
updates), Adagrad's initial accumulator, and the constant 0.96 in
Nadam's u_t (not in its running product); see tests/test_optimizers.py.
In float32 all of this is invisible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .layers.base import Parameter

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam",
           "AdamW", "Nadam", "get", "serialize", "register"]


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
        self._scratch: dict[tuple[Parameter, int], np.ndarray] = {}

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

    def scratch(self, p: Parameter, k: int = 0) -> np.ndarray:
        """Work array ``k`` shaped like ``p``, allocated once.

        An update such as Adam's written as one numpy expression makes
        a new temporary array for every operator, each the size of the
        weights, at every step. The hot update rules write their
        intermediate results into these buffers instead (``out=``), in
        the same order of operations, so the numbers are identical.
        Scratch arrays hold nothing between steps and are not saved.
        """
        buf = self._scratch.get((p, k))
        if buf is None or buf.shape != p.data.shape \
                or buf.dtype != p.data.dtype:
            buf = self._scratch[(p, k)] = np.empty_like(p.data)
        return buf

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
            from . import schedules
            config["learning_rate"] = schedules.get(lr)
        return cls(**config)

    def reset_state(self) -> None:
        """Forget every slot and restart ``iterations`` at 0."""
        self._slots = {}
        self._scratch = {}
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


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum and Nesterov.

    Keras' form (velocity m starts at 0, beta = ``momentum``):

        m = beta * m - lr * g
        w = w + m                      (classical momentum)
        w = w + beta * m - lr * g      (nesterov=True)

    With beta = 0 this is plain ``w -= lr * g``. The textbook form
    v = beta v + g, w -= lr v is the same when lr is constant.

    Args:
        learning_rate: Keras default 0.01.
        momentum: beta in [0, 1).
        nesterov: use Nesterov's look-ahead form.
    """

    name = "SGD"
    slot_names = ("momentum",)

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.momentum = _check_rate("SGD", "momentum", momentum, 0.0, 1.0,
                                    high_open=True)
        self.nesterov = bool(nesterov)
        if not self.momentum:
            self.slot_names = ()

    def update_step(self, p, g, slots, lr):
        if not self.momentum:
            p.data -= lr * g
            return
        beta = p.data.dtype.type(self.momentum)
        m = slots["momentum"]
        m *= beta
        m -= lr * g
        if self.nesterov:
            p.data += beta * m - lr * g
        else:
            p.data += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum,
                "nesterov": self.nesterov}


def _check_positive(owner: str, name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{owner}: {name} must be > 0, got {value}")
    return value


def _check_beta(owner: str, name: str, value: float) -> float:
    return _check_rate(owner, name, value, 0.0, 1.0, high_open=True)


class Adagrad(Optimizer):
    """Adagrad: each weight's step shrinks with its gradient history.

    Keras' form (accumulator a starts at ``initial_accumulator_value``)::

        a = a + g**2
        w = w - lr * g / sqrt(a + eps)

    Textbook form (Duchi et al. 2011; Goodfellow et al. 8.5.1), with
    a starting at 0 and eps outside the root::

        a = a + g**2
        w = w - lr * g / (eps + sqrt(a))

    Keras' a0 = 0.1 keeps the very first steps from being huge
    (``lr * g / |g| = lr * sign(g)`` in the textbook form).

    Args:
        learning_rate: Keras default 0.001.
        initial_accumulator_value: a0 >= 0, Keras default 0.1.
        epsilon: eps > 0 inside the root, Keras default 1e-7.
    """

    name = "adagrad"
    slot_names = ("accumulator",)

    def __init__(self, learning_rate: Any = 0.001,
                 initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.initial_accumulator_value = _check_rate(
            owner, "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = _check_positive(owner, "epsilon", epsilon)

    def init_slot(self, slot, p):
        return np.full_like(p.data, self.initial_accumulator_value)

    def update_step(self, p, g, slots, lr):
        eps = p.data.dtype.type(self.epsilon)
        acc = slots["accumulator"]
        acc += g * g
        p.data -= lr * g / np.sqrt(acc + eps)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta: a step in the units of the weight, from two averages.

    Keras' form (both averages start at 0, ``RMS(a) = sqrt(a + eps)``)::

        Eg  = rho * Eg  + (1 - rho) * g**2
        dx  = -RMS(Edx) / RMS(Eg) * g
        Edx = rho * Edx + (1 - rho) * dx**2
        w   = w + lr * dx

    Textbook form (Zeiler 2012): the same with no learning rate, i.e.
    lr = 1. Keras keeps a learning rate (default 0.001), so pass
    ``learning_rate=1.0`` to get Zeiler's method.

    Args:
        learning_rate: Keras default 0.001.
        rho: decay of both averages, in [0, 1]; Keras default 0.95.
        epsilon: eps > 0, Keras default 1e-7.
    """

    name = "adadelta"
    slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95,
                 epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.rho = _check_rate(owner, "rho", rho, 0.0, 1.0)
        self.epsilon = _check_positive(owner, "epsilon", epsilon)

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        rho, eps = dt(self.rho), dt(self.epsilon)
        eg, edx = slots["accumulated_grad"], slots["accumulated_delta_var"]
        eg[...] = rho * eg + (1 - rho) * g * g
        dx = -np.sqrt(edx + eps) * g / np.sqrt(eg + eps)
        edx[...] = rho * edx + (1 - rho) * dx * dx
        p.data += lr * dx

    def get_config(self):
        return {**super().get_config(), "rho": self.rho,
                "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop: divide the step by a running RMS of the gradient.

    Keras' form (v, mg, m start at 0; eps is added to the average,
    inside the root)::

        v  = rho * v + (1 - rho) * g**2
        mg = rho * mg + (1 - rho) * g            (centered=True)
        d  = lr * g / sqrt(v + eps)              (plain)
        d  = lr * g / sqrt(v - mg**2 + eps)      (centered)
        m  = momentum * m + d;  w = w - m        (momentum > 0)
        w  = w - d                               (momentum = 0)

    Textbook form (Hinton's lecture 6e; Goodfellow et al. 8.5.2)::

        v = rho * v + (1 - rho) * g**2
        w = w - lr * g / sqrt(eps + v)

    Some texts (and Keras 2) write ``lr * g / (sqrt(v) + eps)``; with
    eps = 1e-7 the two differ only where v is tiny (Keras 3's own
    source puts eps inside the root; the parity tests confirm it).
    ``centered`` (Graves 2013)
    divides by an estimate of the gradient's standard deviation instead
    of its RMS.

    Args:
        learning_rate: Keras default 0.001.
        rho: decay of the average, in [0, 1]; Keras default 0.9.
        momentum: in [0, 1); 0 (Keras' default) means no momentum slot.
        epsilon: eps > 0, Keras default 1e-7.
        centered: subtract the squared mean gradient (default False).
    """

    name = "rmsprop"

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.rho = _check_rate(owner, "rho", rho, 0.0, 1.0)
        self.momentum = _check_beta(owner, "momentum", momentum)
        self.epsilon = _check_positive(owner, "epsilon", epsilon)
        self.centered = bool(centered)
        self.slot_names = (("velocity",)
                           + (("momentum",) if self.momentum > 0 else ())
                           + (("average_gradient",) if centered else ()))

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        rho, eps = dt(self.rho), dt(self.epsilon)
        v = slots["velocity"]
        # v = rho * v + (1 - rho) * g * g, without temporaries
        tmp = np.multiply(g, 1 - rho, out=self.scratch(p, 1))
        tmp *= g
        v *= rho
        v += tmp
        d = self.scratch(p, 0)             # the step, d = lr * g / root
        if self.centered:
            mg = slots["average_gradient"]
            mg[...] = rho * mg + (1 - rho) * g
            np.subtract(v, np.multiply(mg, mg, out=tmp), out=tmp)
            tmp += eps
        else:
            np.add(v, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.multiply(g, lr, out=d)
        d /= tmp
        if self.momentum > 0:
            m = slots["momentum"]
            m[...] = dt(self.momentum) * m + d
            p.data -= m
        else:
            p.data -= d

    def get_config(self):
        return {**super().get_config(), "rho": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adam(Optimizer):
    """Adam: momentum on the gradient, RMSprop on its square.

    Keras' form (m, v start at 0; t = iterations + 1; bias correction
    folded into the step size)::

        a = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        v = max(v_hat, v);  v_hat = v            (amsgrad=True)
        w = w - a * m / (sqrt(v) + eps)

    Textbook form (Kingma & Ba 2015, Algorithm 1)::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = m / (1 - beta_1**t);  v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + eps)

    The two are the same update except for where eps sits: Keras' eps
    is the paper's "epsilon hat" (section 2), equal to
    ``eps * sqrt(1 - beta_2**t)`` in Algorithm 1's terms. AMSGrad
    (Reddi et al. 2018) divides by the largest v seen so far.

    Keras computes ``beta**t`` with the betas cast to the weights'
    dtype; its TensorFlow backend rounds them to float32 there (and only
    there), so in float64 Keras' bias correction uses 0.899999976 for
    0.9. nnkit uses your value (module docstring).

    Args:
        learning_rate: Keras default 0.001.
        beta_1: first-moment decay in [0, 1), Keras default 0.9.
        beta_2: second-moment decay in [0, 1), Keras default 0.999.
        epsilon: eps > 0, Keras default 1e-7.
        amsgrad: use the AMSGrad variant (default False).
    """

    name = "adam"

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = _check_beta(owner, "beta_1", beta_1)
        self.beta_2 = _check_beta(owner, "beta_2", beta_2)
        self.epsilon = _check_positive(owner, "epsilon", epsilon)
        self.amsgrad = bool(amsgrad)
        self.slot_names = ("momentum", "velocity") + (
            ("velocity_hat",) if self.amsgrad else ())

    def step_size(self, lr: Any, dtype: np.dtype) -> Any:
        """``lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` in ``dtype``."""
        dt = np.dtype(dtype).type
        t = dt(self.iterations + 1)
        b1, b2 = dt(self.beta_1), dt(self.beta_2)
        return lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        alpha = self.step_size(lr, p.data.dtype)
        m, v = slots["momentum"], slots["velocity"]
        tmp, step = self.scratch(p, 0), self.scratch(p, 1)
        # m += (g - m) * (1 - beta_1), in place (see `scratch`)
        np.subtract(g, m, out=tmp)
        tmp *= dt(1 - self.beta_1)
        m += tmp
        # v += (g * g - v) * (1 - beta_2)
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= dt(1 - self.beta_2)
        v += tmp
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        # w -= m * alpha / (sqrt(v) + eps)
        np.sqrt(v, out=tmp)
        tmp += dt(self.epsilon)
        np.multiply(m, alpha, out=step)
        step /= tmp
        p.data -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1,
                "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    Keras' form: before Adam's step (see ``Adam``), every weight
    (kernels and biases alike) decays by the learning rate times
    ``weight_decay``; the decay never enters m or v::

        w = w - lr * weight_decay * w
        w = w - a * m / (sqrt(v) + eps)          (Adam, as above)

    Textbook form (the paper's Algorithm 2, schedule multiplier eta_t,
    base step alpha)::

        w = w - eta_t * (alpha * m_hat / (sqrt(v_hat) + eps)
                         + lambda * w)

    i.e. the paper decays by ``eta_t * lambda``, Keras by
    ``lr * weight_decay``: with a constant lr, lambda = lr * weight_decay.
    L2 regularisation added to the loss is *not* the same with Adam:
    its gradient is rescaled by 1/sqrt(v) like any other.

    Args:
        learning_rate: Keras default 0.001.
        weight_decay: >= 0, Keras default 0.004 (required).
        beta_1, beta_2, epsilon, amsgrad: as for ``Adam``.
    """

    name = "adamw"

    def __init__(self, learning_rate: Any = 0.001,
                 weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, **kwargs: Any):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a float >= 0, "
                             "got None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad,
                         weight_decay=weight_decay, **kwargs)


# Nadam's momentum schedule: mu_t = beta_1 * (1 - 0.5 * 0.96**t).
_NADAM_DECAY = 0.96


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (Dozat 2016).

    Keras' form: momentum coefficients follow a warm-up schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)`` and the optimizer keeps the
    running product ``U_t = u_1 * ... * u_t`` (state ``u_product``);
    t = iterations + 1::

        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - U_t * u_{t+1})
                + (1 - u_t) * g / (1 - U_t)
        v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + eps)

    Textbook form (Dozat 2016 with a constant mu = beta_1; Géron ch. 11;
    the same look-ahead as Nesterov's momentum)::

        m_hat = beta_1 * m / (1 - beta_1**(t+1))
                + (1 - beta_1) * g / (1 - beta_1**t)
        w = w - lr * m_hat / (sqrt(v_hat) + eps)

    Dozat's schedule is ``0.96**(t * 0.004)`` (mu warms up over
    thousands of steps); Keras 3 uses ``0.96**t``, so u_t is within 1%
    of beta_1 after about 100 steps. nnkit follows Keras.

    Args:
        learning_rate: Keras default 0.001.
        beta_1: in [0, 1), Keras default 0.9.
        beta_2: in [0, 1), Keras default 0.999.
        epsilon: eps > 0, Keras default 1e-7.
    """

    name = "nadam"
    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = _check_beta(owner, "beta_1", beta_1)
        self.beta_2 = _check_beta(owner, "beta_2", beta_2)
        self.epsilon = _check_positive(owner, "epsilon", epsilon)
        self.u_product = 1.0

    def _u(self, t: Any) -> Any:
        return self.beta_1 * (1.0 - 0.5 * _NADAM_DECAY ** t)

    def apply(self, params: list[Parameter]) -> None:
        # U_t is shared by all parameters: advance it once per step.
        self.u_product *= self._u(self.iterations + 1)
        super().apply(params)

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        t = self.iterations + 1
        u_t, u_next = dt(self._u(t)), dt(self._u(t + 1))
        u_prod = dt(self.u_product)
        b2 = dt(self.beta_2)
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * dt(1 - self.beta_1)
        v += (g * g - v) * dt(1 - self.beta_2)
        m_hat = (u_next * m / (1 - u_prod * u_next)
                 + (1 - u_t) * g / (1 - u_prod))
        v_hat = v / (1 - b2 ** dt(t))
        p.data -= m_hat * lr / (np.sqrt(v_hat) + dt(self.epsilon))

    def reset_state(self) -> None:
        super().reset_state()
        self.u_product = 1.0

    def get_state(self, params):
        return {**super().get_state(params),
                "u_product": np.array(self.u_product)}

    def set_state(self, params, state):
        super().set_state(params, state)
        if "u_product" in state:
            self.u_product = float(state["u_product"])
        else:       # derivable from the step count
            self.u_product = float(np.prod(
                [self._u(t) for t in range(1, self.iterations + 1)]))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1,
                "beta_2": self.beta_2, "epsilon": self.epsilon}


_REGISTRY: dict[str, type[Optimizer]] = {}


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Make an optimizer class known to ``get`` by its lower-case name."""
    _REGISTRY[cls.__name__.lower()] = cls
    return cls


for _cls in (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, Nadam):
    register(_cls)


def get(identifier: Any) -> Optimizer:
    """An optimizer from a name (``"sgd"``), a config dict or an instance.

    Names give the Keras defaults (e.g. ``"sgd"`` -> SGD(0.01)).
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        cfg = dict(identifier)
        cls = _REGISTRY.get(str(cfg.pop("class_name", "")).lower())
        if cls is None:
            raise ValueError(f"unknown optimizer config {identifier!r}")
        return cls.from_config(cfg.get("config", cfg))
    if isinstance(identifier, str) and identifier.lower() in _REGISTRY:
        return _REGISTRY[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r}; choose one of "
                     f"{', '.join(sorted(_REGISTRY))}")


def serialize(opt: Optimizer) -> dict[str, Any]:
    return {"class_name": type(opt).__name__, "config": opt.get_config()}
