"""``Input``: where a functional model's data comes in.

``nnkit.Input(shape=(4,))`` creates an ``InputLayer`` and returns the
symbolic tensor it produces, as ``keras.Input`` does. Layers called on
that tensor record the graph a ``nnkit.Model`` then runs::

    x = nnkit.Input(shape=(4,), name="features")
    y = Dense(1)(Dense(8, activation="relu")(x))
    model = nnkit.Model(inputs=x, outputs=y)

Inside ``Sequential([Input((4,)), Dense(8), ...])`` an ``Input`` only
declares the input shape, so the model can be built at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .symbolic import Node, SymbolicTensor

__all__ = ["Input", "InputLayer"]


class InputLayer(Layer):
    """The layer behind ``Input``: no weights, its output is the data.

    Args:
        shape: the shape of one example (without the batch axis).
        dtype: the data's dtype (default ``"float32"``); an integer
            dtype suits ids fed to an ``Embedding``.
        name: the input's name, used as key when ``fit``/``predict``
            receive a dict of arrays (Keras' default is
            ``"input_layer"``, made unique within a model).

    Input shape:
        ``(N, *shape)``
    Output shape:
        ``(N, *shape)``
    """

    def __init__(self, shape: Any, dtype: Any = None,
                 name: str | None = None):
        explicit = name is not None
        super().__init__(name="input_layer" if name is None else name)
        self._explicit_name = explicit
        self.shape = check.shape("Input", "shape", shape)
        try:
            self.input_dtype = np.dtype("float32" if dtype is None
                                        else dtype)
        except TypeError:
            raise check.ArgumentTypeError(
                f"Input: dtype must be a numeric dtype such as 'float32' "
                f"or 'int32', got {check.show(dtype)}") from None
        if self.input_dtype.kind not in "fiub":
            raise check.ArgumentTypeError(
                f"Input: dtype must be numeric, got {dtype!r}")
        if self.input_dtype.kind == "f":
            self.dtype = self.input_dtype = check.float_dtype(
                "Input", "dtype", self.input_dtype)
        self.input_shape = self.shape
        self.built = True
        Node(self, [], [self.shape], self.input_dtype)
        self.output.name = self.name      # Layer.output: this node's

    def forward(self, x, training=False):
        return x

    def backward(self, dout):
        return dout

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "shape": list(self.shape),
                "dtype": self.input_dtype.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputLayer:
        return cls(**config)


def Input(shape: Any, name: str | None = None,  # noqa: N802 (Keras' name)
          dtype: Any = None) -> SymbolicTensor:
    """A symbolic tensor for the model's input, as ``keras.Input``.

    Args:
        shape: the shape of one example, e.g. ``(4,)`` or
            ``(28, 28, 1)`` (the batch axis is left out).
        name: the input's name (the key for dict data in ``fit``).
        dtype: the data's dtype, default ``"float32"``. Layers created
            without an explicit dtype and called on a float64 input
            compute in float64.

    Returns:
        the ``SymbolicTensor`` of shape ``(None, *shape)`` that the new
        ``InputLayer`` produces.
    """
    return InputLayer(shape, dtype=dtype, name=name).output
