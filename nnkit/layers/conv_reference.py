"""Naive convolution and pooling: plain loops, for reading and testing.

These functions say what ``Conv2D``, ``MaxPooling2D`` and
``AveragePooling2D`` compute, one output pixel at a time, in the
CS231n style: ``*_forward`` returns ``(out, cache)`` and ``*_backward``
takes ``(dout, cache)``. They are slow (Python loops over examples and
pixels) and exist only as the reference the chapter shows and the tests
compare the fast layers against. Images are channels last (N, H, W, C).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .im2col import conv_output_size, resolve_padding, to_pair

__all__ = ["conv2d_naive_forward", "conv2d_naive_backward",
           "pool_naive_forward", "pool_naive_backward"]


def _patch(i: int, j: int, kernel, strides, dilation):
    """Row and column slices of the window under output pixel (i, j)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilation
    return (slice(i * sh, i * sh + dh * (kh - 1) + 1, dh),
            slice(j * sw, j * sw + dw * (kw - 1) + 1, dw))


def conv2d_naive_forward(x: np.ndarray, w: np.ndarray,
                         b: np.ndarray | None = None, strides: Any = 1,
                         padding: Any = "valid", dilation_rate: Any = 1
                         ) -> tuple[np.ndarray, tuple]:
    """out[n, i, j, f] = sum(patch(n, i, j) * w[..., f]) + b[f].

    Args:
        x: (N, H, W, C); w: (kh, kw, C, F); b: (F,) or None.
        strides, dilation_rate: int or pair; padding: "valid", "same",
            an int or ((top, bottom), (left, right)).

    Returns:
        out (N, Ho, Wo, F) and the cache for the backward pass.
    """
    strides = to_pair(strides, "strides", "conv2d_naive_forward")
    dilation = to_pair(dilation_rate, "dilation_rate",
                       "conv2d_naive_forward")
    kh, kw, c, f = w.shape
    n, h, wd, _ = x.shape
    pads = resolve_padding(padding, (h, wd), (kh, kw), strides, dilation)
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    ho = conv_output_size(xp.shape[1], kh, 0, strides[0], dilation[0])
    wo = conv_output_size(xp.shape[2], kw, 0, strides[1], dilation[1])
    out = np.zeros((n, ho, wo, f), dtype=x.dtype)
    for e in range(n):
        for i in range(ho):
            for j in range(wo):
                rows, cols = _patch(i, j, (kh, kw), strides, dilation)
                patch = xp[e, rows, cols, :]                # (kh, kw, C)
                for k in range(f):
                    out[e, i, j, k] = np.sum(patch * w[..., k])
    if b is not None:
        out += b
    return out, (x, w, b, strides, pads, dilation)


def conv2d_naive_backward(dout: np.ndarray, cache: tuple
                          ) -> tuple[np.ndarray, np.ndarray, Any]:
    """Gradients of the naive convolution.

    Every output pixel (n, i, j, f) used patch(n, i, j) and w[..., f],
    so it sends dout[n, i, j, f] * w[..., f] back to the patch's pixels
    and dout[n, i, j, f] * patch to dw[..., f].

    Returns:
        dx (N, H, W, C), dw (kh, kw, C, F), db (F,) or None.
    """
    x, w, b, strides, pads, dilation = cache
    kh, kw, _, f = w.shape
    (pt, _), (pl, _) = pads
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    n, ho, wo, _ = dout.shape
    for e in range(n):
        for i in range(ho):
            for j in range(wo):
                rows, cols = _patch(i, j, (kh, kw), strides, dilation)
                for k in range(f):
                    g = dout[e, i, j, k]
                    dxp[e, rows, cols, :] += g * w[..., k]
                    dw[..., k] += g * xp[e, rows, cols, :]
    db = None if b is None else dout.sum(axis=(0, 1, 2))
    dx = dxp[:, pt:pt + x.shape[1], pl:pl + x.shape[2], :]
    return dx, dw, db


def pool_naive_forward(x: np.ndarray, pool_size: Any = 2,
                       strides: Any = None, padding: str = "valid",
                       mode: str = "max") -> tuple[np.ndarray, tuple]:
    """Max or average of each window, channel by channel.

    'same' padding adds pixels that never win a max and are left out of
    an average (TensorFlow divides by the number of real pixels).

    Returns:
        out (N, Ho, Wo, C) and the cache.
    """
    pool = to_pair(pool_size, "pool_size", "pool_naive_forward")
    strides = pool if strides is None else to_pair(
        strides, "strides", "pool_naive_forward")
    n, h, wd, c = x.shape
    pads = resolve_padding(padding, (h, wd), pool, strides)
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=np.nan)
    ho = conv_output_size(xp.shape[1], pool[0], 0, strides[0])
    wo = conv_output_size(xp.shape[2], pool[1], 0, strides[1])
    out = np.zeros((n, ho, wo, c), dtype=x.dtype)
    for (e, i, j, k), rows, cols in _pool_windows(out.shape, pool, strides):
        window = xp[e, rows, cols, k]
        # nanmax/nanmean skip the padding pixels (NaN).
        out[e, i, j, k] = (np.nanmax(window) if mode == "max"
                           else np.nanmean(window))
    return out, (x, pool, strides, pads, mode)


def _pool_windows(out_shape, pool, strides):
    """Each output index (e, i, j, k) with its window's row and column
    slices, one channel at a time."""
    n, ho, wo, c = out_shape
    for e in range(n):
        for i in range(ho):
            for j in range(wo):
                rows, cols = _patch(i, j, pool, strides, (1, 1))
                for k in range(c):
                    yield (e, i, j, k), rows, cols


def pool_naive_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx of the naive pooling.

    Max: each window's gradient goes to its largest pixel (the first
    one in row-major order if several tie, as TensorFlow does).
    Average: spread evenly over the window's real pixels.
    """
    x, pool, strides, pads, mode = cache
    (pt, _), (pl, _) = pads
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=np.nan)
    dxp = np.zeros_like(xp)
    for (e, i, j, k), rows, cols in _pool_windows(dout.shape, pool,
                                                  strides):
        window = xp[e, rows, cols, k]
        real = ~np.isnan(window)
        if mode == "max":
            a, b = np.unravel_index(np.nanargmax(window), window.shape)
            dxp[e, rows.start + a, cols.start + b, k] += dout[e, i, j, k]
        else:
            grad = dout[e, i, j, k] / real.sum()
            dxp[e, rows, cols, k] += grad * real
    return dxp[:, pt:pt + x.shape[1], pl:pl + x.shape[2], :]
