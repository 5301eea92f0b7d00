"""SGD: plain gradient descent, with momentum and Nesterov."""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from ._base import Optimizer

__all__ = ["SGD"]


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
        self.momentum = check.rate("SGD", "momentum", momentum)
        self.nesterov = check.boolean("SGD", "nesterov", nesterov)
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
