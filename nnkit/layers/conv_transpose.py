"""Transposed 2-D convolution (Keras' Conv2DTranspose), channels last.

A strided convolution maps a large image to a small one; decoders and
autoencoders need the opposite direction. The transposed convolution is
exactly the map that backpropagation already computes for a
convolution's *input*: if ``conv`` takes y (N, Ho, Wo, F) to
z = im2col(y) K2 (N, H, W, C) with K2 the kernel as a (kh kw F, C)
matrix, then its input gradient is

    dy = col2im(dz K2^T)

and Conv2DTranspose's forward pass is that formula applied to its
input: out = col2im(x K2^T) + b. Every input pixel stamps a copy of the
kernel, scaled by its value, onto the output; stamps overlap and add up
where the stride is smaller than the kernel. Its backward pass is then
a plain convolution of dout (with dz = dout * f'(z)):

    dcols = im2col(dz)      dx = dcols K2      dK2 = dcols^T x
    db = sum dz

Shapes: x (N, H, W, C); kernel (kh, kw, filters, C) -- Keras' layout,
note the filters before the input channels, since this kernel is the
one of the convolution going the other way; bias (filters,);
out (N, Ho, Wo, filters) with, per axis (k' = d (k - 1) + 1 the dilated
kernel, p the output_padding):

    'valid':  Ho = (H - 1) s + k' + p,   p default max(s - k', 0)
    'same':   Ho = H s  (p None),  else (H - 1) s + (k' mod 2) + p

The padding inside col2im is the one the convolution going back from
Ho to H uses (TensorFlow's rule), so the two layers are exact adjoints.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base_conv import BaseConv
from .conv import check_images
from .im2col import col2im, conv_output_size, im2col, resolve_padding

__all__ = ["Conv2DTranspose", "conv_transpose_output_length"]


def conv_transpose_output_length(n: int, k: int, s: int, padding: str,
                                 output_padding: int | None = None,
                                 d: int = 1) -> int:
    """Output length along one axis (Keras' rule, see the module)."""
    k = d * (k - 1) + 1
    if padding == "valid":
        p = max(s - k, 0) if output_padding is None else output_padding
        return (n - 1) * s + k + p
    if output_padding is None:
        return n * s
    return (n - 1) * s + k % 2 + output_padding


class Conv2DTranspose(BaseConv):
    # Args lists what is Conv2DTranspose's own; the other arguments are
    # documented by BaseConv and KernelMixin (nnkit._docs: help() shows
    # them all).
    """Transposed convolution ("deconvolution"): upsamples with a kernel.

    Args:
        filters: number of output channels (> 0).
        strides: int or (sh, sw), default 1: the upsampling factor.
        output_padding: None, an int or a pair, each >= 0 and smaller
            than the stride: extra rows/columns at the bottom/right.

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, filters)
    """

    input_ndim = 3

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", output_padding: Any = None,
                 data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 bias_regularizer: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any):
        # Keras' signature (output_padding after padding); BaseConv takes
        # and checks the rest.
        super().__init__(filters, kernel_size, strides, padding,
                         data_format, dilation_rate, activation, use_bias,
                         kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer,
                         activity_regularizer, **kwargs)
        self.output_padding = self._check_output_padding(output_padding)

    def _check_output_padding(self, value: Any):
        if value is None:
            return None
        pair = (value, value) if not isinstance(value, (tuple, list)) \
            else tuple(value)
        if len(pair) != 2 or not all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                and 0 <= v < s for v, s in zip(pair, self.strides)):
            raise ValueError(
                f"{self.describe()}: output_padding must be None or "
                f"non-negative integers smaller than the strides "
                f"{self.strides}, got {value!r}")
        return int(pair[0]), int(pair[1])

    def _geometry(self, input_shape: tuple[int, ...]):
        """Output size and the padding of the convolution going back."""
        hw = tuple(input_shape[:2])
        ops = self.output_padding or (None, None)
        out = tuple(conv_transpose_output_length(n, k, s, self.padding, p, d)
                    for n, k, s, p, d in zip(hw, self.kernel_size,
                                             self.strides, ops,
                                             self.dilation_rate))
        pads = resolve_padding(self.padding, out, self.kernel_size,
                               self.strides, self.dilation_rate)
        back = tuple(conv_output_size(o + sum(p), k, 0, s, d) for
                     o, p, k, s, d in zip(out, pads, self.kernel_size,
                                          self.strides, self.dilation_rate))
        if back != hw:
            raise ValueError(
                f"{self.describe()}: with padding='same', kernel_size "
                f"{self.kernel_size} and output_padding "
                f"{self.output_padding} the output {out} does not map back "
                f"to the input's {hw} (TensorFlow refuses it too); use an "
                f"odd kernel_size or output_padding >= 1")
        return out, pads

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        shape = self.kernel_size + (self.filters, input_shape[-1])
        # The bias has one entry per *filter*: _build_kernel's units.
        self._build_kernel(shape, self.filters, rng)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return self._geometry(input_shape)[0] + (self.filters,)

    def check_input(self, x):
        return check_images(self, x)

    def forward(self, x, training=False):
        x = self.check_input(x)
        (ho, wo), self.pads = self._geometry(x.shape[1:])
        n, c = len(x), x.shape[-1]
        k2 = self.kernel.data.reshape(-1, c)          # (kh kw F, C)
        self.x2 = x.reshape(-1, c)
        z = col2im(self.x2 @ k2.T, (n, ho, wo, self.filters),
                   self.kernel_size, self.strides, self.pads,
                   self.dilation_rate)
        if self.bias is not None:
            z += self.bias.data
        out = self.activation.forward(z)
        self.x_shape, self.z, self.out = x.shape, z, out
        return out

    def backward_from_logits(self, dz, need_dx=True):
        """Backward from dL/dz, skipping the activation (see Dense):
        dcols = im2col(dz), dK2 = dcols^T x, db = sum dz, dx = dcols K2.
        """
        c = self.x_shape[-1]
        dcols = im2col(dz, self.kernel_size, self.strides, self.pads,
                       self.dilation_rate)            # (N H W, kh kw F)
        self._add_gradients(dcols.T @ self.x2, dz.reshape(-1, self.filters))
        if not need_dx:
            return None
        k2 = self.kernel.data.reshape(-1, c)
        return (dcols @ k2).reshape(self.x_shape)

    def get_config(self):
        op = self.output_padding
        return {**super().get_config(),
                "output_padding": None if op is None else list(op)}
