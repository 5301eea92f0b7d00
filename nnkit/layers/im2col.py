"""Convolution geometry and the im2col trick.

Output size. A kernel of size f with dilation d spans d(f - 1) + 1
input pixels; sliding it with stride s over n pixels padded by p on each
side gives

    n_out = floor((n + 2p - d(f - 1) - 1) / s) + 1     (conv_output_size)

'valid' means p = 0. 'same' (Keras/TensorFlow) pads just enough that
n_out = ceil(n / s):

    pad_total = max((ceil(n / s) - 1) s + d(f - 1) + 1 - n, 0)
    pad_before = pad_total // 2,   pad_after = pad_total - pad_before

so when pad_total is odd the extra pixel goes after (bottom, right).

im2col. A convolution is a dot product between the kernel and every
patch of the input. Copy each patch, flattened in (kh, kw, C) order, into
one row of a matrix ``cols``; then the whole convolution is one matrix
product with the kernel reshaped to (kh kw C, F):

    x (N, H, W, C) --im2col--> cols (N Ho Wo, kh kw C)
    out = cols @ kernel.reshape(kh kw C, F)    -> (N Ho Wo, F)

``col2im`` is its adjoint: it adds every row of a cols-shaped array back
onto the pixels its patch came from. Overlapping patches *add*, which is
exactly what backpropagation needs: dx = col2im(dcols).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import _validate as check

__all__ = ["conv_output_size", "same_padding", "resolve_padding",
           "pad_input", "windows", "im2col", "col2im", "kernel_offsets",
           "to_pair"]

Pads = tuple[tuple[int, int], tuple[int, int]]


def to_pair(value: Any, arg: str, owner: str) -> tuple[int, int]:
    """An int or a pair of ints as a validated (positive) pair
    (``nnkit._validate.int_pair``, arguments in this module's order)."""
    return check.int_pair(owner, arg, value)


def conv_output_size(n: int, f: int, p: int, s: int, d: int = 1) -> int:
    """floor((n + 2p - d(f - 1) - 1) / s) + 1, the size along one axis.

    Args:
        n: input size; f: kernel size; p: padding on each side;
        s: stride; d: dilation.

    >>> conv_output_size(28, 5, 0, 1)        # 28x28 image, 5x5 kernel
    24
    """
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


def same_padding(n: int, f: int, s: int, d: int = 1) -> tuple[int, int]:
    """(before, after) padding of TensorFlow's 'same' along one axis."""
    n_out = -(-n // s)                                   # ceil(n / s)
    total = max((n_out - 1) * s + d * (f - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def resolve_padding(padding: Any, hw: tuple[int, int],
                    kernel: tuple[int, int], strides: tuple[int, int],
                    dilation: tuple[int, int] = (1, 1)) -> Pads:
    """Padding as ((top, bottom), (left, right)).

    ``padding`` is ``"valid"``, ``"same"``, an int p (p on every side)
    or already a ((top, bottom), (left, right)) pair of pairs.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        return tuple(same_padding(n, f, s, d) for n, f, s, d
                     in zip(hw, kernel, strides, dilation))
    if isinstance(padding, (int, np.integer)):
        return (int(padding),) * 2, (int(padding),) * 2
    (t, b), (left, r) = padding
    return (int(t), int(b)), (int(left), int(r))


def pad_input(x: np.ndarray, pads: Pads, value: float = 0.0) -> np.ndarray:
    """x (N, H, W, C) with ``pads`` rows/columns of ``value`` added."""
    if pads == ((0, 0), (0, 0)):
        return x
    return np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=value)


def windows(xp: np.ndarray, kernel: tuple[int, int],
            strides: tuple[int, int], dilation: tuple[int, int] = (1, 1)
            ) -> np.ndarray:
    """Every (dilated, strided) window of a padded input, as a view.

    ``sliding_window_view`` returns all windows of the full dilated
    extent without copying (it only changes the array's strides);
    slicing with steps then keeps every s-th window and every d-th
    pixel inside each window — still without copying.

    Args:
        xp: padded input (N, Hp, Wp, C).

    Returns:
        a read-only view (N, Ho, Wo, C, kh, kw).
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = sliding_window_view(xp, span, axis=(1, 2))
    return view[:, ::sh, ::sw, :, ::dh, ::dw]


def im2col(x: np.ndarray, kernel_size: Any, strides: Any = 1,
           padding: Any = "valid", dilation_rate: Any = 1,
           ones_column: bool = False) -> np.ndarray:
    """Unroll every patch of x into a row of a matrix.

    Args:
        x: images (N, H, W, C), channels last.
        kernel_size, strides, dilation_rate: ints or (h, w) pairs.
        padding: "valid", "same", an int, or ((top, bottom), (left,
            right)).
        ones_column: append a column of ones (the "bias trick": then
            ``[cols 1] @ [K2; b] = cols @ K2 + b``, one product).

    Returns:
        cols (N * Ho * Wo, kh * kw * C): row ``(n, i, j)`` (row-major)
        holds the patch under output pixel (i, j) of image n, flattened
        in (kh, kw, C) order — the order of ``kernel.reshape(-1, F)``
        for a Keras kernel (kh, kw, C, F). One more column of ones if
        ``ones_column``. Column-major (Fortran order) when C = 1.
    """
    kernel = to_pair(kernel_size, "kernel_size", "im2col")
    strides = to_pair(strides, "strides", "im2col")
    dilation = to_pair(dilation_rate, "dilation_rate", "im2col")
    pads = resolve_padding(padding, x.shape[1:3], kernel, strides,
                           dilation)
    xp = pad_input(x, pads)
    (n, *_, c), (kh, kw) = x.shape, kernel
    ho, wo = (conv_output_size(m, f, 0, s, d) for m, f, s, d
              in zip(xp.shape[1:3], kernel, strides, dilation))
    # one channel: column-major, so each column is filled in one go
    cols = np.empty((n * ho * wo, kh * kw * c + ones_column), x.dtype,
                    order="F" if c == 1 else "C")
    if ones_column:
        cols[:, -1] = 1
    _copy_patches(xp, cols, (n, ho, wo, kh, kw, c), strides, dilation)
    return cols


def _copy_patches(xp: np.ndarray, cols: np.ndarray,
                  shape: tuple[int, ...], strides: tuple[int, int],
                  dilation: tuple[int, int]) -> None:
    """patches[n, r, s, i, j] = xp[n, r sh + i dh, s sw + j dw], with
    patches (N, Ho, Wo, kh, kw, C) the first kh kw C columns of cols.

    With one channel (cols column-major), column (i, j) is offset (i,
    j)'s strided slice of xp: one contiguous copy per kernel offset (3x
    faster than copying the windows' one-pixel rows); with more
    channels, one copy of the transposed window view.
    """
    (n, ho, wo, kh, kw, c) = shape
    if c == 1:
        columns = cols.T[:kh * kw].reshape(kh, kw, n, ho, wo)   # a view
        for i, j, rows, cols_ij in kernel_offsets((kh, kw), strides,
                                                  dilation, (ho, wo)):
            columns[i, j] = xp[:, rows, cols_ij, 0]
        return
    # (N, Ho, Wo, C, kh, kw) -> (N, Ho, Wo, kh, kw, C): a view of cols
    patches = cols[:, :kh * kw * c].reshape(shape)
    win = windows(xp, (kh, kw), strides, dilation)
    np.copyto(patches, win.transpose(0, 1, 2, 4, 5, 3))


def col2im(cols: np.ndarray, x_shape: tuple[int, ...], kernel_size: Any,
           strides: Any = 1, padding: Any = "valid",
           dilation_rate: Any = 1) -> np.ndarray:
    """Add the rows of ``cols`` back onto the pixels they came from.

    The adjoint of ``im2col`` with the same arguments: a pixel that
    appears in k patches receives the sum of its k entries. Padding
    pixels are dropped at the end.

    Args:
        cols: (N * Ho * Wo, kh * kw * C), as returned by ``im2col``.
        x_shape: (N, H, W, C) of the original input.

    Returns:
        an array of shape ``x_shape``.
    """
    kernel = to_pair(kernel_size, "kernel_size", "col2im")
    (sh, sw) = to_pair(strides, "strides", "col2im")
    (dh, dw) = to_pair(dilation_rate, "dilation_rate", "col2im")
    n, h, w, c = x_shape
    (pt, pb), (pl, pr) = resolve_padding(padding, (h, w), kernel,
                                         (sh, sw), (dh, dw))
    kh, kw = kernel
    ho = conv_output_size(h + pt + pb, kh, 0, sh, dh)
    wo = conv_output_size(w + pl + pr, kw, 0, sw, dw)
    patches = cols.reshape(n, ho, wo, kh, kw, c)
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=cols.dtype)
    for i, j, rows, cols_ij in kernel_offsets(kernel, (sh, sw), (dh, dw),
                                              (ho, wo)):
        xp[:, rows, cols_ij, :] += patches[:, :, :, i, j, :]
    return xp[:, pt:pt + h, pl:pl + w, :]


def kernel_offsets(kernel: tuple[int, int], strides: tuple[int, int],
                   dilation: tuple[int, int], out_hw: tuple[int, int]):
    """For each kernel offset (i, j), the pixels it touches, as slices.

    Output pixel (r, s) reads padded pixel (r sh + i dh, s sw + j dw) at
    offset (i, j), so ``xp[:, rows, cols]`` with the strided slices
    yielded here holds, at once, the pixel that offset touches in every
    window. Looping over the kh * kw offsets (not over pixels) lets
    col2im and pooling scatter gradients with kh * kw vectorised
    additions; within one offset no pixel repeats, so ``+=`` is safe.

    Yields:
        (i, j, rows, cols) in row-major order of the offsets.
    """
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, strides, dilation, \
        out_hw
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
        for j in range(kw):
            yield i, j, rows, slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
