"""RMSprop: the step divided by a running RMS of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import Optimizer

__all__ = ["RMSprop"]


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
        self.rho = check.number(owner, "rho", rho, 0.0, 1.0)
        self.momentum = check.rate(owner, "momentum", momentum)
        self.epsilon = check.positive(owner, "epsilon", epsilon)
        self.centered = check.boolean(owner, "centered", centered)
        self.slot_names = (("velocity",)
                           + (("momentum",) if self.momentum > 0 else ())
                           + (("average_gradient",) if centered else ()))

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        rho, eps = dt(self.rho), dt(self.epsilon)
        # x = rho x + ..., written x *= rho; x += ... on the slot
        # arrays: the same arithmetic, without a new array per step
        v = slots["velocity"]
        v *= rho
        v += (1 - rho) * g * g
        if self.centered:
            mg = slots["average_gradient"]
            mg *= rho
            mg += (1 - rho) * g
            d = lr * g / np.sqrt(v - mg * mg + eps)
        else:
            d = lr * g / np.sqrt(v + eps)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= dt(self.momentum)
            m += d
            p.data -= m
        else:
            p.data -= d

    def get_config(self):
        return {**super().get_config(), "rho": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
