"""Positional information for attention: sinusoidal and learned.

Attention treats its inputs as a *set*: permute the tokens and the
outputs permute with them. Order enters through a vector per position
added to each token's embedding. Two ways, with keras_hub's names and
arguments (keras_hub adds the result to the embeddings itself:
``x + SinePositionEncoding()(x)``):

``SinePositionEncoding`` (Vaswani et al. 2017), fixed, no weights. For
position p (counted from ``start_index``) and feature i of D::

    w_i = max_wavelength ** (-2 floor(i / 2) / D)
    PE[p, i] = sin(p w_i)  for even i,   cos(p w_i)  for odd i

Each pair of features is a clock turning at its own speed, from one
radian per step down to one turn per ``max_wavelength`` steps, so
nearby positions get similar vectors and PE[p + k] is a fixed rotation
of PE[p].

``PositionEmbedding``: a learned table E ("embeddings"), one row per
position up to ``sequence_length``; out[n, t] = E[start_index + t].
It can only represent positions it was trained on.

Both layers read only the *shape* of their input x (N, T, D) and return
an array of that shape (the same rows for every example). So dx = 0,
and the table's gradient sums dout over the batch::

    dE[start_index + t] += sum_n dout[n, t]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .base import Layer

__all__ = ["SinePositionEncoding", "PositionEmbedding",
           "sine_position_encoding"]


def sine_position_encoding(steps: int, features: int,
                           max_wavelength: float = 10000.0,
                           start_index: int = 0) -> np.ndarray:
    """The (steps, features) sinusoidal table (see the module docstring).
    """
    p = np.arange(start_index, start_index + steps, dtype=np.float64)
    i = np.arange(features)
    rates = (1.0 / max_wavelength) ** (2 * (i // 2) / features)
    angles = p[:, None] * rates[None, :]
    return np.where(i % 2 == 0, np.sin(angles), np.cos(angles))


def _start(owner: str, start_index: Any) -> int:
    return check.non_negative_int(owner, "start_index", start_index)


class _Positional(Layer):
    """Shared checks: inputs (N, T, D), any T, the D it was built for."""

    input_ndim = 2

    def check_input(self, x):
        x = np.asarray(x)
        d = self.input_shape[-1] if self.built else None
        if x.ndim != 3 or (d is not None and x.shape[-1] != d):
            raise ValueError(f"{self.describe()} expects inputs of shape "
                             f"(batch, steps, {d or 'features'}), got "
                             f"{x.shape}")
        return x

    def backward(self, dout):
        self._table_grad(dout)
        return np.zeros(self.x_shape, self.dtype)

    def _table_grad(self, dout):
        """Nothing to learn (overridden by PositionEmbedding)."""


class SinePositionEncoding(_Positional):
    """Fixed sinusoidal position vectors shaped like the input.

    Args:
        max_wavelength: the slowest clock's period in steps, default
            10000 (keras_hub's and the paper's).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Call arguments:
        start_index: position of the first step (for decoding one step
            at a time), default 0.

    Input shape:
        (N, T, D)
    Output shape:
        (N, T, D): the same (T, D) table for every example
    """

    def __init__(self, max_wavelength: float = 10000, **kwargs: Any):
        super().__init__(**kwargs)
        check.positive(self.describe(), "max_wavelength", max_wavelength)
        self.max_wavelength = max_wavelength

    def forward(self, x, training=False, start_index=0):
        x = self.check_input(x)
        start = _start(self.describe(), start_index)
        self.x_shape = x.shape
        table = sine_position_encoding(x.shape[1], x.shape[2],
                                       float(self.max_wavelength), start)
        return np.broadcast_to(table.astype(self.dtype), x.shape).copy()

    def get_config(self):
        return {**super().get_config(),
                "max_wavelength": self.max_wavelength}


class PositionEmbedding(_Positional):
    """A learned vector per position, shaped like the input.

    Args:
        sequence_length: the number of positions it learns (> 0); inputs
            may be shorter, not longer.
        initializer: for the table, keras_hub's default
            ``"glorot_uniform"``.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Call arguments:
        start_index: position of the first step, default 0.

    Input shape:
        (N, T, D), T <= sequence_length - start_index
    Output shape:
        (N, T, D)
    """

    def __init__(self, sequence_length: int,
                 initializer: Any = "glorot_uniform", **kwargs: Any):
        super().__init__(**kwargs)
        self.sequence_length = check.positive_int(
            self.describe(), "sequence_length", sequence_length)
        self.initializer = check.lookup(self.describe(), "initializer",
                                        initializer, initializers.for_weight)

    def build(self, input_shape, rng=None):
        shape = (self.sequence_length, input_shape[-1])
        self.embeddings = self.add_weight(
            "embeddings", self.initializer(shape, rng, self.dtype))
        super().build(input_shape, rng)

    def forward(self, x, training=False, start_index=0):
        x = self.check_input(x)
        start = _start(self.describe(), start_index)
        steps = x.shape[1]
        if start + steps > self.sequence_length:
            raise ValueError(
                f"{self.describe()} learned {self.sequence_length} "
                f"positions (sequence_length), but the input asks for "
                f"positions {start}..{start + steps - 1}; make "
                f"sequence_length at least {start + steps}")
        self.x_shape, self.rows = x.shape, slice(start, start + steps)
        return np.broadcast_to(self.embeddings.data[self.rows],
                               x.shape).copy()

    def _table_grad(self, dout):
        self.embeddings.grad[self.rows] += dout.sum(axis=0)

    def get_config(self):
        return {**super().get_config(),
                "sequence_length": self.sequence_length,
                "initializer": initializers.serialize(self.initializer)}
