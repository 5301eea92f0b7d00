"""Sequential: a stack of layers trained by backpropagation.

The training step is the whole algorithm of chapter 3 in six lines::

    zero every gradient
    out = x -> layer_1 -> ... -> layer_L          (forward)
    loss = L(y, out) + penalties
    d = dL/d(out)
    d -> layer_L.backward -> ... -> layer_1        (backward)
    optimizer.apply(parameters)                    (update)

The public surface copies Keras (``add``, ``compile``, ``fit``,
``evaluate``, ``predict``, ``summary``, ``save``), so chapter code ports to
Keras by changing the import.

One Keras convention deserves a word: when the last layer ends in a
sigmoid (softmax) and the loss is binary (categorical) cross-entropy on
probabilities, Keras computes the loss from the logits instead, which is
exact and never saturates. ``Sequential`` does the same; the gradient
reaching the logits is then simply ``p - y`` (divided by N).
"""

from .._public import set_public_module
from ._divergence import TrainingDivergedError
from ._inputs import Input
from ._sequential import Sequential, load_model

__all__ = ["Sequential", "Input", "load_model", "TrainingDivergedError"]

set_public_module(__name__, __all__)
