"""The Sequential model: a chain of layers, each feeding the next.

Training (``compile``, ``fit``...) is ``Model``'s; what Sequential adds
is its structure and the two passes of chapter 3's diagram::

    forward:   x -> layer_1 -> layer_2 -> ... -> layer_L -> out
    backward:  dL/d(out) -> layer_L.backward -> ... -> layer_1.backward

where the last step starts from dL/dz when the loss fuses with the
output activation, and the first layer skips dL/d(data) (see
``nnkit.models._backprop``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import layers as _layers
from ..layers.base import Layer
from ..layers.input_layer import InputLayer
from ..layers.symbolic import SymbolicTensor
from ._backprop import backward_step
from ._model import Model

__all__ = ["Sequential", "load_model"]


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers (an ``Input`` may come first).
        name: the model's name.
        seed: seeds the model's random generator, which initialises the
            weights and shuffles the data. Same seed, same numbers.
        dtype: ``"float32"`` or ``"float64"``: given to every layer that
            was not created with an explicit dtype.
    """

    def __init__(self, layers: list | None = None,
                 name: str = "sequential", seed: int | None = None,
                 dtype: str | None = None):
        self._init_model(name, seed)
        self.dtype = check.float_dtype(f"Sequential '{name}'", "dtype",
                                       dtype, allow_none=True)
        check.list_of(f"Sequential '{name}'", "layers", layers,
                      (Layer, SymbolicTensor), "nnkit layer",
                      "Sequential([layer])", allow_none=True)
        self.layers: list[Layer] = []
        self._example_shape: tuple[int, ...] | None = None
        self.input_dtype: np.dtype | None = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @property
    def input_names(self) -> list[str]:
        return ["input_layer"]

    @property
    def output_names(self) -> list[str]:
        return [self.layers[-1].name] if self.layers else ["output"]

    # ----- structure -----------------------------------------------------
    def add(self, layer: Layer | SymbolicTensor) -> None:
        """Append a layer (or declare the input shape with ``Input``)."""
        if isinstance(layer, SymbolicTensor) and isinstance(layer.layer,
                                                            InputLayer):
            layer = layer.layer
        if isinstance(layer, InputLayer):
            if self.layers:
                raise ValueError("Sequential: Input must come first")
            self._example_shape = layer.shape
            if layer.input_dtype.kind != "f":
                self.input_dtype = layer.input_dtype
            return
        if not isinstance(layer, Layer):
            raise check.ArgumentTypeError(
                f"Sequential.add expects an nnkit Layer, got "
                f"{check.show(layer)} ({check.type_name(layer)})")
        if layer.multi_input:
            raise TypeError(f"Sequential: {layer.describe()} takes several "
                            f"inputs; use the functional API "
                            f"(nnkit.Model(inputs, outputs)) instead")
        names = {existing.name for existing in self.layers}
        if layer._explicit_name:
            if layer.name in names:
                raise ValueError(f"Sequential '{self.name}': a layer "
                                 f"named '{layer.name}' already exists")
        else:
            base, k = layer.name, 1
            while layer.name in names:
                layer.name = f"{base}_{k}"
                k += 1
        for p in layer.parameters():
            p.path = f"{layer.name}/{p.name}"
        if self.dtype is not None and not layer._explicit_dtype \
                and not layer.built:
            layer.dtype = self.dtype
        if not self.layers and self._example_shape is None \
                and layer.input_shape is not None:
            self._example_shape = layer.input_shape
        self.layers.append(layer)
        if self.built:
            self._build_layer(layer, self._out_shape)
        elif self._example_shape is not None:
            self.build(self._example_shape)

    def _build_layer(self, layer: Layer, shape: tuple[int, ...]):
        if layer.built and layer.input_shape != tuple(shape):
            raise ValueError(
                f"{layer.describe()} was built for inputs "
                f"{layer.input_shape} but receives {tuple(shape)} here")
        layer.ensure_built(shape, self.rng)
        out = layer.compute_output_shape(shape)
        if isinstance(out, list):   # e.g. an RNN with return_state=True
            raise ValueError(
                f"{layer.describe()} returns a list of {len(out)} "
                f"outputs, but Sequential passes one array between "
                f"layers: call the layer directly, use the functional "
                f"API (nnkit.Model), or make it return one output "
                f"(return_state=False, merge_mode not None)")
        self._out_shape = out

    def build(self, input_shape: Any) -> None:
        """Create every layer's weights for examples of this shape.

        ``input_shape`` is the shape of one example, e.g. ``(3,)``. Keras
        code writes the batch axis too, as ``None``: ``build((None, 3))``
        is accepted and means the same.
        """
        if isinstance(input_shape, (tuple, list)) and len(input_shape) > 1 \
                and input_shape[0] is None:
            input_shape = tuple(input_shape[1:])   # Keras' batch axis
        shape = check.shape("build", "input_shape", input_shape,
                            allow_empty=True)   # x of shape (N,)
        self._example_shape = shape
        for layer in self.layers:
            self._build_layer(layer, shape)
            shape = self._out_shape
        self._out_shape = shape
        self.built = bool(self.layers)

    @property
    def input_shape(self) -> tuple | None:
        """The input's shape with Keras' batch axis first, ``(None, 4)``
        (None until the model knows it)."""
        shape = self._example_shape
        return None if shape is None else (None, *shape)

    @property
    def output_shape(self) -> tuple | None:
        """The output's shape with the batch axis, ``(None, 1)`` (None
        until the model is built)."""
        return (None, *self._out_shape) if self.built else None

    # ----- what Model needs to know ----------------------------------------
    def _input_specs(self):
        first = self.layers[0] if self.layers else None
        dtype = self.input_dtype or (
            # ids stay integers (float32 holds them exactly only to 2**24)
            np.dtype("int64") if getattr(first, "integer_inputs", False)
            else first.dtype if first is not None
            else np.dtype("float32"))
        # No shape: the first layer checks its input and names itself.
        return [(None, dtype)]

    def _output_shapes(self):
        return [self._out_shape if self.built else None]

    def _output_layers(self):
        return [self.layers[-1]]

    def _build_from_data(self, xs):
        if not self.built:
            self.build(xs[0].shape[1:])

    def _layer_calls(self):
        return list(zip(self.layers, getattr(self, "_outs", [])))

    # ----- forward and backward ------------------------------------------
    def _run_forward(self, xs, training):
        x, mask = xs[0], None
        self._outs = []                  # each layer's output
        for layer in self.layers:
            kwargs = {"mask": mask} if (mask is not None and
                                        layer.supports_masking) else {}
            out = layer.forward(x, training=training, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = out
            self._outs.append(out)
        self._out_masks = [mask]
        last = self.layers[-1]
        self._out_logits = [getattr(last, "z", None)
                            if last.logits_activation is not None
                            else None]
        return [x]

    def _run_backward(self, douts, dlogits):
        """Chapter 3's backward pass: the layers in reverse order."""
        d = douts[0]             # dL/d(out), None when the loss fused
        dz = dlogits[0]          # dL/dz of the last layer when it fused
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            d = backward_step(self.layers[i], d,
                              dlogits=dz if i == last else None,
                              need_dx=i > 0)    # layer 0 reads the data

    def _call_symbolic(self, x, training):
        """Call the layers in turn on a symbolic tensor."""
        if isinstance(x, (list, tuple)):
            raise TypeError(f"Sequential '{self.name}' takes one tensor, "
                            f"got a list of {len(x)}")
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    # ----- config ------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        cfg = {
            "name": self.name, "seed": self.seed,
            "dtype": None if self.dtype is None else self.dtype.name,
            "layers": [{"class_name": type(layer).__name__,
                        "config": layer.get_config()}
                       for layer in self.layers]}
        if self.input_dtype is not None:
            cfg["input_dtype"] = self.input_dtype.name
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        model = cls(name=config.get("name", "sequential"),
                    seed=config.get("seed"), dtype=config.get("dtype"))
        if config.get("input_dtype"):
            model.input_dtype = np.dtype(config["input_dtype"])
        for spec in config["layers"]:
            layer_cls = _layers.get(spec["class_name"])
            model.add(layer_cls.from_config(dict(spec["config"])))
        return model


def load_model(filepath: str) -> Model:
    """Load a model written by ``save`` (Sequential or functional)."""
    return Model.load(filepath)
