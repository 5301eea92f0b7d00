"""Converters for the recurrent, embedding and time-distributed layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import LAYERS, _keras_dtype
from ._functions import (
    activation_from_keras,
    activation_to_keras,
    regularizer_to_keras,
)
from ._layers import _kernel_kwargs

_RECURRENT = (_layers.SimpleRNN, _layers.LSTM, _layers.GRU)


# ----- sequence layers: recurrent, embedding, time-distributed -------
def _recurrent_to_keras(layer: Any, keras: Any) -> Any:
    # bptt_truncate only changes nnkit's backward pass: no Keras twin.
    kw = dict(
        **_kernel_kwargs(layer), return_sequences=layer.return_sequences,
        return_state=layer.return_state, go_backwards=layer.go_backwards,
        recurrent_regularizer=regularizer_to_keras(
            layer.recurrent_regularizer))
    name = next(c.__name__ for c in _RECURRENT if isinstance(layer, c))
    if name != "SimpleRNN":
        kw["recurrent_activation"] = activation_to_keras(
            layer.recurrent_activation)
    if name == "LSTM":
        kw["unit_forget_bias"] = layer.unit_forget_bias
    if name == "GRU":
        kw["reset_after"] = True
    return getattr(keras.layers, name)(layer.units, **kw)


def _recurrent_from_keras(k: Any) -> Layer:
    name = type(k).__name__
    for arg in ("dropout", "recurrent_dropout"):
        if getattr(k, arg, 0.0):
            raise ValueError(f"from_keras: {name} {k.name!r} uses {arg}, "
                             f"which nnkit's {name} lacks")
    if k.stateful or k.unroll:
        raise ValueError(f"from_keras: {name} {k.name!r} is stateful or "
                         f"unrolled, which nnkit's {name} is not")
    kw = dict(activation=activation_from_keras(k.activation),
              use_bias=k.use_bias, return_sequences=k.return_sequences,
              return_state=k.return_state, go_backwards=k.go_backwards,
              name=k.name, dtype=_keras_dtype(k))
    if name != "SimpleRNN":
        kw["recurrent_activation"] = activation_from_keras(
            k.recurrent_activation)
    if name == "LSTM":
        kw["unit_forget_bias"] = k.cell.unit_forget_bias
    if name == "GRU":
        kw["reset_after"] = k.cell.reset_after
    return getattr(_layers, name)(k.units, **kw)


LAYERS.register_to_keras(*_RECURRENT)(_recurrent_to_keras)
LAYERS.register_from_keras("SimpleRNN", "LSTM", "GRU")(
    _recurrent_from_keras)


@LAYERS.register_to_keras(_layers.Embedding)
def _embedding_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Embedding(
        layer.input_dim, layer.output_dim,
        embeddings_regularizer=regularizer_to_keras(
            layer.embeddings_regularizer),
        name=layer.name, dtype=layer.dtype.name)


@LAYERS.register_from_keras("Embedding")
def _embedding_from_keras(k: Any) -> Layer:
    if k.mask_zero:
        raise ValueError(f"from_keras: Embedding {k.name!r} uses "
                         f"mask_zero, which nnkit's Embedding lacks")
    return _layers.Embedding(k.input_dim, k.output_dim,
                                     name=k.name, dtype=_keras_dtype(k))


@LAYERS.register_to_keras(_layers.TimeDistributed)
def _time_distributed_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.TimeDistributed(LAYERS.to_keras(layer.layer),
                                        name=layer.name,
                                        dtype=layer.dtype.name)


@LAYERS.register_from_keras("TimeDistributed")
def _time_distributed_from_keras(k: Any) -> Layer:
    return _layers.TimeDistributed(LAYERS.from_keras(k.layer), name=k.name,
                                   dtype=_keras_dtype(k))
