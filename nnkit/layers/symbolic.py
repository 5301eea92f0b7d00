"""Symbolic tensors and nodes: calling layers on ``Input`` records a graph.

``x = nnkit.Input(shape=(4,))`` holds no numbers. It is a *symbolic
tensor*: a placeholder that knows its shape, its dtype and which layer
call produced it. Calling a layer on symbolic tensors does no
arithmetic; it records a ``Node`` (this layer, called on these tensors,
produced these tensors) and returns new symbolic tensors::

    x = Input(shape=(4,))          # SymbolicTensor (None, 4), node 0 of
    h = Dense(8)(x)                #   an InputLayer
    y = Dense(1)(h)                # each call adds a Node to its layer

Walking the nodes back from ``y`` finds every layer between ``x`` and
``y``: that walk is how ``nnkit.Model(inputs=x, outputs=y)`` learns its
graph. A layer called twice has two nodes but one set of weights (a
*shared* layer). Keras calls these objects ``KerasTensor`` and ``Node``.

Weights are not created here: a layer is built when the ``Model`` that
contains it is created, from the model's seeded generator, as
``Sequential`` builds its layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .base import Layer

__all__ = ["SymbolicTensor", "Node", "is_symbolic", "call_symbolic"]


class SymbolicTensor:
    """A placeholder for a batch of data inside a functional model.

    Attributes:
        shape: ``(None,) + per-example shape``; None is the batch size.
        dtype: the dtype the data will have.
        node: the ``Node`` that produces this tensor.
        index: which output of that node it is (0 for one output).
        name: a readable name (for an ``Input``, the input's name).
    """

    def __init__(self, shape: tuple, dtype: Any, node: Node | None = None,
                 index: int = 0, name: str | None = None):
        self.shape = (None,) + tuple(int(s) for s in shape)
        self.dtype = np.dtype(dtype)
        self.node = node
        self.index = index
        self.name = name

    @property
    def layer(self) -> Layer:
        """The layer whose call produced this tensor."""
        return self.node.layer

    @property
    def example_shape(self) -> tuple[int, ...]:
        """The shape of one example (``shape`` without the batch axis)."""
        return tuple(self.shape[1:])

    def __repr__(self) -> str:
        return (f"<SymbolicTensor shape={self.shape} dtype={self.dtype.name}"
                f" name={self.name!r}>")


class Node:
    """One call of a layer on symbolic tensors.

    Attributes:
        layer: the layer that was called.
        inputs: the symbolic tensors it was called on (empty for the
            node of an ``InputLayer``).
        outputs: the symbolic tensors the call returned.
        kwargs: the non-tensor call arguments (e.g. ``attention_mask``),
            given again to ``forward`` whenever the model runs the node.
        training: the ``training`` argument of the call, or None (then
            the model's mode applies: True in ``fit``, else False).
        index: the position of this node in ``layer.inbound_nodes``.
    """

    def __init__(self, layer: Layer, inputs: list[SymbolicTensor],
                 output_shapes: list[tuple], output_dtype: Any,
                 kwargs: dict[str, Any] | None = None,
                 training: bool | None = None):
        self.layer = layer
        self.inputs = list(inputs)
        self.kwargs = dict(kwargs or {})
        self.training = training
        self.index = len(layer.inbound_nodes)
        layer.inbound_nodes.append(self)
        many = len(output_shapes) > 1
        self.outputs = [
            SymbolicTensor(shape, output_dtype, self, i,
                           f"{layer.name}/out{i}" if many
                           else f"{layer.name}/out")
            for i, shape in enumerate(output_shapes)]

    @property
    def is_input(self) -> bool:
        """True for the node of an ``InputLayer`` (it has no inputs)."""
        return not self.inputs

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that produce this node's inputs."""
        return [t.node for t in self.inputs]

    def __repr__(self) -> str:
        return f"<Node {self.layer.name}[{self.index}]>"


def is_symbolic(inputs: Any) -> bool:
    """True if ``inputs`` is a SymbolicTensor or a list holding one."""
    if isinstance(inputs, SymbolicTensor):
        return True
    return isinstance(inputs, (list, tuple)) and any(
        isinstance(t, SymbolicTensor) for t in inputs)


def call_symbolic(layer: Layer, inputs: Any, training: bool | None,
                  kwargs: dict[str, Any]) -> Any:
    """``layer(inputs)`` on symbolic tensors: check, record, return.

    Returns:
        one SymbolicTensor, or a list when the layer has several outputs
        (its ``compute_output_shape`` returns a list of shapes).
    """
    if layer.multi_input:
        if (not isinstance(inputs, (list, tuple)) or not inputs
                or not all(isinstance(t, SymbolicTensor) for t in inputs)):
            raise TypeError(
                f"{layer.describe()} takes a list of symbolic tensors, "
                f"e.g. {type(layer).__name__}()([a, b]); got {inputs!r}")
        tensors = list(inputs)
        shape: Any = [t.example_shape for t in tensors]
    else:
        if not isinstance(inputs, SymbolicTensor):
            raise TypeError(
                f"{layer.describe()} takes one tensor, got a list of "
                f"{len(inputs)}; merge them first (e.g. with Concatenate)")
        tensors = [inputs]
        shape = inputs.example_shape
    if not layer.built and not layer._explicit_dtype \
            and tensors[0].dtype.kind == "f":
        layer.dtype = tensors[0].dtype      # float64 inputs, float64 layer
    _check_same_shape_as_before(layer, shape)
    layer._check_rank_of(shape)
    out = layer.compute_output_shape(shape)
    many = isinstance(out, list)
    node = Node(layer, tensors, out if many else [out], layer.dtype,
                kwargs, training)
    return node.outputs if many else node.outputs[0]


def _check_same_shape_as_before(layer: Layer, shape: Any) -> None:
    """A shared layer must see inputs of the shape it was built for."""
    if layer.built:
        before = layer.input_shape
    elif layer.inbound_nodes:
        first = layer.inbound_nodes[0].inputs
        before = [t.example_shape for t in first] if layer.multi_input \
            else first[0].example_shape
    else:
        return
    if before != shape:
        raise ValueError(
            f"{layer.describe()} was first used on inputs of shape "
            f"{before} (per example) and is now called on {shape}; a "
            f"layer used twice shares its weights, so it needs the same "
            f"input shape each time")
