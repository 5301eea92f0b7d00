"""Converters for the convolutional, pooling and shape layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import LAYERS, _channels_last, _keras_dtype
from ._functions import activation_from_keras
from ._layers import _kernel_kwargs


# ----- convolutional layers (Conv1D and Conv2D) ---------------------------
def _largest(value: Any) -> int:
    """The largest entry of an int or a tuple of ints."""
    return max(value) if isinstance(value, (tuple, list)) else value


def _conv_to_keras(layer: Any, keras: Any) -> Any:
    if _largest(layer.strides) > 1 and _largest(layer.dilation_rate) > 1:
        raise ValueError(f"to_keras: {layer.describe()} combines strides "
                         f"{layer.strides} with dilation_rate "
                         f"{layer.dilation_rate}, which Keras refuses")
    cls = getattr(keras.layers, type(layer).__name__)
    return cls(
        layer.filters, layer.kernel_size, strides=layer.strides,
        padding=layer.padding, dilation_rate=layer.dilation_rate,
        **_kernel_kwargs(layer))


def _conv_from_keras(k: Any) -> Layer:
    _channels_last(k)
    name = type(k).__name__
    if k.groups != 1:
        raise ValueError(f"from_keras: {name} {k.name!r} uses groups="
                         f"{k.groups}; nnkit's {name} has no groups")
    return getattr(_layers, name)(
        k.filters, k.kernel_size, strides=k.strides, padding=k.padding,
        dilation_rate=k.dilation_rate,
        activation=activation_from_keras(k.activation),
        use_bias=k.use_bias, name=k.name, dtype=_keras_dtype(k))


LAYERS.register_to_keras(_layers.Conv1D, _layers.Conv2D)(_conv_to_keras)
LAYERS.register_from_keras("Conv1D", "Conv2D")(_conv_from_keras)


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


# the same arguments in one and two dimensions
LAYERS.register_to_keras(
    _layers.MaxPooling1D, _layers.AveragePooling1D,
    _layers.MaxPooling2D, _layers.AveragePooling2D)(_pooling_to_keras)
LAYERS.register_from_keras(
    "MaxPooling1D", "AveragePooling1D",
    "MaxPooling2D", "AveragePooling2D")(_pooling_from_keras)
LAYERS.register_to_keras(
    _layers.GlobalAveragePooling1D, _layers.GlobalMaxPooling1D,
    _layers.GlobalAveragePooling2D, _layers.GlobalMaxPooling2D)(
    _global_to_keras)
LAYERS.register_from_keras(
    "GlobalAveragePooling1D", "GlobalMaxPooling1D",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D")(_global_from_keras)


@LAYERS.register_to_keras(_layers.Flatten)
def _flatten_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Flatten(name=layer.name, dtype=layer.dtype.name)


@LAYERS.register_from_keras("Flatten")
def _flatten_from_keras(k: Any) -> Layer:
    _channels_last(k)
    return _layers.Flatten(name=k.name, dtype=_keras_dtype(k))


@LAYERS.register_to_keras(_layers.Reshape)
def _reshape_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Reshape(layer.target_shape, name=layer.name,
                                dtype=layer.dtype.name)


@LAYERS.register_from_keras("Reshape")
def _reshape_from_keras(k: Any) -> Layer:
    return _layers.Reshape(k.target_shape, name=k.name,
                           dtype=_keras_dtype(k))


@LAYERS.register_to_keras(_layers.Residual)
def _residual_to_keras(layer: Any, keras: Any) -> Any:
    raise ValueError(
        f"to_keras: {layer.describe()} has no keras.Sequential twin; "
        f"build a functional model instead: y = keras.layers.Add()"
        f"([F(x), x]) with F the block's layers")


# ----- upsampling: UpSampling2D and Conv2DTranspose -------------------------
@LAYERS.register_to_keras(_layers.UpSampling2D)
def _upsampling_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.UpSampling2D(layer.size,
                                     interpolation=layer.interpolation,
                                     name=layer.name,
                                     dtype=layer.dtype.name)


@LAYERS.register_from_keras("UpSampling2D")
def _upsampling_from_keras(k: Any) -> Layer:
    _channels_last(k)
    return _layers.UpSampling2D(k.size, interpolation=k.interpolation,
                                name=k.name, dtype=_keras_dtype(k))


@LAYERS.register_to_keras(_layers.Conv2DTranspose)
def _conv_transpose_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Conv2DTranspose(
        layer.filters, layer.kernel_size, strides=layer.strides,
        padding=layer.padding, output_padding=layer.output_padding,
        dilation_rate=layer.dilation_rate, **_kernel_kwargs(layer))


@LAYERS.register_from_keras("Conv2DTranspose")
def _conv_transpose_from_keras(k: Any) -> Layer:
    _channels_last(k)
    return _layers.Conv2DTranspose(
        k.filters, k.kernel_size, strides=k.strides, padding=k.padding,
        output_padding=k.output_padding, dilation_rate=k.dilation_rate,
        activation=activation_from_keras(k.activation),
        use_bias=k.use_bias, name=k.name, dtype=_keras_dtype(k))
