"""Activations, regularizers and losses: what layers and models refer to."""

from __future__ import annotations

from typing import Any

from .. import activations as _acts
from .. import losses as _losses
from .. import regularizers as _regs
from ._base import ACTIVATIONS, LOSSES, REGULARIZERS

__all__ = ["activation_to_keras", "activation_from_keras",
           "regularizer_to_keras", "loss_to_keras"]

# nnkit names whose Keras function is called differently.
_KERAS_NAMES = {"swish": "silu"}


# ----- activations ------------------------------------------------------
def activation_to_keras(act: _acts.Activation) -> Any:
    """The Keras activation equal to an nnkit one (a name or a function)."""
    return ACTIVATIONS.to_keras(act)


def activation_from_keras(fn: Any) -> _acts.Activation:
    """The nnkit activation equal to a Keras activation function."""
    if hasattr(fn, "nnkit_activation"):   # made by activation_to_keras
        return fn.nnkit_activation
    name = getattr(fn, "__name__", str(fn))
    nnkit_names = {v: k for k, v in _KERAS_NAMES.items()}
    return _acts.get(nnkit_names.get(name, name))


@ACTIVATIONS.register_to_keras(_acts.Activation)
def _by_name(act: _acts.Activation, keras: Any) -> Any:
    # Every activation without settings: Keras knows it by name.
    return _KERAS_NAMES.get(act.name, act.name)


def _with_settings(act: _acts.Activation, keras: Any, name: str,
                   **settings: Any) -> Any:
    """Keras' activation ``name`` called with ``settings``, as a function
    that remembers ``act`` (so ``activation_from_keras`` returns it)."""
    def activation(x):
        return getattr(keras.activations, name)(x, **settings)
    activation.__name__ = name
    activation.nnkit_activation = act
    return activation


@ACTIVATIONS.register_to_keras(_acts.LeakyReLU)
def _leaky_relu(act: _acts.LeakyReLU, keras: Any) -> Any:
    return _with_settings(act, keras, "leaky_relu",
                          negative_slope=act.negative_slope)


@ACTIVATIONS.register_to_keras(_acts.ELU)
def _elu(act: _acts.ELU, keras: Any) -> Any:
    if act.alpha == 1.0:
        return "elu"
    return _with_settings(act, keras, "elu", alpha=act.alpha)


@ACTIVATIONS.register_to_keras(_acts.GELU)
def _gelu(act: _acts.GELU, keras: Any) -> Any:
    if not act.approximate:
        return "gelu"                  # Keras' default is the exact form
    return _with_settings(act, keras, "gelu", approximate=True)


@ACTIVATIONS.register_to_keras(_acts.Step)
def _step(act: _acts.Step, keras: Any) -> Any:
    raise ValueError("the step activation has no Keras twin (it has "
                     "no useful gradient); use a Perceptron instead")


# ----- regularizers -----------------------------------------------------
def regularizer_to_keras(reg: Any) -> Any:
    """The Keras penalty with the same class and rates (or None)."""
    return None if reg is None else REGULARIZERS.to_keras(reg)


def _same_class(module: str, keras_name: str):
    """A converter to ``keras.<module>.<keras_name>(**obj.get_config())``."""
    def convert(obj: Any, keras: Any) -> Any:
        return getattr(getattr(keras, module), keras_name)(
            **obj.get_config())
    return convert


for _cls in (_regs.L1, _regs.L2, _regs.L1L2):
    REGULARIZERS.register_to_keras(_cls)(
        _same_class("regularizers", _cls.__name__))


# ----- losses -------------------------------------------------------------
def loss_to_keras(loss: _losses.Loss) -> Any:
    """The Keras loss object with the same class and settings."""
    return LOSSES.to_keras(loss)


for _cls in (_losses.MeanSquaredError, _losses.MeanAbsoluteError,
             _losses.Huber, _losses.BinaryCrossentropy,
             _losses.CategoricalCrossentropy,
             _losses.SparseCategoricalCrossentropy):
    LOSSES.register_to_keras(_cls)(_same_class("losses", _cls.__name__))
