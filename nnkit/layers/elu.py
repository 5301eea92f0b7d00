"""ELU as a layer: out = x if x > 0 else alpha * (exp(x) - 1).

Backward: dx = dout if x > 0 else dout * alpha * exp(x)
(= dout * (out + alpha)). Keras' ``keras.layers.ELU``, alpha 1.0.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np

from .. import activations
from .base import Layer

__all__ = ["ELU"]


class ELU(Layer):
    """Exponential linear unit.

    Args:
        alpha: the negative saturation value is -alpha (default 1.0).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        if (not isinstance(alpha, Real) or isinstance(alpha, bool)
                or not np.isfinite(alpha)):
            raise ValueError(f"ELU '{self.name}': alpha must be a finite "
                             f"number, got {alpha!r}")
        self.alpha = float(alpha)
        self.activation = activations.ELU(self.alpha)

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x = x
        self.out = self.activation.forward(x)
        return self.out

    def backward(self, dout):
        return self.activation.backward(self.x, self.out, dout)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
