"""What every recurrent layer shares: the loop over time and BPTT.

A recurrent layer applies one cell, with one set of weights, at every
time step. With shapes N (batch), T (steps), D (features), H (units)
and k gates (SimpleRNN 1, GRU 3, LSTM 4):

    xz_t = x_t W + b          W "kernel" (D, kH): all steps, one matmul
    hz_t = h_{t-1} U          U "recurrent_kernel" (H, kH): one per step
    h_t, state_t = cell(xz_t, hz_t, state_{t-1})

Backpropagation through time (BPTT) walks the steps backwards. At step
t the cell turns dL/dh_t (from the output at t, plus what step t+1 sent
back) into dL/dxz_t, dL/dhz_t and dL/d(state_{t-1}); the matmul adds
dhz_t U^T to dL/dh_{t-1}. W, U and b are the same at every step, so
their gradients are sums over the steps (``+=``), each computed after
the loop in one matmul:

    dW = sum_t x_t^T dxz_t     dU = sum_t h_{t-1}^T dhz_t
    db = sum_{t,n} dxz_t       dx_t = dxz_t W^T

The backward walks over the steps, full and truncated
(``bptt_truncate=k``: each output's gradient flows back at most k
steps), are in ``bptt``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import activations, initializers
from .. import regularizers as _reg
from .base import Layer
from .bptt import bptt, bptt_truncated
from .sequence_checks import (
    check_initial_states,
    check_sequence_rank,
    check_sequences,
    positive_int,
)

__all__ = ["Recurrent"]


class Recurrent(Layer):
    """Base of SimpleRNN, LSTM and GRU (not used on its own).

    Subclasses set ``n_gates`` and ``state_names`` and implement
    ``_cell_forward(xz, hz, states) -> (states, cache)`` and
    ``_cell_backward(dstates, cache) -> (dxz, dhz, dprev)``; ``dprev``
    holds each previous state's gradient except the part through hz
    (None if there is none). ``tied`` means dxz and dhz are the same.

    Input shape:
        (N, T, D); other values of T than the built one are accepted.
    Output shape:
        (N, T, H) with ``return_sequences``, else (N, H). With
        ``return_state`` a list ``[output, h_T]`` (LSTM: ``[output,
        h_T, c_T]``), for direct calls only: Sequential passes one
        array between layers, so it rejects such a layer.
    """

    input_ndim = 2
    n_gates = 1
    state_names: tuple[str, ...] = ("h",)
    tied = True

    def __init__(self, units: int, activation: Any = "tanh",
                 use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None,
                 return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 bptt_truncate: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.units = positive_int(self.describe(), "units", units)
        self.bptt_truncate = positive_int(self.describe(), "bptt_truncate",
                                          bptt_truncate, allow_none=True)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.for_weight(kernel_initializer)
        self.recurrent_initializer = initializers.for_weight(
            recurrent_initializer)
        self.bias_initializer = initializers.for_weight(bias_initializer)
        self.kernel_regularizer = _reg.get(kernel_regularizer)
        self.recurrent_regularizer = _reg.get(recurrent_regularizer)
        self.bias_regularizer = _reg.get(bias_regularizer)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.initial_state_grads: list[np.ndarray] | None = None

    def build(self, input_shape, rng=None):
        d, kh = input_shape[-1], self.n_gates * self.units
        self.kernel = self.add_weight(
            "kernel", self.kernel_initializer((d, kh), rng, self.dtype),
            regularizer=self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            self.recurrent_initializer((self.units, kh), rng, self.dtype),
            regularizer=self.recurrent_regularizer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._initial_bias(rng),
                                        regularizer=self.bias_regularizer)
        super().build(input_shape, rng)

    def _initial_bias(self, rng) -> np.ndarray:
        return self.bias_initializer((self.n_gates * self.units,), rng,
                                     self.dtype)

    def _biases(self) -> tuple[Any, Any]:
        """(bias added to xz, bias added to hz): only GRU has both."""
        return (None if self.bias is None else self.bias.data), None

    def _add_bias_grad(self, dxz_sum, dhz_sum) -> None:
        self.bias.grad += dxz_sum

    def compute_output_shape(self, input_shape):
        if self.return_state:
            raise ValueError(
                f"{self.describe()} has return_state=True, so it returns "
                f"a list [output, states...], but Sequential passes one "
                f"array between layers: call the layer directly, or set "
                f"return_state=False")
        t, h = input_shape[0], self.units
        return (t, h) if self.return_sequences else (h,)

    def _check_rank(self, shape):
        check_sequence_rank(self.describe(), shape)

    def check_input(self, x):
        d = self.input_shape[-1] if self.built else None
        return check_sequences(self.describe(), x, d, self.dtype)

    def __call__(self, x, training=False, initial_state=None):
        x = self.check_input(x)
        self.ensure_built(x.shape[1:])
        return self.forward(x, training, initial_state=initial_state)

    # ----- forward: one matmul for the inputs, a loop for the state ------
    def forward(self, x, training=False, initial_state=None):
        """Run the cell over the steps; keep what BPTT needs.

        Args:
            x: (N, T, D) sequences.
            training: unused (no dropout yet); kept for the protocol.
            initial_state: None (zeros) or a list of (N, H) arrays, one
                per state (LSTM: [h_0, c_0]); a bare array for one.
        """
        x = self.check_input(x)
        n, t_len, d = x.shape
        if self.go_backwards:
            x = x[:, ::-1]
        xs = np.ascontiguousarray(x.transpose(1, 0, 2))     # (T, N, D)
        b_x, b_h = self._biases()
        xz = xs.reshape(-1, d) @ self.kernel.data
        if b_x is not None:
            xz += b_x
        xz = xz.reshape(t_len, n, -1)                     # (T, N, kH)
        states = check_initial_states(
            self.describe(), initial_state, self.state_names,
            (n, self.units), self.dtype)
        hs = np.empty((t_len + 1, n, self.units), self.dtype)
        hs[0] = states[0]
        u = self.recurrent_kernel.data
        caches = []
        for t in range(t_len):
            hz = hs[t] @ u
            if b_h is not None:
                hz += b_h
            states, cache = self._cell_forward(xz[t], hz, states)
            hs[t + 1] = states[0]
            caches.append(cache)
        self._cache = (xs, hs, caches)
        out = (np.ascontiguousarray(hs[1:].transpose(1, 0, 2))
               if self.return_sequences else hs[-1].copy())
        self.out = out
        return [out, *states] if self.return_state else out

    # ----- backward: BPTT ------------------------------------------------
    def backward(self, dout):
        """Gradients of every weight (added) and of x (returned).

        Args:
            dout: dL/d(output), shaped like the output; with
                ``return_state`` a list [d output, d h_T (, d c_T)]
                in which None means zero.

        Returns:
            dx, (N, T, D). dL/d(initial states) is left in
            ``self.initial_state_grads`` (a list of (N, H) arrays).
        """
        xs, hs, caches = self._cache
        t_len, n, d = xs.shape
        shape = (n, self.units)
        dfinal = [None] * len(self.state_names)
        if self.return_state:
            if (not isinstance(dout, (list, tuple))
                    or len(dout) != 1 + len(dfinal)):
                raise ValueError(
                    f"{self.describe()} returns [output, "
                    f"{', '.join(self.state_names)}], so backward needs a "
                    f"list of {1 + len(dfinal)} gradients (None for zero)")
            dout, *dfinal = dout
        dh = np.zeros((t_len,) + shape, self.dtype)   # from outside
        if dout is not None:
            dout = np.asarray(dout, self.dtype)
            if dout.shape != self.out.shape:
                raise ValueError(f"{self.describe()}: dout must have "
                                 f"shape {self.out.shape}, got "
                                 f"{dout.shape}")
            if self.return_sequences:
                dh[:] = dout.transpose(1, 0, 2)
            else:
                dh[-1] = dout
        if dfinal[0] is not None:
            dh[-1] += dfinal[0]
        dlast = [np.zeros(shape, self.dtype) if g is None
                 else np.asarray(g, self.dtype) for g in dfinal[1:]]
        k = self.bptt_truncate
        if k is None or k >= t_len:
            dxz, dhz, d0 = bptt(self, dh, dlast, caches)
        else:
            dxz, dhz, d0 = bptt_truncated(self, dh, dlast, caches, k)
        self.initial_state_grads = d0
        kh = self.n_gates * self.units
        dxz2, dhz2 = dxz.reshape(-1, kh), dhz.reshape(-1, kh)
        self.kernel.grad += xs.reshape(-1, d).T @ dxz2
        self.recurrent_kernel.grad += hs[:-1].reshape(-1, self.units).T \
            @ dhz2
        if self.bias is not None:
            self._add_bias_grad(dxz2.sum(axis=0),
                                None if self.tied else dhz2.sum(axis=0))
        dx = (dxz2 @ self.kernel.data.T).reshape(t_len, n, d)
        dx = dx.transpose(1, 0, 2)
        if self.go_backwards:
            dx = dx[:, ::-1]
        return np.ascontiguousarray(dx)

    def get_config(self):
        return {
            **super().get_config(), "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(
                self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(
                self.recurrent_initializer),
            "bias_initializer": initializers.serialize(
                self.bias_initializer),
            "kernel_regularizer": _reg.serialize(self.kernel_regularizer),
            "recurrent_regularizer": _reg.serialize(
                self.recurrent_regularizer),
            "bias_regularizer": _reg.serialize(self.bias_regularizer),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "bptt_truncate": self.bptt_truncate}
