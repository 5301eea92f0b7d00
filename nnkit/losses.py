"""Loss functions: value and gradient, with Keras' conventions.

A loss is called as ``loss(y_true, y_pred)`` and returns the *mean over
the batch* of the per-example loss (Keras' default reduction,
``"sum_over_batch_size"``); ``loss.gradient(y_true, y_pred)`` returns
d(mean loss)/d(y_pred), the array that starts backpropagation.

Regression losses average over the last axis first, like Keras, so an
output of width d contributes ``1/(N d)`` per element.

Cross-entropies take probabilities by default. As in Keras, the
probabilities are clipped into ``[eps, 1 - eps]`` with ``eps = 1e-7``
before the logarithm, so a confident wrong answer costs at most
``-log(1e-7) ≈ 16.1`` instead of infinity. With ``from_logits=True``
they take the raw scores and use the stable log-sum-exp forms, which
is what a model does internally when its last activation is a sigmoid
or a softmax (see ``logits_form``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check
from .activations import log_softmax, sigmoid, softmax

__all__ = [
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "Huber",
    "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "get", "serialize", "EPSILON",
]

EPSILON = 1e-7  # Keras' backend.epsilon()


class Loss:
    """Base class: ``__call__`` -> mean loss, ``gradient`` -> dL/dy_pred."""

    name = "loss"

    def __call__(self, y_true, y_pred) -> float:
        y_true, y_pred = self.prepare(y_true, y_pred)
        return float(np.mean(self.per_example(y_true, y_pred)))

    def prepare(self, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
        """Check and align shapes; cast y_true to y_pred's dtype."""
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float64)
        y_true = np.asarray(y_true)
        if y_true.ndim == y_pred.ndim - 1:
            y_true = y_true[..., None]          # (N,) against (N, 1)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{type(self).__name__}: y_true has shape {y_true.shape} "
                f"but y_pred has shape {y_pred.shape}; they must match"
                + self._shape_hint(y_true, y_pred))
        return y_true.astype(y_pred.dtype, copy=False), y_pred

    def _shape_hint(self, y_true, y_pred) -> str:
        return ""

    def per_example(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def gradient(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MeanSquaredError(Loss):
    """mean((y_pred - y_true)^2); gradient 2 (y_pred - y_true) / (N d)."""

    name = "mean_squared_error"

    def per_example(self, y_true, y_pred):
        return np.mean((y_pred - y_true) ** 2, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """``mean(|y_pred - y_true|)``; gradient ``sign(y_pred - y_true)/(N d)``.
    """

    name = "mean_absolute_error"

    def per_example(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        return np.sign(y_pred - y_true) / y_pred.size


class Huber(Loss):
    """Quadratic for ``|e| <= delta``, linear beyond: robust to outliers.

    ``l(e) = e^2 / 2 if |e| <= delta else delta (|e| - delta / 2)``.
    """

    name = "huber"

    def __init__(self, delta: float = 1.0):
        self.delta = check.positive("Huber", "delta", delta)

    def per_example(self, y_true, y_pred):
        e = np.abs(y_pred - y_true)
        d = self.delta
        return np.mean(np.where(e <= d, 0.5 * e * e, d * e - 0.5 * d * d),
                       axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        e = y_pred - y_true
        g = np.where(np.abs(e) <= self.delta, e, self.delta * np.sign(e))
        return g / y_pred.size

    def get_config(self):
        return {"delta": self.delta}


class _CrossEntropy(Loss):
    activation_name = ""   # the output activation whose logits it fuses

    def __init__(self, from_logits: bool = False):
        self.from_logits = check.boolean(type(self).__name__,
                                         "from_logits", from_logits)

    def get_config(self):
        return {"from_logits": self.from_logits}

    def logits_form(self) -> Loss:
        """The same loss taking logits (used to fuse with the activation)."""
        return type(self)(**{**self.get_config(), "from_logits": True})


class _SmoothedCrossEntropy(_CrossEntropy):
    """A cross-entropy with Keras' ``label_smoothing`` argument.

    The targets are softened before the loss sees them, as in Keras:
    ``t' = t (1 - s) + s / K`` with K = 2 for the binary loss and K the
    number of classes for the categorical one. Both the value and the
    gradient then use t' in place of t.
    """

    def __init__(self, from_logits: bool = False,
                 label_smoothing: float = 0.0):
        super().__init__(from_logits)
        self.label_smoothing = check.number(
            type(self).__name__, "label_smoothing", label_smoothing, 0.0,
            1.0)

    def _smooth(self, y_true, classes: int):
        """``t (1 - s) + s / classes``, Keras' order of operations."""
        s = self.label_smoothing
        if not s:
            return y_true
        return y_true * (1.0 - s) + s / classes

    def prepare(self, y_true, y_pred):
        y_true, y_pred = super().prepare(y_true, y_pred)
        return self._smooth(y_true, self._classes(y_pred)), y_pred

    def get_config(self):
        cfg = super().get_config()
        if self.label_smoothing:
            cfg["label_smoothing"] = self.label_smoothing
        return cfg


class BinaryCrossentropy(_SmoothedCrossEntropy):
    """-[t log p + (1 - t) log(1 - p)], averaged over the last axis.

    ``label_smoothing`` s in [0, 1] replaces t by ``t (1 - s) + s / 2``
    (Keras' rule: 0 becomes s/2, 1 becomes 1 - s/2).

    From logits z: ``max(z, 0) - z t + log(1 + e^-|z|)``, gradient
    sigmoid(z) - t. From probabilities: p is clipped to [eps, 1 - eps];
    gradient (p - t) / (p (1 - p)) inside the clip range (boundaries
    included, as TensorFlow's clip gradient), 0 outside.
    """

    name = "binary_crossentropy"
    activation_name = "sigmoid"

    def _classes(self, y_pred):
        return 2

    def prepare(self, y_true, y_pred):
        y_true, y_pred = Loss.prepare(self, y_true, y_pred)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(
                "BinaryCrossentropy: y_true must lie in [0, 1], got "
                f"values in [{y_true.min():g}, {y_true.max():g}]")
        return self._smooth(y_true, 2), y_pred

    def per_example(self, y_true, y_pred):
        if self.from_logits:
            z = y_pred
            per = (np.maximum(z, 0) - z * y_true
                   + np.log1p(np.exp(-np.abs(z))))
        else:
            p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
            per = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        return np.mean(per, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) / y_pred.size
        inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        g = (p - y_true) / (p * (1.0 - p))
        return np.where(inside, g, 0.0).astype(y_pred.dtype) / y_pred.size


class CategoricalCrossentropy(_SmoothedCrossEntropy):
    """-sum_k t_k log p_k for one-hot (or soft) targets t.

    ``label_smoothing`` s in [0, 1] replaces t by ``t (1 - s) + s / C``
    for C classes (Keras' rule), so every class keeps some probability.

    From probabilities, Keras first renormalises p to sum to 1, then
    clips it to [eps, 1 - eps]. From logits z the value is
    logsumexp(z) - sum_k t_k z_k and the gradient softmax(z) - t.
    """

    name = "categorical_crossentropy"
    activation_name = "softmax"

    def _classes(self, y_pred):
        return y_pred.shape[-1]

    def _shape_hint(self, y_true, y_pred):
        if y_true.shape[:-1] == y_pred.shape[:-1] and y_true.shape[-1] == 1:
            return ("; y_true looks like integer labels: use "
                    "'sparse_categorical_crossentropy' or one-hot encode "
                    "them")
        return ""

    def per_example(self, y_true, y_pred):
        if self.from_logits:
            return -np.sum(y_true * log_softmax(y_pred), axis=-1)
        q = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
        q = np.clip(q, EPSILON, 1.0 - EPSILON)
        return -np.sum(y_true * np.log(q), axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        n = y_pred.size // y_pred.shape[-1]
        if self.from_logits:
            return (softmax(y_pred) * np.sum(y_true, -1, keepdims=True)
                    - y_true) / n
        s = np.sum(y_pred, axis=-1, keepdims=True)
        q = y_pred / s
        inside = (q >= EPSILON) & (q <= 1.0 - EPSILON)
        gq = np.where(inside, -y_true / np.clip(q, EPSILON, None), 0.0)
        # q = p / sum(p): dq_i/dp_j = (delta_ij - q_i) / s
        gp = (gq - np.sum(gq * q, axis=-1, keepdims=True)) / s
        return gp.astype(y_pred.dtype) / n


class SparseCategoricalCrossentropy(_CrossEntropy):
    """Categorical cross-entropy with integer labels y in {0..C-1}.

    Keras' probability form is -log(c_y / sum(c)) with c = clip(p).

    Keras 3 gives this loss no ``label_smoothing`` (it would need the
    one-hot targets): one-hot encode the labels and use
    ``CategoricalCrossentropy(label_smoothing=...)``.
    """

    name = "sparse_categorical_crossentropy"
    activation_name = "softmax"

    def __init__(self, from_logits: bool = False, **kwargs: Any):
        if "label_smoothing" in kwargs:
            raise TypeError(
                "SparseCategoricalCrossentropy has no label_smoothing (as "
                "in Keras 3): one-hot encode the labels and use "
                "CategoricalCrossentropy(label_smoothing=...)")
        if kwargs:
            raise TypeError(f"SparseCategoricalCrossentropy got unexpected "
                            f"arguments {sorted(kwargs)}")
        super().__init__(from_logits)

    def prepare(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float64)
        y = np.asarray(y_true)
        if y.ndim == y_pred.ndim and y.shape[-1] == 1:
            y = y[..., 0]
        if y.shape != y_pred.shape[:-1]:
            hint = ("; y_true looks one-hot: use "
                    "'categorical_crossentropy'"
                    if y.shape == y_pred.shape else "")
            raise ValueError(
                f"SparseCategoricalCrossentropy expects integer labels of "
                f"shape {y_pred.shape[:-1]} for y_pred of shape "
                f"{y_pred.shape}, got {y.shape}{hint}")
        c = y_pred.shape[-1]
        if y.size:
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise ValueError("SparseCategoricalCrossentropy: labels "
                                 "must be whole numbers")
            lo, hi = int(y.min()), int(y.max())
            if lo < 0 or hi >= c:
                raise ValueError(
                    f"SparseCategoricalCrossentropy: labels must lie in "
                    f"[0, {c - 1}] for {c} output units, got labels in "
                    f"[{lo}, {hi}]")
        return y.astype(np.int64), y_pred

    def _pick(self, a, y):
        return np.take_along_axis(a, y[..., None], axis=-1)[..., 0]

    def per_example(self, y_true, y_pred):
        if self.from_logits:
            return -self._pick(log_softmax(y_pred), y_true)
        c = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return (np.log(np.sum(c, axis=-1)) - np.log(self._pick(c, y_true)))

    def gradient(self, y_true, y_pred):
        y, y_pred = self.prepare(y_true, y_pred)
        n = y.size
        onehot = np.zeros_like(y_pred)
        np.put_along_axis(onehot, y[..., None], 1.0, axis=-1)
        if self.from_logits:
            return (softmax(y_pred) - onehot) / n
        inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)
        c = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        g = 1.0 / np.sum(c, axis=-1, keepdims=True) - onehot / c
        return np.where(inside, g, 0.0).astype(y_pred.dtype) / n


_REGISTRY: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MeanSquaredError, MeanAbsoluteError, Huber,
                BinaryCrossentropy, CategoricalCrossentropy,
                SparseCategoricalCrossentropy)
}
_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
            "bce": "binary_crossentropy",
            "cce": "categorical_crossentropy",
            "huber_loss": "huber"}


def get(identifier: Any) -> Loss:
    """A Loss from a Keras name (``"mse"``...), a config dict or instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        cfg = dict(identifier)
        cls = _REGISTRY.get(cfg.pop("name", None))
        if cls is None:
            raise ValueError(f"unknown loss config {identifier!r}")
        return cls(**cfg)
    if isinstance(identifier, str):
        key = _ALIASES.get(identifier.lower(), identifier.lower())
        if key in _REGISTRY:
            return _REGISTRY[key]()
    raise ValueError(
        f"unknown loss {identifier!r}; choose one of "
        f"{', '.join(sorted(set(_REGISTRY) | set(_ALIASES)))}")


def serialize(loss: Loss) -> Any:
    cfg = loss.get_config()
    return {"name": loss.name, **cfg} if cfg else loss.name
