"""GRU (Cho et al. 2014) in Keras' default form, ``reset_after=True``.

Shapes: x (N, T, D); W "kernel" (D, 3H); U "recurrent_kernel" (H, 3H);
"bias" (2, 3H): row 0 is the input bias b_x, row 1 the recurrent bias
b_h. Column blocks in Keras' order z (update), r (reset), h
(candidate). With sigma the recurrent activation (sigmoid) and g the
activation (tanh):

    xz = x_t W + b_x = [xz_z | xz_r | xz_h]
    hz = h_{t-1} U + b_h = [hz_z | hz_r | hz_h]
    z = sigma(xz_z + hz_z)      r = sigma(xz_r + hz_r)
    h~ = g(xz_h + r * hz_h)     (reset applied after the matmul)
    h_t = z * h_{t-1} + (1 - z) * h~

Backward through one step, given dh = dL/dh_t (the loop and the
weight sums are in ``recurrent``):

    da_h = dh (1 - z) g'(.)           (pre-activation of h~)
    da_z = dh (h_{t-1} - h~) sigma'(.)
    da_r = da_h hz_h sigma'(.)
    dxz = [da_z | da_r | da_h]        dhz = [da_z | da_r | da_h * r]
    dh_{t-1} = dh * z + dhz U^T

so dW sums x^T dxz, dU sums h_{t-1}^T dhz, b_x gets dxz and b_h dhz.
The original form (``reset_after=False``, r applied to h_{t-1} before
the matmul) is not implemented.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import activations
from .recurrent import Recurrent

__all__ = ["GRU"]


class GRU(Recurrent):
    """Gated recurrent unit layer (Keras' ``reset_after=True`` form).

    Args:
        units: H, the size of the state (> 0).
        activation: g, Keras default ``"tanh"``.
        recurrent_activation: sigma of the gates, default ``"sigmoid"``.
        reset_after: must be True (Keras' default, the only form here).
        **kwargs: ``use_bias``, the initializers and regularizers,
            ``return_sequences``, ``return_state`` (``[output, h_T]``),
            ``go_backwards``, ``bptt_truncate``, ``name``, ``dtype``,
            ``input_shape`` — as in ``SimpleRNN``.

    Input shape:
        (N, T, D)
    Output shape:
        (N, T, H) if ``return_sequences`` else (N, H)
    """

    n_gates = 3
    state_names = ("h",)
    tied = False

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid",
                 reset_after: bool = True, **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        if reset_after is not True:
            raise ValueError(
                f"{self.describe()}: reset_after must be True (Keras' "
                f"default form, h~ = g(x W_h + b_xh + r * (h U_h + "
                f"b_hh))); reset_after={reset_after!r} is not "
                f"implemented")
        self.recurrent_activation = check.lookup(
            self.describe(), "recurrent_activation", recurrent_activation,
            activations.get)
        self.reset_after = True

    def _initial_bias(self, rng):
        return self.bias_initializer((2, 3 * self.units), rng, self.dtype)

    def _biases(self):
        if self.bias is None:
            return None, None
        return self.bias.data[0], self.bias.data[1]

    def _add_bias_grad(self, dxz_sum, dhz_sum):
        self.bias.grad[0] += dxz_sum
        self.bias.grad[1] += dhz_sum

    def _cell_forward(self, xz, hz, states):
        h_prev = states[0]
        n = self.units
        sig, g = self.recurrent_activation, self.activation
        a_z = xz[:, :n] + hz[:, :n]
        a_r = xz[:, n:2 * n] + hz[:, n:2 * n]
        z, r = sig.forward(a_z), sig.forward(a_r)
        hz_h = hz[:, 2 * n:]
        a_h = xz[:, 2 * n:] + r * hz_h
        hh = g.forward(a_h)
        h = hh + z * (h_prev - hh)
        return [h], (a_z, a_r, a_h, z, r, hh, hz_h, h_prev)

    def _cell_backward(self, dstates, cache):
        dh = dstates[0]
        a_z, a_r, a_h, z, r, hh, hz_h, h_prev = cache
        n = self.units
        sig, g = self.recurrent_activation, self.activation
        dxz = np.empty((len(dh), 3 * n), dh.dtype)
        dxz[:, 2 * n:] = da_h = g.backward(a_h, hh, dh * (1.0 - z))
        dxz[:, :n] = sig.backward(a_z, z, dh * (h_prev - hh))
        dxz[:, n:2 * n] = sig.backward(a_r, r, da_h * hz_h)
        dhz = dxz.copy()
        dhz[:, 2 * n:] *= r
        return dxz, dhz, [dh * z]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation),
                "reset_after": self.reset_after}
