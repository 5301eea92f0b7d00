"""Scaled dot-product attention, forward and backward, as functions.

The operation at the heart of a Transformer (Vaswani et al. 2017). Each
of Tq queries looks at Tk keys and takes a weighted mean of their
values, the weights saying how well the query matches each key::

    S = (Q / sqrt(d)) K^T          scores        (..., Tq, Tk)
    P = softmax(S) along Tk        attention weights, rows sum to 1
    O = P V                        output        (..., Tq, dv)

Shapes: Q (..., Tq, d), K (..., Tk, d), V (..., Tk, dv); the leading
axes (batch, heads) are carried along, so one call does every head of
every example. The scale 1/sqrt(d) keeps the scores' variance near 1
whatever d is, so the softmax does not saturate.

A boolean ``mask`` (broadcastable to (..., Tq, Tk), True = may attend)
hides keys from queries: padding keys, or with a lower-triangular
(causal) mask every later position. As in Keras, hidden scores are
replaced by -1e9 before the softmax, so they get weight 0, and hidden
weights are then set to 0 (a query that may attend to nothing gets an
all-zero row). An optional ``dropout_mask`` (kept / (1 - rate), or 0)
multiplies P before it meets V: attention dropout.

Backward, with G = dL/dO and P_d = P * dropout_mask::

    dV = P_d^T G
    dP = (G V^T) * dropout_mask  (+ dL/dP if P itself is an output)
    dS = P * (dP - sum_k dP * P)          the softmax's Jacobian
    dQ = dS K / sqrt(d)        dK = dS^T (Q / sqrt(d))

(hidden entries have P = 0, so dS is 0 there and no gradient reaches
their scores).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scaled_dot_product_attention",
           "scaled_dot_product_attention_backward", "causal_mask"]

LARGE_NEGATIVE = -1e9      # Keras' stand-in for -inf (float32 and 64)


def causal_mask(tq: int, tk: int) -> np.ndarray:
    """(Tq, Tk) boolean, True on and below the diagonal: query i may
    attend to keys 0..i (Keras' ``use_causal_mask``, aligned top-left).
    """
    return np.tril(np.ones((tq, tk), dtype=bool))


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray,
                                 v: np.ndarray, mask: Any = None,
                                 scale: float | None = None,
                                 dropout_mask: Any = None
                                 ) -> tuple[np.ndarray, dict[str, Any]]:
    """O = softmax(Q K^T / sqrt(d) with hidden scores -1e9) V.

    Args:
        q: queries (..., Tq, d).
        k: keys (..., Tk, d).
        v: values (..., Tk, dv).
        mask: optional boolean array broadcastable to (..., Tq, Tk),
            True where a query may attend to a key.
        scale: multiplies the queries; default 1 / sqrt(d).
        dropout_mask: optional array broadcastable to P (0 or
            1 / (1 - rate)) applied to the weights before they meet V.

    Returns:
        (O (..., Tq, dv), cache): the cache holds P (``cache["p"]``, the
        attention weights before dropout) and what the backward needs.
    """
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[-1])
    qs = q * q.dtype.type(scale)
    s = qs @ np.swapaxes(k, -1, -2)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        s = np.where(mask, s, s.dtype.type(LARGE_NEGATIVE))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    if mask is not None:
        p = np.where(mask, p, p.dtype.type(0))
    pd = p if dropout_mask is None else p * dropout_mask
    out = pd @ v
    cache = {"qs": qs, "k": k, "v": v, "p": p, "pd": pd,
             "scale": scale, "dropout_mask": dropout_mask}
    return out, cache


def scaled_dot_product_attention_backward(
        dout: np.ndarray, cache: dict[str, Any],
        dp_extra: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dQ, dK, dV from dL/dO (see the module docstring for the maths).

    Args:
        dout: dL/dO, shape (..., Tq, dv).
        cache: the second return value of the forward function.
        dp_extra: optional dL/dP when the weights P are themselves an
            output (``return_attention_scores``).

    Returns:
        (dQ, dK, dV), shaped like Q, K and V (before any broadcasting).
    """
    qs, k, v, p, pd = (cache[n] for n in ("qs", "k", "v", "p", "pd"))
    dv = np.swapaxes(pd, -1, -2) @ dout
    dp = dout @ np.swapaxes(v, -1, -2)
    if cache["dropout_mask"] is not None:
        dp = dp * cache["dropout_mask"]
    if dp_extra is not None:
        dp = dp + dp_extra
    ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))
    scale = qs.dtype.type(cache["scale"])
    dq = (ds @ k) * scale
    dk = np.swapaxes(ds, -1, -2) @ qs
    return dq, dk, dv
