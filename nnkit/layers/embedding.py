"""Embedding: integer ids -> rows of a trainable table.

Shapes: ids x (N, ...) integers in [0, V); E "embeddings" (V, F);
out (N, ..., F) with out[n, t] = E[x[n, t]]. It equals a one-hot
vector times E, without building the one-hot vectors.

Backward: each row of E receives the sum of dout over every position
that looked it up (an id used twice collects both contributions),

    dE[v] = sum over positions p with x[p] = v of dout[p],

computed with ``np.add.at`` (plain ``dE[x] += dout`` would keep only
one of the repeated ids). Ids are not differentiable: backward returns
zeros shaped like x.

With ``mask_zero=True`` id 0 means padding: the layer still looks up
row 0, but its output carries the mask ``x != 0``, (N, T) for (N, T)
ids, which a model passes to the layers that follow (a recurrent layer
then skips the padded steps, a masked output leaves them out of the
loss). Id 0 is then reserved, so ``input_dim`` is the vocabulary size
plus one, as in Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg
from .base import Layer

__all__ = ["Embedding"]


class Embedding(Layer):
    """A lookup table of dense vectors for integer ids (word, char...).

    Args:
        input_dim: V, the number of ids (vocabulary size, > 0).
        output_dim: F, the size of each vector (> 0).
        embeddings_initializer: Keras default ``"uniform"``
            (RandomUniform(-0.05, 0.05)).
        embeddings_regularizer: optional penalty on E.
        mask_zero: treat id 0 as padding and output the mask x != 0
            (``compute_mask``), as Keras.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, ...) integer ids. ``Sequential`` passes integer ids on as
        integers (``integer_inputs``), so ids beyond float32's 2**24
        select the right row; floats holding whole numbers are
        accepted too.
    Output shape:
        (N, ..., output_dim)
    """

    # a model gives this layer integer ids as they are, not cast to
    # its float dtype (float32 holds integers exactly only to 2**24)
    integer_inputs = True

    def __init__(self, input_dim: int, output_dim: int,
                 embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None,
                 mask_zero: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.input_dim = check.positive_int(owner, "input_dim", input_dim)
        self.output_dim = check.positive_int(owner, "output_dim",
                                             output_dim)
        self._weight_arguments(
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer)
        self.mask_zero = check.boolean(owner, "mask_zero", mask_zero)
        self.supports_masking = self.mask_zero     # as Keras

    def build(self, input_shape, rng=None):
        self.embeddings = self.add_weight(
            "embeddings",
            self.embeddings_initializer((self.input_dim, self.output_dim),
                                        rng, self.dtype),
            regularizer=self.embeddings_regularizer)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_mask(self, inputs, mask=None):
        """x != 0, (N, ...) booleans, with ``mask_zero``; else None."""
        if not self.mask_zero:
            return None
        return np.asarray(inputs) != 0

    def check_input(self, x):
        x = np.asarray(x)
        if x.dtype.kind == "f":
            if not np.all(np.isfinite(x)) or np.any(x != np.round(x)):
                raise TypeError(f"{self.describe()} expects integer ids, "
                                f"got non-integer values (dtype {x.dtype})")
        elif x.dtype.kind not in "iub":
            raise TypeError(f"{self.describe()} expects integer ids, got "
                            f"dtype {x.dtype}")
        self._check_batch_shape(x, "ids")
        if x.size and (x.min() < 0 or x.max() >= self.input_dim):
            bad = x[(x < 0) | (x >= self.input_dim)].flat[0]
            raise ValueError(
                f"{self.describe()}: ids must be in [0, {self.input_dim}) "
                f"(input_dim={self.input_dim}), got {bad:g} (ids range "
                f"from {x.min():g} to {x.max():g})")
        return x.astype(np.intp, copy=False)

    def forward(self, x, training=False, mask=None):
        self.ids = self.check_input(x)
        self.out = self.embeddings.data[self.ids]
        return self.out

    def backward(self, dout):
        np.add.at(self.embeddings.grad, self.ids.ravel(),
                  np.asarray(dout).reshape(-1, self.output_dim))
        return np.zeros(self.ids.shape, self.dtype)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(
                    self.embeddings_initializer),
                "embeddings_regularizer": _reg.serialize(
                    self.embeddings_regularizer),
                "mask_zero": self.mask_zero}
