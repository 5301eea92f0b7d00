"""Learning-rate schedules: the learning rate as a function of the step.

A schedule is a callable ``schedule(step) -> lr``; give it to any
optimizer as ``learning_rate`` and the optimizer calls it with its
``iterations`` counter before every update, exactly as Keras does::

    opt = nnkit.optimizers.SGD(learning_rate=ExponentialDecay(
        0.1, decay_steps=1000, decay_rate=0.5))

**Schedules count optimizer steps (mini-batches), not epochs.** Books
often write schedules per epoch (``lr0 / (1 + k * epoch)``); to get one,
wrap any schedule with ``per_epoch(steps_per_epoch)``, which feeds it
``step // steps_per_epoch``, with ``steps_per_epoch =
ceil(n_examples / batch_size)`` as in ``fit``. For the Keras-twinned
decays the same curve can also be written per step: an exponential
decay by r per epoch is ``ExponentialDecay(lr0, steps_per_epoch, r,
staircase=True)``.

Every schedule accepts a step array too (``schedule(np.arange(200))``),
which is handy for plotting, and has ``get_config`` (so optimizers
using it can be saved). Where Keras has the same schedule,
``nnkit.interop.schedule_to_keras(schedule)`` returns the equivalent
``keras.optimizers.schedules`` object. Keras evaluates its schedules in
float32, nnkit in float64 (:ref:`keras-conventions`); the two agree to
float32 precision.

Schedules with no Keras twin: ``NaturalExpDecay`` (closed form of an
``ExponentialDecay``), ``OneCycle`` (Smith 2018) and
``CyclicalLearningRate`` (Smith 2017), plus ``PerEpoch``.
"""

from .._public import set_public_module
from ._base import LearningRateSchedule
from ._cosine import CosineDecay
from ._cyclical import CyclicalLearningRate
from ._decays import (
    ExponentialDecay,
    InverseTimeDecay,
    NaturalExpDecay,
    PiecewiseConstantDecay,
    StepDecay,
    TimeBasedDecay,
)
from ._one_cycle import OneCycle
from ._per_epoch import PerEpoch
from ._registry import get, register, serialize

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay",
           "PiecewiseConstantDecay", "CosineDecay", "TimeBasedDecay",
           "StepDecay", "NaturalExpDecay", "OneCycle",
           "CyclicalLearningRate", "PerEpoch", "get", "serialize",
           "register"]

set_public_module(__name__, __all__)
