"""Optimizers, each following Keras 3's update rule exactly.

An optimizer keeps, for every parameter, a few arrays ("slots": the
momentum, Adam's moments...) and one global step counter,
``iterations``. ``apply(params)`` runs one step:

1. clip the gradients (``clipvalue``, ``clipnorm`` or
   ``global_clipnorm``), as Keras does, before anything else;
2. apply decoupled weight decay, if any: ``w -= lr * wd * w``;
3. ``update_step(p, g, slots, lr)`` for each trainable parameter ``p``
   with its gradient ``g``: the update rule, written as its formulas;
4. ``iterations += 1``.

The learning rate may be a number or a schedule (any callable taking
the step number, see ``nnkit.schedules``). The learning rate and the
arithmetic use the parameter's dtype, so a float64 model runs in
float64 throughout (Keras does the same when ``floatx`` is float64).

In float64, Keras computes with some hyperparameters rounded to
float32 (momentum 0.9 becomes 0.89999997615814) and nnkit with the
value you give: see :ref:`keras-conventions` for where, and
``nnkit.interop.keras_rounded`` to reproduce it.
"""

import importlib
from typing import Any

from .._public import set_public_module
from ._adadelta import Adadelta
from ._adagrad import Adagrad
from ._adam import Adam, AdamW
from ._adamax import Adamax
from ._base import Optimizer
from ._nadam import Nadam
from ._registry import get, register, serialize
from ._rmsprop import RMSprop
from ._sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam",
           "AdamW", "Adamax", "Nadam", "get", "serialize", "register"]

set_public_module(__name__, __all__)


def __getattr__(name: str) -> Any:
    """``nnkit.optimizers.schedules``, Keras' path to the schedules
    (``nnkit.schedules``), loaded on first use."""
    if name == "schedules":
        return importlib.import_module(f"{__name__}.schedules")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
