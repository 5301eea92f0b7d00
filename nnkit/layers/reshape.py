"""Flatten and Reshape: change the shape, keep every number.

``Flatten`` turns each example into a vector in row-major (C) order; for
channels-last images (H, W, C) the channel index changes fastest, as in
Keras, so a Dense layer after it gets the same weights in both
libraries. Backward just reshapes the gradient back: dx =
dout.reshape(x.shape).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer

__all__ = ["Flatten", "Reshape"]


class Flatten(Layer):
    """Flatten each example: (N, d1, d2, ...) -> (N, d1 * d2 * ...).

    Input shape:
        (N, ...)
    Output shape:
        (N, product of the other axes)
    """

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x_shape = x.shape
        self.out = x.reshape(len(x), -1)
        return self.out

    def backward(self, dout):
        return dout.reshape(self.x_shape)


class Reshape(Layer):
    """Reshape each example to ``target_shape`` (row-major, as Keras).

    Args:
        target_shape: per-example shape; one entry may be -1 (inferred).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, ...)
    Output shape:
        (N,) + target_shape
    """

    def __init__(self, target_shape: Any, **kwargs: Any):
        super().__init__(**kwargs)
        owner, expected = self.describe(), (
            "positive integers and at most one -1")
        dims = (target_shape if isinstance(target_shape, (tuple, list))
                else [target_shape])
        shape = tuple(check.integer(owner, "target_shape", s,
                                    expected="a tuple of " + expected)
                      for s in dims)
        if (sum(s == -1 for s in shape) > 1
                or any(s == 0 or s < -1 for s in shape)):
            raise ValueError(f"{owner}: target_shape must hold {expected}, "
                             f"got {check.show(target_shape)}")
        self.target_shape = shape

    def compute_output_shape(self, input_shape):
        size = math.prod(input_shape)
        known = math.prod(s for s in self.target_shape if s != -1)
        if (-1 in self.target_shape and size % known) or (
                -1 not in self.target_shape and size != known):
            raise ValueError(
                f"{self.describe()}: cannot reshape examples of shape "
                f"{tuple(input_shape)} ({size} values) to "
                f"{self.target_shape}")
        return tuple(size // known if s == -1 else s
                     for s in self.target_shape)

    def build(self, input_shape, rng=None):
        self.compute_output_shape(input_shape)
        super().build(input_shape, rng)

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x_shape = x.shape
        self.out = x.reshape((len(x),) + self.output_shape)
        return self.out

    def backward(self, dout):
        return np.reshape(dout, self.x_shape)

    def get_config(self):
        return {**super().get_config(),
                "target_shape": list(self.target_shape)}
