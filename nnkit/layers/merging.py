"""Merge layers: combine several tensors into one (functional models).

Each takes a *list* of K inputs (``multi_input = True``) and returns one
output; ``backward`` returns the K input gradients, in order:

    Add        out = x_1 + ... + x_K           dx_k = dout
    Subtract   out = x_1 - x_2                 dx_1 = dout, dx_2 = -dout
    Multiply   out = x_1 * ... * x_K           dx_k = dout * prod_{j!=k} x_j
    Average    out = (x_1 + ... + x_K) / K     dx_k = dout / K
    Concatenate(axis)  out = [x_1, ..., x_K]   dx_k = dout's k-th slice

Add, Subtract, Multiply and Average broadcast as Keras does: an axis of
size 1 stretches to match, and an input with fewer axes gets size-1 axes
inserted after the batch axis. Broadcasting copies an input to several
output positions, so its gradient *sums* over them (``_unbroadcast``),
the same fan-out rule a model applies to a tensor used by several
layers.

Masks (Keras' rules): Add, Subtract and Average carry the OR of the
input masks (None if any input has none); Multiply first replaces
masked entries by 1, multiplies, then zeroes the positions no input
keeps; Concatenate concatenates the masks (an input without one counts
as all True) and keeps a step if any part of it is kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Layer

__all__ = ["Merge", "Add", "Subtract", "Multiply", "Average",
           "Concatenate"]


class Merge(Layer):
    """Base class of the elementwise merge layers (shape checks, masks).

    Args:
        **kwargs: ``name``, ``dtype`` (see ``Layer``).

    Input shape:
        a list of K arrays (N, ...) whose shapes broadcast together
    Output shape:
        the broadcast shape
    """

    multi_input = True
    supports_masking = True
    min_inputs = 1           # Subtract sets exactly 2 (min and max)
    max_inputs: int | None = None

    def _check_count(self, shapes: list) -> None:
        k = len(shapes)
        if k < self.min_inputs or (self.max_inputs is not None
                                   and k > self.max_inputs):
            want = (f"exactly {self.min_inputs}"
                    if self.min_inputs == self.max_inputs
                    else f"at least {self.min_inputs}")
            raise ValueError(f"{self.describe()} takes {want} inputs, "
                             f"got {k}")

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        self._check_count(shapes)
        rank = max(len(s) for s in shapes)
        out = []
        for axis in range(rank):
            # A shorter input gets size-1 axes inserted after the batch.
            sizes = {s[axis - (rank - len(s))] if axis >= rank - len(s)
                     else 1 for s in shapes}
            sizes.discard(1)
            if len(sizes) > 1:
                raise ValueError(
                    f"{self.describe()}: inputs of shapes "
                    f"{[(None,) + s for s in shapes]} cannot be "
                    f"combined elementwise (axis {axis + 1} has sizes "
                    f"{sorted(sizes)})")
            out.append(sizes.pop() if sizes else 1)
        return tuple(out)

    def check_inputs(self, inputs: Any) -> list[np.ndarray]:
        """The inputs as arrays of the layer's dtype, with equal rank."""
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(f"{self.describe()} takes a list of arrays, "
                            f"got {type(inputs).__name__}")
        xs = [np.asarray(x).astype(self.dtype, copy=False) for x in inputs]
        self._check_count(xs)
        if len({len(x) for x in xs}) > 1:
            raise ValueError(f"{self.describe()}: the inputs have "
                             f"different batch sizes "
                             f"{[len(x) for x in xs]}")
        self.compute_output_shape([x.shape[1:] for x in xs])
        rank = max(x.ndim for x in xs)
        self.in_shapes = [x.shape for x in xs]
        return [x.reshape(x.shape[:1] + (1,) * (rank - x.ndim)
                          + x.shape[1:]) for x in xs]

    def _unbroadcast(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """Sum each gradient back to its input's shape."""
        out = []
        for g, shape in zip(grads, self.in_shapes):
            full = g.shape
            padded = shape[:1] + (1,) * (len(full) - len(shape)) + shape[1:]
            axes = tuple(i for i, (a, b) in enumerate(zip(padded, full))
                         if a == 1 and b != 1)
            if axes:
                g = g.sum(axis=axes, keepdims=True)
            out.append(g.reshape(shape))
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or any(m is None for m in mask):
            return None
        return np.logical_or.reduce([np.asarray(m, bool) for m in mask])


# Each merge layer's docstring shows what is its own; Merge's Args and
# shapes complete it (nnkit._docs: help() and the API page show both).
class Add(Merge):
    """Elementwise sum of the inputs: ``Add()([a, b, c])`` = a + b + c.

    """

    def forward(self, inputs, training=False, mask=None):
        xs = self.check_inputs(inputs)
        self.out = sum(xs[1:], xs[0])
        return self.out

    def backward(self, dout):
        return self._unbroadcast([dout] * len(self.in_shapes))


class Subtract(Merge):
    """Difference of exactly two inputs: ``Subtract()([a, b])`` = a - b.

    Input shape:
        a list of two arrays (N, ...) that broadcast together
    """

    min_inputs = max_inputs = 2

    def forward(self, inputs, training=False, mask=None):
        a, b = self.check_inputs(inputs)
        self.out = a - b
        return self.out

    def backward(self, dout):
        return self._unbroadcast([dout, -dout])


class Average(Merge):
    """Elementwise mean of the inputs: (a + b + c) / 3.

    """

    def forward(self, inputs, training=False, mask=None):
        xs = self.check_inputs(inputs)
        self.out = sum(xs[1:], xs[0]) / self.dtype.type(len(xs))
        return self.out

    def backward(self, dout):
        k = len(self.in_shapes)
        return self._unbroadcast([dout / self.dtype.type(k)] * k)


class Multiply(Merge):
    """Elementwise product of the inputs: a * b * c.

    """

    def forward(self, inputs, training=False, mask=None):
        xs = self.check_inputs(inputs)
        masks = list(mask) if mask is not None else [None] * len(xs)
        self.keep, self.kept = None, [None] * len(xs)
        for i, m in enumerate(masks):
            if m is not None:      # masked entries count as 1
                m = np.broadcast_to(np.asarray(m, bool)[..., None],
                                    xs[i].shape)
                xs[i] = np.where(m, xs[i], self.dtype.type(1))
                self.kept[i] = m
        if all(m is not None for m in masks):
            self.keep = np.logical_or.reduce(
                [np.asarray(m, bool) for m in masks])[..., None]
        self.xs = xs
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        if self.keep is not None:
            out = np.where(self.keep, out, self.dtype.type(0))
        self.out = out
        return out

    def backward(self, dout):
        if self.keep is not None:
            dout = np.where(self.keep, dout, 0.0).astype(dout.dtype)
        grads = []
        for k in range(len(self.xs)):
            g = dout
            for j, x in enumerate(self.xs):
                if j != k:
                    g = g * x
            if self.kept[k] is not None:   # masked entries were the
                g = np.where(self.kept[k], g, 0.0).astype(g.dtype)  # const 1
            grads.append(g)
        return self._unbroadcast(grads)


class Concatenate(Layer):
    """Join the inputs along ``axis``, as ``keras.layers.Concatenate``.

    Args:
        axis: the axis to join along (default -1, the features); every
            other axis must have the same size in all inputs.
        **kwargs: ``name``, ``dtype`` (see ``Layer``).

    Input shape:
        a list of arrays (N, ...) equal except along ``axis``
    Output shape:
        (N, ...) with the sizes along ``axis`` added up
    """

    multi_input = True
    supports_masking = True

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer)) or isinstance(axis,
                                                                 bool):
            raise TypeError(f"{self.describe()}: axis must be an integer, "
                            f"got {axis!r}")
        if axis == 0:
            raise ValueError(f"{self.describe()}: axis=0 is the batch "
                             f"axis; choose a feature axis (1.. or -1)")
        self.axis = int(axis)

    def _axis(self, rank: int) -> int:
        """The axis of a per-example shape of ``rank`` axes."""
        ax = self.axis - 1 if self.axis > 0 else rank + self.axis
        if not 0 <= ax < rank:
            raise ValueError(f"{self.describe()}: axis={self.axis} is not "
                             f"an axis of inputs with {rank + 1} axes")
        return ax

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        if not shapes:
            raise ValueError(f"{self.describe()} takes at least 1 input")
        if len({len(s) for s in shapes}) > 1:
            raise ValueError(f"{self.describe()}: inputs of shapes "
                             f"{[(None,) + s for s in shapes]} have "
                             f"different ranks")
        ax = self._axis(len(shapes[0]))
        rest = {s[:ax] + s[ax + 1:] for s in shapes}
        if len(rest) > 1:
            raise ValueError(
                f"{self.describe()} needs inputs equal in every axis but "
                f"axis {self.axis}, got shapes "
                f"{[(None,) + s for s in shapes]}")
        out = list(shapes[0])
        out[ax] = sum(s[ax] for s in shapes)
        return tuple(out)

    def forward(self, inputs, training=False, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(f"{self.describe()} takes a list of arrays, "
                            f"got {type(inputs).__name__}")
        xs = [np.asarray(x).astype(self.dtype, copy=False) for x in inputs]
        self.compute_output_shape([x.shape[1:] for x in xs])
        ax = self._axis(xs[0].ndim - 1) + 1
        self.splits = np.cumsum([x.shape[ax] for x in xs])[:-1]
        self.out = np.concatenate(xs, axis=ax)
        return self.out

    def backward(self, dout):
        ax = self._axis(dout.ndim - 1) + 1
        return np.split(dout, self.splits, axis=ax)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            x = np.asarray(x)
            if m is None:
                full.append(np.ones(x.shape, bool))
            else:
                m = np.asarray(m, bool)
                full.append(np.broadcast_to(
                    m.reshape(m.shape + (1,) * (x.ndim - m.ndim)), x.shape))
        ax = self._axis(np.asarray(inputs[0]).ndim - 1) + 1
        return np.any(np.concatenate(full, axis=ax), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
