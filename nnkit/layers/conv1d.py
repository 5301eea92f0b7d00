"""1-D convolution (Keras' Conv1D) over sequences, channels last.

Shapes (N sequences, L steps, C channels, F filters, kernel size k):

* x: (N, L, C);
* K ("kernel"): (k, C, F), Keras' layout; b ("bias"): (F,);
* out: (N, Lo, F).

Each output step is the dot product of a window of k (dilated) steps
with a filter; with stride s and dilation d over the padded input xp::

    z[n, t, f] = sum_{a, c} xp[n, s t + d a, c] K[a, c, f] + b[f]

A sequence is a one-pixel-high image, so this is Conv2D on x viewed as
(N, 1, L, C) with a (1, k) kernel: the same im2col matrix product and
the same backward (with dz = dout * f'(z))::

    dK = cols^T dz      db = sum dz      dx = col2im(dz K^T)

Padding: ``"valid"`` (none), ``"same"`` (Lo = ceil(L / s), the extra
step after, as in TensorFlow) or ``"causal"``: d (k - 1) zeros before
the sequence and none after, so output t sees only steps <= t (for
language models and WaveNet-style stacks); Lo = ceil(L / s).

Difference from Keras: Keras refuses strides > 1 with dilation_rate > 1;
nnkit computes it (the formulas hold) but such a layer has no twin.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .base_conv import BaseConv, check_channels_last, window_too_large
from .conv import Im2colMixin
from .im2col import conv_output_size, same_padding

__all__ = ["Conv1D", "check_steps"]


def check_steps(layer: Layer, x: np.ndarray) -> np.ndarray:
    """A batch of sequences (N, L, C) with the layer's C; any L."""
    return check_channels_last(layer, x, ("steps",), "sequences")


class Conv1D(Im2colMixin, BaseConv):
    # Args lists what is Conv1D's own; the other arguments are documented
    # by BaseConv and KernelMixin (nnkit._docs: help() shows them all).
    """1-D convolution over channels-last sequences, fused activation.

    Args:
        kernel_size: k, an int or a 1-tuple.
        strides: s, default 1.
        padding: ``"valid"``, ``"same"`` or ``"causal"``.
        dilation_rate: d, default 1.

    Input shape:
        (N, L, C)
    Output shape:
        (N, Lo, filters)
    """

    rank = 1
    paddings = ("valid", "same", "causal")
    input_ndim = 2

    def _geometry(self, input_shape: tuple[int, ...]):
        """(before, after) padding and output length for (L, C)."""
        n, k = input_shape[0], self.kernel_size
        s, d = self.strides, self.dilation_rate
        if self.padding == "valid":
            pad = (0, 0)
        elif self.padding == "same":
            pad = same_padding(n, k, s, d)
        else:                                    # causal: all before
            pad = (d * (k - 1), 0)
        out = conv_output_size(n + sum(pad), k, 0, s, d)
        if out <= 0:
            raise window_too_large(
                self, f"a kernel spanning {d * (k - 1) + 1} steps "
                f"(kernel_size {k}, dilation_rate {d})",
                f"a sequence of {n} steps", input_shape,
                "padding='same' or 'causal', or a smaller kernel")
        return pad, out

    def build(self, input_shape, rng=None):
        self._geometry(input_shape)
        shape = (self.kernel_size, input_shape[-1], self.filters)
        self._build_kernel(shape, self.filters, rng)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (self._geometry(input_shape)[1], self.filters)

    def check_input(self, x):
        return check_steps(self, x)

    def _window(self, pad):
        """Conv2D's window arguments for the (1, L) image (N, 1, L, C)."""
        return ((1, self.kernel_size), (1, self.strides),
                ((0, 0), pad), (1, self.dilation_rate))

    def forward(self, x, training=False):
        x = self.check_input(x)
        self.pad, lo = self._geometry(x.shape[1:])
        z = self._convolve(x[:, None], self._window(self.pad))
        z = z.reshape(len(x), lo, self.filters)
        out = self.activation.forward(z)
        self.z, self.out = z, out
        return out

    def backward_from_logits(self, dz, need_dx=True):
        """Backward from dL/dz, skipping the activation (see Dense):
        dK = cols^T dz, db = sum dz, dx = col2im(dz K^T)."""
        dx = self._convolve_backward(dz.reshape(-1, self.filters), need_dx)
        return None if dx is None else dx[:, 0]
