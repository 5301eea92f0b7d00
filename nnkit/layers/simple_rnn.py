"""SimpleRNN (Elman network): h_t = f(x_t W + h_{t-1} U + b).

Shapes: x (N, T, D); W "kernel" (D, H); U "recurrent_kernel" (H, H);
b "bias" (H,); h_t (N, H), H = ``units``. Keras' layouts and defaults:
f = tanh, W Glorot-uniform, U orthogonal, b zeros, h_0 = 0. Chapter 9
writes the same step per example, h_t = tanh(W_hh h_{t-1} + W_xh x_t
+ b), with W = W_xh^T and U = W_hh^T.

One step (``cell_forward``), with xz_t = x_t W + b from the layer::

    a_t = xz_t + h_{t-1} U        h_t = f(a_t)

and back (``cell_backward``), given dh_t = dL/dh_t (from the output at
t and from step t+1)::

    da_t = dh_t * f'(a_t)         dh_{t-1} = da_t U^T

da_t is the gradient of both xz_t and h_{t-1} U. The loop over the
steps, masks, the summed weight gradients (dW += x_t^T da_t, dU +=
h_{t-1}^T da_t, db += sum_n da_t, dx_t = da_t W^T) and truncated BPTT
are in ``Recurrent.forward`` and ``Recurrent.backward``
(``recurrent.py``); with dropout, x_t and h_{t-1} are multiplied by
their masks before W and U (``recurrent_dropout.py``).
"""

from __future__ import annotations

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
        activity_regularizer: optional penalty on the layer's output.
        dropout: fraction of the inputs x_t to drop in training, in
            [0, 1): one mask per batch, the same at every step (see
            ``recurrent_dropout``'s module docstring).
        recurrent_dropout: the same for h_{t-1} before U.
        return_sequences: output every h_t, (N, T, H), instead of the
            last one, (N, H).
        return_state: also return h_T: ``[output, h_T]`` (direct calls
            and functional models, not inside Sequential).
        go_backwards: process the steps from last to first; the output
            sequence is then in processing (reversed) order, as Keras.
        zero_output_for_mask: output zeros at masked steps instead of
            repeating the last output (Keras' argument; Bidirectional
            sets it when it returns sequences).
        bptt_truncate: None (full BPTT) or k >= 1: gradients flow back
            at most k steps (see ``recurrent``'s module docstring).
        **kwargs: ``name``, ``dtype``, ``input_shape``, ``seed`` (the
            weights' seed when built on its own, and the dropout masks'
            seed, as Keras' ``seed``), ``trainable`` (see ``Layer``).

    Called as ``layer(x, training=False, initial_state=None,
    mask=None)``: ``mask`` (N, T) marks the real steps, a masked step
    keeps the state; ``initial_state`` is [h_0]; ``training`` turns the
    dropout masks on (see ``Recurrent.forward``).
    """

    # SimpleRNN takes Recurrent's arguments as they are (no __init__ of
    # its own); its input and output shapes are Recurrent's too
    # (nnkit._docs adds them to this docstring).
    n_gates = 1
    state_names = ("h",)
    tied = True

    def cell_forward(self, xz_t, states):
        """One step: ``h_t = f(xz_t + h_{t-1} U)``; returns ([h_t], cache)."""
        h_prev, = states
        a = xz_t                     # updated in place: no new array
        a += self.recurrent_matmul(h_prev)     # h_{t-1} U
        h = self.activation.forward(a)
        return [h], (a, h)

    def cell_backward(self, dstates, cache):
        """One step back: (da_t, da_t, [dh_{t-1}])."""
        a, h = cache
        da = self.activation.backward(a, h, dstates[0])
        return da, da, [self.recurrent_matmul_backward(da)]
