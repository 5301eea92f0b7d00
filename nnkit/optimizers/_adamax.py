"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import numpy as np

from ._base import _Moments

__all__ = ["Adamax"]


class Adamax(_Moments):
    """Adamax (Kingma & Ba 2015, section 7.1).

    Adam divides by the root of an average of g**2; letting the power 2
    grow to infinity turns that average into a decaying maximum of
    ``|g|``, which needs no bias correction. Keras' form (m, u start at 0;
    t = iterations + 1; ``|g|`` elementwise)::

        m = m + (g - m) * (1 - beta_1)
        u = max(beta_2 * u, |g|)
        w = w - lr * m / ((1 - beta_1**t) * (u + eps))

    The paper's Algorithm 2 is the same update with eps = 0. As with
    Adam, Keras' TensorFlow backend rounds beta_1 to float32 in
    ``beta_1**t`` (only there); nnkit uses your value (see
    ``nnkit.optimizers``).

    Args:
        beta_2: decay of the infinity norm, in [0, 1), default 0.999.
    """

    # The arguments and their checks are _Moments' (as Keras' Adamax's).
    name = "adamax"
    slot_names = ("momentum", "norm")

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        t = dt(self.iterations + 1)
        m, u = slots["momentum"], slots["norm"]
        m += (g - m) * dt(1 - self.beta_1)
        np.maximum(dt(self.beta_2) * u, np.abs(g), out=u)
        correction = dt(1) - dt(self.beta_1) ** t
        p.data -= lr * m / (correction * (u + dt(self.epsilon)))
