"""nnkit: neural networks from scratch in numpy, shaped like Keras.

The companion library of *nnbook*. Everything a chapter teaches is
implemented here in plain numpy, readable next to the text, and checked
against TensorFlow/Keras by the test suite.

>>> import nnkit
>>> from nnkit.layers import Dense
>>> model = nnkit.Sequential([Dense(4, activation="tanh", input_shape=(2,)),
...                           Dense(1, activation="sigmoid")], seed=0)
>>> model.compile(optimizer=nnkit.optimizers.SGD(0.1),
...               loss="binary_crossentropy")

The from-scratch core imports numpy only (and asks threadpoolctl, if
it is installed, how many threads OpenBLAS runs: ``nnkit._blas``,
which only decides how to hand small products to the BLAS). ``nnkit.plot`` and
``nnkit.widgets`` (matplotlib, ipywidgets) and ``nnkit.interop`` (Keras)
are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import (
    activations,
    callbacks,
    gradcheck,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from .layers import Activation, Dense
from .models import (
    Input,
    Model,
    Sequential,
    TrainingDivergedError,
    load_model,
)

__version__ = "0.1.0"

__all__ = [
    "Model", "Sequential", "Input", "Dense", "Activation", "load_model",
    "TrainingDivergedError", "activations", "callbacks", "gradcheck",
    "initializers", "layers", "losses", "metrics", "optimizers",
    "regularizers", "__version__",
]

# Loaded on first access: they pull in heavier packages or are optional.
_LAZY_MODULES = {"datasets", "preprocessing", "perceptron", "interop",
                 "plot", "widgets", "schedules"}
_LAZY_MODULES |= {"instrument"}
_LAZY_MODULES |= {"lr_finder"}
_LAZY_MODULES |= {"sequences"}


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_MODULES | {"Perceptron"})


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "Perceptron":
        return importlib.import_module(".perceptron", __name__).Perceptron
    raise AttributeError(f"module 'nnkit' has no attribute {name!r}")
