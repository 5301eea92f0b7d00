"""Batch normalization: normalise each feature over the batch.

For a feature (one index along ``axis``) with values x_i over the m
positions of the batch (m = N, or N*H*W for images)::

    mu = mean_i x_i          var = mean_i (x_i - mu)^2   (biased)
    x_hat = (x - mu) / sigma,    sigma = sqrt(var + eps)
    out = gamma * x_hat + beta

Training uses the batch's mu and var and updates the moving averages::

    moving = moving * momentum + batch_statistic * (1 - momentum)

Inference uses the moving averages instead, and so does a frozen layer
(``trainable = False``) in training, as in Keras 3. As in Keras 3, the moving
variance is updated with the same *biased* batch variance used for
normalising (no m/(m-1) correction).

Backward in training mode (mu and sigma depend on x), the compact form::

    dbeta  = sum_i dout_i         dgamma = sum_i dout_i * x_hat_i
    dx_hat = dout * gamma
    dx = (1 / (m sigma)) * (m dx_hat - sum_i dx_hat_i
                            - x_hat * sum_i dx_hat_i x_hat_i)

In inference mode mu and sigma are constants: dx = dout * gamma / sigma.

Shapes: x and out (N, ..., C, ...) with C = input size along ``axis``;
gamma, beta, moving_mean, moving_variance: (C,), Keras' weight order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .base import Layer
from .dense import Dense
from .scale_shift import ScaleShiftMixin

__all__ = ["BatchNormalization"]


class BatchNormalization(ScaleShiftMixin, Layer):
    # Args lists what is BatchNormalization's own; gamma's and beta's
    # arguments are documented by ScaleShiftMixin (nnkit._docs: help()
    # and the API page show them all).
    """Normalise with batch statistics (training) or moving averages.

    Args:
        axis: the feature axis (-1: last, channels-last images).
        momentum: weight of the old moving average, in [0, 1].
        moving_mean_initializer: Keras default ``"zeros"``.
        moving_variance_initializer: Keras default ``"ones"``.

    Input shape:
        (N, ...) with the feature axis at ``axis``
    Output shape:
        same as the input
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99,
                 epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        where = self.describe()
        self.axis = check.integer(where, "axis", axis)
        self.momentum = check.number(where, "momentum", momentum, 0.0, 1.0)
        self._init_scale_shift(epsilon, center, scale, beta_initializer,
                               gamma_initializer, beta_regularizer,
                               gamma_regularizer)
        self._weight_arguments(
            moving_mean_initializer=moving_mean_initializer,
            moving_variance_initializer=moving_variance_initializer)

    def build(self, input_shape, rng=None):
        ndim = len(input_shape) + 1                  # with the batch axis
        ax = self.axis if self.axis >= 0 else ndim + self.axis
        if not 1 <= ax < ndim:
            raise ValueError(
                f"{self.describe()}: axis={self.axis} is not a feature "
                f"axis of inputs of shape (batch, "
                f"{', '.join(map(str, input_shape))}); use 1..{ndim - 1} "
                f"or -1..-{ndim - 1}")
        c = input_shape[ax - 1]
        self._reduce = tuple(i for i in range(ndim) if i != ax)
        self._bshape = tuple(c if i == ax else 1 for i in range(ndim))
        self._build_scale_shift((c,), rng)             # gamma, beta

        def init(fn):
            return fn((c,), rng, self.dtype)
        self.moving_mean = self.add_weight(
            "moving_mean", init(self.moving_mean_initializer),
            trainable=False)
        self.moving_variance = self.add_weight(
            "moving_variance", init(self.moving_variance_initializer),
            trainable=False)
        super().build(input_shape, rng)

    def forward(self, x, training=False):
        x = self.check_input(x)
        # A frozen layer (trainable=False) normalises with its moving
        # statistics even in training and leaves them alone (Keras 3).
        training = training and self.trainable
        if training:
            mean = x.mean(axis=self._reduce)
            var = x.var(axis=self._reduce)           # biased, as Keras
            mom = self.momentum
            self.moving_mean.data[...] = (self.moving_mean.data * mom
                                          + mean * (1.0 - mom))
            self.moving_variance.data[...] = (
                self.moving_variance.data * mom + var * (1.0 - mom))
        else:
            mean, var = self.moving_mean.data, self.moving_variance.data
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat = (x - mean.reshape(self._bshape)) \
            * inv_std.reshape(self._bshape)
        out = x_hat
        if self.gamma is not None:
            out = out * self.gamma.data.reshape(self._bshape)
        if self.beta is not None:
            out = out + self.beta.data.reshape(self._bshape)
        self.x_hat, self.inv_std, self.training = x_hat, inv_std, training
        self.out = out
        return out

    def backward(self, dout):
        x_hat, b, axes = self.x_hat, self._bshape, self._reduce
        if self.beta is not None:
            self.beta.grad += dout.sum(axis=axes)
        dx_hat = dout
        if self.gamma is not None:
            self.gamma.grad += (dout * x_hat).sum(axis=axes)
            dx_hat = dout * self.gamma.data.reshape(b)
        inv_std = self.inv_std.reshape(b)
        if not self.training:
            return dx_hat * inv_std
        m = x_hat.size // int(np.prod(b))      # values per feature
        sum_d = dx_hat.sum(axis=axes, keepdims=True)
        sum_dx = (dx_hat * x_hat).sum(axis=axes, keepdims=True)
        return inv_std / m * (m * dx_hat - sum_d - x_hat * sum_dx)

    def fold_into(self, dense: Dense) -> Dense:
        """A Dense equal to ``dense`` followed by this layer at inference.

        With sigma = sqrt(moving_variance + epsilon), the folded layer
        has kernel W' = W * gamma / sigma (column-wise) and bias
        b' = gamma * (b - moving_mean) / sigma + beta. The normalisation
        then costs nothing at inference time.

        Args:
            dense: a built, linear Dense whose units feed this layer.

        Returns:
            a new built Dense (linear) with the folded weights.
        """
        if not (self.built and dense.built):
            raise ValueError(f"{self.describe()}.fold_into: build both "
                             f"layers first (run the model once)")
        if self.axis not in (-1, len(self.input_shape)):
            raise ValueError(f"{self.describe()}.fold_into needs axis=-1 "
                             f"(the Dense units), got axis={self.axis}")
        if dense.activation.name != "linear":
            raise ValueError(
                f"{self.describe()}.fold_into: {dense.describe()} has "
                f"activation {dense.activation.name!r}; only a linear "
                f"Dense can be folded (put the activation after the "
                f"normalisation)")
        if dense.units != self.moving_mean.shape[0]:
            raise ValueError(
                f"{self.describe()}.fold_into: {dense.describe()} has "
                f"{dense.units} units but this layer normalises "
                f"{self.moving_mean.shape[0]} features")
        inv_std = 1.0 / np.sqrt(self.moving_variance.data + self.epsilon)
        g = inv_std if self.gamma is None else self.gamma.data * inv_std
        bias = 0.0 if dense.bias is None else dense.bias.data
        beta = 0.0 if self.beta is None else self.beta.data
        folded = Dense(dense.units, name=f"{dense.name}_folded",
                       dtype=dense.dtype.name,
                       kernel_initializer="zeros")
        folded.build(dense.input_shape)
        folded.set_weights([dense.kernel.data * g,
                            g * (bias - self.moving_mean.data) + beta])
        return folded

    def get_config(self):
        ser = initializers.serialize
        return {
            **super().get_config(), "axis": self.axis,
            "momentum": self.momentum, **self._scale_shift_config(),
            "moving_mean_initializer": ser(self.moving_mean_initializer),
            "moving_variance_initializer": ser(
                self.moving_variance_initializer),
        }
