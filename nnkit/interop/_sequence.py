"""Converters for the recurrent, bidirectional, embedding, masking and
time-distributed layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import LAYERS, _common, _common_from, _keras_dtype
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
        zero_output_for_mask=layer.zero_output_for_mask,
        dropout=layer.dropout, recurrent_dropout=layer.recurrent_dropout,
        seed=layer.seed,
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
    if k.stateful or k.unroll:
        raise ValueError(f"from_keras: {name} {k.name!r} is stateful or "
                         f"unrolled, which nnkit's {name} is not")
    kw = dict(activation=activation_from_keras(k.activation),
              use_bias=k.use_bias, return_sequences=k.return_sequences,
              return_state=k.return_state, go_backwards=k.go_backwards,
              zero_output_for_mask=k.zero_output_for_mask,
              dropout=float(k.cell.dropout),
              recurrent_dropout=float(k.cell.recurrent_dropout),
              seed=k.cell.seed, name=k.name, dtype=_keras_dtype(k))
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


@LAYERS.register_to_keras(_layers.Bidirectional)
def _bidirectional_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Bidirectional(
        LAYERS.to_keras(layer.forward_layer), merge_mode=layer.merge_mode,
        backward_layer=LAYERS.to_keras(layer.backward_layer),
        **_common(layer))


@LAYERS.register_from_keras("Bidirectional")
def _bidirectional_from_keras(k: Any) -> Layer:
    return _layers.Bidirectional(
        LAYERS.from_keras(k.forward_layer), merge_mode=k.merge_mode,
        backward_layer=LAYERS.from_keras(k.backward_layer),
        **_common_from(k))


@LAYERS.register_to_keras(_layers.Embedding)
def _embedding_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Embedding(
        layer.input_dim, layer.output_dim, mask_zero=layer.mask_zero,
        embeddings_regularizer=regularizer_to_keras(
            layer.embeddings_regularizer),
        name=layer.name, dtype=layer.dtype.name)


@LAYERS.register_from_keras("Embedding")
def _embedding_from_keras(k: Any) -> Layer:
    return _layers.Embedding(k.input_dim, k.output_dim,
                             mask_zero=k.mask_zero, name=k.name,
                             dtype=_keras_dtype(k))


@LAYERS.register_to_keras(_layers.Masking)
def _masking_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Masking(layer.mask_value, **_common(layer))


@LAYERS.register_from_keras("Masking")
def _masking_from_keras(k: Any) -> Layer:
    return _layers.Masking(float(k.mask_value), **_common_from(k))


@LAYERS.register_to_keras(_layers.TimeDistributed)
def _time_distributed_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.TimeDistributed(LAYERS.to_keras(layer.layer),
                                        name=layer.name,
                                        dtype=layer.dtype.name)


@LAYERS.register_from_keras("TimeDistributed")
def _time_distributed_from_keras(k: Any) -> Layer:
    return _layers.TimeDistributed(LAYERS.from_keras(k.layer), name=k.name,
                                   dtype=_keras_dtype(k))
