"""2-D convolution (Keras' Conv2D): out = f(x * K + b), channels last.

Shapes (N images, H x W pixels, C input channels, F filters):

* x: (N, H, W, C);
* K ("kernel"): (kh, kw, C, F), Keras' layout; b ("bias"): (F,);
* out: (N, Ho, Wo, F), Ho = floor((H + pad - d(kh - 1) - 1) / s) + 1
  (see ``nnkit.layers.im2col``).

Each output pixel is the dot product of one input patch with one filter:

    z[n, i, j, f] = sum_{a, b, c} xp[n, s i + d a, s j + d b, c]
                                  * K[a, b, c, f] + b[f]

(xp is x padded; s the stride, d the dilation). We compute it as one
matrix product: cols = im2col(x), z = cols @ K2 + b with K2 = K reshaped
to (kh kw C, F) (the bias inside the product: ``Im2colMixin``, which
Conv1D shares). Backward, with dz = dout * f'(z), is then Dense's:

    dK2 = cols^T dz      db = sum dz      dcols = dz K2^T
    dx = col2im(dcols)  (each pixel collects every patch it was in)

The readable loop version is ``nnkit.layers.conv_reference``.

Difference from Keras: Keras refuses strides > 1 together with
dilation_rate > 1; nnkit computes that case too (the formulas hold), but
such a layer has no Keras twin.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .base_conv import BaseConv, check_channels_last, window_too_large
from .im2col import col2im, conv_output_size, im2col, resolve_padding
from .kernel import AffineMixin

__all__ = ["Conv2D", "Im2colMixin", "check_images"]


def check_images(layer: Layer, x: np.ndarray) -> np.ndarray:
    """A batch of images (N, H, W, C) with the channels the layer was
    built for; any H and W, as in Keras. Returns x in the layer dtype.
    """
    return check_channels_last(layer, x, ("height", "width"), "images")


class Im2colMixin(AffineMixin):
    """The product Conv2D and Conv1D share: z = im2col(x) K2 + b, back.

    The bias rides in the product (the "bias trick": im2col appends a
    column of ones and K2 gets b as one more row), which saves a pass
    over z forward and the sum db = sum dz backward.
    """

    def _convolve(self, x4: np.ndarray, window: tuple) -> np.ndarray:
        """z = cols K2 + b, (N Ho Wo, F), with cols = im2col(x4, *window).
        """
        self.x4_shape, self.window = x4.shape, window
        self.cols = im2col(x4, *window, ones_column=self.bias is not None)
        k2 = self.kernel.data.reshape(-1, self.filters)  # (kh kw C, F)
        if self.bias is not None:
            k2 = np.vstack([k2, self.bias.data])         # [K2; b]
        return self.cols @ k2

    def _convolve_backward(self, dz2: np.ndarray, need_dx: bool):
        """dK2 = cols^T dz, db = sum dz; dx = col2im(dz K2^T) (x4's shape)
        or None if not ``need_dx``."""
        grads = self.cols.T @ dz2     # [dK2; db]: the ones column sums dz
        rows = self.kernel.data.size // self.filters          # kh kw C
        self.kernel.grad += grads[:rows].reshape(self.kernel.shape)
        if self.bias is not None:
            self.bias.grad += grads[rows]
        if not need_dx:
            return None
        k2 = self.kernel.data.reshape(-1, self.filters)
        return col2im(dz2 @ k2.T, self.x4_shape, *self.window)


class Conv2D(Im2colMixin, BaseConv):
    # The arguments are documented by BaseConv and KernelMixin
    # (nnkit._docs: help() and the API page show them all).
    """2-D convolution over channels-last images, fused activation.

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, filters)
    """

    input_ndim = 3

    def _geometry(self, input_shape: tuple[int, ...]):
        """Padding and output size for per-example shape (H, W, C)."""
        hw = tuple(input_shape[:2])
        pads = resolve_padding(self.padding, hw, self.kernel_size,
                               self.strides, self.dilation_rate)
        out = tuple(conv_output_size(n + sum(p), f, 0, s, d)
                    for n, p, f, s, d in zip(hw, pads, self.kernel_size,
                                             self.strides,
                                             self.dilation_rate))
        if min(out) <= 0:
            span = tuple(d * (f - 1) + 1 for f, d in
                         zip(self.kernel_size, self.dilation_rate))
            raise window_too_large(
                self, f"a kernel spanning {span[0]}x{span[1]} pixels "
                f"(kernel_size {self.kernel_size}, dilation_rate "
                f"{self.dilation_rate})", f"an input of {hw[0]}x{hw[1]} "
                f"pixels", input_shape, "padding='same' or a smaller kernel")
        return pads, out

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        shape = self.kernel_size + (input_shape[-1], self.filters)
        self._build_kernel(shape, self.filters, rng)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return self._geometry(input_shape)[1] + (self.filters,)

    def check_input(self, x):
        return check_images(self, x)

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pads, (ho, wo) = self._geometry(x.shape[1:])
        z = self._convolve(x, (self.kernel_size, self.strides, self.pads,
                               self.dilation_rate))
        z = z.reshape(len(x), ho, wo, self.filters)
        out = self.activation.forward_in_place(z)   # z is ours to reuse
        self.z, self.out = z, out
        return out

    def backward_from_logits(self, dz, need_dx=True):
        """Backward from dL/dz, skipping the activation (see Dense):
        dK2 = cols^T dz, db = sum dz, dx = col2im(dz K2^T)."""
        return self._convolve_backward(dz.reshape(-1, self.filters),
                                       need_dx)
