"""The functional model: a directed acyclic graph of layer calls.

Built from symbolic tensors (``nnkit.layers.symbolic``)::

    x = Input(shape=(4,))
    h = Dense(8, activation="relu")(x)
    y1 = Dense(1, name="score")(h)               # h fans out to two
    y2 = Dense(3, activation="softmax")(h)       # layers
    model = nnkit.Model(inputs=x, outputs=[y1, y2])

The graph's nodes (one per layer call) are sorted once, inputs first,
so that every node comes after the nodes that feed it (a *topological
order*, Keras' own, which also fixes the order of ``layers`` and of the
weights). Then:

* **forward** walks the nodes in that order, keeping each tensor's
  value in a dict;
* **backward** walks them in reverse. Each node receives dL/d(output),
  applies the chain rule through its layer, and *adds* the result to
  dL/d(input) of the tensors it read. A tensor read by several layers
  (a fan-out) thus collects the sum of their gradients, as the chain
  rule for a variable used several times requires; a layer called twice
  (a *shared* layer) adds both calls' gradients into its weights.

A layer keeps one cache, that of its latest forward call. For a shared
layer the model sets each call's cache aside after its forward and puts
it back before that call's backward.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .. import _validate as check
from ..layers import get as _get_layer
from ..layers.base import Layer
from ..layers.input_layer import InputLayer
from ..layers.symbolic import Node, SymbolicTensor
from ._backprop import backward_step
from ._model import Model

__all__ = ["Functional"]


class Functional(Model):
    """A model whose layers form a graph: ``Model(inputs, outputs)``.

    Args:
        inputs: an ``nnkit.Input`` tensor, or a list of them (the order
            of the arrays given to ``fit``/``predict``).
        outputs: a symbolic tensor computed from the inputs, or a list.
        name: the model's name.
        seed: seeds the generator that initialises the weights of layers
            not yet built and shuffles the data in ``fit``.

    Attributes:
        inputs, outputs: the symbolic tensors, as lists.
        layers: every layer, inputs first, in Keras' order.
        input_names, output_names: the input layers' names and the
            names of the layers producing the outputs (the keys of dict
            data and of per-output logs such as ``"<name>_loss"``).
    """

    def __init__(self, inputs: Any = None, outputs: Any = None,
                 name: str = "functional", seed: int | None = None):
        if inputs is None or outputs is None:
            Model.__init__(self)          # raises: explains the API
        self._init_model(name, seed)
        self.inputs = _tensor_list(inputs, "inputs")
        self.outputs = _tensor_list(outputs, "outputs")
        if len(set(map(id, self.inputs))) != len(self.inputs):
            raise ValueError("Model: the same tensor appears twice in "
                             "inputs")
        self.nodes, self.layers = _sort_graph(self.inputs, self.outputs)
        _unique_names(self.layers, self.name)
        self.input_names = [t.name if t.node.is_input else t.layer.name
                            for t in self.inputs]
        self.output_names = _output_names(self.outputs)
        for node in self.nodes:            # build in graph order, seeded
            layer = node.layer
            shapes = [t.example_shape for t in node.inputs]
            if not layer.built:
                layer.ensure_built(shapes if layer.multi_input
                                   else shapes[0], self.rng)
        self.built = True
        # Layers called more than once keep each call's cache aside.
        calls: dict[int, int] = defaultdict(int)
        for node in self.nodes:
            calls[id(node.layer)] += 1
        self._shared = {i for i, c in calls.items() if c > 1}
        self._values: dict[int, Any] = {}
        self._caches: dict[int, list] = {}
        self._input_ids = {id(t) for t in self.inputs}

    # ----- the graph's shape -------------------------------------------------
    def _input_specs(self):
        return [(t.example_shape, t.dtype) for t in self.inputs]

    def _output_shapes(self):
        return [t.example_shape for t in self.outputs]

    def _output_layers(self):
        return [t.layer if len(t.node.outputs) == 1 else None
                for t in self.outputs]

    @property
    def input(self) -> Any:
        """The input tensor (a list of them for several inputs), as
        Keras' ``model.input``."""
        return self.inputs[0] if len(self.inputs) == 1 else self.inputs

    @property
    def output(self) -> Any:
        """The output tensor (a list for several outputs), as Keras'
        ``model.output``."""
        return self.outputs[0] if len(self.outputs) == 1 else self.outputs

    @property
    def input_shape(self) -> Any:
        """The input's shape with Keras' batch axis first, ``(None, 4)``
        (a list of them for several inputs)."""
        shapes = [(None, *t.example_shape) for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        """The output's shape with the batch axis, ``(None, 1)`` (a list
        for several outputs)."""
        shapes = [(None, *s) for s in self._output_shapes()]
        return shapes[0] if len(shapes) == 1 else shapes

    # ----- forward: the nodes in topological order ---------------------------
    def _run_forward(self, xs, training):
        """Run every node in topological order on the data ``xs``.

        ``value`` maps each tensor to its array (and ``mask`` to its
        mask, Keras' masking): a node reads its inputs' values, calls
        its layer's ``forward`` and stores its outputs' values.
        """
        value: dict[int, Any] = {}      # id(tensor) -> its array
        mask: dict[int, Any] = {}       # id(tensor) -> its mask or None
        for t, x in zip(self.inputs, xs):
            value[id(t)], mask[id(t)] = x, None
        self._caches = {}
        for node in self.nodes:
            if node.is_input or id(node.outputs[0]) in value:
                continue                  # filled by the data
            layer = node.layer
            x = [value[id(t)] for t in node.inputs]
            m = [mask[id(t)] for t in node.inputs]
            if not layer.multi_input:
                x, m = x[0], m[0]
            kwargs = dict(node.kwargs)
            if layer.supports_masking and _any_mask(m):
                kwargs["mask"] = m
            mode = training if node.training is None else node.training
            out = layer.forward(x, training=mode, **kwargs)
            out_mask = layer.compute_mask(x, m)
            outs = out if len(node.outputs) > 1 else [out]
            out_masks = out_mask if isinstance(out_mask, list) \
                else [out_mask] * len(outs)
            for t, o, om in zip(node.outputs, outs, out_masks):
                value[id(t)], mask[id(t)] = o, om
            if id(layer) in self._shared:     # keep this call's cache
                self._caches[id(node)] = _snapshot(layer)
        self._values = value
        self._out_masks = [mask[id(t)] for t in self.outputs]
        self._out_logits = [self._logits_of(t) for t in self.outputs]
        return [value[id(t)] for t in self.outputs]

    def _logits_of(self, t: SymbolicTensor) -> Any:
        layer = t.layer
        if layer.logits_activation is None or len(t.node.outputs) > 1:
            return None
        cache = self._caches.get(id(t.node))
        return cache[0][1].get("z") if cache else getattr(layer, "z", None)

    def _layer_calls(self):
        return [(n.layer, self._values[id(n.outputs[0])])
                for n in self.nodes if not n.is_input
                and id(n.outputs[0]) in self._values]

    # ----- backward: the same nodes in reverse ------------------------------
    def _run_backward(self, douts, dlogits):
        """Backpropagation through the graph, from outputs to inputs.

        ``grad`` holds dL/d(tensor) for the tensors reached so far. Each
        node comes after every node that reads its outputs, so their
        gradient is complete when it is taken: the node applies the chain
        rule through its layer (``backward_step``) and *adds* the result
        to the gradient of each of its inputs. A tensor that several
        layers read thus gets the sum of their contributions.
        """
        grad: dict[int, Any] = {}           # id(tensor) -> dL/d(tensor)

        def add(t, g):                      # fan-out: gradients add up
            grad[id(t)] = grad[id(t)] + g if id(t) in grad else g

        for t, g in zip(self.outputs, douts):      # the loss starts it
            if g is not None:
                add(t, g)
        fused = {id(t.node): dz for t, dz in zip(self.outputs, dlogits)
                 if dz is not None}         # dL/dz of fused output layers
        for node in reversed(self.nodes):
            if node.is_input:
                continue
            dout = [grad.pop(id(t), None) for t in node.outputs]
            dz = fused.get(id(node))
            if dz is None and all(g is None for g in dout):
                continue                    # this call is not in the loss
            if id(node) in self._caches:    # a shared layer: put back
                _restore(self._caches[id(node)])   # this call's cache
            reads_data = all(self._is_data(t) for t in node.inputs)
            dx = backward_step(node.layer,
                               dout if len(dout) > 1 else dout[0], dz,
                               need_dx=not reads_data)
            if reads_data:
                continue                    # dL/d(data) is not needed
            dxs = dx if node.layer.multi_input else [dx]
            for t, g in zip(node.inputs, dxs):
                if not self._is_data(t):
                    add(t, g)               # the chain rule continues

    def _is_data(self, t: SymbolicTensor) -> bool:
        """True for a tensor the data fills: an Input or a model input."""
        return t.node.is_input or id(t) in self._input_ids

    def _call_symbolic(self, x, training):
        """Replay the graph's layer calls on new symbolic tensors."""
        given = list(x) if isinstance(x, (list, tuple)) else [x]
        if len(given) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' takes "
                             f"{len(self.inputs)} inputs, got {len(given)}")
        new = {id(t): g for t, g in zip(self.inputs, given)}
        for node in self.nodes:
            if node.is_input or id(node.outputs[0]) in new:
                continue
            ins = [new[id(t)] for t in node.inputs]
            layer = node.layer
            mode = node.training if training is None else training
            out = layer(ins if layer.multi_input else ins[0],
                        training=mode, **node.kwargs)
            outs = out if isinstance(out, list) else [out]
            for t, o in zip(node.outputs, outs):
                new[id(t)] = o
        outs = [new[id(t)] for t in self.outputs]
        return outs[0] if len(outs) == 1 else outs

    # ----- config ------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Layers (with the calls that connect them) and the inputs and
        outputs, Keras-style: a call's input is named
        ``[layer name, node index, tensor index]``."""
        calls: dict[int, list] = defaultdict(list)   # this model's calls
        for n in self.nodes:
            calls[id(n.layer)].append(n)

        def ref(t):                 # the call's number within this model
            return [t.layer.name, calls[id(t.layer)].index(t.node),
                    t.index]

        layers = []
        for layer in self.layers:
            nodes = [n for n in calls[id(layer)] if not n.is_input]
            layers.append({
                "class_name": type(layer).__name__,
                "config": layer.get_config(),
                "inbound_nodes": [
                    {"inputs": [ref(t) for t in n.inputs],
                     "kwargs": n.kwargs, "training": n.training}
                    for n in nodes]})
        return {"name": self.name, "seed": self.seed, "layers": layers,
                "input_layers": [ref(t) for t in self.inputs],
                "output_layers": [ref(t) for t in self.outputs]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Functional:
        """Rebuild the graph: create each layer, replay its calls."""
        made: dict[str, Layer] = {}
        outs: dict[tuple, SymbolicTensor] = {}
        for spec in config["layers"]:
            if spec["class_name"] == "InputLayer":
                layer = InputLayer.from_config(dict(spec["config"]))
                outs[(layer.name, 0, 0)] = layer.output
            else:
                layer = _get_layer(spec["class_name"]).from_config(
                    dict(spec["config"]))
            made[layer.name] = layer
        # Layers are listed inputs first, so every call's inputs exist
        # once the calls are replayed in that order (node by node).
        pending = [(spec["config"]["name"], i, call)
                   for spec in config["layers"]
                   for i, call in enumerate(spec.get("inbound_nodes", []))]
        replayed: dict[str, int] = defaultdict(int)
        while pending:
            left = []
            for name, i, call in pending:
                refs = [tuple(r) for r in call["inputs"]]
                if replayed[name] != i or not all(r in outs for r in refs):
                    left.append((name, i, call))   # wait: keep the order
                    continue
                replayed[name] += 1
                layer = made[name]
                ins = [outs[r] for r in refs]
                res = layer(ins if layer.multi_input else ins[0],
                            training=call.get("training"),
                            **call.get("kwargs", {}))
                res = res if isinstance(res, list) else [res]
                for j, t in enumerate(res):
                    outs[(name, i, j)] = t
            if len(left) == len(pending):
                raise ValueError("Model.from_config: the layers' calls "
                                 "do not connect (a call's input is "
                                 "never produced)")
            pending = left
        return cls([outs[tuple(r)] for r in config["input_layers"]],
                   [outs[tuple(r)] for r in config["output_layers"]],
                   name=config.get("name", "functional"),
                   seed=config.get("seed"))


# ----- building the graph ----------------------------------------------------
def _tensor_list(tensors: Any, what: str) -> list[SymbolicTensor]:
    items = list(tensors) if isinstance(tensors, (list, tuple)) \
        else [tensors]
    if not items:
        raise ValueError(f"Model: {what} is empty")
    for t in items:
        check.instance("Model", what, t, SymbolicTensor,
                       "symbolic tensors (from nnkit.Input and the layers "
                       "called on it)")
    return items


def _sort_graph(inputs: list[SymbolicTensor],
                outputs: list[SymbolicTensor]
                ) -> tuple[list[Node], list[Layer]]:
    """Nodes in topological order and layers in Keras' order.

    A depth-first search from the outputs lists every node after the
    nodes it reads (stopping at the declared inputs). Keras then sorts
    by *depth* (the longest path from a node to an output) and, within
    a depth, by first visit; doing the same gives Keras' ``layers`` and
    therefore Keras' weight order.
    """
    is_input = {id(t) for t in inputs}
    order: list[Node] = []               # inputs first
    first_visit: dict[int, int] = {}     # id(layer) -> visit rank
    done: set[int] = set()
    active: set[int] = set()

    def visit(t: SymbolicTensor) -> None:
        node = t.node
        if id(node) in done:
            return
        if id(t) in is_input and not node.is_input:
            return                        # an intermediate tensor input
        if id(node) in active:
            raise ValueError(f"Model: the graph has a cycle through "
                             f"{node.layer.describe()}")
        first_visit.setdefault(id(node.layer), len(first_visit))
        active.add(id(node))
        for parent in node.inputs:
            visit(parent)
        active.discard(id(node))
        done.add(id(node))
        order.append(node)

    for t in outputs:
        visit(t)
    depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    for node in reversed(order):
        d = max(depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        depth[id(node)] = layer_depth[id(node.layer)] = d
        for parent in node.parent_nodes:
            if id(parent) in done:
                depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    for t in inputs:                      # inputs no output depends on
        if t.node.is_input and id(t.node) not in done:
            order.insert(0, t.node)
            depth[id(t.node)] = layer_depth[id(t.layer)] = 0
            first_visit[id(t.layer)] = -1
    _check_connected(inputs, order)
    nodes = sorted(order, key=lambda n: -depth[id(n)])   # stable
    layers: list[Layer] = []
    for node in sorted(order, key=lambda n: (-layer_depth[id(n.layer)],
                                             first_visit[id(n.layer)])):
        if node.layer not in layers:
            layers.append(node.layer)
    return nodes, layers


def _check_connected(inputs: list[SymbolicTensor],
                     order: list[Node]) -> None:
    """Every node's inputs must come from the declared inputs."""
    known = {id(t) for t in inputs}
    for node in order:
        for t in node.inputs:
            if id(t) not in known:
                raise ValueError(
                    f"Model: the graph is disconnected: "
                    f"{node.layer.describe()} reads a tensor that the "
                    f"model's inputs do not produce (from "
                    f"{t.layer.describe()}); add the Input it comes from "
                    f"to inputs")
        if node.is_input and id(node.outputs[0]) not in known:
            raise ValueError(
                f"Model: the graph is disconnected: the outputs depend "
                f"on the Input '{node.layer.name}', which is not in "
                f"inputs")
        known.update(id(t) for t in node.outputs)


def _unique_names(layers: list[Layer], model_name: str) -> None:
    """Give unnamed layers unique Keras-style names (dense, dense_1...)."""
    explicit: dict[str, Layer] = {}
    for layer in layers:
        if layer._explicit_name:
            if layer.name in explicit:
                raise ValueError(f"Model '{model_name}': two layers are "
                                 f"named '{layer.name}'; layer names must "
                                 f"be unique")
            explicit[layer.name] = layer
    taken = set(explicit)
    for layer in layers:
        if layer._explicit_name:
            continue
        base = _base_name(layer.name)
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        _rename(layer, name)
        taken.add(name)


def _base_name(name: str) -> str:
    head, _, tail = name.rpartition("_")
    return head if head and tail.isdigit() else name


def _rename(layer: Layer, name: str) -> None:
    layer.name = name
    for p in layer.parameters():
        p.path = f"{name}/{p.name}"
    if isinstance(layer, InputLayer):
        layer.output.name = name
    for node in layer.inbound_nodes:
        many = len(node.outputs) > 1
        for i, t in enumerate(node.outputs):
            if not isinstance(layer, InputLayer):
                t.name = f"{name}/out{i}" if many else f"{name}/out"


def _output_names(outputs: list[SymbolicTensor]) -> list[str]:
    names = []
    for t in outputs:
        name = t.layer.name
        if len(t.node.outputs) > 1 or name in names:
            name = f"{name}_{t.index}" if name not in names else \
                f"{name}_{len(names)}"
        names.append(name)
    return names


# ----- a shared layer's cache, per call --------------------------------------
def _snapshot(layer: Layer) -> list:
    """The layer's attributes (and its inner layers'), by reference."""
    from ..layers.base import nested_layers
    found, todo = [], [layer]
    while todo:
        lay = todo.pop()
        found.append((lay, dict(vars(lay))))
        todo.extend(nested_layers(lay))
    return found


def _restore(snapshot: list) -> None:
    for lay, attrs in snapshot:
        vars(lay).update(attrs)


def _any_mask(mask: Any) -> bool:
    if isinstance(mask, list):
        return any(m is not None for m in mask)
    return mask is not None

