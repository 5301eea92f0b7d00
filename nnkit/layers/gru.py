"""GRU (Cho et al. 2014) in Keras' default form, ``reset_after=True``.

Shapes: x (N, T, D); W "kernel" (D, 3H); U "recurrent_kernel" (H, 3H);
"bias" (2, 3H): row 0 is the input bias b_x, row 1 the recurrent bias
b_h; h_t (N, H), H = ``units``. Column blocks in Keras' order z
(update), r (reset), h~ (candidate). With sigma the recurrent
activation (sigmoid) and g the activation (tanh), one step
(``cell_forward``; xz = x_t W + b_x comes from the layer) is chapter
9's reset-after equations, one row per example::

    hz = h_{t-1} U + b_h = [hz_z | hz_r | hz_h]
    z = sigma(xz_z + hz_z)      r = sigma(xz_r + hz_r)
    h~ = g(xz_h + r * hz_h)     (reset applied after the matmul)
    h_t = z * h_{t-1} + (1 - z) * h~

Backward through one step (``cell_backward``), given dh = dL/dh_t::

    da_h = dh (1 - z) g'(.)           (pre-activation of h~)
    da_z = dh (h_{t-1} - h~) sigma'(.)
    da_r = da_h hz_h sigma'(.)
    dxz = [da_z | da_r | da_h]        dhz = [da_z | da_r | da_h * r]
    dh_{t-1} = dh * z + dhz U^T

The loop over the steps (with masks) and the weight gradients summed
over them are ``Recurrent.forward`` and ``Recurrent.backward``
(``recurrent.py``): dW sums x_t^T dxz, dU sums h_{t-1}^T dhz, b_x gets
dxz and b_h dhz. ``recurrent_matmul`` computes h_{t-1} U, per gate
with ``recurrent_dropout`` (``recurrent_dropout.py``); the carried
z * h_{t-1} is never dropped.
The original form (``reset_after=False``, chapter 9's textbook GRU,
r applied to h_{t-1} before the matmul) is not implemented.
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
            ``dropout``, ``recurrent_dropout`` (a mask per gate when
            it is > 0, as in Keras), ``return_sequences``,
            ``return_state`` (``[output, h_T]``), ``go_backwards``,
            ``zero_output_for_mask``, ``bptt_truncate``, ``name``,
            ``seed``, ``dtype``, ``input_shape`` — as in ``SimpleRNN``.
            Called with ``mask=`` and ``initial_state=[h_0]``.
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

    @property
    def _bias_shape(self):
        return (2, 3 * self.units)

    def _input_bias(self):
        return None if self.bias is None else self.bias.data[0]

    def _add_bias_grads(self, dxz, dhz):
        self.bias.grad[0] += dxz.sum(axis=0)
        self.bias.grad[1] += dhz.sum(axis=0)

    def cell_forward(self, xz_t, states):
        """One step: ([h_t], cache) from xz_t and [h_{t-1}]."""
        h_prev, = states
        H = self.units
        sigma, g = self.recurrent_activation, self.activation
        hz = self.recurrent_matmul(h_prev)      # h_{t-1} U
        if self.bias is not None:
            hz += self.bias.data[1]
        a_z = xz_t[:, :H] + hz[:, :H]
        a_r = xz_t[:, H:2 * H] + hz[:, H:2 * H]
        z, r = sigma.forward(a_z), sigma.forward(a_r)
        hz_h = hz[:, 2 * H:]
        a_h = xz_t[:, 2 * H:] + r * hz_h
        h_tilde = g.forward(a_h)
        h = z * h_prev + (1 - z) * h_tilde
        return [h], (a_z, a_r, a_h, z, r, h_tilde, hz_h, h_prev)

    def cell_backward(self, dstates, cache):
        """One step back: (dxz, dhz, [dh_{t-1}])."""
        dh, = dstates
        a_z, a_r, a_h, z, r, h_tilde, hz_h, h_prev = cache
        H = self.units
        sigma, g = self.recurrent_activation, self.activation
        da_h = g.backward(a_h, h_tilde, dh * (1 - z))
        dxz = np.empty((len(dh), 3 * H), dh.dtype)
        dxz[:, :H] = sigma.backward(a_z, z, dh * (h_prev - h_tilde))
        dxz[:, H:2 * H] = sigma.backward(a_r, r, da_h * hz_h)
        dxz[:, 2 * H:] = da_h
        dhz = dxz.copy()
        dhz[:, 2 * H:] *= r
        return dxz, dhz, [dh * z + self.recurrent_matmul_backward(dhz)]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation),
                "reset_after": self.reset_after}
