"""Dense (fully connected) layer: out = f(x W + b).

Shapes (N examples, D inputs, H units):

* x: (N, D) — or (N, ..., D): the kernel is applied to the last axis,
  as in Keras;
* W ("kernel"): (D, H), Keras' layout, so weights copy across as they are;
* b ("bias"): (H,);
* out: (N, H).

Backward pass, with dz = dout * f'(z) for z = x W + b:

    dW = x^T dz        db = sum_n dz        dx = dz W^T

``backward`` takes dout through f (the step every affine layer shares,
written once in ``AffineMixin``, ``kernel.py``) and hands dz to
``backward_from_logits`` below, which computes these three products.
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .base import Layer
from .kernel import AffineMixin

__all__ = ["Dense"]


class Dense(AffineMixin, Layer):
    # Args lists what is Dense's own; the kernel's arguments (activation,
    # use_bias, ...) are documented by KernelMixin (nnkit._docs: help()
    # shows them all).
    """Fully connected layer with an optional activation.

    Args:
        units: number of output units H (> 0).

    Input shape:
        (N, ..., D)
    Output shape:
        (N, ..., units)
    """

    supports_masking = True

    def __init__(self, units: int, activation: Any = None,
                 use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 bias_regularizer: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.units = check.positive_int(self.describe(), "units", units)
        self._init_kernel(activation, use_bias, kernel_initializer,
                          bias_initializer, kernel_regularizer,
                          bias_regularizer, activity_regularizer)

    def build(self, input_shape, rng=None):
        if len(input_shape) < 1:
            raise ValueError(f"{self.describe()} needs inputs with a "
                             f"feature axis, got per-example shape "
                             f"{input_shape}")
        self._build_kernel((input_shape[-1], self.units), self.units, rng)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False, mask=None):
        # A mask (Keras' masking) passes through unchanged; Dense acts on
        # every time step alike.
        x = self.check_input(x)
        z = x @ self.kernel.data
        if self.bias is not None:
            z += self.bias.data            # z is new: add in place
        out = self.activation.forward(z)
        self.x, self.z, self.out = x, z, out
        return out

    def backward_from_logits(self, dz, need_dx=True):
        """Backward from dL/dz, z = x W + b, skipping the activation.

        A model calls this when its loss fuses with the activation (a
        softmax output with categorical cross-entropy: dz = p - y), and
        with ``need_dx=False`` when x is the data, whose gradient nobody
        uses: the product dz W^T is then skipped.
        """
        x2 = self.x.reshape(-1, self.x.shape[-1])       # (N..., D)
        dz2 = dz.reshape(-1, self.units)
        self._add_gradients(x2.T @ dz2, dz2)             # dW = x^T dz
        if not need_dx:
            return None
        return dz @ self.kernel.data.T

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                **self._kernel_config()}
