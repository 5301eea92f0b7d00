"""Activation as a layer of its own: out = f(x), no parameters.

``Dense(4, activation="relu")`` and ``Dense(4)`` followed by
``Activation("relu")`` compute the same thing; the second form is handy
when something (batch normalization, say) goes between the two.
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .. import activations
from .. import regularizers as _reg
from .base import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """Apply an activation function elementwise (softmax: last axis).

    Args:
        activation: a name (``"relu"``...) or an
            ``nnkit.activations.Activation`` instance.
        activity_regularizer: optional penalty on the output.

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    supports_masking = True

    def __init__(self, activation: Any, activity_regularizer: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.activation = check.lookup(owner, "activation", activation,
                                       activations.get)
        self.activity_regularizer = check.lookup(
            owner, "activity_regularizer", activity_regularizer, _reg.get)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        out = self.activation.forward(x)
        self.z, self.out = x, out
        return out

    def backward(self, dout):
        return self.activation.backward(self.z, self.out, dout)

    @property
    def logits_activation(self):
        """The activation f: its input x is the logits."""
        return self.activation

    def backward_from_logits(self, dz, need_dx=True):
        """dL/dx when dL/dz (the logits' gradient) is already known:
        the input *is* z, so it is dz itself."""
        return dz

    def get_config(self):
        return {**super().get_config(),
                "activation": activations.serialize(self.activation),
                "activity_regularizer": _reg.serialize(
                    self.activity_regularizer)}
