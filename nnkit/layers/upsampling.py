"""UpSampling2D: make images larger by repeating or interpolating pixels.

Shapes: x (N, H, W, C) -> out (N, fh H, fw W, C) for ``size=(fh, fw)``.
No weights: in a convolutional decoder the convolution after it learns
what to do with the larger image.

``interpolation="nearest"`` copies each pixel into an fh x fw block::

    out[n, i, j, c] = x[n, i // fh, j // fw, c]
    dx[n, h, w, c] = sum of dout over the block of (h, w)

``interpolation="bilinear"`` places output pixel i at input coordinate
u = (i + 1/2) / fh - 1/2 (pixel centres aligned, TensorFlow's
``half_pixel_centers``), clamped to the image, and mixes the two nearest
rows with weights 1 - frac(u) and frac(u); the same along the columns.
Each axis is then a fixed (fh H, H) matrix A_h (and A_w), and

    out = A_h x A_w^T  per image and channel,    dx = A_h^T dout A_w

both one ``einsum``, so the backward pass is the forward's transpose.

A documented difference: TensorFlow's bilinear resize computes in
float32 whatever the input's dtype, so in float64 Keras' bilinear
output agrees with nnkit's (exact float64) only to ~1e-7; nearest is
exact in both precisions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .base_conv import check_data_format
from .conv import check_images

__all__ = ["UpSampling2D", "bilinear_matrix"]


def bilinear_matrix(n_in: int, factor: int) -> np.ndarray:
    """The (factor n_in, n_in) matrix of half-pixel linear interpolation.

    Row i has weight 1 - t on input ``floor(u)`` and t on ``ceil(u)``,
    for u = (i + 0.5) / factor - 0.5 clamped into [0, n_in - 1] and
    t = u - floor(u); each row sums to 1.
    """
    n_out = n_in * factor
    u = (np.arange(n_out) + 0.5) / factor - 0.5
    u = np.clip(u, 0.0, n_in - 1)
    lo = np.floor(u).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    t = u - lo
    a = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(a, (rows, lo), 1.0 - t)
    np.add.at(a, (rows, hi), t)
    return a


class UpSampling2D(Layer):
    """Upsample images by integer factors, nearest or bilinear.

    Args:
        size: int or (fh, fw), Keras default (2, 2).
        data_format: ``"channels_last"`` (or None); nnkit has no other.
        interpolation: ``"nearest"`` (Keras default) or ``"bilinear"``.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, fh H, fw W, C)
    """

    input_ndim = 3

    def __init__(self, size: Any = (2, 2), data_format: str | None = None,
                 interpolation: str = "nearest", **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.size = check.int_pair(owner, "size", size)
        self.data_format = check_data_format(data_format, owner)
        self.interpolation = check.one_of(owner, "interpolation",
                                          interpolation,
                                          ("nearest", "bilinear"))

    def compute_output_shape(self, input_shape):
        h, w, c = input_shape
        return (h * self.size[0], w * self.size[1], c)

    def check_input(self, x):
        return check_images(self, x)

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x_shape = x.shape
        fh, fw = self.size
        if self.interpolation == "nearest":
            return x.repeat(fh, axis=1).repeat(fw, axis=2)
        self.a_h = bilinear_matrix(x.shape[1], fh).astype(x.dtype)
        self.a_w = bilinear_matrix(x.shape[2], fw).astype(x.dtype)
        return np.einsum("ih,jw,nhwc->nijc", self.a_h, self.a_w, x,
                         optimize=True)

    def backward(self, dout):
        n, h, w, c = self.x_shape
        fh, fw = self.size
        if self.interpolation == "nearest":
            return dout.reshape(n, h, fh, w, fw, c).sum(axis=(2, 4))
        return np.einsum("ih,jw,nijc->nhwc", self.a_h, self.a_w, dout,
                         optimize=True)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size),
                "data_format": self.data_format,
                "interpolation": self.interpolation}
