"""What every recurrent layer shares: the loop over time, and BPTT.

A recurrent layer applies one cell, with one set of weights, at every
time step. With shapes N (batch), T (steps), D (features), H
(``units``) and k gates (SimpleRNN 1, GRU 3, LSTM 4), W "kernel"
(D, kH), U "recurrent_kernel" (H, kH) and b "bias" (kH,)::

    xz_t = x_t W + b                      all T steps: one matmul
    h_t, c_t = cell(xz_t, h_{t-1}, c_{t-1})     (c: the LSTM only)

The cell (``cell_forward`` of SimpleRNN, LSTM, GRU, each in its own
file) multiplies h_{t-1} by U and applies its gates (the LSTM computes
x_t W + h_{t-1} U + b in one matmul per step instead, see its file).
Backpropagation through time (BPTT, chapter 9) walks the steps backwards
(``Recurrent.backward`` below): at step t the cell's ``cell_backward``
turns the gradients of its new states, dL/dh_t (from the output at t
plus what step t+1 sent back) and dL/dc_t, into dL/dxz_t, dL/dhz_t
(hz_t = h_{t-1} U) and the gradients of the previous states, including
dL/dh_{t-1} = dhz_t U^T + .... W, U and b are the same at every step,
so their gradients are sums over the steps, each computed after the
loop in one matmul (``_weight_grads``; the LSTM stacks the three,
see ``lstm.py``)::

    dW = sum_t x_t^T dxz_t     dU = sum_t h_{t-1}^T dhz_t
    db = sum_{t,n} dxz_t       dx_t = dxz_t W^T

Masks (padded sequences, Keras' rules). A boolean mask (N, T), from
``Embedding(mask_zero=True)`` or ``Masking``, marks the real steps;
m_t (N, 1) is 1 at a real step and 0 at padding. A masked step keeps
the previous states, so padding changes nothing::

    h_t = m_t h~_t + (1 - m_t) h_{t-1}      (and c_t likewise)

with h~_t the cell's new state. The output at a masked step repeats
the last output (zeros before the first real step): y_t = s_t h_t,
s_t = max(m_1..m_t); with ``zero_output_for_mask`` (as inside
``Bidirectional`` with sequences) it is zero instead, y_t = m_t h_t.
Backward through a masked step splits the gradient of h_t the same
way: the cell receives m_t dL/dh_t, and the previous state gets the
rest directly, so at padding the gradient of the state passes through
unchanged::

    dL/dh~_t = m_t dL/dh_t
    dL/dh_{t-1} = (1 - m_t) dL/dh_t + (cell's backward of dL/dh~_t)

With ``go_backwards`` the mask is reversed with the steps. The output
mask (``compute_mask``) is the input mask when the layer returns
sequences and None otherwise, as in Keras (even with ``go_backwards``,
whose output is in reversed order).

Truncated BPTT (``bptt_truncate=k``): the gradient of the output at
step t flows back through steps t, t-1, ..., t-k+1 only and stops at
the state entering them, as if that state were a constant. Each output
gets its own walk of at most k steps (masked steps count), O(T k) cell
steps in all; the initial states receive the walks that reach step 0.
With k >= T this is exactly full BPTT.

``dropout`` and ``recurrent_dropout`` (one mask per batch, reused at
every step) are in ``recurrent_dropout``.

Difference from Keras: in a functional model the layer takes one
symbolic tensor; initial states computed by other layers (Keras'
``initial_state=[h, c]`` on symbolic tensors, as in encoder-decoder
models) are not supported. Called on arrays, ``initial_state`` works.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg
from .base import Layer
from .kernel import KernelMixin
from .recurrent_dropout import RecurrentDropout
from .sequence_checks import (
    SequenceCall,
    check_initial_states,
    check_mask,
    check_sequence_rank,
    check_sequences,
)

__all__ = ["Recurrent"]


class Recurrent(RecurrentDropout, KernelMixin, SequenceCall, Layer):
    """Base of SimpleRNN, LSTM and GRU (not used on its own).

    Subclasses set ``n_gates`` (k) and ``state_names`` and implement
    one step of their cell:

    * ``cell_forward(xz_t, states) -> (new_states, cache)``: states are
      lists of (N, H) arrays, h first; xz_t is item t of
      ``_input_projection``: x_t W + b, (N, kH), a view of the layer's
      array that the cell may update in place (the LSTM's items are
      records of the step's work arrays, x_t among them); the cell
      gets h_{t-1} U from ``recurrent_matmul``;
    * ``cell_backward(dstates, cache) -> (dxz_t, dhz_t, dprev)``:
      from the gradients of the new states, those of the cell's two
      matmul outputs xz_t and hz_t = h_{t-1} U (each (N, kH)) and of
      every previous state (dprev, each (N, H)), taking dhz_t back
      through U with ``recurrent_matmul_backward``. ``tied`` cells
      return the same array for dxz_t and dhz_t.

    Called as ``layer(x, training=False, initial_state=None,
    mask=None)``; see ``forward``.

    Input shape:
        (N, T, D); other values of T than the built one are accepted.
    Output shape:
        (N, T, H) with ``return_sequences``, else (N, H). With
        ``return_state`` a list ``[output, h_T]`` (LSTM: ``[output,
        h_T, c_T]``), for direct calls and functional models:
        Sequential passes one array between layers, so it rejects such
        a layer.
    """

    input_ndim = 2
    can_skip_dx = True
    n_gates = 1
    state_names: tuple[str, ...] = ("h",)
    tied = True
    supports_masking = True

    def __init__(self, units: int, activation: Any = "tanh",
                 use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None,
                 activity_regularizer: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 zero_output_for_mask: bool = False,
                 bptt_truncate: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.units = check.positive_int(self.describe(), "units", units)
        self.bptt_truncate = check.positive_int(
            self.describe(), "bptt_truncate", bptt_truncate,
            allow_none=True)
        self._init_kernel(activation, use_bias, kernel_initializer,
                          bias_initializer, kernel_regularizer,
                          bias_regularizer, activity_regularizer)
        owner = self.describe()
        self.recurrent_initializer = check.lookup(
            owner, "recurrent_initializer", recurrent_initializer,
            initializers.for_weight)
        self.recurrent_regularizer = check.lookup(
            owner, "recurrent_regularizer", recurrent_regularizer, _reg.get)
        self._init_dropout(dropout, recurrent_dropout)
        self.return_sequences = check.boolean(owner, "return_sequences",
                                              return_sequences)
        self.return_state = check.boolean(owner, "return_state",
                                          return_state)
        self.go_backwards = check.boolean(owner, "go_backwards",
                                          go_backwards)
        self.zero_output_for_mask = check.boolean(
            owner, "zero_output_for_mask", zero_output_for_mask)
        self.initial_state_grads: list[np.ndarray] | None = None
        self._spare_work: SimpleNamespace | None = None

    def build(self, input_shape, rng=None):
        # Keras' order: kernel, recurrent kernel, bias
        kh = self.n_gates * self.units
        self._add_kernel((input_shape[-1], kh), rng)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            self.recurrent_initializer((self.units, kh), rng, self.dtype),
            regularizer=self.recurrent_regularizer)
        self._add_bias(self._bias_shape, rng)
        self._build_dropout(rng)
        super().build(input_shape, rng)

    @property
    def _bias_shape(self) -> tuple[int, ...]:
        """(kH,); GRU: (2, 3H), an input and a recurrent bias."""
        return (self.n_gates * self.units,)

    def _input_bias(self) -> np.ndarray | None:
        """The bias added to x_t W (GRU also has one for h_{t-1} U)."""
        return None if self.bias is None else self.bias.data

    def _add_bias_grads(self, dxz: np.ndarray, dhz: np.ndarray) -> None:
        """db from dxz and dhz, both (T N, kH)."""
        self.bias.grad += dxz.sum(axis=0)

    def compute_output_shape(self, input_shape):
        t, h = input_shape[0], self.units
        out = (t, h) if self.return_sequences else (h,)
        if self.return_state:
            return [out] + [(h,) for _ in self.state_names]
        return out

    def compute_mask(self, inputs, mask=None):
        """The input mask if the layer returns sequences, else None (a
        list, None for each state, with ``return_state``)."""
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None for _ in self.state_names]
        return out

    def _check_rank(self, shape):
        check_sequence_rank(self.describe(), shape)

    def check_input(self, x):
        d = self.input_shape[-1] if self.built else None
        return check_sequences(self.describe(), x, d, self.dtype)


    # ----- forward: one matmul for the inputs, a loop for the state ------
    def forward(self, x, training=False, mask=None, initial_state=None):
        """Run the cell over the steps; keep what BPTT needs.

        Args:
            x: (N, T, D) sequences.
            training: draw dropout masks (if ``dropout`` or
                ``recurrent_dropout`` is set).
            mask: None or a boolean (N, T) array, True at real steps.
            initial_state: None (zeros) or a list of (N, H) arrays, one
                per state (LSTM: [h_0, c_0]); a bare array for one.
        """
        x = self.check_input(x)
        N, T, D = x.shape
        m = self._step_mask(mask, N, T)             # (T, N, 1) or None
        if self.go_backwards:
            x = x[:, ::-1]
            m = None if m is None else m[::-1]
        xs = np.ascontiguousarray(x.transpose(1, 0, 2))     # (T, N, D)
        self._sample_dropout_masks(training, N, D)
        work = self._take_work(xs)
        xz = self._input_projection(xs, work)    # x_t W + b, every step
        states = check_initial_states(
            self.describe(), initial_state, self.state_names,
            (N, self.units), self.dtype)
        hs = work.h                                     # (T + 1, N, H)
        hs[0] = states[0]
        caches = []
        for t in range(T):
            new, cache = self.cell_forward(xz[t], states)
            if m is not None:       # h_t = m_t h~_t + (1 - m_t) h_{t-1}
                new = [m[t] * s + (1 - m[t]) * s_prev
                       for s, s_prev in zip(new, states)]
            states = new
            hs[t + 1] = states[0]
            caches.append(cache)
        o = self._output_mask(m)
        ys = hs[1:] if o is None else hs[1:] * o          # (T, N, H)
        self._cache = (xs, hs, caches, m, o, work)
        out = (np.ascontiguousarray(ys.transpose(1, 0, 2))
               if self.return_sequences else ys[-1].copy())
        self.out = out
        if self.return_state:        # copies: work arrays are reused
            return [out, *(s.copy() for s in states)]
        return out

    # A batch of the benchmark LSTM needs ~40 MB of work arrays (the
    # gates and states of every step, their gradients): allocated anew
    # for every batch, they cost page faults and cache misses, so the
    # layer reuses those of the last batch once its backward is done.
    def _take_work(self, xs: np.ndarray) -> SimpleNamespace:
        """The spare work arrays if they fit this batch, else new ones.

        Taken until ``backward`` gives them back, so a second forward
        pass before it (a shared layer, ``predict``) gets its own.
        """
        key = (xs.shape, self.dtype, self.recurrent_dropout_masks is None)
        work, self._spare_work = self._spare_work, None
        if work is None or work.key != key:
            work = self._new_work(*xs.shape)
            work.key = key
        return work

    def _new_work(self, T: int, N: int, D: int) -> SimpleNamespace:
        """The work arrays of a batch: h_0..h_T, dxz (and dhz)."""
        dxz = np.empty((T, N, self.n_gates * self.units), self.dtype)
        return SimpleNamespace(
            h=np.empty((T + 1, N, self.units), self.dtype), dxz=dxz,
            dhz=dxz if self.tied else np.empty_like(dxz))

    def _input_projection(self, xs: np.ndarray,
                          work: SimpleNamespace) -> np.ndarray:
        """xz_t = x_t W + b for every step at once: (T, N, kH)."""
        T, N, _ = xs.shape
        xz = self._input_matmul(xs)                   # x_t W, (T N, kH)
        b = self._input_bias()
        if b is not None:
            xz += b
        return xz.reshape(T, N, -1)

    def _step_mask(self, mask, N: int, T: int) -> np.ndarray | None:
        """m as (T, N, 1) floats, or None when every step is real."""
        if mask is None:
            return None
        mask = check_mask(self.describe(), mask, N, T)
        if mask.all():
            return None
        return mask.T[:, :, None].astype(self.dtype)

    def _output_mask(self, m: np.ndarray | None) -> np.ndarray | None:
        """Which steps output h_t (1) and which output 0: y_t = o_t h_t.

        o_t = max(m_1..m_t): a masked step repeats the last output,
        which is h_t since the state was kept (0 before any real step);
        with ``zero_output_for_mask``, o_t = m_t.
        """
        if m is None:
            return None
        return m if self.zero_output_for_mask else np.maximum.accumulate(m)

    # ----- backward: BPTT ------------------------------------------------
    def backward(self, dout, need_dx=True):
        """Gradients of every weight (added) and of x (returned).

        Args:
            dout: dL/d(output), shaped like the output; with
                ``return_state`` a list [d output, d h_T (, d c_T)]
                in which None means zero.
            need_dx: False when x is the data: dx is then not computed.

        Returns:
            dx, (N, T, D), or None if not ``need_dx``. dL/d(initial
            states) is left in ``self.initial_state_grads`` (a list of
            (N, H) arrays).
        """
        xs, hs, caches, m, o, work = self._cache
        T, N, D = xs.shape
        dh_seq, dfinal = self._output_grads(dout, N, o)
        self._transpose_recurrent_kernel()
        k = self.bptt_truncate
        if k is None or k >= T:
            dxz, dhz, d0 = self._bptt(dh_seq, dfinal, caches, m, work)
        else:
            dxz, dhz, d0 = self._bptt_truncated(dh_seq, dfinal, caches, m,
                                                k)
        self.initial_state_grads = d0
        kh = self.n_gates * self.units
        dx = self._weight_grads(xs, hs, dxz.reshape(-1, kh),
                                dhz.reshape(-1, kh), need_dx, work)
        self._spare_work = work             # free for the next batch
        if dx is None:
            return None
        dx = dx.transpose(1, 0, 2)
        if self.go_backwards:
            dx = dx[:, ::-1]
        return np.ascontiguousarray(dx)

    def _weight_grads(self, xs, hs, dxz, dhz, need_dx, work):
        """Add dW, dU and db, sums over the steps; return dx (T, N, D)
        or None if not ``need_dx``. dxz and dhz are (T N, kH)."""
        dx = self._input_matmul_backward(xs, dxz,     # dW += x^T dxz
                                         need_dx)
        self._recurrent_kernel_grad(hs[:-1], dhz)     # dU += h^T dhz
        if self.bias is not None:
            self._add_bias_grads(dxz, dhz)
        return dx

    def _output_grads(self, dout, N: int, o):
        """(dL/dh_t of the outputs, (T, N, H) or None; [dh_T, dc_T...]).

        The second item holds the gradients of the final states: the
        last output's (without ``return_sequences``) plus those of the
        returned states; zeros where nothing reaches them. With a mask,
        y_t = o_t h_t, so the outputs' gradients are multiplied by o_t.
        """
        dstates = [None] * len(self.state_names)
        if self.return_state:
            if (not isinstance(dout, (list, tuple))
                    or len(dout) != 1 + len(dstates)):
                raise ValueError(
                    f"{self.describe()} returns [output, "
                    f"{', '.join(self.state_names)}], so backward needs a "
                    f"list of {1 + len(dstates)} gradients (None for zero)")
            dout, *dstates = dout
        dstates = [None if g is None else np.asarray(g, self.dtype)
                   for g in dstates]
        dh_seq = None
        if dout is not None:
            dout = np.asarray(dout, self.dtype)
            if dout.shape != self.out.shape:
                raise ValueError(f"{self.describe()}: dout must have "
                                 f"shape {self.out.shape}, got "
                                 f"{dout.shape}")
            if self.return_sequences:
                dh_seq = dout.transpose(1, 0, 2)            # (T, N, H)
                if o is not None:
                    dh_seq = dh_seq * o
            else:
                if o is not None:
                    dout = dout * o[-1]
                dstates[0] = (dout if dstates[0] is None
                              else dstates[0] + dout)
        dstates = [np.zeros((N, self.units), self.dtype) if g is None
                   else g for g in dstates]
        return dh_seq, dstates

    def _grad_buffers(self, T: int, N: int) -> tuple:
        """dxz and dhz, (T, N, kH), zeros: one array if ``tied``."""
        dxz = np.zeros((T, N, self.n_gates * self.units), self.dtype)
        return dxz, (dxz if self.tied else np.zeros_like(dxz))

    def _step_backward(self, dstates, cache, m_t):
        """Back through one step: the cell, and the mask's blend.

        Without a mask this is ``cell_backward``. With m_t (N, 1): the
        cell gets m_t dL/dh_t (and m_t dL/dc_t), and the previous
        states also receive (1 - m_t) times the incoming gradients.
        """
        if m_t is None:
            return self.cell_backward(dstates, cache)
        dxz, dhz, dprev = self.cell_backward([m_t * d for d in dstates],
                                             cache)
        return dxz, dhz, [dp + (1 - m_t) * d
                          for dp, d in zip(dprev, dstates)]

    def _bptt(self, dh_seq, dfinal, caches, m, work):
        """Full BPTT: one walk from the last step to the first.

        Args:
            dh_seq: (T, N, H), dL/dh_t from the outputs, or None (only
                the final states receive a gradient).
            dfinal: gradients of the final states [dh_T (, dc_T)].
            caches: the T caches of ``cell_forward``.
            m: the step mask (T, N, 1), or None.
            work: the forward pass' work arrays (dxz and dhz are
                written into them).

        Returns:
            dxz (T, N, kH), dhz (T, N, kH) (the same array if ``tied``),
            [gradient of each initial state].
        """
        T = len(caches)
        dxz = work.dxz
        dhz = dxz if self.tied else work.dhz
        dstates = list(dfinal)
        for t in range(T - 1, -1, -1):
            if dh_seq is not None:
                dstates[0] = dstates[0] + dh_seq[t]      # output at t
            dxz[t], dhz_t, dstates = self._step_backward(
                dstates, caches[t], None if m is None else m[t])
            if not self.tied:
                dhz[t] = dhz_t
        return dxz, dhz, dstates

    def _bptt_truncated(self, dh_seq, dfinal, caches, m, k):
        """BPTT in which each output's gradient flows back <= k steps.

        Same arguments (but ``work``) and results as ``_bptt``, plus
        k >= 1. A step is walked several times, so its gradients are
        summed into new arrays.
        """
        T, N = len(caches), len(dfinal[0])
        dxz, dhz = self._grad_buffers(T, N)
        d0 = [np.zeros_like(g) for g in dfinal]
        for end in range(T - 1, -1, -1):
            # the walk of the output at step `end` (at the last step, of
            # the final states too)
            if end == T - 1:
                dstates = list(dfinal)
                if dh_seq is not None:
                    dstates[0] = dstates[0] + dh_seq[end]
            elif dh_seq is not None:
                dstates = [dh_seq[end]] + [np.zeros_like(g)
                                           for g in dfinal[1:]]
            else:
                continue                      # no output at this step
            start = max(0, end - k + 1)
            for t in range(end, start - 1, -1):
                dxz_t, dhz_t, dstates = self._step_backward(
                    dstates, caches[t], None if m is None else m[t])
                dxz[t] += dxz_t
                if not self.tied:
                    dhz[t] += dhz_t
            if start == 0:
                for acc, g in zip(d0, dstates):
                    acc += g
        return dxz, dhz, d0

    def get_config(self):
        return {
            **super().get_config(), "units": self.units,
            **self._kernel_config(),
            "recurrent_initializer": initializers.serialize(
                self.recurrent_initializer),
            "recurrent_regularizer": _reg.serialize(
                self.recurrent_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "zero_output_for_mask": self.zero_output_for_mask,
            "bptt_truncate": self.bptt_truncate}
