"""ReLU as a layer, with Keras' three knobs: a cap, a slope, a threshold.

    out = min(x, max_value)              if x > threshold
    out = negative_slope (x - threshold) otherwise

With the defaults (no cap, slope 0, threshold 0) this is max(x, 0);
``max_value=6`` gives ReLU6, a small ``negative_slope`` a leaky ReLU.

Backward, elementwise (the kinks at ``threshold`` and ``max_value``
take the derivative of the branch that holds there, as in TensorFlow)::

    dx = dout * 1               if threshold < x < max_value
    dx = 0                      if x >= max_value
    dx = dout * negative_slope  if x <= threshold

Difference from Keras: when only ``negative_slope`` is set (no cap,
threshold 0) Keras calls TensorFlow's leaky ReLU, which rounds the slope
to float32 (see ``LeakyReLU``); nnkit uses the slope you give.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer

__all__ = ["ReLU"]


class ReLU(Layer):
    """Rectified linear unit with optional cap, slope and threshold.

    Args:
        max_value: cap on the output (>= 0), None for no cap.
        negative_slope: slope below the threshold (>= 0), default 0.
        threshold: inputs at or below it are "off" (>= 0), default 0.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    # Elementwise: a sequence mask (Keras masking) passes through.
    supports_masking = True

    def __init__(self, max_value: float | None = None,
                 negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.max_value = check.non_negative(owner, "max_value", max_value,
                                            allow_none=True)
        self.negative_slope = check.non_negative(owner, "negative_slope",
                                                 negative_slope)
        self.threshold = check.non_negative(owner, "threshold", threshold)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        self.on = x > self.threshold
        top = x if self.max_value is None else np.minimum(
            x, x.dtype.type(self.max_value))
        low = x.dtype.type(self.negative_slope) * (x - self.threshold)
        self.x, self.out = x, np.where(self.on, top, low)
        return self.out

    def backward(self, dout):
        slope = self.x.dtype.type(self.negative_slope)
        live = self.on
        if self.max_value is not None:
            live = live & (self.x < self.max_value)
        return dout * np.where(live, self.x.dtype.type(1),
                               np.where(self.on, self.x.dtype.type(0),
                                        slope))

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold}
