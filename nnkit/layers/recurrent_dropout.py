"""Dropout inside a recurrent layer: one mask per batch, at every step.

``dropout`` drops entries of the input x_t, ``recurrent_dropout``
entries of the state h_{t-1} where it enters the matmul with U. Both
act in training only and use inverted scaling, as the ``Dropout``
layer: a mask holds 0 (dropped) or 1/q (kept), q = 1 - rate. Unlike a
``Dropout`` layer in front of the recurrent layer, each mask is drawn
once per batch, (N, D) for x and (N, H) for h, and the same mask is
used at every step (Gal and Ghahramani 2016): a unit that is dropped
stays dropped for the whole sequence, so the noise cannot average out
along time, and the recurrent connection is regularized as a whole.

Which masks, as in Keras 3 (G masks of each kind, W_j, U_j the column
block of gate j, x * m elementwise)::

    SimpleRNN (G = 1):
        a_t = (x_t * m) W + b + (h_{t-1} * r) U
    LSTM, GRU, recurrent_dropout = 0 (G = 1): one input mask, every
    gate:
        xz_t = (x_t * m) W + b
    LSTM, GRU, recurrent_dropout > 0 (G = 4 or 3): a mask per gate,
        xz_t = [(x_t * m_1) W_1 | ... | (x_t * m_G) W_G] + b
        hz_t = [(h_{t-1} * r_1) U_1 | ... | (h_{t-1} * r_G) U_G]

Only the products with W and U are dropped: the LSTM's c_{t-1} and
the GRU's carried z * h_{t-1} use the state as it is. Backward, with
the same masks, block j of dxz_t = dL/dxz_t and of dhz_t::

    dW_j = sum_t (x_t * m_j)^T dxz_tj     dx_t = sum_j (dxz_tj W_j^T) * m_j
    dU_j = sum_t (h_{t-1} * r_j)^T dhz_tj
    dL/dh_{t-1} (through U) = sum_j (dhz_tj U_j^T) * r_j

The masks of the last training call stay in ``dropout_masks`` (G, N, D)
and ``recurrent_dropout_masks`` (G, N, H) (None when unused). They come
from the layer's own generator: one spawned from the model's at build
time (as ``Dropout`` does), or, given ``seed``, one derived from it.
Its state is saved with the model, so a reloaded model continues the
same sequence of masks. Keras draws its masks from another generator,
so the tests copy nnkit's masks into Keras to compare the two.

Difference from Keras: Keras accepts a rate of 1 (its LSTM and GRU then
skip that dropout); nnkit rejects it, as its ``Dropout`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .dropout import generator_state, restore_generator

__all__ = ["RecurrentDropout"]


class RecurrentDropout:
    """The dropout part of ``Recurrent`` (a mixin; see the module)."""

    def _init_dropout(self, dropout: Any, recurrent_dropout: Any) -> None:
        owner = self.describe()
        self.dropout = check.rate(owner, "dropout", dropout)
        self.recurrent_dropout = check.rate(owner, "recurrent_dropout",
                                            recurrent_dropout)
        self.dropout_rng: np.random.Generator | None = None
        self.dropout_masks: np.ndarray | None = None
        self.recurrent_dropout_masks: np.ndarray | None = None

    def _build_dropout(self, rng: np.random.Generator | None) -> None:
        """Create the masks' generator (only if a rate is > 0, so that
        a layer without dropout leaves the model's generator alone)."""
        if not (self.dropout or self.recurrent_dropout):
            return
        if self.seed is not None:     # not the weights' stream itself
            self.dropout_rng = np.random.default_rng(self.seed).spawn(1)[0]
        elif rng is not None:
            self.dropout_rng = rng.spawn(1)[0]
        else:
            self.dropout_rng = np.random.default_rng()

    def _sample_dropout_masks(self, training: bool, n: int, d: int) -> None:
        """Draw this batch's masks (training), or clear them."""
        self.dropout_masks = self.recurrent_dropout_masks = None
        if not training:
            return
        if self.dropout_rng is None and (self.dropout
                                         or self.recurrent_dropout):
            self._build_dropout(None)
        groups = self.n_gates if self.recurrent_dropout else 1
        if self.dropout:
            self.dropout_masks = self._draw(self.dropout, (groups, n, d))
        if self.recurrent_dropout:
            self.recurrent_dropout_masks = self._draw(
                self.recurrent_dropout, (groups, n, self.units))

    def _draw(self, rate: float, shape: tuple[int, ...]) -> np.ndarray:
        keep = 1.0 - rate
        kept = self.dropout_rng.random(shape) < keep
        return kept.astype(self.dtype) / self.dtype.type(keep)

    def _blocks(self, groups: int) -> list[slice]:
        """The column blocks of W (or U) that the G masks act on."""
        width = self.n_gates * self.units // groups
        return [slice(j * width, (j + 1) * width) for j in range(groups)]

    # ----- x_t W, for every step at once ----------------------------------
    def _input_matmul(self, xs: np.ndarray) -> np.ndarray:
        """x_t W for all steps: (T, N, D) -> (T N, kH)."""
        W, masks = self.kernel.data, self.dropout_masks
        D = xs.shape[-1]
        if masks is None:
            return xs.reshape(-1, D) @ W
        xz = np.empty((xs.shape[0] * xs.shape[1], W.shape[1]), self.dtype)
        for cols, m in zip(self._blocks(len(masks)), masks):
            xz[:, cols] = (xs * m).reshape(-1, D) @ W[:, cols]
        return xz

    def _input_matmul_backward(self, xs: np.ndarray, dxz: np.ndarray,
                               need_dx: bool = True) -> np.ndarray | None:
        """Add dW = sum_t x_t^T dxz_t; return dx = dxz W^T, (T, N, D),
        or None if not ``need_dx`` (x is the data)."""
        masks, D = self.dropout_masks, xs.shape[-1]
        if masks is None:
            self.kernel.grad += xs.reshape(-1, D).T @ dxz
        else:
            for cols, m in zip(self._blocks(len(masks)), masks):
                self.kernel.grad[:, cols] += (xs * m).reshape(-1, D).T \
                    @ dxz[:, cols]
        return self._input_grad(dxz, xs.shape) if need_dx else None

    def _input_grad(self, dxz: np.ndarray,
                    shape: tuple[int, ...]) -> np.ndarray:
        """dx = dxz W^T, or with dropout sum_j (dxz_j W_j^T) * m_j:
        (T N, kH) -> ``shape`` (T, N, D)."""
        W, masks = self.kernel.data, self.dropout_masks
        if masks is None:
            return (dxz @ W.T).reshape(shape)
        dx = np.zeros(shape, self.dtype)
        for cols, m in zip(self._blocks(len(masks)), masks):
            dx += (dxz[:, cols] @ W[:, cols].T).reshape(shape) * m
        return dx

    # ----- h_{t-1} U, one step (the cells call these) ------------------------
    def recurrent_matmul(self, h: np.ndarray) -> np.ndarray:
        """hz = h_{t-1} U, (N, H) -> (N, kH), with recurrent dropout's
        masks in training: [(h * r_1) U_1 | ... | (h * r_G) U_G]."""
        U, masks = self.recurrent_kernel.data, self.recurrent_dropout_masks
        if masks is None:
            return h @ U
        return np.concatenate([(h * r) @ U[:, cols] for cols, r in
                               zip(self._blocks(len(masks)), masks)],
                              axis=1)

    def recurrent_matmul_backward(self, dhz: np.ndarray) -> np.ndarray:
        """dL/dh_{t-1} through hz: dhz U^T, or with recurrent dropout
        sum_j (dhz_j U_j^T) * r_j. (N, kH) -> (N, H)."""
        masks = self.recurrent_dropout_masks
        if masks is None:
            return dhz @ self._recurrent_kernel_t
        U = self.recurrent_kernel.data
        dh = np.zeros((len(dhz), self.units), self.dtype)
        for cols, r in zip(self._blocks(len(masks)), masks):
            dh += (dhz[:, cols] @ U[:, cols].T) * r
        return dh

    def _transpose_recurrent_kernel(self) -> None:
        """Keep U^T for ``recurrent_matmul_backward`` (a contiguous copy,
        once per backward pass: BLAS is faster on it than on U.T)."""
        self._recurrent_kernel_t = np.ascontiguousarray(
            self.recurrent_kernel.data.T)

    def _recurrent_kernel_grad(self, hs_prev: np.ndarray,
                               dhz: np.ndarray) -> None:
        """Add dU = sum_t h_{t-1}^T dhz_t; hs_prev (T, N, H), dhz
        (T N, kH)."""
        masks, H = self.recurrent_dropout_masks, self.units
        if masks is None:
            self.recurrent_kernel.grad += hs_prev.reshape(-1, H).T @ dhz
            return
        for cols, r in zip(self._blocks(len(masks)), masks):
            self.recurrent_kernel.grad[:, cols] += (
                (hs_prev * r).reshape(-1, H).T @ dhz[:, cols])

    # ----- the generator's state travels with the model -------------------
    def get_state(self) -> dict[str, Any]:
        return generator_state(self.dropout_rng)

    def set_state(self, state: dict[str, Any]) -> None:
        self.dropout_rng = restore_generator(self.dropout_rng, state)


def by_gate(w: np.ndarray, k: int) -> np.ndarray:
    """A weight's k column blocks as one contiguous (k, ..., H) array:
    (D, kH) -> (k, D, H), (kH,) -> (k, 1, H)."""
    w = w.reshape(-1, k, w.shape[-1] // k)
    return np.ascontiguousarray(w.transpose(1, 0, 2))
