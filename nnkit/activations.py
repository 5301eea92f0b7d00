"""Activation functions with their derivatives.

Each activation is a small object with

* ``forward(x)`` -> ``y``, elementwise (softmax: along the last axis);
* ``backward(x, y, dout)`` -> ``dx``, the vector-Jacobian product that
  backpropagation needs (``dout * f'(x)`` for elementwise functions);
* ``derivative(x)`` -> ``f'(x)`` for plotting (elementwise ones only);
* ``forward_in_place(x)``: ``forward(x)``, written over x when
  ``backward`` does not read x (ReLU), for a layer that owns x.

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
from ._public import config_repr

__all__ = [
    "Activation", "Linear", "Step", "Sigmoid", "Tanh", "ReLU",
    "LeakyReLU", "ELU", "SELU", "Softplus", "Swish", "GELU", "Softmax",
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


# Cephes' rational approximations of erfc (S. Moshier, public domain),
# the ones scipy and TensorFlow's XLA use; accurate to ~1e-16.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1,
          2.23200534594684319226e3, 7.00332514112805075473e3,
          5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2,
          4.59432382970980127987e3, 2.26290000613890934246e4,
          4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1,
           7.46321056442269912687e0, 4.86371970985681366614e1,
           1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3,
           5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1,
           3.54937778887819891062e2, 9.75708501743205489753e2,
           1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0,
           5.01905042251180477414e0, 6.16021097993053585195e0,
           7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0,
           1.20489539808096656605e1, 1.70814450747565897222e1,
           9.60896809063285878198e0, 3.36907645100081516050e0)


def _erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function 1 - erf(x), vectorised (NumPy has
    none). Three rational approximations: ``1 - x T(x^2)/U(x^2)`` for
    ``|x| < 1``, ``exp(-x^2) P(|x|)/Q(|x|)`` up to 8, then R/S; for
    x < 0, erfc(x) = 2 - erfc(-x)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.minimum(np.abs(x), 40.0)         # erfc(40) is 0 in float64
    z = a * a
    small = 1.0 - a * np.polyval(_ERF_T, z) / np.polyval(_ERF_U, z)
    mid = np.polyval(_ERFC_P, a) / np.polyval(_ERFC_Q, a)
    far = np.polyval(_ERFC_R, a) / np.polyval(_ERFC_S, a)
    big = np.exp(-z) * np.where(a < 8.0, mid, far)
    y = np.where(a < 1.0, small, big)
    return np.where(x < 0, 2.0 - y, y)


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

    def forward_in_place(self, x: np.ndarray) -> np.ndarray:
        """``forward(x)``, overwriting x if ``backward`` needs only y.

        For a layer whose x is its own temporary (Dense's, Conv2D's z):
        one array less per call. Here x is kept (a new y).
        """
        return self.forward(x)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(np.asarray(x))

    def get_config(self) -> dict[str, Any]:
        return {}

    __repr__ = config_repr          # Name(arg=value, ...)


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
        return _relu(x, np.empty(np.shape(x), np.asarray(x).dtype))

    def derivative(self, x):
        return (x > 0).astype(x.dtype if x.dtype.kind == "f" else float)

    def forward_in_place(self, x):
        return _relu(x, x)

    def backward(self, x, y, dout):
        # y > 0 exactly where x > 0, so y alone suffices (x may have
        # been overwritten); the mask is written as numbers, then times
        # dout (2x faster than a product with a bool mask)
        dx = np.empty(np.broadcast_shapes(np.shape(y), np.shape(dout)),
                      np.result_type(dout, np.uint8))
        np.greater(y, 0, out=dx, casting="unsafe")
        return np.multiply(dx, dout, out=dx)


def _relu(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = max(x, 0); out is x, or a new C-ordered array."""
    if (x.ndim < 2 or x.size == 0 or x.dtype.kind != "f"
            or not x.flags.c_contiguous):
        return np.maximum(x, 0, out=out)
    # NumPy vectorises maximum against an array, not against a scalar:
    # a row of zeros broadcast over the examples (4x faster)
    rows = x.reshape(len(x), -1)
    np.maximum(rows, np.zeros(rows.shape[1], x.dtype),
               out=out.reshape(rows.shape))
    return out


class LeakyReLU(Activation):
    """f(x) = x if x > 0 else alpha x, alpha > 0 a small *positive* slope.

    The default slope, 0.2, is that of Keras' ``leaky_relu`` function;
    the LeakyReLU *layer* defaults to 0.3, as in Keras (both are
    explained in :ref:`keras-conventions`).
    """

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2):
        self.negative_slope = check.non_negative(
            "LeakyReLU", "negative_slope", negative_slope)

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
        self.alpha = check.number("ELU", "alpha", alpha)

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


class GELU(Activation):
    """Gaussian error linear unit: f(x) = x Phi(x), Phi the normal CDF.

    Exact form (Keras' default, ``approximate=False``)::

        f(x) = 0.5 x erfc(-x / sqrt(2)) = 0.5 x (1 + erf(x / sqrt(2)))
        f'(x) = Phi(x) + x phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)

    Tanh form (``approximate=True``), with c = sqrt(2 / pi)::

        u = c (x + 0.044715 x^3),   t = tanh(u)
        f(x) = 0.5 x (1 + t)
        f'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 * 0.044715 x^2)

    A documented difference: TensorFlow casts the constants 1/sqrt(2)
    and 0.044715 through float32, so in float64 Keras computes
    ``erfc(-x * 0.70710676908...)``; the exact form then differs from
    nnkit's by up to ~5e-9 (nnkit uses the float64 constants). With
    the rounded constants the two agree to 1e-10 (see the tests); in
    float32 the rounding is invisible.

    Args:
        approximate: use the tanh form (Keras default False).
    """

    name = "gelu"
    _C = 0.7978845608028654                  # sqrt(2 / pi)

    def __init__(self, approximate: bool = False):
        self.approximate = check.boolean("GELU", "approximate",
                                         approximate)

    def _tanh_u(self, x):
        return np.tanh(self._C * (x + 0.044715 * x ** 3))

    def forward(self, x):
        if self.approximate:
            return 0.5 * x * (1.0 + self._tanh_u(x))
        return (0.5 * x * _erfc(-x * 0.7071067811865476)).astype(
            x.dtype if x.dtype.kind == "f" else np.float64, copy=False)

    def derivative(self, x):
        x = np.asarray(x)
        if self.approximate:
            t = self._tanh_u(x)
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * self._C \
                * (1.0 + 3 * 0.044715 * x * x)
        pdf = np.exp(-0.5 * np.minimum(x * x, 1e4)) / np.sqrt(2 * np.pi)
        d = 0.5 * _erfc(-x * 0.7071067811865476) + x * pdf
        return d.astype(x.dtype if x.dtype.kind == "f" else np.float64,
                        copy=False)

    def get_config(self):
        return {"approximate": self.approximate}


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
                Softplus, Swish, GELU, Softmax)
}
_ALIASES = {"identity": "linear", "heaviside": "step", "silu": "swish",
            None: "linear"}


def names() -> list[str]:
    """The names ``get`` accepts (aliases excluded)."""
    return sorted(_REGISTRY)


def get(identifier: Any) -> Activation:
    """Return an Activation from a name, a config dict or an instance
    (or this module's ``sigmoid`` or ``softmax`` function, which Keras
    code passes as ``keras.activations.sigmoid``).

    >>> get("relu")
    ReLU()
    """
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, dict):
        return check.from_config("activation", identifier, _REGISTRY)
    if identifier is None or isinstance(identifier, str):
        name = "linear" if identifier is None else identifier
        return check.by_name("activation", name, _REGISTRY, _ALIASES,
                             names())()
    if identifier is sigmoid or identifier is softmax:
        # Keras code's activation=keras.activations.sigmoid
        return get(identifier.__name__)
    name = getattr(identifier, "__name__", None)
    hint = (f"; a layer needs the derivative too, so write the name, "
            f"activation={name!r}" if callable(identifier)
            and name in names() else "")
    raise check.not_an_identifier(
        "an activation", "a name such as 'relu', a config dict or an "
        "nnkit.activations.Activation", identifier, hint)


def serialize(act: Activation) -> Any:
    """The JSON-able form ``get`` accepts back: a name or a dict."""
    cfg = act.get_config()
    return {"name": act.name, **cfg} if cfg else act.name
