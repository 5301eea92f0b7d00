"""Models: ``Sequential`` and the functional ``Model``, on one base.

``Model`` holds what every model shares (``compile``, ``fit``,
``evaluate``, ``predict``, ``train_on_batch``, ``summary``, ``save``,
``get_weights``...). ``Sequential`` is a chain of layers;
``Model(inputs=..., outputs=...)`` (a ``Functional`` model) any
directed acyclic graph of layer calls built from ``Input``. As in
Keras, ``isinstance(sequential_model, Model)`` is True.

The training step is the whole algorithm of chapter 3::

    zero every gradient
    outputs = forward(inputs)
    loss = sum_k a_k L_k(y_k, output_k) + penalties
    backward(dL/d(output_k))                       (reverse order)
    optimizer.apply(trainable parameters)          (update)

One Keras convention deserves a word: when an output layer ends in a
sigmoid (softmax) and its loss is binary (categorical) cross-entropy on
probabilities, Keras computes the loss from the logits instead, which is
exact and never saturates. nnkit does the same (``Loss.fuses_with`` and
``Layer.backward_from_logits``); the gradient reaching the logits is
then simply ``p - y`` (divided by N).
"""

from .._public import set_public_module
from ..layers.input_layer import Input, InputLayer
from ..layers.symbolic import Node, SymbolicTensor
from ._divergence import TrainingDivergedError
from ._functional import Functional
from ._model import Model
from ._sequential import Sequential, load_model

__all__ = ["Model", "Sequential", "Functional", "Input", "InputLayer",
           "SymbolicTensor", "Node", "load_model", "TrainingDivergedError"]

set_public_module(__name__, __all__)
