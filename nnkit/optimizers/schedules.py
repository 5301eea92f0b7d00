"""Keras' path to the learning-rate schedules.

Keras keeps its schedules in ``keras.optimizers.schedules``; nnkit's
live in ``nnkit.schedules``. This module is that package under Keras'
name, so ``keras.optimizers.schedules.ExponentialDecay`` and ``from
keras.optimizers.schedules import ExponentialDecay`` keep working when
``keras`` becomes ``nnkit``. The objects are the same ones.
"""

from ..schedules import *  # noqa: F403
from ..schedules import __all__  # noqa: F401
