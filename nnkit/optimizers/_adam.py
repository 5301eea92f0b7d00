"""Adam, and AdamW (Adam with decoupled weight decay)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import _Moments

__all__ = ["Adam", "AdamW"]


# The docstrings show each optimizer's own arguments; _Moments documents
# the ones they share (nnkit._docs: help() and the API page show all).
class Adam(_Moments):
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

    In float64, Keras' bias correction uses the betas rounded to
    float32 (:ref:`keras-conventions`); nnkit uses your values.

    Args:
        amsgrad: use the AMSGrad variant (default False).
    """

    name = "adam"

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)
        self.amsgrad = check.boolean(type(self).__name__, "amsgrad",
                                     amsgrad)
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
        m, v = slots["momentum"], slots["velocity"]
        a = self.step_size(lr, p.data.dtype)
        m += (g - m) * dt(1 - self.beta_1)
        v += (g * g - v) * dt(1 - self.beta_2)
        if self.amsgrad:
            v = np.maximum(slots["velocity_hat"], v,
                           out=slots["velocity_hat"])
        p.data -= a * m / (np.sqrt(v) + dt(self.epsilon))

    def get_config(self):
        return {**super().get_config(), "amsgrad": self.amsgrad}


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
        check.non_negative("AdamW", "weight_decay", weight_decay)
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad,
                         weight_decay=weight_decay, **kwargs)
