"""The layer protocol every nnkit layer follows.

A layer is created with its hyperparameters, *built* lazily the first
time it sees an input shape (that is when its weights are created), then
used through two methods:

* ``forward(x, training)`` computes the output and keeps in ``self``
  whatever ``backward`` will need (the "cache" of CS231n);
* ``backward(dout)`` receives dL/d(output), *adds* dL/d(parameter) into
  each ``Parameter.grad`` and returns dL/d(input).

Gradients are accumulated with ``+=`` so a weight used twice (shared
weights, or every time step of a recurrent layer) collects both
contributions; the model zeroes them before each step.

Class attributes a layer sets to declare what else it can do (a model
reads them; nothing is toggled behind the layer's back):

* ``multi_input = True``: ``forward`` takes a *list* of arrays and
  ``backward`` returns a list of input gradients (the merge layers);
* ``supports_masking = True``: ``forward`` accepts ``mask=`` (a boolean
  (N, T) array marking the real time steps) and ``compute_mask`` says
  which mask the output carries (Keras' masking rules);
* ``can_skip_dx = True``: ``backward`` (and ``backward_from_logits``)
  accept ``need_dx=False`` and then skip dL/d(input), which a model does
  not need for a layer fed directly by the data.

A layer whose output is ``activation(z)`` and that can start its
backward pass from dL/dz names that activation in ``logits_activation``
and implements ``backward_from_logits(dz)``: a model uses it when the
loss fuses with that activation (see ``nnkit.losses.Loss.fuses_with``).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg
from .._docs import inherit_sections
from .symbolic import call_symbolic, is_symbolic

__all__ = ["Parameter", "Layer", "as_shape", "shape_str", "nested_layers"]


class Parameter:
    """A trainable array with its gradient.

    Attributes:
        data: the current value.
        grad: dL/d(data), same shape, accumulated by ``backward``.
        name: Keras-style name such as ``"kernel"`` or ``"bias"``.
        regularizer: optional penalty (see ``nnkit.regularizers``).
        trainable: optimizers skip a parameter whose flag is False.
            Freezing a layer (``layer.trainable = False``) clears it;
            unfreezing sets it again, except on weights created
            non-trainable (batch normalization's moving statistics).
    """

    def __init__(self, data: np.ndarray, name: str,
                 regularizer: Any = None, trainable: bool = True):
        owner = "Parameter"
        self.data = check.instance(owner, "data", data, np.ndarray,
                                   "a numpy array of floats")
        if data.dtype.kind != "f":
            raise check.ArgumentTypeError(
                f"{owner}: data must be a numpy array of floats, got "
                f"dtype {data.dtype}")
        self.grad = np.zeros_like(data)
        self.name = check.string(owner, "name", name)
        if regularizer is not None and not callable(
                getattr(regularizer, "gradient", None)):
            raise check.ArgumentTypeError(
                f"{owner}: regularizer must be None or an "
                f"nnkit.regularizers.Regularizer, got "
                f"{check.show(regularizer)}")
        self.regularizer = regularizer
        self.trainable = check.boolean(owner, "trainable", trainable)
        self._can_train = trainable   # a weight by nature, not frozen
        self.path = name  # "layer_name/kernel" once owned by a layer

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def numpy(self) -> np.ndarray:
        """A copy of the value (as a Keras variable's ``numpy()``)."""
        return self.data.copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.numpy() if dtype is None else self.data.astype(dtype)

    def assign(self, value: Any, owner: str | None = None) -> None:
        """Overwrite the value in place (as a Keras variable's
        ``assign``); the shape must stay the same. ``owner`` names the
        caller in the error (``set_weights`` passes its layer)."""
        value = np.asarray(value)
        if value.shape != self.data.shape:
            raise ValueError(
                f"{owner or f'Parameter {self.path!r}'}: weight "
                f"{self.name!r} has shape {self.data.shape}, got "
                f"{value.shape}")
        self.data[...] = value

    def zero_grad(self) -> None:
        self.grad[...] = 0.0

    def __repr__(self) -> str:
        return f"Parameter({self.path!r}, shape={self.data.shape})"


def as_shape(shape: Any) -> tuple[int, ...]:
    """Turn an int or a sequence into a tuple of ints."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def shape_str(shape: tuple) -> str:
    """Format a per-example shape with a leading ``batch``."""
    inner = ", ".join(str(s) for s in shape)
    return f"(batch, {inner})" if shape else "(batch,)"


def _without_batch_axis(shape: Any, multi_input: bool) -> Any:
    """Keras' full shape ``(None, 5)`` as one example's ``(5,)`` (a list
    of them for a multi-input layer); any other shape unchanged.

    A per-example shape never holds None (see ``_validate.shape``), so a
    leading None can only be Keras' batch axis.
    """
    if multi_input and isinstance(shape, list) and all(
            isinstance(s, (tuple, list)) for s in shape):
        return [_without_batch_axis(s, False) for s in shape]
    if isinstance(shape, (tuple, list)) and shape and shape[0] is None:
        return tuple(shape[1:])
    return shape


def _accepting_batch_axis(build: Any) -> Any:
    """Wrap a layer's ``build`` so Keras code's ``layer.build((None, 5))``
    means ``build((5,))``, as ``Sequential.build`` does."""
    @functools.wraps(build)
    def keras_build(self: Layer, input_shape: Any,
                    rng: np.random.Generator | None = None) -> None:
        return build(self, _without_batch_axis(input_shape,
                                               self.multi_input), rng)
    return keras_build


class KerasWeights:
    """Keras' names for the weights of a layer or a model, read from its
    ``parameters()`` and ``trainable_parameters``."""

    @property
    def weights(self) -> list[Parameter]:
        """Every weight, as Parameters, in ``get_weights``' order
        (Keras' ``weights``; ``w.numpy()`` gives a copy of a value)."""
        return self.parameters()

    @property
    def trainable_weights(self) -> list[Parameter]:
        """The weights training updates (Keras' ``trainable_weights``)."""
        return self.trainable_parameters

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        """The weights training leaves alone: frozen ones and
        statistics such as BatchNormalization's moving mean."""
        trainable = {id(p) for p in self.trainable_parameters}
        return [p for p in self.parameters() if id(p) not in trainable]


class Layer(KerasWeights):
    """Base class: naming, lazy building, input checks, config.

    Subclasses implement ``build``, ``forward``, ``backward`` and
    ``get_config``, and call ``add_weight`` from ``build``.

    Args:
        name: a readable name used in errors and in ``summary()``;
            a model gives unnamed layers unique Keras-style names.
        dtype: ``"float32"`` (default) or ``"float64"``.
        input_shape: optional per-example input shape, Keras style
            (``Dense(4, input_shape=(2,))``), so a model can be built
            before it sees data.
        seed: seeds the initial weights when the layer is built on its
            own (called directly on data). Inside a model the model's
            seeded generator is used instead.
        trainable: False freezes the layer (see the ``trainable``
            property).
    """

    # Number of dimensions of one example, or None if any rank works.
    input_ndim: int | None = None
    # What the layer can do beyond the basic protocol (module docstring).
    multi_input: bool = False
    supports_masking: bool = False
    can_skip_dx: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass's docstring inherits the Args entries and sections
        # it leaves out from its bases (nnkit._docs).
        super().__init_subclass__(**kwargs)
        inherit_sections(cls, exclude=(Layer,))
        if "build" in cls.__dict__:
            cls.build = _accepting_batch_axis(cls.__dict__["build"])

    def __init__(self, name: str | None = None, dtype: str | None = None,
                 input_shape: Any = None, seed: int | None = None,
                 trainable: bool = True, **unknown: Any):
        cls = type(self).__name__
        if unknown:
            raise TypeError(_unknown_arguments(type(self), unknown))
        check.string(cls, "name", name, allow_none=True)
        if name is not None and "/" in name:
            # "/" separates layer and weight in paths ("dense/kernel")
            raise ValueError(f"{cls}: name must not contain '/', got "
                             f"{name!r}")
        self.name = name or _snake(cls)
        self._explicit_name = name is not None
        self._explicit_dtype = dtype is not None
        owner = self.describe()
        self.dtype = check.float_dtype(
            owner, "dtype", "float32" if dtype is None else dtype)
        self.input_shape = (None if input_shape is None else check.shape(
            owner, "input_shape", input_shape))
        self.seed = check.seed(owner, "seed", seed)
        self.built = False
        self._params: list[Parameter] = []
        self._trainable = check.boolean(self.describe(), "trainable",
                                        trainable)
        # One Node per call on symbolic tensors (nnkit.layers.symbolic).
        self.inbound_nodes: list[Any] = []

    # ----- building -----------------------------------------------------
    def add_weight(self, name: str, value: np.ndarray,
                   regularizer: Any = None,
                   trainable: bool = True) -> Parameter:
        """Create a Parameter owned by this layer."""
        p = Parameter(np.asarray(value, dtype=self.dtype), name,
                      regularizer=regularizer, trainable=trainable)
        p.trainable = trainable and self._trainable
        p.path = f"{self.name}/{name}"
        self._params.append(p)
        return p

    def build(self, input_shape: tuple[int, ...],
              rng: np.random.Generator | None = None) -> None:
        """Create the weights for examples of ``input_shape`` (a list of
        shapes for a ``multi_input`` layer). Keras' form with the batch
        axis, ``(None, 5)``, is accepted and means ``(5,)``."""
        input_shape = _without_batch_axis(input_shape, self.multi_input)
        self.input_shape = self._as_input_shape(input_shape)
        self.built = True

    def ensure_built(self, input_shape: tuple[int, ...],
                     rng: np.random.Generator | None = None) -> None:
        """Build the layer unless it already is (used by models)."""
        if not self.built:
            shape = self._as_input_shape(input_shape)
            self._check_rank_of(shape)
            if rng is None:       # built on its own: the layer's seed
                rng = np.random.default_rng(self.seed)
            self.build(shape, rng)
            self.built = True

    def _as_input_shape(self, input_shape: Any) -> Any:
        if self.multi_input:
            return [as_shape(s) for s in input_shape]
        return as_shape(input_shape)

    def compute_output_shape(self, input_shape: tuple[int, ...]
                             ) -> tuple[int, ...]:
        """Per-example output shape (default: unchanged)."""
        return as_shape(input_shape)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.compute_output_shape(self.input_shape)

    # ----- checks -------------------------------------------------------
    def describe(self) -> str:
        return f"{type(self).__name__} '{self.name}'"

    def _check_rank_of(self, shape: Any) -> None:
        """``_check_rank`` on one shape, or on each of a list of them."""
        for one in (shape if self.multi_input else [shape]):
            self._check_rank(as_shape(one))

    def _check_rank(self, shape: tuple[int, ...]) -> None:
        if self.input_ndim is not None and len(shape) != self.input_ndim:
            want = ", ".join(["batch"] + ["?"] * self.input_ndim)
            raise ValueError(
                f"{self.describe()} expects inputs of rank "
                f"{self.input_ndim + 1} ({want}), got an input of "
                f"shape (batch, {', '.join(map(str, shape))})")

    def check_input(self, x: np.ndarray) -> np.ndarray:
        """Validate a batch against the built shape; cast the dtype."""
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            what = ("complex numbers; pass the real part (x.real) or the "
                    "magnitude (abs(x)) explicitly" if x.dtype.kind == "c"
                    else f"dtype {x.dtype}")
            raise TypeError(f"{self.describe()} expects a numeric array "
                            f"of real numbers, got {what}")
        self._check_batch_shape(x)
        return x.astype(self.dtype, copy=False)

    def _check_batch_shape(self, x: np.ndarray, what: str = "inputs"
                           ) -> None:
        """Raise unless ``x`` is a batch (N, ...) whose examples have the
        shape the layer was built for; ``what`` names them (``"ids"``)."""
        if x.ndim == 0:
            raise ValueError(f"{self.describe()} expects a batch of "
                             f"{what}, got a scalar")
        if self.built and x.shape[1:] != self.input_shape:
            raise ValueError(
                f"{self.describe()} expects {what} of shape "
                f"{shape_str(self.input_shape)}, got {x.shape}")

    # ----- the protocol ---------------------------------------------------
    def __call__(self, inputs: Any, training: bool | None = None,
                 **kwargs: Any) -> Any:
        """Run the layer on data, or record a call on symbolic tensors.

        On arrays (a list of arrays for a ``multi_input`` layer) the
        layer is built if needed and ``forward`` runs. On symbolic
        tensors (``nnkit.Input`` and what layers return from it) no
        arithmetic happens: the call is recorded as a graph node and
        symbolic outputs are returned (see ``nnkit.layers.symbolic``).
        """
        if is_symbolic(inputs):
            return call_symbolic(self, inputs, training, kwargs)
        if self.multi_input:
            if not isinstance(inputs, (list, tuple)):
                raise TypeError(f"{self.describe()} takes a list of "
                                f"arrays, got {type(inputs).__name__}")
            inputs = [np.asarray(x) for x in inputs]
            if all(x.ndim >= 1 for x in inputs):
                self.ensure_built([x.shape[1:] for x in inputs])
        else:
            inputs = np.asarray(inputs)
            if inputs.ndim >= 1:
                self.ensure_built(inputs.shape[1:])
        return self.forward(inputs, training=bool(training), **kwargs)

    def forward(self, x: np.ndarray, training: bool = False
                ) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # ----- optional parts of the protocol (module docstring) -------------
    @property
    def logits_activation(self) -> Any:
        """The activation ``backward_from_logits`` skips, or None.

        None (the default) means the layer cannot start backpropagation
        from the logits, so no loss fuses with it.
        """
        return None

    def backward_from_logits(self, dz: np.ndarray,
                             need_dx: bool = True) -> Any:
        """Backward from dL/dz, z the input of ``logits_activation``."""
        raise NotImplementedError(
            f"{self.describe()} has no logits to backpropagate from")

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask the output carries, given the input's ``mask``.

        Keras' default: a layer that ``supports_masking`` passes the
        mask on unchanged; any other layer drops it. Layers that create
        a mask (``Embedding(mask_zero=True)``) or change it override it.

        Returns:
            a boolean array of shape (N, T), or None.
        """
        return mask if self.supports_masking else None

    # ----- Keras' weight arguments ----------------------------------------
    def _weight_arguments(self, **arguments: Any) -> None:
        """Resolve Keras-style ``*_initializer`` and ``*_regularizer``
        arguments (a name, a config dict, an object or None) into
        attributes of the same names; a bad value is reported with the
        layer's and the argument's name."""
        for arg, value in arguments.items():
            get = (initializers.for_weight if arg.endswith("initializer")
                   else _reg.get)
            setattr(self, arg, check.lookup(self.describe(), arg, value,
                                            get))

    # ----- layers made of layers (Bidirectional, Residual...) -------------
    def _share_dtype(self, sublayer: Layer) -> None:
        """An unbuilt sublayer given no dtype of its own takes this
        layer's (so a float64 wrapper computes in float64 throughout)."""
        if not sublayer._explicit_dtype and not sublayer.built:
            sublayer.dtype = self.dtype

    def _adopt_parameters(self, sublayers: list[Layer]) -> None:
        """Hold the built sublayers' Parameters as this layer's own, each
        named ``sublayer/weight`` (path ``self/sublayer/weight``)."""
        self._params = []
        for sub in sublayers:
            for p in sub.parameters():
                p.name = f"{sub.name}/{p.name.rsplit('/', 1)[-1]}"
                p.path = f"{self.name}/{p.name}"
                self._params.append(p)

    # ----- symbolic tensors of the layer's first call ---------------------
    def _first_node(self, what: str) -> Any:
        if not self.inbound_nodes:
            raise AttributeError(
                f"{self.describe()} has no {what}: it has not been called "
                f"on a symbolic tensor (a Sequential's layers never are; "
                f"rebuild the model with the functional API, "
                f"x = nnkit.Input(shape=...); y = layer(x), to reach it)")
        return self.inbound_nodes[0]

    @property
    def input(self) -> Any:
        """The symbolic tensor(s) the layer's first call received, in a
        functional model (Keras' ``layer.input``)."""
        if isinstance(self, _input_layer_class()):
            return self.output
        inputs = self._first_node("input").inputs
        return inputs[0] if len(inputs) == 1 else list(inputs)

    @property
    def output(self) -> Any:
        """The symbolic tensor(s) the layer's first call returned, in a
        functional model (Keras' ``layer.output``): ``nnkit.Model(
        model.input, model.get_layer("dense").output)`` extracts the
        features that layer computes."""
        outputs = self._first_node("output").outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    # ----- weights and freezing -------------------------------------------
    def parameters(self) -> list[Parameter]:
        """Every Parameter of the layer (trainable or not)."""
        return list(self._params)

    @property
    def trainable(self) -> bool:
        """Whether training may change the layer's weights (Keras' flag).

        Setting it to False freezes the layer: its weights drop out of
        ``trainable_parameters`` (optimizers leave them alone and their
        penalties leave the loss), and ``BatchNormalization`` then
        normalises with its moving statistics even in training, as in
        Keras 3. The setting reaches every layer nested inside this one.
        Gradients still flow *through* a frozen layer to the layers
        before it.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for p in self._params:
            p.trainable = value and p._can_train
        for inner in nested_layers(self):
            inner.trainable = value

    @property
    def trainable_parameters(self) -> list[Parameter]:
        """The Parameters that training updates."""
        return [p for p in self._params if p.trainable]

    def count_params(self) -> int:
        return int(sum(p.data.size for p in self._params))

    def regularization_loss(self) -> float:
        """Sum of the penalties on the trainable weights of this layer.

        As in Keras, a frozen weight's penalty is not part of the loss.
        """
        total = 0.0
        for p in self._params:
            if p.regularizer is not None and p.trainable:
                total += float(p.regularizer(p.data))
        return total

    def add_regularization_grads(self) -> None:
        for p in self._params:
            if p.regularizer is not None and p.trainable:
                p.grad += p.regularizer.gradient(p.data)

    # ----- state that is not a weight -----------------------------------
    def get_state(self) -> dict[str, Any]:
        """JSON-serialisable state that is not a weight, e.g. the state
        of a dropout layer's random generator. ``Sequential.save``
        stores it and ``load`` hands it back to ``set_state``.
        Default: no state."""
        return {}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned (default: nothing)."""

    # ----- weights and config -------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        return [p.data.copy() for p in self._params]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        if len(weights) != len(self._params):
            raise ValueError(
                f"{self.describe()} has {len(self._params)} weight arrays "
                f"({', '.join(p.name for p in self._params)}), got "
                f"{len(weights)}")
        for p, w in zip(self._params, weights):
            p.assign(w, owner=self.describe())

    def get_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"name": self.name,
                               "dtype": self.dtype.name}
        if self.input_shape is not None and not self.multi_input:
            cfg["input_shape"] = list(self.input_shape)
        if self.seed is not None:
            cfg["seed"] = self.seed
        if not self._trainable:
            cfg["trainable"] = False
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}'>"


def nested_layers(layer: Layer) -> list[Layer]:
    """The layers held inside ``layer`` (wrapped, or in a list of
    sub-layers), found among its attributes, as Keras tracks them."""
    found: list[Layer] = []
    for value in vars(layer).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, Layer) and item is not layer \
                    and item not in found:
                found.append(item)
    return found


def _unknown_arguments(cls: type, unknown: dict[str, Any]) -> str:
    """The message for keyword arguments a layer does not take."""
    known: list[str] = []
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) \
                    and p.name != "self" and p.name not in known:
                known.append(p.name)
    bad = next(iter(unknown))
    close = difflib.get_close_matches(bad, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (f"{cls.__name__}: unknown argument {bad!r}{hint}; it takes "
            f"{', '.join(known)}")


def _snake(name: str) -> str:
    """Keras' default layer name: "Conv2DTranspose" -> "conv2d_transpose",
    "LeakyReLU" -> "leaky_re_lu" (its ``to_snake_case`` rule)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _input_layer_class() -> type:
    from .input_layer import InputLayer  # it imports this module
    return InputLayer
