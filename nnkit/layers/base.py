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
"""

from __future__ import annotations

import difflib
import inspect
import re
from typing import Any

import numpy as np

from .. import _validate as check

__all__ = ["Parameter", "Layer", "as_shape", "shape_str"]


class Parameter:
    """A trainable array with its gradient.

    Attributes:
        data: the current value.
        grad: dL/d(data), same shape, accumulated by ``backward``.
        name: Keras-style name such as ``"kernel"`` or ``"bias"``.
        regularizer: optional penalty (see ``nnkit.regularizers``).
        trainable: optimizers skip a parameter whose flag is False.
    """

    def __init__(self, data: np.ndarray, name: str,
                 regularizer: Any = None, trainable: bool = True):
        self.data = data
        self.grad = np.zeros_like(data)
        self.name = name
        self.regularizer = regularizer
        self.trainable = trainable
        self.path = name  # "layer_name/kernel" once owned by a layer

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

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


class Layer:
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
    """

    # Number of dimensions of one example, or None if any rank works.
    input_ndim: int | None = None
    # A model clears this on its first layer while it backpropagates:
    # nobody needs dL/d(data), and for a wide first layer computing it
    # is a sizeable share of the step. Layers that honour it (Dense,
    # Conv2D) then return None from backward instead of dx.
    input_grad_needed: bool = True

    def __init__(self, name: str | None = None, dtype: str | None = None,
                 input_shape: Any = None, seed: int | None = None,
                 **unknown: Any):
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
        self.dtype = check.float_dtype(owner, "dtype", dtype or "float32")
        self.input_shape = (None if input_shape is None else check.shape(
            owner, "input_shape", input_shape))
        self.seed = check.seed(owner, "seed", seed)
        self.built = False
        self._params: list[Parameter] = []

    # ----- building -----------------------------------------------------
    def add_weight(self, name: str, value: np.ndarray,
                   regularizer: Any = None,
                   trainable: bool = True) -> Parameter:
        """Create a Parameter owned by this layer."""
        p = Parameter(np.asarray(value, dtype=self.dtype), name,
                      regularizer=regularizer, trainable=trainable)
        p.path = f"{self.name}/{name}"
        self._params.append(p)
        return p

    def build(self, input_shape: tuple[int, ...],
              rng: np.random.Generator | None = None) -> None:
        """Create the weights for examples of ``input_shape``."""
        self.input_shape = as_shape(input_shape)
        self.built = True

    def ensure_built(self, input_shape: tuple[int, ...],
                     rng: np.random.Generator | None = None) -> None:
        if not self.built:
            self._check_rank(as_shape(input_shape))
            if rng is None:       # built on its own: the layer's seed
                rng = np.random.default_rng(self.seed)
            self.build(as_shape(input_shape), rng)
            self.built = True

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
        if x.ndim == 0:
            raise ValueError(f"{self.describe()} expects a batch of "
                             f"examples, got a scalar")
        if self.built and x.shape[1:] != self.input_shape:
            raise ValueError(
                f"{self.describe()} expects inputs of shape "
                f"{shape_str(self.input_shape)}, got {x.shape}")
        return x.astype(self.dtype, copy=False)

    # ----- the protocol ---------------------------------------------------
    def __call__(self, x: np.ndarray, training: bool = False
                 ) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim >= 1:
            self.ensure_built(x.shape[1:])
        return self.forward(x, training=training)

    def forward(self, x: np.ndarray, training: bool = False
                ) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        """Every Parameter of the layer (trainable or not)."""
        return list(self._params)

    @property
    def trainable_parameters(self) -> list[Parameter]:
        return [p for p in self._params if p.trainable]

    def count_params(self) -> int:
        return int(sum(p.data.size for p in self._params))

    def regularization_loss(self) -> float:
        """Sum of the weight penalties of this layer."""
        total = 0.0
        for p in self._params:
            if p.regularizer is not None:
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
            w = np.asarray(w)
            if w.shape != p.data.shape:
                raise ValueError(
                    f"{self.describe()}: weight '{p.name}' has shape "
                    f"{p.data.shape}, got {w.shape}")
            p.data[...] = w

    def get_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"name": self.name,
                               "dtype": self.dtype.name}
        if self.input_shape is not None:
            cfg["input_shape"] = list(self.input_shape)
        if self.seed is not None:
            cfg["seed"] = self.seed
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}'>"


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
