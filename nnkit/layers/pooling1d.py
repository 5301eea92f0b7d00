"""Max and average pooling over the steps of channels-last sequences.

Each channel is pooled separately: a window of p steps slides with
stride s (default p: windows do not overlap) and is replaced by its
largest value or its mean. Output length as for ``Conv1D``, with
'same' padding placed as in TensorFlow (the extra step after).

The windows are a strided view of the padded input (no copy), shape
(N, Lo, C, p), so the forward pass is one reduction over its last axis.
Backward, per window:

* max: the window's dout goes to its largest step, dx[argmax] += dout;
  on ties the first in the window wins (``argmax`` returns the first),
  as in TensorFlow's MaxPoolGrad;
* average: each real step of the window gets dout / count.

The backward loops over the p window offsets (never over steps): offset
a of every window is the strided slice ``xp[:, a : a + s Lo : s]``, so
adding each offset's share there makes overlapping windows add up.

'same' padding: padded steps never win a max (they are -inf) and an
average divides by the number of real steps in its window.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .base_conv import window_too_large
from .base_pooling import BasePooling
from .conv1d import check_steps
from .im2col import conv_output_size, same_padding

__all__ = ["MaxPooling1D", "AveragePooling1D"]


class _Pooling1D(BasePooling):
    """Shared geometry and checks of 1-D pooling layers (the arguments
    are ``BasePooling``'s).

    Args:
        pool_size: p, an int or a 1-tuple, Keras default 2.
        strides: s, or None (None: equal to ``pool_size``).

    Input shape:
        (N, L, C)
    Output shape:
        (N, Lo, C)
    """

    rank = 1
    input_ndim = 2

    def _geometry(self, input_shape: tuple[int, ...]):
        n, p, s = input_shape[0], self.pool_size, self.strides
        pad = same_padding(n, p, s) if self.padding == "same" else (0, 0)
        out = conv_output_size(n + sum(pad), p, 0, s)
        if out <= 0:
            raise window_too_large(
                self, f"a window of {p} steps", f"a sequence of {n} steps",
                input_shape, "padding='same' or a smaller pool_size")
        return pad, out

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (self._geometry(input_shape)[1], input_shape[-1])

    def check_input(self, x):
        return check_steps(self, x)

    def _windows(self, x: np.ndarray, fill: float) -> np.ndarray:
        """Padded input's windows as a view (N, Lo, C, p)."""
        self.pad, self.lo = self._geometry(x.shape[1:])
        self.x_shape = x.shape
        xp = np.pad(x, ((0, 0), self.pad, (0, 0)), constant_values=fill) \
            if any(self.pad) else x
        win = sliding_window_view(xp, self.pool_size, axis=1)
        return win[:, ::self.strides][:, :self.lo]

    def _scatter(self, shares) -> np.ndarray:
        """dx from the gradient share of each window offset a."""
        n, steps, c = self.x_shape
        before, after = self.pad
        dxp = np.zeros((n, steps + before + after, c), self.dtype)
        s, lo = self.strides, self.lo
        for a, g in enumerate(shares):
            dxp[:, a:a + s * (lo - 1) + 1:s] += g
        return dxp[:, before:before + steps]


# Each layer's docstring shows what is its own; _Pooling1D's Args and
# shapes complete it (nnkit._docs: help() and the API page show both).
class MaxPooling1D(_Pooling1D):
    """Max pooling: each window of steps is replaced by its maximum.

    Args:
        padding: ``"valid"`` or ``"same"`` (pads with -inf).
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        win = self._windows(x, -np.inf)
        self.argmax = win.argmax(axis=-1)       # first maximum wins
        self.out = np.take_along_axis(win, self.argmax[..., None],
                                      axis=-1)[..., 0]
        return self.out

    def backward(self, dout):
        return self._scatter(np.where(self.argmax == a, dout, 0)
                             for a in range(self.pool_size))


class AveragePooling1D(_Pooling1D):
    """Average pooling: each window of steps is replaced by its mean.

    Args:
        padding: ``"valid"`` or ``"same"`` (the mean is over the
            window's real steps only, as in TensorFlow).
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        win = self._windows(x, 0.0)
        if any(self.pad):          # real (non-padding) steps per window
            ones = np.ones((1, x.shape[1], 1), self.dtype)
            self.count = self._windows(ones, 0.0).sum(axis=-1)[0]
            self.x_shape = x.shape
        else:
            self.count = self.dtype.type(self.pool_size)
        self.out = win.sum(axis=-1) / self.count
        return self.out

    def backward(self, dout):
        share = dout / self.count
        return self._scatter(share for _ in range(self.pool_size))
