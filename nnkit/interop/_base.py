"""Keras import, the conversion registries and the layer helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["import_keras", "keras_rounded", "Registry", "LAYERS", "MODELS",
           "OPTIMIZERS", "SCHEDULES", "LOSSES", "ACTIVATIONS",
           "REGULARIZERS"]


def import_keras() -> Any:
    """Import Keras (TensorFlow backend) without start-up noise.

    TensorFlow's C++ runtime prints a few lines straight to the process'
    stderr while it loads (the absl and oneDNN notices), which
    ``TF_CPP_MIN_LOG_LEVEL`` does not stop and which would end up in a
    notebook's output. So the first import runs with file descriptor 2
    pointed at /dev/null; Python-level errors still raise normally.
    """
    import sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    saved = os.dup(2)
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    # tf.function retracing notices etc. are advice for production code,
    # noise in a textbook's output.
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    return keras


def keras_rounded(value: float) -> float:
    """The value Keras computes with for a Python-float hyperparameter.

    Keras' TensorFlow backend turns such a number (a momentum, a beta,
    a LeakyReLU slope...) into a float32 tensor before casting it to
    the weights' dtype, so even a float64 model computes with it
    rounded to float32: 0.9 becomes 0.89999997615814. nnkit uses the
    value as given; pass it through this function to reproduce Keras
    exactly. See :ref:`keras-conventions`.
    """
    return float(np.float32(value))


class Registry:
    """The conversions of one kind of object between nnkit and Keras.

    To Keras, converters are keyed by nnkit class: ``to_keras(obj)``
    uses the converter of the first class in ``type(obj).__mro__``
    that has one, so a subclass computing the same thing (``StepDecay``
    of ``ExponentialDecay``) needs no entry of its own, and one that
    differs registers its own. From Keras, converters are keyed by the
    Keras class name, since Keras is not imported until it is needed.

    Args:
        kind: what is converted ("layer", "optimizer"...), for errors.
        hint: advice appended to the error for an unknown class.
    """

    def __init__(self, kind: str, hint: str = ""):
        self.kind = kind
        self.hint = hint
        self._to: dict[type, Callable[..., Any]] = {}
        self._from: dict[str, Callable[..., Any]] = {}

    def register_to_keras(self, *classes: type) -> Callable:
        """Decorator: ``fn(obj, keras, **kwargs)`` converts ``classes``."""
        for cls in classes:
            if not isinstance(cls, type):
                raise TypeError(
                    f"register_to_keras: pass the nnkit {self.kind} class "
                    f"itself (e.g. LAYERS.register_to_keras(Dense)), got "
                    f"{cls!r}")

        def deco(fn: Callable) -> Callable:
            for cls in classes:
                self._to[cls] = fn
            return fn
        return deco

    def register_from_keras(self, *keras_names: str) -> Callable:
        """Decorator: ``fn(k, **kwargs)`` converts Keras' ``keras_names``."""
        def deco(fn: Callable) -> Callable:
            for name in keras_names:
                self._from[name] = fn
            return fn
        return deco

    def converter_to(self, obj: Any) -> Callable | None:
        """The converter for ``obj``'s class, or None."""
        for cls in type(obj).__mro__:
            if cls in self._to:
                return self._to[cls]
        return None

    def to_keras(self, obj: Any, **kwargs: Any) -> Any:
        """The Keras twin of the nnkit object ``obj``."""
        fn = self.converter_to(obj)
        if fn is None:
            what = (obj.describe() if hasattr(obj, "describe")
                    else type(obj).__name__)
            raise ValueError(f"to_keras: no Keras conversion for {self.kind} "
                             f"{what}{self.hint}")
        return fn(obj, import_keras(), **kwargs)

    def from_keras(self, k: Any, **kwargs: Any) -> Any:
        """The nnkit twin of the Keras object ``k``."""
        name = type(k).__name__
        fn = self._from.get(name)
        if fn is None:
            raise ValueError(f"from_keras: no nnkit conversion for Keras "
                             f"{self.kind} {getattr(k, 'name', '')!r} "
                             f"({name})")
        return fn(k, **kwargs)

    def __repr__(self) -> str:
        return (f"Registry({self.kind!r}: "
                f"{len(self._to)} to Keras, {len(self._from)} from Keras)")


_NO_TWIN = "; use a keras.callbacks.LearningRateScheduler"

LAYERS = Registry("layer")
MODELS = Registry("model")
OPTIMIZERS = Registry("optimizer")
SCHEDULES = Registry("schedule", hint=" (it has no Keras twin"
                     + _NO_TWIN + ")")
LOSSES = Registry("loss")
ACTIVATIONS = Registry("activation")
REGULARIZERS = Registry("regularizer")


# ----- helpers the layer converters share ---------------------------------
def _common(layer: Any) -> dict[str, Any]:
    return {"name": layer.name, "dtype": layer.dtype.name}


def _common_from(k: Any) -> dict[str, Any]:
    return {"name": k.name, "dtype": _keras_dtype(k)}


def _channels_last(k: Any) -> None:
    fmt = getattr(k, "data_format", "channels_last")
    if fmt != "channels_last":
        raise ValueError(f"from_keras: {type(k).__name__} {k.name!r} uses "
                         f"data_format={fmt!r}; nnkit is channels_last")


def _keras_dtype(k: Any) -> str:
    dt = getattr(k, "variable_dtype", None) or getattr(k, "dtype", None)
    return str(dt) if str(dt) in ("float32", "float64") else "float32"
