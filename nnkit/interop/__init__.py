"""Move models between nnkit and Keras: same architecture, same weights.

Because nnkit follows Keras' weight layouts (Dense kernel (in, out),
bias (out,)), weights copy across with ``get_weights``/``set_weights``
and no transposes. This is the only module that imports Keras, and only
inside its functions, so ``import nnkit`` stays light.

Layer converters live in two registries keyed by class name, so later
layer families (convolutional, recurrent) add themselves with
``register_to_keras`` / ``register_from_keras``.
"""


# One private module per concept; this package is the public home of
# every name (the API reference documents them here, as nnkit.interop.X):
#   _base.py       import_keras, the converter registries, activations,
#                  regularizers and the helpers the converters share
#   _layers.py     Dense, Activation and the training layers
#   _conv.py       convolutional, pooling and shape layers
#   _sequence.py   recurrent, embedding and time-distributed layers
#   _models.py     optimizers, losses, to_keras and from_keras
# Importing the layer modules registers their converters.

from . import _conv, _layers, _sequence  # noqa: F401  (registration)
from ._base import (
    activation_from_keras,
    activation_to_keras,
    import_keras,
    register_from_keras,
    register_to_keras,
    regularizer_to_keras,
)
from ._models import from_keras, loss_to_keras, optimizer_to_keras, to_keras

__all__ = ["to_keras", "from_keras", "optimizer_to_keras", "loss_to_keras",
           "activation_to_keras", "activation_from_keras",
           "regularizer_to_keras", "import_keras",
           "register_to_keras", "register_from_keras"]
