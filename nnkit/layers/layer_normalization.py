"""Layer normalization: normalise each example over its feature axes.

Batch normalization averages a feature over the batch; layer
normalization (Ba et al. 2016) averages over the features of one
example, so it behaves the same in training and inference, for any
batch size (even 1), which is why Transformers use it. For one example
with values x_i over the m positions of the normalised axes::

    mu = mean_i x_i          var = mean_i (x_i - mu)^2   (biased)
    x_hat = (x - mu) / sigma,    sigma = sqrt(var + eps)
    out = gamma * x_hat + beta

gamma ("gamma") and beta ("beta") have the shape of the normalised axes
(Keras' weight names and order). Backward: the batch-normalization
formula with the roles of the axes swapped (sums run over the m
normalised positions of each example; the weight gradients sum over
everything else)::

    dbeta  = sum_other dout       dgamma = sum_other dout * x_hat
    dx_hat = dout * gamma
    dx = (1 / (m sigma)) * (m dx_hat - sum_i dx_hat_i
                            - x_hat * sum_i dx_hat_i x_hat_i)

Shapes: x and out (N, ..., D) with the normalised axes anywhere but
the batch axis (default: the last, D); gamma, beta: the sizes of the
normalised axes, e.g. (D,).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Layer
from .scale_shift import ScaleShiftMixin

__all__ = ["LayerNormalization"]


class LayerNormalization(ScaleShiftMixin, Layer):
    # Args lists what is LayerNormalization's own; the other arguments
    # are documented by ScaleShiftMixin (nnkit._docs: help() and the API
    # page show them all).
    """Normalise each example over ``axis``, then scale and shift.

    Args:
        axis: an axis or a list of axes to normalise over (-1: the
            last). Axes count the batch axis as 0, as in Keras.

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    # Each time step is normalised on its own: a sequence mask (Keras
    # masking) passes through unchanged, as in Keras.
    supports_masking = True

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        where = self.describe()
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, (int, np.integer))
                               and not isinstance(a, bool) for a in axes):
            raise ValueError(f"{where}: axis must be an integer or a "
                             f"non-empty list of integers, got {axis!r}")
        self.axis = (int(axes[0]) if not isinstance(axis, (list, tuple))
                     else [int(a) for a in axes])
        self._init_scale_shift(epsilon, center, scale, beta_initializer,
                               gamma_initializer, beta_regularizer,
                               gamma_regularizer)

    def build(self, input_shape, rng=None):
        ndim = len(input_shape) + 1                  # with the batch axis
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        norm = sorted({a % ndim for a in axes if -ndim <= a < ndim})
        if len(norm) != len(axes) or 0 in norm:
            raise ValueError(
                f"{self.describe()}: axis={self.axis} is not a list of "
                f"distinct feature axes of inputs of shape (batch, "
                f"{', '.join(map(str, input_shape))}); use 1..{ndim - 1} "
                f"or -1..-{ndim - 1}")
        self._axes = tuple(norm)
        self._other = tuple(i for i in range(ndim) if i not in norm)
        self._bshape = tuple(input_shape[i - 1] if i in norm else 1
                             for i in range(ndim))
        wshape = tuple(input_shape[i - 1] for i in norm)
        self._build_scale_shift(wshape, rng)          # gamma, beta
        super().build(input_shape, rng)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        mean = x.mean(axis=self._axes, keepdims=True)
        var = x.var(axis=self._axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + x.dtype.type(self.epsilon))
        x_hat = (x - mean) * inv_std
        out = x_hat
        if self.gamma is not None:
            out = out * self.gamma.data.reshape(self._bshape)
        if self.beta is not None:
            out = out + self.beta.data.reshape(self._bshape)
        self.x_hat, self.inv_std, self.out = x_hat, inv_std, out
        return out

    def backward(self, dout):
        x_hat, other, axes = self.x_hat, self._other, self._axes
        if self.beta is not None:
            self.beta.grad += dout.sum(axis=other).reshape(
                self.beta.shape)
        dx_hat = dout
        if self.gamma is not None:
            self.gamma.grad += (dout * x_hat).sum(axis=other).reshape(
                self.gamma.shape)
            dx_hat = dout * self.gamma.data.reshape(self._bshape)
        m = int(np.prod([x_hat.shape[a] for a in axes]))
        sum_d = dx_hat.sum(axis=axes, keepdims=True)
        sum_dx = (dx_hat * x_hat).sum(axis=axes, keepdims=True)
        return self.inv_std / m * (m * dx_hat - sum_d - x_hat * sum_dx)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis,
                **self._scale_shift_config()}
