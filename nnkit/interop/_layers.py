"""Converters for Dense, Activation and the training layers."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Activation, Dense, Layer
from ._base import LAYERS, _common, _common_from, _keras_dtype
from ._functions import (
    activation_from_keras,
    activation_to_keras,
    regularizer_to_keras,
)


def _kernel_kwargs(layer: Layer) -> dict[str, Any]:
    """Keras arguments shared by layers with a kernel, a bias and an
    activation (Dense, Conv2D and the recurrent layers)."""
    return {**_common(layer),
            "activation": activation_to_keras(layer.activation),
            "use_bias": layer.use_bias,
            "kernel_regularizer": regularizer_to_keras(
                layer.kernel_regularizer),
            "bias_regularizer": regularizer_to_keras(
                layer.bias_regularizer),
            "activity_regularizer": regularizer_to_keras(
                layer.activity_regularizer)}


@LAYERS.register_to_keras(Dense)
def _dense_to_keras(layer: Dense, keras: Any) -> Any:
    return keras.layers.Dense(layer.units, **_kernel_kwargs(layer))


@LAYERS.register_to_keras(Activation)
def _activation_to_keras(layer: Activation, keras: Any) -> Any:
    return keras.layers.Activation(activation_to_keras(layer.activation),
                                   name=layer.name, dtype=layer.dtype.name)


@LAYERS.register_from_keras("Dense")
def _dense_from_keras(k: Any) -> Layer:
    return Dense(k.units, activation=activation_from_keras(k.activation),
                 use_bias=k.use_bias, name=k.name,
                 dtype=_keras_dtype(k))


@LAYERS.register_from_keras("Activation")
def _activation_from_keras(k: Any) -> Layer:
    return Activation(activation_from_keras(k.activation), name=k.name,
                      dtype=_keras_dtype(k))


# ----- training layers: dropout, batch norm, parametric activations ---
@LAYERS.register_to_keras(_layers.Dropout)
def _dropout_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Dropout(layer.rate, seed=layer.seed,
                                **_common(layer))


@LAYERS.register_from_keras("Dropout")
def _dropout_from_keras(k: Any) -> Layer:
    if k.noise_shape is not None:
        raise ValueError(f"from_keras: Dropout {k.name!r} uses "
                         f"noise_shape, which nnkit's Dropout lacks")
    return _layers.Dropout(k.rate, seed=k.seed, **_common_from(k))


@LAYERS.register_to_keras(_layers.BatchNormalization)
def _batchnorm_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.BatchNormalization(
        axis=layer.axis, momentum=layer.momentum, epsilon=layer.epsilon,
        center=layer.center, scale=layer.scale,
        beta_regularizer=regularizer_to_keras(layer.beta_regularizer),
        gamma_regularizer=regularizer_to_keras(layer.gamma_regularizer),
        **_common(layer))


@LAYERS.register_from_keras("BatchNormalization")
def _batchnorm_from_keras(k: Any) -> Layer:
    if k.renorm:
        raise ValueError(f"from_keras: BatchNormalization {k.name!r} "
                         f"uses renorm, which nnkit lacks")
    return _layers.BatchNormalization(
        axis=k.axis, momentum=k.momentum, epsilon=k.epsilon,
        center=k.center, scale=k.scale, **_common_from(k))


@LAYERS.register_to_keras(_layers.PReLU)
def _prelu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.PReLU(
        shared_axes=layer.shared_axes,
        alpha_regularizer=regularizer_to_keras(layer.alpha_regularizer),
        **_common(layer))


@LAYERS.register_from_keras("PReLU")
def _prelu_from_keras(k: Any) -> Layer:
    return _layers.PReLU(shared_axes=k.shared_axes, **_common_from(k))


@LAYERS.register_to_keras(_layers.LeakyReLU)
def _leaky_relu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.LeakyReLU(negative_slope=layer.negative_slope,
                                  **_common(layer))


@LAYERS.register_from_keras("LeakyReLU")
def _leaky_relu_from_keras(k: Any) -> Layer:
    return _layers.LeakyReLU(negative_slope=float(k.negative_slope),
                             **_common_from(k))


@LAYERS.register_to_keras(_layers.ELU)
def _elu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.ELU(alpha=layer.alpha, **_common(layer))


@LAYERS.register_from_keras("ELU")
def _elu_from_keras(k: Any) -> Layer:
    return _layers.ELU(alpha=float(k.alpha), **_common_from(k))


# ----- layer normalization, ReLU and Softmax layers -------------------------
@LAYERS.register_to_keras(_layers.LayerNormalization)
def _layernorm_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.LayerNormalization(
        axis=layer.axis, epsilon=layer.epsilon, center=layer.center,
        scale=layer.scale,
        beta_regularizer=regularizer_to_keras(layer.beta_regularizer),
        gamma_regularizer=regularizer_to_keras(layer.gamma_regularizer),
        **_common(layer))


@LAYERS.register_from_keras("LayerNormalization")
def _layernorm_from_keras(k: Any) -> Layer:
    if getattr(k, "rms_scaling", False):
        raise ValueError(f"from_keras: LayerNormalization {k.name!r} uses "
                         f"rms_scaling, which nnkit lacks")
    axis = k.axis if isinstance(k.axis, int) or len(k.axis) != 1 \
        else k.axis[0]
    return _layers.LayerNormalization(
        axis=list(axis) if isinstance(axis, (list, tuple)) else axis,
        epsilon=k.epsilon, center=k.center, scale=k.scale,
        **_common_from(k))


@LAYERS.register_to_keras(_layers.ReLU)
def _relu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.ReLU(max_value=layer.max_value,
                             negative_slope=layer.negative_slope,
                             threshold=layer.threshold, **_common(layer))


@LAYERS.register_from_keras("ReLU")
def _relu_from_keras(k: Any) -> Layer:
    max_value = None if k.max_value is None else float(k.max_value)
    return _layers.ReLU(max_value=max_value,
                        negative_slope=float(k.negative_slope),
                        threshold=float(k.threshold), **_common_from(k))


@LAYERS.register_to_keras(_layers.Softmax)
def _softmax_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Softmax(axis=layer.get_config()["axis"],
                                **_common(layer))


@LAYERS.register_from_keras("Softmax")
def _softmax_from_keras(k: Any) -> Layer:
    axis = list(k.axis) if isinstance(k.axis, (list, tuple)) else k.axis
    return _layers.Softmax(axis=axis, **_common_from(k))
