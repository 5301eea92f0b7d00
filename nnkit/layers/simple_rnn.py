"""SimpleRNN (Elman network): h_t = f(x_t W + h_{t-1} U + b).

Shapes: x (N, T, D); W "kernel" (D, H); U "recurrent_kernel" (H, H);
b "bias" (H,); h_t (N, H). Keras' layouts and defaults: f = tanh,
W Glorot-uniform, U orthogonal, b zeros, h_0 = 0.

Backward through one step, with a_t = x_t W + h_{t-1} U + b and
dh_t = dL/dh_t (from the output at t and from step t+1):

    da_t = dh_t * f'(a_t)
    dW += x_t^T da_t     dU += h_{t-1}^T da_t     db += sum_n da_t
    dx_t = da_t W^T      dh_{t-1} = da_t U^T  (sent to step t-1)

The loop, the summed weight gradients and truncated BPTT are in
``recurrent.Recurrent``.
"""

from __future__ import annotations

from typing import Any

from .recurrent import Recurrent

__all__ = ["SimpleRNN"]


class SimpleRNN(Recurrent):
    """Fully connected recurrent layer.

    Args:
        units: H, the size of the state (> 0).
        activation: f, Keras default ``"tanh"``.
        use_bias: add b.
        kernel_initializer, recurrent_initializer, bias_initializer:
            Keras defaults ``"glorot_uniform"``, ``"orthogonal"``,
            ``"zeros"``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties.
        return_sequences: output every h_t, (N, T, H), instead of the
            last one, (N, H).
        return_state: also return h_T: ``[output, h_T]`` (direct calls
            only, not inside Sequential).
        go_backwards: process the steps from last to first; the output
            sequence is then in processing (reversed) order, as Keras.
        bptt_truncate: None (full BPTT) or k >= 1: gradients flow back
            at most k steps (see ``recurrent``'s module docstring).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, T, D)
    Output shape:
        (N, T, H) if ``return_sequences`` else (N, H)
    """

    n_gates = 1
    state_names = ("h",)
    tied = True

    def __init__(self, units: int, activation: Any = "tanh",
                 **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)

    def _cell_forward(self, xz, hz, states):
        a = xz + hz
        h = self.activation.forward(a)
        return [h], (a, h)

    def _cell_backward(self, dstates, cache):
        a, h = cache
        da = self.activation.backward(a, h, dstates[0])
        return da, da, [None]
