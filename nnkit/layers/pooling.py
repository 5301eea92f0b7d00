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

Both directions loop over the ph * pw window offsets, as ``col2im``
does, never over pixels: the strided slice ``xp[:, rows, cols]`` of
offset (a, b) holds pixel (a, b) of every window at once. Forward takes
the elementwise max (or sum) of the ph * pw slices; backward adds each
offset's share of dout back into its slice, so overlapping windows'
contributions add up.

Windows that tile the image (stride = pool size, Keras' default) need
no adding up: max pooling then views the image as (N, Ho, ph, Wo, pw, C)
tiles. The forward pass copies pixel k of every window into contiguous
memory, one k at a time, and keeps each window's argmax (``_tile_max``);
the backward pass fills dx's ph pw planes (plane k: pixel k of every
window) and copies them back into the tiles once (``_tile_gradient``).

'same' padding: padded pixels never win a max (they are -inf), and an
average divides by the number of *real* pixels in the window, as in
TensorFlow (not by ph * pw).
"""

from __future__ import annotations

import numpy as np

from .base_conv import window_too_large
from .base_pooling import BasePooling
from .conv import check_images
from .im2col import (
    conv_output_size,
    kernel_offsets,
    pad_input,
    resolve_padding,
)

__all__ = ["MaxPooling2D", "AveragePooling2D"]


class _Pooling2D(BasePooling):
    """Shared geometry and checks of 2-D pooling layers (the arguments
    are ``BasePooling``'s).

    Input shape:
        (N, H, W, C)
    Output shape:
        (N, Ho, Wo, C)
    """

    input_ndim = 3

    def _geometry(self, input_shape: tuple[int, ...]):
        hw = tuple(input_shape[:2])
        pads = resolve_padding(self.padding, hw, self.pool_size,
                               self.strides)
        out = tuple(conv_output_size(n + sum(p), f, 0, s) for n, p, f, s
                    in zip(hw, pads, self.pool_size, self.strides))
        if min(out) <= 0:
            raise window_too_large(
                self, f"a {self.pool_size[0]}x{self.pool_size[1]} window",
                f"an input of {hw[0]}x{hw[1]} pixels", input_shape,
                "padding='same' or a smaller pool_size")
        return pads, out

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return self._geometry(input_shape)[1] + (input_shape[-1],)

    def check_input(self, x):
        return check_images(self, x)

    def _offsets(self, out_hw: tuple[int, int]):
        """(rows, cols) slices of each window offset, row-major."""
        for _, _, rows, cols in kernel_offsets(self.pool_size, self.strides,
                                               (1, 1), out_hw):
            yield rows, cols

    def _reduce(self, xp: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        """ufunc (np.maximum or np.add) over each window of xp."""
        slices = self._offsets(self._out_hw)
        rows, cols = next(slices)
        out = xp[:, rows, cols, :].copy()
        for rows, cols in slices:
            ufunc(out, xp[:, rows, cols, :], out=out)
        return out

    def _scatter(self, grads) -> np.ndarray:
        """dx from (rows, cols, gradient) for each window offset."""
        n, h, w, c = self.x_shape
        (pt, pb), (pl, pr) = self.pads
        dxp = np.zeros((n, h + pt + pb, w + pl + pr, c), self.dtype)
        for rows, cols, g in grads:
            dxp[:, rows, cols, :] += g
        return dxp[:, pt:pt + h, pl:pl + w, :]


# Each layer's docstring shows what is its own; BasePooling's Args and
# _Pooling2D's shapes complete it (nnkit._docs: help() and the API page
# show both).
class MaxPooling2D(_Pooling2D):
    """Max pooling: each window is replaced by its largest pixel.

    Args:
        padding: ``"valid"`` or ``"same"`` (pads with -inf).
    """

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pads, self._out_hw = self._geometry(x.shape[1:])
        self.xp = pad_input(x, self.pads, value=-np.inf)
        self.x_shape = x.shape
        if self.strides == self.pool_size:
            self.out, self.argmax = _tile_max(self._tiles(self.xp))
        else:
            self.out = self._reduce(self.xp, np.maximum)
        return self.out

    def backward(self, dout):
        if self.strides == self.pool_size:
            return self._tile_gradient(dout)
        # A pixel wins its window if it equals the window's max and no
        # earlier pixel (row-major window order) has won: on ties the
        # first maximum takes the gradient, as in TensorFlow.
        taken = np.zeros(self.out.shape, bool)
        grads = []
        for rows, cols in self._offsets(self._out_hw):
            wins = (self.xp[:, rows, cols, :] == self.out) & ~taken
            taken |= wins
            grads.append((rows, cols, wins * dout))
        return self._scatter(grads)

    def _tiles(self, a: np.ndarray) -> np.ndarray:
        """The windows that tile a padded (N, Hp, Wp, C) array, as a
        (N, Ho, ph, Wo, pw, C) view (pixels no window covers dropped)."""
        (ph, pw), (ho, wo) = self.pool_size, self._out_hw
        n, c = len(a), a.shape[-1]
        return a[:, :ho * ph, :wo * pw].reshape(n, ho, ph, wo, pw, c)

    def _tile_gradient(self, dout):
        """dx for windows that tile the image: each window's dout goes
        to the offset ``argmax`` kept by the forward pass."""
        # dx[n, i, a, j, b, c] = dout[n, i, j, c] if offset (a, b) of
        # window (i, j) is the argmax, else 0
        n, h, w, c = self.x_shape
        (ph, pw), (ho, wo) = self.pool_size, self._out_hw
        dout = np.asarray(dout, self.dtype)
        covered = self.xp.shape[1:3] == (ho * ph, wo * pw)
        # every pixel is written below, except those no window covers
        dxp = (np.empty if covered else np.zeros)(self.xp.shape, self.dtype)
        planes = np.empty((ph, pw) + dout.shape, self.dtype)
        for k in range(ph * pw):
            plane = planes[k // pw, k % pw]
            # the mask argmax == k written as numbers into the plane,
            # times dout (2x faster than a product with a bool mask)
            np.equal(self.argmax, k, out=plane, casting="unsafe")
            plane *= dout
        # the planes back into the windows, in one copy
        np.copyto(self._tiles(dxp), planes.transpose(2, 3, 0, 4, 1, 5))
        (pt, _), (pl, _) = self.pads
        return dxp[:, pt:pt + h, pl:pl + w, :]


def _tile_max(tiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Max of each window of a (N, Ho, ph, Wo, pw, C) tile view and the
    row-major offset k = a pw + b of its first maximum (the argmax)."""
    ph, pw = tiles.shape[2], tiles.shape[4]
    out = tiles[:, :, 0, :, 0, :].copy()
    pixel = np.empty_like(out)
    argmax = np.zeros(out.shape, np.min_scalar_type(ph * pw))
    for k in range(1, ph * pw):
        # pixel k of every window, copied once into contiguous memory
        # (NumPy would copy a strided operand for each operation)
        np.copyto(pixel, tiles[:, :, k // pw, :, k % pw, :])
        # strictly greater: on ties the first maximum keeps the gradient
        # (as in TensorFlow); a uint8 view, as numpy's bool casts are slow
        won = (pixel > out).view(np.uint8)
        # k exceeds every earlier offset: argmax becomes k where won
        np.maximum(argmax, won * argmax.dtype.type(k), out=argmax)
        np.maximum(out, pixel, out=out)
    return out, argmax


class AveragePooling2D(_Pooling2D):
    """Average pooling: each window is replaced by its mean.

    Args:
        padding: ``"valid"`` or ``"same"`` (the mean is over the
            window's real pixels only, as in TensorFlow).
    """

    def _counts(self, hw: tuple[int, int]) -> np.ndarray | float:
        """Real (non-padding) pixels per window: (Ho, Wo, 1) or a float."""
        if self.pads == ((0, 0), (0, 0)):
            return float(self.pool_size[0] * self.pool_size[1])
        ones = pad_input(np.ones((1,) + hw + (1,), self.dtype), self.pads)
        return self._reduce(ones, np.add)[0]

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pads, self._out_hw = self._geometry(x.shape[1:])
        self.count = self._counts(x.shape[1:3])
        self.x_shape = x.shape
        self.out = self._reduce(pad_input(x, self.pads), np.add) / self.count
        return self.out

    def backward(self, dout):
        # Each real pixel of a window gets dout / count; padding pixels
        # get a share too, but _scatter crops them away.
        share = dout / self.count
        return self._scatter((rows, cols, share) for rows, cols in
                             self._offsets(self._out_hw))
