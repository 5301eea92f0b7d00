"""LSTM (Hochreiter & Schmidhuber 1997, with a forget gate).

Shapes: x (N, T, D); W "kernel" (D, 4H); U "recurrent_kernel" (H, 4H);
b "bias" (4H,); states h_t, c_t (N, H), H = ``units``. The four column
blocks of W, U and b are the gates in Keras' order i, f, c~, o. With
sigma the recurrent activation (sigmoid) and g the activation (tanh),
one step (``cell_forward``; xz_t = x_t W + b comes from the layer) is
chapter 9's equations, one row per example::

    a = xz_t + h_{t-1} U = [a_i | a_f | a_c | a_o]
    i = sigma(a_i)   f = sigma(a_f)   c~ = g(a_c)   o = sigma(a_o)
    c_t = f * c_{t-1} + i * c~
    h_t = o * g(c_t)

Backward through one step (``cell_backward``), given dh = dL/dh_t and
dc = dL/dc_t from step t+1 and the output at t::

    do  = dh * g(c_t)
    dc  = dc + dh * o * g'(c_t)
    di  = dc * c~     df = dc * c_{t-1}     dc~ = dc * i
    da  = [di sigma'(a_i) | df sigma'(a_f) | dc~ g'(a_c) | do sigma'(a_o)]
    dh_{t-1} = da U^T      dc_{t-1} = dc * f

da is the gradient of both xz_t and h_{t-1} U; the loop over the steps
(with masks), the weight gradients summed over them and dropout are
in ``recurrent.py`` and ``recurrent_dropout.py`` (``recurrent_matmul``
computes h_{t-1} U, per gate when ``recurrent_dropout`` is set; c_{t-1}
is never dropped). The cell state's own path, dc_{t-1} = dc * f, is
multiplied by a gate rather than by a weight matrix: that is why
gradients survive many steps. Keras'
defaults: W Glorot-uniform, U orthogonal, b zeros except b_f = 1
(``unit_forget_bias``, Jozefowicz et al. 2015).
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
            ``dropout``, ``recurrent_dropout`` (a mask per gate when
            it is > 0, as in Keras), ``return_sequences``,
            ``return_state`` (``[output, h_T, c_T]``), ``go_backwards``,
            ``zero_output_for_mask``, ``bptt_truncate``, ``name``,
            ``seed``, ``dtype``, ``input_shape`` — as in ``SimpleRNN``.
            Called with ``mask=`` and ``initial_state=[h_0, c_0]``.

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

    def _initial_bias(self, shape, rng):
        b = super()._initial_bias(shape, rng)
        if self.unit_forget_bias:
            b[self.units:2 * self.units] = 1.0
        return b

    def cell_forward(self, xz_t, states):
        """One step: ([h_t, c_t], cache) from xz_t and [h_{t-1}, c_{t-1}]."""
        h_prev, c_prev = states
        H = self.units
        sigma, g = self.recurrent_activation, self.activation
        a = xz_t                     # updated in place: no new array
        a += self.recurrent_matmul(h_prev)     # h_{t-1} U
        i = sigma.forward(a[:, :H])
        f = sigma.forward(a[:, H:2 * H])
        c_tilde = g.forward(a[:, 2 * H:3 * H])
        o = sigma.forward(a[:, 3 * H:])
        c = f * c_prev + i * c_tilde
        g_c = g.forward(c)
        return [o * g_c, c], (a, i, f, c_tilde, o, c_prev, c, g_c)

    def cell_backward(self, dstates, cache):
        """One step back: (da, da, [dh_{t-1}, dc_{t-1}])."""
        dh, dc = dstates
        a, i, f, c_tilde, o, c_prev, c, g_c = cache
        H = self.units
        sigma, g = self.recurrent_activation, self.activation
        dc = dc + g.backward(c, g_c, dh * o)
        da = np.empty_like(a)
        da[:, :H] = sigma.backward(a[:, :H], i, dc * c_tilde)
        da[:, H:2 * H] = sigma.backward(a[:, H:2 * H], f, dc * c_prev)
        da[:, 2 * H:3 * H] = g.backward(a[:, 2 * H:3 * H], c_tilde, dc * i)
        da[:, 3 * H:] = sigma.backward(a[:, 3 * H:], o, dh * g_c)
        return da, da, [self.recurrent_matmul_backward(da), dc * f]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
