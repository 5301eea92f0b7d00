"""Adagrad: a per-weight step that shrinks with the gradient history."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from ._base import Optimizer

__all__ = ["Adagrad"]


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
        self.initial_accumulator_value = check.non_negative(
            owner, "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = check.positive(owner, "epsilon", epsilon)

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
