"""Adadelta: a step in the units of the weight, from two averages."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import Optimizer

__all__ = ["Adadelta"]


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
        self.rho = check.number(owner, "rho", rho, 0.0, 1.0)
        self.epsilon = check.positive(owner, "epsilon", epsilon)

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
