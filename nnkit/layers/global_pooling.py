"""Global pooling: one number per channel, from the whole image/sequence.

    GlobalAveragePooling2D:  out[n, c] = mean_{i, j} x[n, i, j, c]
    GlobalMaxPooling2D:      out[n, c] = max_{i, j} x[n, i, j, c]
    GlobalAveragePooling1D:  out[n, c] = mean_t x[n, t, c]
    GlobalMaxPooling1D:      out[n, c] = max_t x[n, t, c]

Backward: the average spreads dout evenly, dx = dout / (H W) at every
pixel; the max sends dout to the largest pixel. If several pixels tie
for the maximum, TensorFlow (whose max reduction Keras uses here)
splits dout equally among them, and so does nnkit.

They replace ``Flatten`` before the classifier in all-convolutional
networks: the output no longer depends on the image size.

GlobalAveragePooling1D also takes a mask (N, L) of the steps to keep,
as Keras does after ``Embedding(mask_zero=True)``: the mean is then
over the kept steps only, out = sum_t m_t x_t / sum_t m_t, and
dx_t = m_t dout / sum_t m_t. (A sequence with no kept step gives 0/0,
NaN, as in Keras.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .base_conv import check_data_format
from .conv import check_images
from .conv1d import check_steps

__all__ = ["GlobalAveragePooling2D", "GlobalMaxPooling2D",
           "GlobalAveragePooling1D", "GlobalMaxPooling1D"]


def _max_and_shares(x: np.ndarray, axes: tuple[int, ...]):
    """The maximum over ``axes`` (kept as size 1) and each element's
    share of its gradient: 1 for the largest, split equally among ties
    (as in TensorFlow), 0 elsewhere."""
    peak = x.max(axis=axes, keepdims=True)
    winners = x == peak
    return peak, winners / winners.sum(axis=axes, keepdims=True)


class _GlobalPooling(Layer):
    """Shared arguments and checks of the global poolings.

    Args:
        data_format: ``"channels_last"`` (or None); nnkit has no other.
        keepdims: keep the pooled axes with size 1 (output (N, 1, 1, C)
            for images, (N, 1, C) for sequences), as Keras'
            ``keepdims``; default False, output (N, C).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).
    """

    def __init__(self, data_format: str | None = None,
                 keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, self.describe())
        self.keepdims = check.boolean(self.describe(), "keepdims",
                                      keepdims)

    def compute_output_shape(self, input_shape):
        c = input_shape[-1]
        return (1,) * (self.input_ndim - 1) + (c,) if self.keepdims \
            else (c,)

    def _shape_out(self, out: np.ndarray) -> np.ndarray:
        """(N, 1, ..., C) kept, or squeezed to (N, C)."""
        return out if self.keepdims else out.reshape(out.shape[:1]
                                                       + out.shape[-1:])

    def _dout_full(self, dout: np.ndarray) -> np.ndarray:
        """dout with the pooled axes back, size 1: (N, 1, ..., C)."""
        if self.keepdims:
            return dout
        return dout.reshape((len(dout),) + (1,) * (self.input_ndim - 1)
                            + dout.shape[-1:])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class _GlobalPooling2D(_GlobalPooling):
    """Global pooling over height and width.

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, C), or (N, 1, 1, C) with ``keepdims=True``
    """

    input_ndim = 3

    def check_input(self, x):
        return check_images(self, x)


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over height and width, per channel."""

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.x_shape = x.shape
        self.out = self._shape_out(x.mean(axis=(1, 2), keepdims=True))
        return self.out

    def backward(self, dout):
        n, h, w, c = self.x_shape
        share = self._dout_full(dout) / (h * w)
        return np.broadcast_to(share, self.x_shape).copy()


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over height and width, per channel."""

    def forward(self, x, training=False):
        x = self.check_input(x)
        peak, self.share = _max_and_shares(x, (1, 2))
        self.out = self._shape_out(peak)
        return self.out

    def backward(self, dout):
        return self.share * self._dout_full(dout)


class _GlobalPooling1D(_GlobalPooling):
    """Global pooling over the steps.

    Input shape:
        (N, L, C)
    Output shape:
        (N, C), or (N, 1, C) with ``keepdims=True``
    """

    input_ndim = 2

    def check_input(self, x):
        return check_steps(self, x)


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over the steps, per channel (over the kept steps if masked).

    Call arguments:
        mask: optional boolean array (N, L), True for the steps to
            average (e.g. the non-padding steps).
    """

    supports_masking = True

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        self.x_shape = x.shape
        if mask is None:
            self.step_share = None
            self.out = self._shape_out(x.mean(axis=1, keepdims=True))
            return self.out
        mask = np.asarray(mask)
        if mask.shape != x.shape[:2]:
            raise ValueError(f"{self.describe()}: mask must have shape "
                             f"(batch, steps) = {x.shape[:2]}, got "
                             f"{mask.shape}")
        keep = mask.astype(bool)[..., None]
        count = keep.sum(axis=1, keepdims=True).astype(x.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.step_share = keep / count            # m_t / sum_t m_t
            total = np.where(keep, x, 0).sum(axis=1, keepdims=True)
            self.out = self._shape_out(total / count)
        return self.out

    def compute_mask(self, inputs, mask=None):
        """The steps are pooled away: no mask goes further."""
        return None

    def backward(self, dout):
        d = self._dout_full(dout)
        if self.step_share is None:
            return np.broadcast_to(d / self.x_shape[1],
                                   self.x_shape).copy()
        return (self.step_share * d).astype(self.dtype, copy=False)


class GlobalMaxPooling1D(_GlobalPooling1D):
    """Maximum over the steps, per channel."""

    def forward(self, x, training=False):
        x = self.check_input(x)
        peak, self.share = _max_and_shares(x, (1,))
        self.out = self._shape_out(peak)
        return self.out

    def backward(self, dout):
        return self.share * self._dout_full(dout)
