"""Max and average pooling over windows of channels-last images.

Each channel is pooled separately: a (ph, pw) window slides with stride
(sh, sw) (default: the window size, so windows do not overlap) and is
replaced by its largest value or its mean. Output size as for a
convolution (``nnkit.layers.im2col``), with 'same' padding placed as in
TensorFlow.

Backward, per window (the derivative of max and of mean):

* max: the window's dout goes entirely to its largest pixel,
  dx[argmax] += dout. If several pixels tie, the first in row-major
  window order gets it — what TensorFlow's MaxPoolGrad does;
* average: each real pixel of the window gets dout / count.

Both are written as "build the gradient of every window's pixels, then
``col2im``", which adds overlapping windows' contributions.

'same' padding: padded pixels never win a max (they are -inf), and an
average divides by the number of *real* pixels in the window, as in
TensorFlow (not by ph * pw).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Layer
from .conv import check_images, check_padding
from .im2col import (
    col2im,
    conv_output_size,
    pad_input,
    resolve_padding,
    to_pair,
    windows,
)

__all__ = ["MaxPooling2D", "AveragePooling2D"]


class _Pooling2D(Layer):
    """Shared arguments, geometry and checks of 2-D pooling layers.

    Args:
        pool_size: int or (ph, pw), Keras default (2, 2).
        strides: int, pair or None (None: equal to ``pool_size``).
        padding: ``"valid"`` or ``"same"``.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, C)
    """

    input_ndim = 3

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None,
                 padding: str = "valid", **kwargs: Any):
        super().__init__(**kwargs)
        owner = f"{type(self).__name__} '{self.name}'"
        self.pool_size = to_pair(pool_size, "pool_size", owner)
        self.strides = (self.pool_size if strides is None
                        else to_pair(strides, "strides", owner))
        self.padding = check_padding(padding, owner)

    def _geometry(self, input_shape: tuple[int, ...]):
        hw = tuple(input_shape[:2])
        pads = resolve_padding(self.padding, hw, self.pool_size,
                               self.strides)
        out = tuple(conv_output_size(n + sum(p), f, 0, s) for n, p, f, s
                    in zip(hw, pads, self.pool_size, self.strides))
        if min(out) <= 0:
            raise ValueError(
                f"{self.describe()}: with padding='valid' a "
                f"{self.pool_size[0]}x{self.pool_size[1]} window does not "
                f"fit an input of {hw[0]}x{hw[1]} pixels (input shape "
                f"{tuple(input_shape)}); use padding='same' or a smaller "
                f"pool_size")
        return pads, out

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return self._geometry(input_shape)[1] + (input_shape[-1],)

    def check_input(self, x):
        return check_images(self, x)

    def _window_grads_to_dx(self, dwin: np.ndarray) -> np.ndarray:
        """col2im of per-window pixel gradients (N, Ho, Wo, C, ph*pw)."""
        # col2im wants rows of (ph, pw, C) patches: move C last.
        dcols = dwin.transpose(0, 1, 2, 4, 3).reshape(-1, dwin.shape[3]
                                                     * dwin.shape[4])
        return col2im(dcols, self.x_shape, self.pool_size, self.strides,
                      self.pads)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "strides": list(self.strides), "padding": self.padding}


class MaxPooling2D(_Pooling2D):
    """Max pooling: each window is replaced by its largest pixel.

    Args:
        pool_size: int or (ph, pw), Keras default (2, 2).
        strides: int, pair or None (None: equal to ``pool_size``).
        padding: ``"valid"`` or ``"same"`` (pads with -inf).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, C)
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pads, (ho, wo) = self._geometry(x.shape[1:])
        xp = pad_input(x, self.pads, value=-np.inf)
        win = windows(xp, self.pool_size, self.strides)
        flat = win.reshape(win.shape[:4] + (-1,))  # (N, Ho, Wo, C, ph*pw)
        # argmax returns the first maximum in row-major window order,
        # the pixel TensorFlow's gradient goes to when values tie.
        self.argmax = flat.argmax(axis=-1)
        out = np.take_along_axis(flat, self.argmax[..., None], -1)[..., 0]
        self.x_shape, self.out = x.shape, out
        return out

    def backward(self, dout):
        size = self.pool_size[0] * self.pool_size[1]
        winner = self.argmax[..., None] == np.arange(size)
        return self._window_grads_to_dx(winner * dout[..., None])


class AveragePooling2D(_Pooling2D):
    """Average pooling: each window is replaced by its mean.

    Args:
        pool_size: int or (ph, pw), Keras default (2, 2).
        strides: int, pair or None (None: equal to ``pool_size``).
        padding: ``"valid"`` or ``"same"`` (the mean is over the
            window's real pixels only, as in TensorFlow).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, C)
    """

    def _counts(self, hw: tuple[int, int]) -> np.ndarray | float:
        """Real (non-padding) pixels per window: (Ho, Wo, 1) or a float."""
        if self.pads == ((0, 0), (0, 0)):
            return float(self.pool_size[0] * self.pool_size[1])
        ones = pad_input(np.ones((1,) + hw + (1,), self.dtype), self.pads)
        return windows(ones, self.pool_size, self.strides).sum(
            axis=(4, 5))[0]

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pads, _ = self._geometry(x.shape[1:])
        win = windows(pad_input(x, self.pads), self.pool_size,
                      self.strides)
        self.count = self._counts(x.shape[1:3])
        out = win.sum(axis=(4, 5)) / self.count
        self.x_shape, self.out = x.shape, out
        return out

    def backward(self, dout):
        size = self.pool_size[0] * self.pool_size[1]
        share = (dout / self.count)[..., None]
        # Padding pixels receive a share too, but col2im drops them.
        dwin = np.broadcast_to(share, dout.shape + (size,))
        return self._window_grads_to_dx(dwin)
