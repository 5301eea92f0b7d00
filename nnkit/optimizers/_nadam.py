"""Nadam: Adam with Nesterov momentum and Keras' momentum schedule."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layers.base import Parameter
from ._base import _Moments

__all__ = ["Nadam"]


# Nadam's momentum schedule: mu_t = beta_1 * (1 - 0.5 * 0.96**t).
_NADAM_DECAY = 0.96


class Nadam(_Moments):
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
    """

    name = "nadam"
    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 **kwargs: Any):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)
        self.u_product = 1.0

    def _u(self, t: Any) -> Any:
        return self.beta_1 * (1.0 - 0.5 * _NADAM_DECAY ** t)

    def apply(self, params: list[Parameter]) -> None:
        self.check_parameters(params)  # before changing any state
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
