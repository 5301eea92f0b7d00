"""Converters for attention and positional layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import LAYERS, _common, _common_from
from ._functions import regularizer_to_keras


@LAYERS.register_to_keras(_layers.MultiHeadAttention)
def _mha_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.MultiHeadAttention(
        layer.num_heads, layer.key_dim,
        value_dim=layer.value_dim if layer._value_dim_given else None,
        dropout=layer.dropout, use_bias=layer.use_bias,
        output_shape=layer.output_dim, seed=layer.seed,
        kernel_regularizer=regularizer_to_keras(layer.kernel_regularizer),
        bias_regularizer=regularizer_to_keras(layer.bias_regularizer),
        **_common(layer))


@LAYERS.register_from_keras("MultiHeadAttention")
def _mha_from_keras(k: Any) -> Layer:
    cfg = k.get_config()
    if cfg.get("use_gate") or cfg.get("sliding_window") is not None:
        raise ValueError(f"from_keras: MultiHeadAttention {k.name!r} uses "
                         f"use_gate or sliding_window, which nnkit lacks")
    axes = cfg.get("attention_axes")
    if axes is not None and tuple(axes) != (1,):
        raise ValueError(f"from_keras: MultiHeadAttention {k.name!r} "
                         f"attends over axes {axes}; nnkit's attends over "
                         f"the steps of (batch, steps, features) inputs")
    out = cfg.get("output_shape")
    if out is not None and len(out) != 1:
        raise ValueError(f"from_keras: MultiHeadAttention {k.name!r} has "
                         f"output_shape {out}; nnkit's is one integer")
    return _layers.MultiHeadAttention(
        cfg["num_heads"], cfg["key_dim"],
        value_dim=cfg["value_dim"] if cfg["value_dim"] != cfg["key_dim"]
        else None, dropout=cfg["dropout"], use_bias=cfg["use_bias"],
        output_shape=None if out is None else out[0], seed=cfg.get("seed"),
        **_common_from(k))


def _keras_hub(layer: Layer) -> Any:
    try:
        import keras_hub
    except ImportError:
        raise ValueError(
            f"to_keras: {layer.describe()} comes from keras_hub "
            f"(keras_hub.layers.{type(layer).__name__}), which is not "
            f"installed") from None
    return keras_hub


@LAYERS.register_to_keras(_layers.SinePositionEncoding)
def _sine_to_keras(layer: Any, keras: Any) -> Any:
    return _keras_hub(layer).layers.SinePositionEncoding(
        max_wavelength=layer.max_wavelength, **_common(layer))


@LAYERS.register_to_keras(_layers.PositionEmbedding)
def _position_to_keras(layer: Any, keras: Any) -> Any:
    return _keras_hub(layer).layers.PositionEmbedding(
        layer.sequence_length, **_common(layer))


@LAYERS.register_from_keras("SinePositionEncoding")
def _sine_from_keras(k: Any) -> Layer:
    return _layers.SinePositionEncoding(k.max_wavelength,
                                        **_common_from(k))


@LAYERS.register_from_keras("PositionEmbedding")
def _position_from_keras(k: Any) -> Layer:
    # keras_hub's hierarchical_alpha only acts on inputs longer than
    # sequence_length, which nnkit refuses: nothing else to carry over.
    return _layers.PositionEmbedding(k.sequence_length, **_common_from(k))
