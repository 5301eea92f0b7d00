"""TimeDistributed: apply one layer to every time step.

The wrapped layer sees each step as an independent example: the batch
and time axes are merged, the layer runs once on the merged batch, and
the axes are split again,

    (N, T, ...) -> (N*T, ...) -> layer -> (N*T, ...') -> (N, T, ...')

so every step shares the same weights, and backward (the same reshapes
in reverse) sums their gradients. For Dense alone this is unnecessary,
as Dense already acts on the last axis of (N, T, D); the wrapper works
for any layer, e.g. one that needs (N, D) inputs.
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .base import Layer

__all__ = ["TimeDistributed"]


class TimeDistributed(Layer):
    """Apply ``layer`` to each of the T steps of (N, T, ...) inputs.

    Args:
        layer: an nnkit layer; its weights become this layer's weights
            (same names, so they save and copy to Keras as they are).
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, T, ...)
    Output shape:
        (N, T, ...) with the wrapped layer's per-example output shape
    """

    def __init__(self, layer: Layer, **kwargs: Any):
        super().__init__(**kwargs)
        self.layer = check.instance(self.describe(), "layer", layer, Layer,
                                    "an nnkit Layer")

    def _check_rank(self, shape):
        if len(shape) < 1:
            raise ValueError(
                f"{self.describe()} expects inputs of shape (batch, "
                f"timesteps, ...), got (batch, {', '.join(map(str, shape))})")

    def build(self, input_shape, rng=None):
        self._check_rank(input_shape)
        inner = self.layer
        self._share_dtype(inner)
        inner.ensure_built(tuple(input_shape[1:]), rng)
        # share the list: optimizers, save/load and get_weights all see
        # the wrapped layer's Parameters as this layer's own
        self._params = inner._params
        for p in self._params:
            p.path = f"{self.name}/{p.name}"
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(
            self.layer.compute_output_shape(tuple(input_shape[1:])))

    def forward(self, x, training=False):
        x = self.check_input(x)
        n, t = x.shape[:2]
        out = self.layer.forward(x.reshape((n * t,) + x.shape[2:]),
                                 training=training)
        self.out = out.reshape((n, t) + out.shape[1:])
        return self.out

    def backward(self, dout):
        n, t = dout.shape[:2]
        dx = self.layer.backward(dout.reshape((n * t,) + dout.shape[2:]))
        return dx.reshape((n, t) + dx.shape[1:])

    def get_config(self):
        return {**super().get_config(),
                "layer": {"class_name": type(self.layer).__name__,
                          "config": self.layer.get_config()}}

    @classmethod
    def from_config(cls, config):
        from . import get
        config = dict(config)
        spec = config.pop("layer")
        inner = get(spec["class_name"]).from_config(dict(spec["config"]))
        return cls(inner, **config)
