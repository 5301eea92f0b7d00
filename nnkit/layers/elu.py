"""ELU as a layer: out = x if x > 0 else alpha * (exp(x) - 1).

Backward: dx = dout if x > 0 else dout * alpha * exp(x)
(= dout * (out + alpha)). Keras' ``keras.layers.ELU``, alpha 1.0.
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .. import activations
from .activation import Activation
from .base import Layer

__all__ = ["ELU"]


class ELU(Activation):
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
        self.alpha = check.number("ELU", "alpha", alpha)
        # forward/backward are the Activation layer's, with this function
        super().__init__(activations.ELU(self.alpha), **kwargs)

    def get_config(self):
        return {**Layer.get_config(self), "alpha": self.alpha}
