"""Converters for the merge layers (Add, Subtract, Multiply, Average,
Concatenate): same class name, same ``axis``."""

from __future__ import annotations

from typing import Any

from .. import layers as _layers
from ..layers import Layer
from ._base import LAYERS, _common, _common_from

_ELEMENTWISE = (_layers.Add, _layers.Subtract, _layers.Multiply,
                _layers.Average)


@LAYERS.register_to_keras(*_ELEMENTWISE)
def _merge_to_keras(layer: Layer, keras: Any) -> Any:
    return getattr(keras.layers, type(layer).__name__)(**_common(layer))


@LAYERS.register_from_keras(*(cls.__name__ for cls in _ELEMENTWISE))
def _merge_from_keras(k: Any) -> Layer:
    return getattr(_layers, type(k).__name__)(**_common_from(k))


@LAYERS.register_to_keras(_layers.Concatenate)
def _concatenate_to_keras(layer: Layer, keras: Any) -> Any:
    return keras.layers.Concatenate(axis=layer.axis, **_common(layer))


@LAYERS.register_from_keras("Concatenate")
def _concatenate_from_keras(k: Any) -> Layer:
    return _layers.Concatenate(axis=k.axis, **_common_from(k))
