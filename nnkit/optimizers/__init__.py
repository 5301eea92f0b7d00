"""Optimizers, each following Keras 3's update rule exactly.

An optimizer keeps, for every parameter, a few arrays ("slots": the
momentum, Adam's moments...) and one global step counter,
``iterations``. ``apply(params)`` runs one step:

1. clip the gradients (``clipvalue``, ``clipnorm`` or
   ``global_clipnorm``), as Keras does, before anything else;
2. apply decoupled weight decay, if any: ``w -= lr * wd * w``;
3. ``update_step(p, slots, lr)`` for each trainable parameter;
4. ``iterations += 1``.

The learning rate may be a number or a schedule (any callable taking
the step number, see ``nnkit.schedules``). The learning rate and the
arithmetic use the parameter's dtype, so a float64 model runs in
float64 throughout (Keras does the same when ``floatx`` is float64).

A documented difference: Keras' TensorFlow backend turns Python-float
hyperparameters (momentum, beta_1, beta_2, rho, epsilon, clip
thresholds) into float32 tensors before casting them to the weights'
dtype, so in float64 it computes with momentum 0.8999999762 instead of
0.9. nnkit uses the value you give. The tests show both facts: with
hyperparameters that float32 holds exactly (0.5, 0.875...) the two
agree to 1e-10 in float64, and rounding nnkit's momentum to float32
reproduces Keras' 0.9 run to the same tolerance. The rounding happens
where Keras casts a Python float (``ops.cast``): SGD's momentum, the
betas in Adam's and Nadam's bias corrections (not in their moment
updates), Adagrad's initial accumulator, and the constant 0.96 in
Nadam's u_t (not in its running product); see tests/test_optimizers.py.
In float32 all of this is invisible.
"""

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
