"""What Dense, Conv2D and the recurrent layers share: kernel, bias,
activation.

These layers take the same Keras arguments (``activation``,
``use_bias``, ``kernel_initializer``...), create their weights the same
way and save them in the same config entries; only the kernel's shape
and the product computed with it differ (the recurrent layers add a
recurrent kernel between the two). ``KernelMixin`` holds the shared
part so it is written once; ``AffineMixin`` adds what Dense and the
convolutions (z affine in x, out = f(z)) share in their backward pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import activations, initializers
from .. import regularizers as _reg

__all__ = ["KernelMixin", "AffineMixin"]


class KernelMixin:
    """Arguments, weights and config of a kernel-and-bias layer.

    Args:
        activation: name or ``nnkit.activations.Activation``; None is
            linear.
        use_bias: add a bias vector b.
        kernel_initializer: Keras default ``"glorot_uniform"``.
        bias_initializer: Keras default ``"zeros"``.
        kernel_regularizer, bias_regularizer: optional penalties.
        activity_regularizer: optional penalty on the layer's output.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).
    """

    def _init_kernel(self, activation: Any, use_bias: bool,
                     kernel_initializer: Any, bias_initializer: Any,
                     kernel_regularizer: Any, bias_regularizer: Any,
                     activity_regularizer: Any) -> None:
        """Resolve the Keras-style arguments (names, dicts or objects)."""
        owner = self.describe()
        self.activation = check.lookup(owner, "activation", activation,
                                       activations.get)
        self.use_bias = check.boolean(owner, "use_bias", use_bias)
        self._weight_arguments(
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer)

    def _build_kernel(self, kernel_shape: tuple[int, ...], units: int,
                      rng: Any) -> None:
        """Create ``kernel`` (kernel_shape) and, if used, ``bias`` (units,).

        The kernel is drawn first, then the bias, as Keras does, so the
        same generator state gives the same weights in both orders.
        """
        self._add_kernel(kernel_shape, rng)
        self._add_bias((units,), rng)

    def _add_kernel(self, shape: tuple[int, ...], rng: Any) -> None:
        self.kernel = self.add_weight(
            "kernel", self.kernel_initializer(shape, rng, self.dtype),
            regularizer=self.kernel_regularizer)

    def _add_bias(self, shape: tuple[int, ...], rng: Any) -> None:
        """``bias`` of ``shape`` if ``use_bias``, else None."""
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", self._initial_bias(shape, rng),
                regularizer=self.bias_regularizer)

    def _initial_bias(self, shape: tuple[int, ...], rng: Any) -> Any:
        """The bias' first value (LSTM overrides it: b_f = 1)."""
        return self.bias_initializer(shape, rng, self.dtype)

    def _kernel_config(self) -> dict[str, Any]:
        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(
                self.kernel_initializer),
            "bias_initializer": initializers.serialize(
                self.bias_initializer),
            "kernel_regularizer": _reg.serialize(self.kernel_regularizer),
            "bias_regularizer": _reg.serialize(self.bias_regularizer),
            "activity_regularizer": _reg.serialize(
                self.activity_regularizer),
        }


class AffineMixin(KernelMixin):
    """A kernel layer out = f(z) with z affine in x (Dense, the convs).

    Its backward pass is two steps: back through f (dz = dout * f'(z),
    ``backward``, the same for every such layer), then back through the
    layer's own product (``backward_from_logits``, which each layer
    writes, and which a model calls directly when the loss fuses with
    f). It ends with the same two weight gradients: dK from the layer's
    own product, db = sum dz. The forward pass keeps z and out = f(z).
    """

    can_skip_dx = True

    def backward(self, dout, need_dx=True):
        """dz = dout * f'(z), then ``backward_from_logits(dz)``."""
        dz = self.activation.backward(self.z, self.out, dout)
        return self.backward_from_logits(dz, need_dx)

    @property
    def logits_activation(self):
        """The activation f: ``backward_from_logits`` starts below it."""
        return self.activation

    def _add_gradients(self, dk: np.ndarray, dz2: np.ndarray) -> None:
        """kernel.grad += dk (reshaped), bias.grad += sum of dz2's rows.
        """
        self.kernel.grad += dk.reshape(self.kernel.shape)
        if self.bias is not None:
            self.bias.grad += dz2.sum(axis=0)
