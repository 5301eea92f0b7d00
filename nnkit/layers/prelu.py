"""PReLU: a leaky ReLU whose negative slope is learned, per unit::

    out = x            if x > 0
    out = alpha * x    otherwise

alpha has the per-example input shape, with size 1 along each of
``shared_axes`` (so ``shared_axes=[1, 2]`` gives one slope per channel
of an (N, H, W, C) image). Keras initialises alpha to zeros, so PReLU
starts out as a plain ReLU.

Backward (at x = 0 exactly we use the slope alpha, as leaky_relu does)::

    dx     = dout              if x > 0,  else dout * alpha
    dalpha = sum over the batch and the shared axes of dout * min(x, 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg
from .base import Layer

__all__ = ["PReLU"]


class PReLU(Layer):
    """Parametric ReLU with a learned slope for negative inputs.

    Args:
        alpha_initializer: Keras default ``"zeros"``.
        alpha_regularizer: optional penalty on alpha.
        shared_axes: axes (1-based, the batch being axis 0, as in
            Keras) along which one slope is shared; None shares none.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    supports_masking = True   # a mask passes through (Keras)

    def __init__(self, alpha_initializer: Any = "zeros",
                 alpha_regularizer: Any = None,
                 shared_axes: int | list[int] | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        if isinstance(shared_axes, (int, np.integer)):
            shared_axes = [shared_axes]
        if shared_axes is not None:
            if not isinstance(shared_axes, (list, tuple)):
                raise check.ArgumentTypeError(
                    f"{owner}: shared_axes must be an integer, a list of "
                    f"integers or None, got {check.show(shared_axes)}")
            shared_axes = [check.integer(
                owner, "shared_axes", a, 1,
                expected="a list of integers >= 1 (axis 0 is the batch)")
                for a in shared_axes]
        self.shared_axes = shared_axes
        self._weight_arguments(alpha_initializer=alpha_initializer,
                               alpha_regularizer=alpha_regularizer)

    def build(self, input_shape, rng=None):
        shape = list(input_shape)
        for a in self.shared_axes or []:
            if a > len(shape):
                raise ValueError(
                    f"{self.describe()}: shared axis {a} does not exist "
                    f"for inputs of shape (batch, "
                    f"{', '.join(map(str, input_shape))}); valid axes "
                    f"are 1..{len(shape)}")
            shape[a - 1] = 1
        self.alpha = self.add_weight(
            "alpha", self.alpha_initializer(tuple(shape), rng, self.dtype),
            regularizer=self.alpha_regularizer)
        super().build(input_shape, rng)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        self.x = x
        self.out = np.where(x > 0, x, self.alpha.data * x)
        return self.out

    def backward(self, dout):
        x = self.x
        axes = (0,) + tuple(self.shared_axes or ())
        self.alpha.grad += (dout * np.minimum(x, 0)).sum(
            axis=axes, keepdims=True)[0]
        return np.where(x > 0, dout, dout * self.alpha.data)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(
                    self.alpha_initializer),
                "alpha_regularizer": _reg.serialize(self.alpha_regularizer),
                "shared_axes": self.shared_axes}
