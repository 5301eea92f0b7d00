"""Converters for the convolutional, pooling and shape layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import (
    _channels_last,
    _keras_dtype,
    _kernel_kwargs,
    activation_from_keras,
    register_from_keras,
    register_to_keras,
    regularizer_to_keras,
)


# ----- convolutional layers ----------------------------------------------
@register_to_keras("Conv2D")
def _conv2d_to_keras(layer: Any, keras: Any) -> Any:
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(f"to_keras: {layer.describe()} combines strides "
                         f"{layer.strides} with dilation_rate "
                         f"{layer.dilation_rate}, which Keras refuses")
    return keras.layers.Conv2D(
        layer.filters, layer.kernel_size, strides=layer.strides,
        padding=layer.padding, dilation_rate=layer.dilation_rate,
        **_kernel_kwargs(layer),
        activity_regularizer=regularizer_to_keras(
            layer.activity_regularizer))


@register_from_keras("Conv2D")
def _conv2d_from_keras(k: Any) -> Layer:
    _channels_last(k)
    if k.groups != 1:
        raise ValueError(f"from_keras: Conv2D {k.name!r} uses groups="
                         f"{k.groups}; nnkit's Conv2D has no groups")
    return _layers.Conv2D(
        k.filters, k.kernel_size, strides=k.strides, padding=k.padding,
        dilation_rate=k.dilation_rate,
        activation=activation_from_keras(k.activation),
        use_bias=k.use_bias, name=k.name, dtype=_keras_dtype(k))


def _pooling_to_keras(layer: Any, keras: Any) -> Any:
    cls = getattr(keras.layers, type(layer).__name__)
    return cls(pool_size=layer.pool_size, strides=layer.strides,
               padding=layer.padding, name=layer.name,
               dtype=layer.dtype.name)


def _pooling_from_keras(k: Any) -> Layer:
    _channels_last(k)
    cls = getattr(_layers, type(k).__name__)
    return cls(pool_size=k.pool_size, strides=k.strides,
               padding=k.padding, name=k.name, dtype=_keras_dtype(k))


def _global_to_keras(layer: Any, keras: Any) -> Any:
    cls = getattr(keras.layers, type(layer).__name__)
    return cls(keepdims=layer.keepdims, name=layer.name,
               dtype=layer.dtype.name)


def _global_from_keras(k: Any) -> Layer:
    _channels_last(k)
    cls = getattr(_layers, type(k).__name__)
    return cls(keepdims=k.keepdims, name=k.name, dtype=_keras_dtype(k))


for _name in ("MaxPooling2D", "AveragePooling2D"):
    register_to_keras(_name)(_pooling_to_keras)
    register_from_keras(_name)(_pooling_from_keras)
for _name in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
    register_to_keras(_name)(_global_to_keras)
    register_from_keras(_name)(_global_from_keras)


@register_to_keras("Flatten")
def _flatten_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Flatten(name=layer.name, dtype=layer.dtype.name)


@register_from_keras("Flatten")
def _flatten_from_keras(k: Any) -> Layer:
    _channels_last(k)
    return _layers.Flatten(name=k.name, dtype=_keras_dtype(k))


@register_to_keras("Reshape")
def _reshape_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Reshape(layer.target_shape, name=layer.name,
                                dtype=layer.dtype.name)


@register_from_keras("Reshape")
def _reshape_from_keras(k: Any) -> Layer:
    return _layers.Reshape(k.target_shape, name=k.name,
                           dtype=_keras_dtype(k))


@register_to_keras("Residual")
def _residual_to_keras(layer: Any, keras: Any) -> Any:
    raise ValueError(
        f"to_keras: {layer.describe()} has no keras.Sequential twin; "
        f"build a functional model instead: y = keras.layers.Add()"
        f"([F(x), x]) with F the block's layers")

