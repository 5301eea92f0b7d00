"""Softmax as a layer, along any axis, with Keras' optional mask.

    out = exp(x - max(x)) / sum(exp(x - max(x)))   along ``axis``

(``axis`` may be a tuple: the normalisation then runs over those axes
together.) Its Jacobian along the axis is diag(y) - y y^T, so

    dx = y * (dout - sum(dout * y, axis))

A boolean ``mask`` (broadcastable to x, True = keep) works as in Keras
3: masked logits are replaced by -1e9 before the softmax, so they get
probability 0, and masked outputs are set to 0 (a row masked entirely
is all zeros, not uniform). In the backward pass masked entries neither
send nor receive gradient:

    dy = where(mask, dout, 0);   dx = where(mask, y * (dy - sum(dy * y)), 0)

With ``axis=-1`` the layer names its activation in
``logits_activation`` and can start its backward pass from the logits
(``backward_from_logits``), so a model whose last layer is ``Softmax()``
fuses it with a cross-entropy loss exactly as it fuses
``Dense(..., activation="softmax")`` (and as Keras does).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import activations
from .base import Layer

__all__ = ["Softmax"]

# Keras' stand-in for -inf in masked softmaxes (float32 and float64).
LARGE_NEGATIVE = -1e9


def _axes(axis: Any, owner: str) -> int | tuple[int, ...]:
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool)
            for a in axis):
        return tuple(int(a) for a in axis)
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    raise ValueError(f"{owner}: axis must be an integer or a non-empty "
                     f"list of integers, got {axis!r}")


class Softmax(Layer):
    """Normalise scores into probabilities along ``axis``.

    Args:
        axis: axis (or list of axes) to normalise over, default -1.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Call arguments:
        mask: optional boolean array broadcastable to x (True = keep).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    def __init__(self, axis: Any = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = _axes(axis, self.describe())
        last = self.axis in (-1, (-1,))
        self._softmax = activations.Softmax() if last else None

    def build(self, input_shape, rng=None):
        ndim = len(input_shape) + 1
        axes = self.axis if isinstance(self.axis, tuple) else (self.axis,)
        for a in axes:
            if not -ndim <= a < ndim or a % ndim == 0:
                raise ValueError(
                    f"{self.describe()}: axis={self.axis} is not an axis "
                    f"of examples of shape {tuple(input_shape)}; use 1.."
                    f"{ndim - 1} or -1..-{ndim - 1} (axis 0 is the batch)")
        super().build(input_shape, rng)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        if mask is not None:
            mask = self._check_mask(mask, x)
            x = np.where(mask, x, x.dtype.type(LARGE_NEGATIVE))
        z = x - np.max(x, axis=self.axis, keepdims=True)
        e = np.exp(z)
        y = e / np.sum(e, axis=self.axis, keepdims=True)
        if mask is not None:
            y = np.where(mask, y, x.dtype.type(0))
        self.z, self.y, self.mask = x, y, mask
        self.out = y
        return y

    def _check_mask(self, mask: Any, x: np.ndarray) -> np.ndarray:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            mask = mask > 0.5              # Keras' rule for 0/1 masks
        try:
            np.broadcast_shapes(mask.shape, x.shape)
            ok = mask.ndim <= x.ndim
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{self.describe()}: mask of shape "
                             f"{mask.shape} does not broadcast to the "
                             f"inputs' shape {x.shape}")
        return mask

    def backward(self, dout):
        y, mask = self.y, self.mask
        if mask is not None:
            dout = np.where(mask, dout, 0)
        dx = y * (dout - np.sum(dout * y, axis=self.axis, keepdims=True))
        return dx if mask is None else np.where(mask, dx, 0)

    @property
    def logits_activation(self):
        """The softmax along the last axis (None for other axes): a
        model fuses it with a cross-entropy loss."""
        return self._softmax

    def backward_from_logits(self, dz, need_dx=True):
        """dL/dx when dL/dz (the logits' gradient) is already known: the
        input is the logits."""
        return dz if self.mask is None else np.where(self.mask, dz, 0)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) \
            else self.axis
        return {**super().get_config(), "axis": axis}
