"""Masking: mark the padded time steps of float sequences.

Sequences of different lengths are padded to one length T, usually
with zeros (``nnkit.sequences.pad_sequences``). For float features, a
step is padding when *every* feature equals ``mask_value``; this layer
finds those steps and outputs the mask, which a model passes on to the
layers that follow (a recurrent layer then keeps its state across the
padded steps). Shapes: x (N, T, D) (any (N, ..., D)); the mask
(``compute_mask``) has x's shape without the last axis::

    mask[n, t] = any_d (x[n, t, d] != mask_value)
    out[n, t] = x[n, t] if mask[n, t] else 0

Backward: dx = dout at the real steps, 0 at the masked ones. For
integer ids, ``Embedding(mask_zero=True)`` makes the mask instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer

__all__ = ["Masking"]


class Masking(Layer):
    """Mask the steps whose features all equal ``mask_value``.

    Args:
        mask_value: the padding value (Keras default 0.0).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, ..., D), typically (N, T, D)
    Output shape:
        same as the input; the output's mask is (N, ...), typically
        (N, T)
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = check.number(self.describe(), "mask_value",
                                       mask_value, allow_inf=True)

    def _check_rank(self, shape):
        if len(shape) < 1:
            raise ValueError(f"{self.describe()} expects inputs of shape "
                             f"(batch, ..., features), got (batch,)")

    def compute_mask(self, inputs, mask=None):
        """True where some feature differs from ``mask_value``."""
        return np.any(np.asarray(inputs) != self.mask_value, axis=-1)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        self.keep = np.any(x != self.mask_value, axis=-1, keepdims=True)
        self.out = np.where(self.keep, x, 0).astype(x.dtype, copy=False)
        return self.out

    def backward(self, dout):
        return np.where(self.keep, dout, 0).astype(self.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
