"""Dropout: randomly silence units during training (inverted dropout).

In training, every input element is kept with probability q = 1 - rate
and zeroed otherwise; kept elements are scaled by 1/q so that the
expected output equals the input::

    m ~ Bernoulli(q) elementwise,    out = x * m / q,    E[out] = x.

At inference the layer is the identity; thanks to the 1/q scaling no
rescaling is needed there (the "inverted" form, which Keras uses).

Backward, with the same mask as the forward pass::

    dx = dout * m / q

The mask is drawn from a ``np.random.Generator``: the layer's own, from
``seed``, or else one spawned at build time from the model's generator
(spawning gives an independent stream and does not advance the model's
generator, so adding Dropout leaves the other layers' initial weights
unchanged). The generator's state is saved with the model
(``get_state``), so a reloaded model continues the same mask sequence.

Difference from Keras: Keras accepts ``rate=1`` (the output is then all
zeros); nnkit rejects it, since no unit would ever learn. Masks differ
from Keras' (different random generators), so parity tests compare
inference outputs and statistics, not individual masks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer

__all__ = ["Dropout"]


# ----- a dropout generator's state travels with the model -----------------
# (Dropout, MultiHeadAttention and the recurrent layers' dropout share it.)
def generator_state(rng: np.random.Generator | None) -> dict[str, Any]:
    """What ``get_state`` saves of a layer's dropout generator: its
    bit generator's state, or nothing before the generator exists."""
    if rng is None:
        return {}
    return {"rng_state": rng.bit_generator.state}


def restore_generator(rng: np.random.Generator | None,
                      state: dict[str, Any]) -> np.random.Generator | None:
    """``rng`` (a new generator if None) set to the state that
    ``generator_state`` saved; ``rng`` itself if ``state`` holds none."""
    if "rng_state" not in state:
        return rng
    if rng is None:
        rng = np.random.default_rng()
    rng.bit_generator.state = state["rng_state"]
    return rng


class Dropout(Layer):
    """Inverted dropout.

    Args:
        rate: fraction of the inputs to drop, in [0, 1).
        seed: optional integer seed for this layer's own generator;
            without it the generator is spawned from the model's.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        any, (N, ...)
    Output shape:
        same as the input
    """

    supports_masking = True   # a mask passes through (Keras)

    def __init__(self, rate: float, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if type(rate) in (int, float) and rate == 1:
            raise ValueError(f"{self.describe()}: rate must be in [0, 1), "
                             f"got {rate!r} (rate=1 would drop every "
                             f"unit, so nothing could learn)")
        self.rate = check.rate(self.describe(), "rate", rate)
        self.seed = check.seed(self.describe(), "seed", seed)
        self.rng: np.random.Generator | None = None
        self.mask: np.ndarray | None = None

    def build(self, input_shape, rng=None):
        if self.seed is not None:
            self.rng = np.random.default_rng(self.seed)
        elif rng is not None:
            self.rng = rng.spawn(1)[0]
        else:
            self.rng = np.random.default_rng()
        super().build(input_shape, rng)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        if not training or self.rate == 0.0:
            self.mask = None
            self.out = x
            return x
        if self.rng is None:       # used without being built
            self.build(x.shape[1:])
        keep = 1.0 - self.rate
        kept = self.rng.random(x.shape) < keep
        # The scaled mask m / q, stored once for the backward pass.
        self.mask = kept.astype(x.dtype) / x.dtype.type(keep)
        self.out = x * self.mask
        return self.out

    def backward(self, dout):
        if self.mask is None:      # inference or rate 0: identity
            return dout
        return dout * self.mask

    # ----- the generator's state travels with the model -----------------
    def get_state(self) -> dict[str, Any]:
        return generator_state(self.rng)

    def set_state(self, state: dict[str, Any]) -> None:
        self.rng = restore_generator(self.rng, state)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "seed": self.seed}
