"""Move models between nnkit and Keras: same architecture, same weights.

Because nnkit follows Keras' weight layouts (Dense kernel (in, out),
bias (out,)), weights copy across with ``get_weights``/``set_weights``
and no transposes. This is the only package that imports Keras, and
only inside its functions, so ``import nnkit`` stays light; and it is
the only place that knows Keras exists: no layer, optimizer, schedule,
loss or model of nnkit imports it (``tests/test_import_graph.py``).

Every conversion lives in a registry, one per kind of object:
``LAYERS``, ``MODELS``, ``OPTIMIZERS``, ``SCHEDULES``, ``LOSSES``,
``ACTIVATIONS`` and ``REGULARIZERS`` (instances of ``Registry``).
Towards Keras a converter is keyed by nnkit class and found through
the object's class hierarchy (a subclass uses its parent's converter
unless it registers its own); from Keras it is keyed by the Keras class
name. The public functions (``to_keras``, ``optimizer_to_keras``,
``schedule_to_keras``...) look the converter up.

How to register a new conversion, e.g. a layer ``Conv1D``: write a
function from the nnkit object and the imported ``keras`` module to the
Keras object, and one from the Keras object back, in the interop module
of its family (here ``_conv.py``)::

    from ..layers import Conv1D
    from ._base import LAYERS

    @LAYERS.register_to_keras(Conv1D)
    def _conv1d_to_keras(layer, keras):
        return keras.layers.Conv1D(layer.filters, layer.kernel_size,
                                   **_kernel_kwargs(layer))

    @LAYERS.register_from_keras("Conv1D")
    def _conv1d_from_keras(k):
        return Conv1D(k.filters, k.kernel_size, name=k.name, ...)

A model class registers with ``MODELS`` the same way (the converter
builds the Keras model; ``to_keras`` then copies the weights and
compiles it), an optimizer, schedule, loss or regularizer with its
registry (``to_keras`` direction only). Converter functions take keyword
arguments after the object if the public function passes them
(``from_keras(kmodel, seed=...)``). A new module must be imported below
so that its registrations run.
"""


# One private module per concept; this package is the public home of
# every name (the API reference documents them here, as nnkit.interop.X):
#   _base.py        import_keras, keras_rounded, Registry, the registries
#   _functions.py   activations, regularizers and losses
#   _optimizers.py  optimizers and learning-rate schedules
#   _layers.py      Dense, Activation and the training layers
#   _conv.py        convolutional, pooling and shape layers
#   _sequence.py    recurrent, embedding and time-distributed layers
#   _attention.py   multi-head attention and positional layers
#   _merging.py     the merge layers (functional models)
#   _models.py      whole models: to_keras and from_keras (Sequential
#                   and functional)
# Importing the layer modules registers their converters.

from .._public import set_public_module
from . import (  # noqa: F401  (registration)
    _attention,
    _conv,
    _layers,
    _merging,
    _sequence,
)
from ._base import (
    ACTIVATIONS,
    LAYERS,
    LOSSES,
    MODELS,
    OPTIMIZERS,
    REGULARIZERS,
    SCHEDULES,
    Registry,
    import_keras,
    keras_rounded,
)
from ._functions import (
    activation_from_keras,
    activation_to_keras,
    loss_to_keras,
    regularizer_to_keras,
)
from ._models import from_keras, metric_to_keras, to_keras
from ._optimizers import optimizer_to_keras, schedule_to_keras

__all__ = ["to_keras", "from_keras", "optimizer_to_keras",
           "schedule_to_keras", "loss_to_keras", "activation_to_keras",
           "activation_from_keras", "regularizer_to_keras", "import_keras",
           "keras_rounded", "metric_to_keras",
           "Registry", "LAYERS", "MODELS", "OPTIMIZERS", "SCHEDULES",
           "LOSSES", "ACTIVATIONS", "REGULARIZERS"]

set_public_module(__name__, __all__)
