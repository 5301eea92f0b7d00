"""Backpropagation through time: the backward walks over the steps.

A recurrent layer (``recurrent.Recurrent``) ran its cell forward over
T steps and kept each step's cache. Given dh, (T, N, H), the gradient
reaching each h_t from outside the recurrence (the layer's output),
these functions walk the steps backwards and return, for every step,
dL/dxz_t and dL/dhz_t — the gradients of the cell's two matmul
outputs, from which the layer gets dW, dU, db and dx in one matmul
each — and the gradients of the initial states.

One step back (``step_back``): the cell turns the gradients of its new
states into dxz_t, dhz_t and the gradients of its previous states; the
matmul hz_t = h_{t-1} U adds dhz_t U^T to dL/dh_{t-1}.

Full BPTT (``bptt``) carries one running gradient from t = T-1 down to
0: at each step it adds dh_t, then steps back. O(T) cell steps.

Truncated BPTT (``bptt_truncated``, k steps): the gradient of the
output at step t flows back through steps t, t-1, ..., t-k+1 only, and
stops at the state entering them, as if that state were a constant.
Each output gets its own walk of at most k steps, O(T k) in all. The
initial states receive a gradient from the walks that reach step 0.
With k >= T this is exactly full BPTT.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["step_back", "bptt", "bptt_truncated"]


def step_back(layer: Any, dnext: list, cache: Any, u_t: np.ndarray):
    """One cell backward, plus the path through h_{t-1} U.

    Args:
        layer: the recurrent layer (provides ``_cell_backward``).
        dnext: gradients of the step's new states, each (N, H).
        cache: what the cell's forward kept for this step.
        u_t: U^T, (kH, H).

    Returns:
        dxz (N, kH), dhz (N, kH), [gradient of each previous state].
    """
    dxz, dhz, dprev = layer._cell_backward(dnext, cache)
    through_u = dhz @ u_t
    dprev[0] = through_u if dprev[0] is None else dprev[0] + through_u
    return dxz, dhz, dprev


def _buffers(layer: Any, dh: np.ndarray, fill) -> tuple:
    dxz = fill(dh.shape[:2] + (layer.n_gates * layer.units,), dh.dtype)
    return dxz, (dxz if layer.tied else fill(dxz.shape, dh.dtype))


def bptt(layer: Any, dh: np.ndarray, dlast: list, caches: list):
    """Full BPTT.

    Args:
        layer: the recurrent layer.
        dh: (T, N, H), dL/dh_t from outside the recurrence.
        dlast: gradients of the other final states (LSTM: [dc_T]).
        caches: the T step caches of the forward pass.

    Returns:
        dxz (T, N, kH), dhz (T, N, kH) (the same array when the layer
        is ``tied``), [gradient of each initial state].
    """
    dxz, dhz = _buffers(layer, dh, np.empty)
    u_t = layer.recurrent_kernel.data.T
    dnext = [np.zeros_like(dh[0])] + list(dlast)
    for t in range(len(dh) - 1, -1, -1):
        dnext[0] = dnext[0] + dh[t]
        dxz[t], dhz_t, dnext = step_back(layer, dnext, caches[t], u_t)
        if not layer.tied:
            dhz[t] = dhz_t
    return dxz, dhz, dnext


def bptt_truncated(layer: Any, dh: np.ndarray, dlast: list,
                   caches: list, k: int):
    """BPTT in which each output's gradient flows back at most k steps.

    Same arguments and results as ``bptt``, plus k >= 1.
    """
    t_len = len(dh)
    dxz, dhz = _buffers(layer, dh, np.zeros)
    u_t = layer.recurrent_kernel.data.T
    d0 = [np.zeros_like(dh[0]) for _ in range(1 + len(dlast))]
    for end in range(t_len - 1, -1, -1):
        # the walk for the output at step `end` (and, at the last step,
        # for the final states)
        dnext = [dh[end]] + (list(dlast) if end == t_len - 1 else
                             [np.zeros_like(g) for g in dlast])
        if not any(g.any() for g in dnext):
            continue
        start = max(0, end - k + 1)
        for t in range(end, start - 1, -1):
            dxz_t, dhz_t, dnext = step_back(layer, dnext, caches[t], u_t)
            dxz[t] += dxz_t
            if not layer.tied:
                dhz[t] += dhz_t
        if start == 0:
            for acc, g in zip(d0, dnext):
                acc += g
    return dxz, dhz, d0
