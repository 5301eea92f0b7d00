"""Activation functions with their derivatives.

Each activation is a small object with

* ``forward(x)`` -> ``y``, elementwise (softmax: along the last axis);
* ``backward(x, y, dout)`` -> ``dx``, the vector-Jacobian product that
  backpropagation needs (``dout * f'(x)`` for elementwise functions);
* ``derivative(x)`` -> ``f'(x)`` for plotting (elementwise ones only).

Every formula is written so that no ``exp`` overflows for ``|x|`` up to
1e4 and beyond: the usual trick is to only ever exponentiate
non-positive numbers.

Names follow Keras (``"relu"``, ``"leaky_relu"``, ``"selu"``...), plus
``"step"`` (Heaviside), which the perceptron uses and no gradient
method can train.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check

__all__ = [
    "Activation", "Linear", "Step", "Sigmoid", "Tanh", "ReLU",
    "LeakyReLU", "ELU", "SELU", "Softplus", "Swish", "Softmax",
    "get", "serialize", "names", "sigmoid", "softmax", "log_softmax",
]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^-x), stable for any x.

    With ``e = exp(-|x|)`` (in (0, 1]: never overflows), it is
    ``1 / (1 + e)`` for x >= 0 and ``e / (1 + e) = e^x / (1 + e^x)`` for
    x < 0: one exponential per element, and full relative precision in
    both tails.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    # the numerator without a branch: max(e, 1) = 1 where x >= 0, and
    # max(e, 0) = e where x < 0
    return np.maximum(e, x >= 0) / (1 + e)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(x_i) / sum_j exp(x_j), shifted by max(x) to avoid overflow."""
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(softmax(x)) = x - logsumexp(x), computed without exp overflow."""
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


class Activation:
    """Base class. Subclasses set ``name`` and implement the maths."""

    name = "activation"
    elementwise = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, x: np.ndarray, y: np.ndarray,
                 dout: np.ndarray) -> np.ndarray:
        """dL/dx given dL/dy; elementwise: dout * f'(x)."""
        return dout * self.derivative(x)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(np.asarray(x))

    def get_config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Linear(Activation):
    """f(x) = x (Keras: ``"linear"``)."""

    name = "linear"

    def forward(self, x):
        return x

    def derivative(self, x):
        return np.ones_like(x)

    def backward(self, x, y, dout):
        return dout


class Step(Activation):
    """Heaviside step: 1 if x >= 0 else 0 (the perceptron's output).

    Its derivative is 0 everywhere it exists, which is why gradient
    descent cannot train it and the perceptron rule is used instead.
    """

    name = "step"

    def forward(self, x):
        return (x >= 0).astype(x.dtype if x.dtype.kind == "f"
                               else np.float64)

    def derivative(self, x):
        return np.zeros_like(x, dtype=float)


class Sigmoid(Activation):
    """f(x) = 1 / (1 + e^-x);  f'(x) = f(x) (1 - f(x))."""

    name = "sigmoid"

    def forward(self, x):
        return sigmoid(x)

    def derivative(self, x):
        s = sigmoid(x)
        return s * (1.0 - s)

    def backward(self, x, y, dout):
        return dout * y * (1.0 - y)


class Tanh(Activation):
    """f(x) = tanh(x);  f'(x) = 1 - tanh(x)^2."""

    name = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def derivative(self, x):
        return 1.0 - np.tanh(x) ** 2

    def backward(self, x, y, dout):
        return dout * (1.0 - y * y)


class ReLU(Activation):
    """f(x) = max(0, x);  f'(x) = 1 if x > 0 else 0 (0 at the kink)."""

    name = "relu"

    def forward(self, x):
        return np.maximum(x, 0).astype(x.dtype, copy=False)

    def derivative(self, x):
        return (x > 0).astype(x.dtype if x.dtype.kind == "f" else float)

    def backward(self, x, y, dout):
        return dout * (x > 0)


class LeakyReLU(Activation):
    """f(x) = x if x > 0 else alpha x, alpha > 0 a small *positive* slope.

    The default slope, 0.2, is that of Keras' ``leaky_relu`` function;
    the LeakyReLU *layer* defaults to 0.3, as in Keras (both are
    explained in :ref:`keras-conventions`).
    """

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2):
        self.negative_slope = check.non_negative(
            "leaky_relu", "negative_slope", negative_slope)

    def forward(self, x):
        return np.where(x > 0, x, self.negative_slope * x).astype(
            x.dtype, copy=False)

    def derivative(self, x):
        return np.where(x > 0, 1.0, self.negative_slope).astype(
            x.dtype if x.dtype.kind == "f" else float, copy=False)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class ELU(Activation):
    """f(x) = x if x > 0 else alpha (e^x - 1);  f'(x) = 1 or f(x) + alpha."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = check.number("elu", "alpha", alpha)

    def forward(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, neg).astype(x.dtype, copy=False)

    def derivative(self, x):
        return np.where(x > 0, 1.0,
                        self.alpha * np.exp(np.minimum(x, 0))).astype(
            x.dtype if x.dtype.kind == "f" else float, copy=False)

    def get_config(self):
        return {"alpha": self.alpha}


class SELU(Activation):
    """Scaled ELU: scale * elu(x, alpha) with the self-normalising constants.

    With LeCun-normal weights, activations keep mean 0 and variance 1
    layer after layer (Klambauer et al., 2017).
    """

    name = "selu"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946

    def forward(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0))
        return (self.scale * np.where(x > 0, x, neg)).astype(
            x.dtype, copy=False)

    def derivative(self, x):
        d = np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0)))
        return (self.scale * d).astype(
            x.dtype if x.dtype.kind == "f" else float, copy=False)


class Softplus(Activation):
    """f(x) = log(1 + e^x), a smooth ReLU;  f'(x) = sigmoid(x)."""

    name = "softplus"

    def forward(self, x):
        # logaddexp(0, x) = log(e^0 + e^x) without overflow.
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def derivative(self, x):
        return sigmoid(x)


class Swish(Activation):
    """f(x) = x sigmoid(x) (also called SiLU);  f'(x) = s + x s (1 - s)."""

    name = "swish"

    def forward(self, x):
        return x * sigmoid(x)

    def derivative(self, x):
        s = sigmoid(x)
        return s + x * s * (1.0 - s)


class Softmax(Activation):
    """softmax(x)_i = e^{x_i} / sum_j e^{x_j} along the last axis.

    Not elementwise: its Jacobian is J = diag(y) - y y^T, so the
    backward pass is dx = y * (dout - sum(dout * y)).
    """

    name = "softmax"
    elementwise = False

    def forward(self, x):
        return softmax(x, axis=-1)

    def backward(self, x, y, dout):
        return y * (dout - np.sum(dout * y, axis=-1, keepdims=True))

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """The (C, C) Jacobian dy/dx for one vector x."""
        y = softmax(np.asarray(x, dtype=float))
        return np.diag(y) - np.outer(y, y)

    def derivative(self, x):
        raise TypeError("softmax is not elementwise: use jacobian(x) for "
                        "one vector, or backward(x, y, dout)")


_REGISTRY: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (Linear, Step, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SELU,
                Softplus, Swish, Softmax)
}
_ALIASES = {"identity": "linear", "heaviside": "step", "silu": "swish",
            None: "linear"}


def names() -> list[str]:
    """The names ``get`` accepts (aliases excluded)."""
    return sorted(_REGISTRY)


def get(identifier: Any) -> Activation:
    """Return an Activation from a name, a config dict or an instance.

    >>> get("relu")
    ReLU()
    """
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, dict):
        cfg = dict(identifier)
        cls = _REGISTRY.get(cfg.pop("name", None))
        if cls is None:
            raise ValueError(f"unknown activation config {identifier!r}")
        return cls(**check.known_arguments("activation config", cls, cfg))
    if identifier is None or isinstance(identifier, str):
        key = _ALIASES.get(identifier, identifier)
        cls = _REGISTRY.get(key.lower())
        if cls is not None:
            return cls()
        raise ValueError(f"unknown activation {identifier!r}; choose one "
                         f"of {', '.join(names())}")
    raise check.ArgumentTypeError(
        f"an activation must be a name such as 'relu', a config dict or "
        f"an nnkit.activations.Activation, got {check.show(identifier)} "
        f"({check.type_name(identifier)})")


def serialize(act: Activation) -> Any:
    """The JSON-able form ``get`` accepts back: a name or a dict."""
    cfg = act.get_config()
    return {"name": act.name, **cfg} if cfg else act.name
