"""Global pooling: one number per channel, from the whole image.

    GlobalAveragePooling2D:  out[n, c] = mean_{i, j} x[n, i, j, c]
    GlobalMaxPooling2D:      out[n, c] = max_{i, j} x[n, i, j, c]

Backward: the average spreads dout evenly, dx = dout / (H W) at every
pixel; the max sends dout to the largest pixel. If several pixels tie
for the maximum, TensorFlow (whose max reduction Keras uses here)
splits dout equally among them, and so does nnkit.

They replace ``Flatten`` before the classifier in all-convolutional
networks: the output no longer depends on the image size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .conv import check_images

__all__ = ["GlobalAveragePooling2D", "GlobalMaxPooling2D"]


class _GlobalPooling2D(Layer):
    """Shared arguments and checks.

    Args:
        keepdims: keep the spatial axes, output (N, 1, 1, C), as Keras'
            ``keepdims``; default False, output (N, C).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).
    """

    input_ndim = 3

    def __init__(self, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.keepdims = check.boolean(self.describe(), "keepdims",
                                      keepdims)

    def compute_output_shape(self, input_shape):
        c = input_shape[-1]
        return (1, 1, c) if self.keepdims else (c,)

    def check_input(self, x):
        return check_images(self, x)

    def _shape_out(self, out: np.ndarray) -> np.ndarray:
        """(N, 1, 1, C) kept or squeezed to (N, C)."""
        return out if self.keepdims else out[:, 0, 0, :]

    def _dout_4d(self, dout: np.ndarray) -> np.ndarray:
        return dout if self.keepdims else dout[:, None, None, :]

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over height and width, per channel.

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, C), or (N, 1, 1, C) with ``keepdims=True``
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x_shape = x.shape
        self.out = self._shape_out(x.mean(axis=(1, 2), keepdims=True))
        return self.out

    def backward(self, dout):
        n, h, w, c = self.x_shape
        share = self._dout_4d(dout) / (h * w)
        return np.broadcast_to(share, self.x_shape).copy()


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over height and width, per channel.

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, C), or (N, 1, 1, C) with ``keepdims=True``
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        peak = x.max(axis=(1, 2), keepdims=True)
        # Ties share the gradient equally, as in TensorFlow.
        winners = x == peak
        self.share = winners / winners.sum(axis=(1, 2), keepdims=True)
        self.out = self._shape_out(peak)
        return self.out

    def backward(self, dout):
        return self.share * self._dout_4d(dout)
