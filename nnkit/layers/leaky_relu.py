"""LeakyReLU as a layer: out = x if x > 0 else negative_slope * x.

Backward: dx = dout if x > 0 else dout * negative_slope.

The layer's default slope is 0.3, the activation function's 0.2, as
in Keras (:ref:`keras-conventions`).
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .. import activations
from .activation import Activation
from .base import Layer

__all__ = ["LeakyReLU"]


class LeakyReLU(Activation):
    """Leaky rectifier with a fixed slope for negative inputs.

    Args:
        negative_slope: slope for x <= 0, >= 0 (Keras layer default 0.3).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        self.negative_slope = check.non_negative(
            "LeakyReLU", "negative_slope", negative_slope)
        # forward/backward are the Activation layer's, with this function
        super().__init__(activations.LeakyReLU(self.negative_slope),
                         **kwargs)

    def get_config(self):
        return {**Layer.get_config(self),
                "negative_slope": self.negative_slope}
