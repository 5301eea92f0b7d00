"""LSTM (Hochreiter & Schmidhuber 1997, with a forget gate).

Shapes: x (N, T, D); W "kernel" (D, 4H); U "recurrent_kernel" (H, 4H);
b "bias" (4H,); states h_t, c_t (N, H). The four column blocks of W, U
and b are the gates in Keras' order i, f, c, o. With sigma the
recurrent activation (sigmoid) and g the activation (tanh):

    a = x_t W + h_{t-1} U + b = [a_i | a_f | a_c | a_o]
    i = sigma(a_i)   f = sigma(a_f)   c~ = g(a_c)   o = sigma(a_o)
    c_t = f * c_{t-1} + i * c~
    h_t = o * g(c_t)

Backward through one step, given dh = dL/dh_t and dc = dL/dc_t from
step t+1 (the loop and the weight sums are in ``recurrent``):

    do  = dh * g(c_t)
    dc  = dc + dh * o * g'(c_t)
    di  = dc * c~     df = dc * c_{t-1}     dc~ = dc * i
    da  = [di sigma'(a_i) | df sigma'(a_f) | dc~ g'(a_c) | do sigma'(a_o)]
    dc_{t-1} = dc * f      dh_{t-1} = da U^T

The cell state's own path, dc_{t-1} = dc * f, is multiplied by a gate
rather than by a weight matrix: that is why gradients survive many
steps. Keras' defaults: W Glorot-uniform, U orthogonal, b zeros except
b_f = 1 (``unit_forget_bias``, Jozefowicz et al. 2015).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import activations
from .recurrent import Recurrent

__all__ = ["LSTM"]


class LSTM(Recurrent):
    """Long short-term memory layer.

    Args:
        units: H, the size of h and c (> 0).
        activation: g, Keras default ``"tanh"``.
        recurrent_activation: sigma of the gates, default ``"sigmoid"``.
        unit_forget_bias: start b_f at 1 (Keras default True).
        **kwargs: ``use_bias``, the initializers and regularizers,
            ``return_sequences``, ``return_state`` (``[output, h_T,
            c_T]``), ``go_backwards``, ``bptt_truncate``, ``name``,
            ``dtype``, ``input_shape`` — as in ``SimpleRNN``.

    Input shape:
        (N, T, D)
    Output shape:
        (N, T, H) if ``return_sequences`` else (N, H)
    """

    n_gates = 4
    state_names = ("h", "c")
    tied = True

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid",
                 unit_forget_bias: bool = True, **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = check.lookup(
            self.describe(), "recurrent_activation", recurrent_activation,
            activations.get)
        self.unit_forget_bias = check.boolean(
            self.describe(), "unit_forget_bias", unit_forget_bias)

    def _initial_bias(self, rng):
        b = super()._initial_bias(rng)
        if self.unit_forget_bias:
            b[self.units:2 * self.units] = 1.0
        return b

    def _cell_forward(self, xz, hz, states):
        _, c_prev = states
        h = self.units
        a = xz + hz
        sig, g = self.recurrent_activation, self.activation
        i, f = sig.forward(a[:, :h]), sig.forward(a[:, h:2 * h])
        cc, o = g.forward(a[:, 2 * h:3 * h]), sig.forward(a[:, 3 * h:])
        c = f * c_prev + i * cc
        gc = g.forward(c)
        return [o * gc, c], (a, i, f, cc, o, c_prev, c, gc)

    def _cell_backward(self, dstates, cache):
        dh, dc_next = dstates
        a, i, f, cc, o, c_prev, c, gc = cache
        h = self.units
        sig, g = self.recurrent_activation, self.activation
        dc = dc_next + g.backward(c, gc, dh * o)
        da = np.empty_like(a)
        da[:, :h] = sig.backward(a[:, :h], i, dc * cc)
        da[:, h:2 * h] = sig.backward(a[:, h:2 * h], f, dc * c_prev)
        da[:, 2 * h:3 * h] = g.backward(a[:, 2 * h:3 * h], cc, dc * i)
        da[:, 3 * h:] = sig.backward(a[:, 3 * h:], o, dh * gc)
        return da, da, [None, dc * f]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
