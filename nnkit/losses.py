"""Loss functions: value and gradient, with Keras' conventions.

A loss is computed in two steps, as in Keras. ``per_example`` gives one
value l_i per example (per time step for sequence outputs); the
*reduction* then combines them, with optional weights w_i
(``sample_weight``)::

    "sum_over_batch_size" (default), "mean":  L = sum_i w_i l_i / n
    "sum":                                    L = sum_i w_i l_i
    "mean_with_sample_weight":                L = sum_i w_i l_i / sum_i w_i
    "none" or None:                           the array w_i l_i

n is the number of values l_i (the batch size for one value per
example): a weighted mean in Keras divides by n, not by the sum of the
weights, unless the last reduction is chosen. ``loss(y_true, y_pred,
sample_weight)`` returns L; ``loss.gradient(y_true, y_pred,
sample_weight)`` returns dL/d(y_pred), the array that starts
backpropagation (for "none": the gradient of the sum of the values).

Regression losses average over the last axis first, like Keras, so an
output of width d contributes ``1/(N d)`` per element.

Cross-entropies take probabilities by default. As in Keras, the
probabilities are clipped into ``[eps, 1 - eps]`` with ``eps = 1e-7``
before the logarithm, so a confident wrong answer costs at most
``-log(1e-7) ≈ 16.1`` instead of infinity (and the gradient follows
TensorFlow's clip, :ref:`keras-conventions`). With ``from_logits=True``
they take the raw scores and use the stable log-sum-exp forms, which
is what a model does internally when its last activation is a sigmoid
or a softmax (see ``logits_form``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _validate as check
from ._docs import inherit_sections
from ._public import config_repr
from .activations import log_softmax, sigmoid, softmax

__all__ = [
    "Loss", "MeanSquaredError", "HalfSquaredError", "MeanAbsoluteError",
    "Huber",
    "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "get", "serialize", "EPSILON",
    "REDUCTIONS", "reduction_weights",
]

EPSILON = 1e-7  # Keras' backend.epsilon()

REDUCTIONS = ("sum_over_batch_size", "mean", "sum",
              "mean_with_sample_weight", "none", None)


def _check_reduction(owner: str, reduction: Any) -> Any:
    return check.one_of(owner, "reduction", reduction, REDUCTIONS)


def reduction_weights(values_shape: tuple, sample_weight: Any = None,
                      mask: Any = None,
                      reduction: Any = "sum_over_batch_size",
                      owner: str = "loss") -> Any:
    """dL/d(l_i): what each per-example value l_i contributes to L.

    Every reduction is linear in the values, L = sum_i c_i l_i, and
    these coefficients c_i are also the gradient that ``Loss.gradient``
    chains into ``per_example_gradient``. Keras 3's rules:

    * ``sample_weight`` (N,) or (N, 1) weights each example (and all of
      its time steps); an array of the values' shape weights each value;
    * ``mask`` (the output's mask, bool, the values' shape) zeroes the
      masked values; for ``"sum_over_batch_size"``/``"mean"`` the kept
      ones are scaled by n / (number kept), so the mean runs over the
      kept values only;
    * the mean reductions divide by n, the number of values (the batch
      size for one value per example), not by the sum of the weights;
      ``"mean_with_sample_weight"`` divides by the sum of the weights.
      A zero divisor gives 0, as Keras' ``divide_no_nan``.

    Returns:
        a number or an array broadcastable to ``values_shape``.
    """
    w, divisor = _weights_and_divisor(values_shape, sample_weight, mask,
                                      reduction, owner)
    if not divisor:
        return 0.0
    return (1.0 if w is None else w) / divisor


def _weights_and_divisor(values_shape: tuple, sample_weight: Any,
                         mask: Any, reduction: Any, owner: str) -> tuple:
    """(weights or None, divisor): L = sum_i w_i l_i / divisor."""
    values_shape = tuple(values_shape)
    n = int(math.prod(values_shape))
    w: Any = None                 # the weights: mask and sample_weight
    if mask is not None:
        keep = np.asarray(mask, bool).reshape(values_shape)
        w = keep.astype(np.float64)
        if reduction in ("sum_over_batch_size", "mean"):
            kept = int(keep.sum())
            w *= n / kept if kept else 0.0
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.ndim == len(values_shape) + 1 and sw.shape[-1] == 1:
            sw = sw[..., 0]                       # (N, 1) -> (N,)
        if sw.ndim == 0 or sw.shape != values_shape[:sw.ndim]:
            raise ValueError(
                f"{owner}: sample_weight has shape {sw.shape}, but the "
                f"loss has values of shape {values_shape}; give one "
                f"weight per example, shape {values_shape[:1]}")
        if not np.all(np.isfinite(sw)):
            raise ValueError(f"{owner}: sample_weight contains NaN or "
                             f"inf")
        sw = sw.reshape(sw.shape + (1,) * (len(values_shape) - sw.ndim))
        w = sw if w is None else w * sw
    if reduction in ("sum", "none", None):
        return w, 1.0
    if reduction == "mean_with_sample_weight" and w is not None:
        return w, float(np.sum(w))
    return w, float(n)


def _clip(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p clipped into [EPSILON, 1 - EPSILON], and where the clip lets
    the gradient through: TensorFlow's clip passes it on the closed
    interval, boundaries included (see :ref:`keras-conventions`)."""
    inside = (p >= EPSILON) & (p <= 1.0 - EPSILON)
    return np.clip(p, EPSILON, 1.0 - EPSILON), inside


class Loss:
    """Base class: ``__call__`` -> the loss, ``gradient`` -> dL/d(y_pred).

    A subclass implements ``per_example`` (one value per example, the
    last axis reduced) and ``per_example_gradient`` (the derivative of
    each value with respect to its own row of y_pred).

    Args:
        reduction: how the per-example values are combined (module
            docstring): ``"sum_over_batch_size"`` (Keras' default),
            ``"mean"``, ``"sum"``, ``"mean_with_sample_weight"``,
            ``"none"`` or None.

    Attributes:
        fused_activation: the name of the output activation this loss
            can *fuse* with (None: none). When a model's output layer
            ends in that activation, the model computes the loss from
            the layer's logits z instead of its output, which is exact
            and never saturates, and starts backpropagation from dL/dz
            (``Layer.backward_from_logits``). Keras does the same.
    """

    name = "loss"
    fused_activation: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass's docstring inherits the Args entries and sections
        # it leaves out from its bases (nnkit._docs).
        super().__init_subclass__(**kwargs)
        inherit_sections(cls)

    def __init__(self, reduction: Any = "sum_over_batch_size"):
        self.reduction = _check_reduction(type(self).__name__, reduction)

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """The loss: a number, or an array for reduction ``"none"``."""
        y_true, y_pred = self.prepare(y_true, y_pred)
        return self._reduce(self.per_example(y_true, y_pred), y_pred,
                            sample_weight, mask)

    def gradient(self, y_true, y_pred, sample_weight=None, mask=None):
        """dL/d(y_pred) (for reduction ``"none"``: of the values' sum)."""
        y_true, y_pred = self.prepare(y_true, y_pred)
        return self._chain(self.per_example_gradient(y_true, y_pred),
                           y_pred, sample_weight, mask)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None,
                           mask=None, labels_checked=False):
        """The loss and dL/d(y_pred) of one batch: a training step's pair.

        The same two results as ``loss(...)`` and ``loss.gradient(...)``.
        ``labels_checked=True`` is the training step's promise that
        ``y_true`` has already passed this loss' checks (``fit`` and
        ``train_on_batch`` check all their targets once, before the
        first batch): a loss may then skip checking the batch again.
        Unchecked bad labels give wrong numbers or an IndexError, not a
        clear error, so any other caller leaves it False.
        """
        extra = (() if sample_weight is None and mask is None
                 else (sample_weight, mask))
        return (self(y_true, y_pred, *extra),
                self.gradient(y_true, y_pred, *extra))

    def _reduce(self, values, y_pred, sample_weight, mask):
        """L from the per-example values (the module docstring's rules)."""
        w, divisor = _weights_and_divisor(values.shape, sample_weight,
                                          mask, self.reduction,
                                          type(self).__name__)
        if w is not None:
            values = (values * w).astype(y_pred.dtype, copy=False)
        if self.reduction in ("none", None):
            if values.ndim == 1 and np.ndim(sample_weight) == 2:
                values = values[:, None]    # Keras: (N,) with (N, 1)
            return values
        total = np.sum(values)
        return float(total / divisor) if divisor else 0.0

    def _chain(self, g, y_pred, sample_weight, mask):
        """dL/d(y_pred) from each value's gradient g: g times dL/d(l_i)."""
        c = reduction_weights(y_pred.shape[:-1], sample_weight, mask,
                              self.reduction, type(self).__name__)
        if np.ndim(c):
            c = np.asarray(c)[..., None]
        return (g * c).astype(y_pred.dtype, copy=False)

    def fuses_with(self, activation: Any) -> bool:
        """True if this loss can take the logits of ``activation``."""
        return (self.fused_activation is not None
                and not getattr(self, "from_logits", True)
                and activation is not None
                and getattr(activation, "name", None)
                == self.fused_activation)

    def logits_form(self) -> Loss:
        """The same loss taking the logits (``from_logits=True``)."""
        if self.fused_activation is None:
            raise TypeError(f"{type(self).__name__} has no logits form")
        return type(self)(**{**self.get_config(), "from_logits": True})

    def prepare(self, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
        """Check and align shapes; cast y_true to y_pred's dtype."""
        y_true, y_pred = self._arrays(y_true, y_pred)
        if y_true.ndim == y_pred.ndim - 1:
            y_true = y_true[..., None]          # (N,) against (N, 1)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{type(self).__name__}: y_true has shape {y_true.shape} "
                f"but y_pred has shape {y_pred.shape}; they must match"
                + self._shape_hint(y_true, y_pred))
        return y_true.astype(y_pred.dtype, copy=False), y_pred

    def _arrays(self, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
        """Both as numeric arrays (y_pred as floats), or a clear error."""
        owner = type(self).__name__
        y_pred = check.array(owner, "y_pred", y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float64)
        try:
            y_true = check.array(owner, "y_true", y_true)
        except TypeError as e:
            if np.asarray(y_true).dtype.kind not in "US":
                raise
            raise check.ArgumentTypeError(
                f"{owner}: y_true holds strings "
                f"({check.show(np.asarray(y_true).ravel()[:3].tolist())}"
                f"...): map the class names to integers 0..C-1 first, "
                f"e.g. names, y = np.unique(y, return_inverse=True)"
            ) from e
        return y_true, y_pred

    def _shape_hint(self, y_true, y_pred) -> str:
        return ""

    def per_example(self, y_true, y_pred) -> np.ndarray:
        """One loss value per example (and time step): shape y_pred[:-1]."""
        raise NotImplementedError

    def per_example_gradient(self, y_true, y_pred) -> np.ndarray:
        """d(per_example value)/d(y_pred), row by row: y_pred's shape."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        # The default reduction is left out, so a loss serialises as
        # its name alone, as before reductions existed.
        if self.reduction == "sum_over_batch_size":
            return {}
        return {"reduction": self.reduction}

    __repr__ = config_repr          # Name(arg=value, ...)


class MeanSquaredError(Loss):
    """l = mean_d (y_pred - y_true)^2; dl/dy_pred = 2 (y_pred - y_true) / d.

    Args:
        reduction: see ``Loss``.
    """

    name = "mean_squared_error"

    def per_example(self, y_true, y_pred):
        return np.mean((y_pred - y_true) ** 2, axis=-1)

    def per_example_gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


class HalfSquaredError(Loss):
    """Half the squared error, ``mean(0.5 (y_pred - y_true)^2)``.

    The loss of the TensorFlow Playground (``nnkit.widgets``' exact
    mode) and of many textbooks, where the 1/2 cancels the 2 of the
    derivative: per example ``0.5 mean_j (y_pred_j - y_true_j)^2``, the
    batch mean of that, and gradient ``(y_pred - y_true) / (N d)``:
    half of ``MeanSquaredError``'s. Keras has no such loss; its twin
    is ``0.5 * keras.losses.MeanSquaredError()`` (a custom loss).

    Input shape:
        ``y_true`` and ``y_pred`` of the same shape (N, ..., d).

    Output shape:
        A float (the batch mean); ``gradient`` has ``y_pred``'s shape.
    """

    name = "half_squared_error"

    def per_example(self, y_true, y_pred):
        return 0.5 * np.mean((y_pred - y_true) ** 2, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self.prepare(y_true, y_pred)
        return (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """``l = mean_d |y_pred - y_true|``; ``dl/dy_pred = sign(.) / d``.

    Args:
        reduction: see ``Loss``.
    """

    name = "mean_absolute_error"

    def per_example(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def per_example_gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.shape[-1]


class Huber(Loss):
    """Quadratic for ``|e| <= delta``, linear beyond: robust to outliers.

    ``l(e) = e^2 / 2 if |e| <= delta else delta (|e| - delta / 2)``.

    Args:
        delta: where the quadratic part turns linear (> 0).
        reduction: see ``Loss``.
    """

    name = "huber"

    def __init__(self, delta: float = 1.0,
                 reduction: Any = "sum_over_batch_size"):
        super().__init__(reduction)
        self.delta = check.positive("Huber", "delta", delta)

    def per_example(self, y_true, y_pred):
        e = np.abs(y_pred - y_true)
        d = self.delta
        return np.mean(np.where(e <= d, 0.5 * e * e, d * e - 0.5 * d * d),
                       axis=-1)

    def per_example_gradient(self, y_true, y_pred):
        e = y_pred - y_true
        g = np.where(np.abs(e) <= self.delta, e, self.delta * np.sign(e))
        return g / y_pred.shape[-1]

    def get_config(self):
        return {"delta": self.delta, **super().get_config()}


class _CrossEntropy(Loss):
    """What the cross-entropies share: ``from_logits`` and the fusion.

    Args:
        from_logits: y_pred holds logits z rather than probabilities.
        reduction: see ``Loss``.
    """

    def __init__(self, from_logits: bool = False,
                 reduction: Any = "sum_over_batch_size"):
        super().__init__(reduction)
        self.from_logits = check.boolean(type(self).__name__,
                                         "from_logits", from_logits)

    def get_config(self):
        return {"from_logits": self.from_logits, **super().get_config()}


class _SmoothedCrossEntropy(_CrossEntropy):
    """A cross-entropy with Keras' ``label_smoothing`` argument.

    The targets are softened before the loss sees them, as in Keras:
    ``t' = t (1 - s) + s / K`` with K = 2 for the binary loss and K the
    number of classes for the categorical one. Both the value and the
    gradient then use t' in place of t.

    Args:
        label_smoothing: s in [0, 1], default 0.
    """

    def __init__(self, from_logits: bool = False,
                 label_smoothing: float = 0.0,
                 reduction: Any = "sum_over_batch_size"):
        super().__init__(from_logits, reduction)
        self.label_smoothing = check.number(
            type(self).__name__, "label_smoothing", label_smoothing, 0.0,
            1.0)

    def _smooth(self, y_true, classes: int):
        """``t (1 - s) + s / classes``, Keras' order of operations."""
        s = self.label_smoothing
        if not s:
            return y_true
        return y_true * (1.0 - s) + s / classes

    def get_config(self):
        cfg = super().get_config()
        if self.label_smoothing:
            cfg["label_smoothing"] = self.label_smoothing
        return cfg


# The cross-entropies' docstrings inherit their Args from _CrossEntropy
# and _SmoothedCrossEntropy (nnkit._docs: help() and the API page show
# them).
class BinaryCrossentropy(_SmoothedCrossEntropy):
    """-[t log p + (1 - t) log(1 - p)], averaged over the last axis.

    ``label_smoothing`` s in [0, 1] replaces t by ``t (1 - s) + s / 2``
    (Keras' rule: 0 becomes s/2, 1 becomes 1 - s/2).

    From logits z: ``max(z, 0) - z t + log(1 + e^-|z|)``, gradient
    sigmoid(z) - t. From probabilities: p is clipped to [eps, 1 - eps];
    gradient (p - t) / (p (1 - p)) inside the clip range, 0 outside
    (:ref:`keras-conventions`).
    """

    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def prepare(self, y_true, y_pred):
        y_true, y_pred = super().prepare(y_true, y_pred)
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
            p, _ = _clip(y_pred)
            per = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        return np.mean(per, axis=-1)

    def per_example_gradient(self, y_true, y_pred):
        d = y_pred.shape[-1]
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) / d
        p, inside = _clip(y_pred)
        g = (p - y_true) / (p * (1.0 - p))
        return np.where(inside, g, 0.0).astype(y_pred.dtype) / d


class CategoricalCrossentropy(_SmoothedCrossEntropy):
    """-sum_k t_k log p_k for one-hot (or soft) targets t.

    ``label_smoothing`` s in [0, 1] replaces t by ``t (1 - s) + s / C``
    for C classes (Keras' rule), so every class keeps some probability.

    From probabilities, Keras first renormalises p to sum to 1, then
    clips it to [eps, 1 - eps]. From logits z the value is
    logsumexp(z) - sum_k t_k z_k and the gradient softmax(z) - t.
    """

    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def prepare(self, y_true, y_pred):
        y_true, y_pred = super().prepare(y_true, y_pred)
        return self._smooth(y_true, y_pred.shape[-1]), y_pred

    def _shape_hint(self, y_true, y_pred):
        if y_true.shape[:-1] == y_pred.shape[:-1] and y_true.shape[-1] == 1:
            return ("; y_true looks like integer labels: use "
                    "'sparse_categorical_crossentropy' or one-hot encode "
                    "them")
        return ""

    def per_example(self, y_true, y_pred):
        if self.from_logits:
            return -np.sum(y_true * log_softmax(y_pred), axis=-1)
        q, _ = _clip(y_pred / np.sum(y_pred, axis=-1, keepdims=True))
        return -np.sum(y_true * np.log(q), axis=-1)

    def per_example_gradient(self, y_true, y_pred):
        if self.from_logits:
            return (softmax(y_pred) * np.sum(y_true, -1, keepdims=True)
                    - y_true)
        s = np.sum(y_pred, axis=-1, keepdims=True)
        q = y_pred / s
        q_clipped, inside = _clip(q)
        gq = np.where(inside, -y_true / q_clipped, 0.0)
        # q = p / sum(p): dq_i/dp_j = (delta_ij - q_i) / s
        gp = (gq - np.sum(gq * q, axis=-1, keepdims=True)) / s
        return gp.astype(y_pred.dtype)


class SparseCategoricalCrossentropy(_CrossEntropy):
    """Categorical cross-entropy with integer labels y in {0..C-1}.

    Keras' probability form is -log(c_y / sum(c)) with c = clip(p).

    Keras 3 gives this loss no ``label_smoothing`` (it would need the
    one-hot targets): one-hot encode the labels and use
    ``CategoricalCrossentropy(label_smoothing=...)``.
    """

    name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def __init__(self, from_logits: bool = False,
                 reduction: Any = "sum_over_batch_size", **kwargs: Any):
        if "label_smoothing" in kwargs:
            raise TypeError(
                "SparseCategoricalCrossentropy has no label_smoothing (as "
                "in Keras 3): one-hot encode the labels and use "
                "CategoricalCrossentropy(label_smoothing=...)")
        if kwargs:
            raise TypeError(f"SparseCategoricalCrossentropy got unexpected "
                            f"arguments {sorted(kwargs)}")
        super().__init__(from_logits, reduction)

    @staticmethod
    def _squeeze(y, y_pred):
        """Labels shaped (N, ..., 1) as (N, ...): Keras takes both."""
        return (y[..., 0] if y.ndim == y_pred.ndim and y.shape[-1] == 1
                else y)

    def prepare(self, y_true, y_pred):
        y, y_pred = self._arrays(y_true, y_pred)
        y = self._squeeze(y, y_pred)
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

    def value_and_gradient(self, y_true, y_pred, sample_weight=None,
                           mask=None, labels_checked=False):
        """``Loss.value_and_gradient``; from logits z, one softmax serves
        both: with s = z - max(z) and e = exp(s),

            l = -(s_y - log sum(e))          dl/dz = e / sum(e) - onehot(y)

        (the same arithmetic as ``per_example`` and
        ``per_example_gradient``), and checked labels are not checked
        again.
        """
        if not self.from_logits:
            return super().value_and_gradient(y_true, y_pred,
                                              sample_weight, mask)
        if labels_checked:     # prepare's alignment, without its checks
            z = y_pred
            y = self._squeeze(np.asarray(y_true), z).astype(np.int64,
                                                            copy=False)
        else:
            y, z = self.prepare(y_true, y_pred)
        s = z - np.max(z, axis=-1, keepdims=True)
        e = np.exp(s)
        total = np.sum(e, axis=-1, keepdims=True)
        # each row's entry at its label (rows: every axis but the last)
        at_label = (np.arange(y.size), y.reshape(-1))
        values = -(s.reshape(-1, s.shape[-1])[at_label].reshape(y.shape)
                   - np.log(total)[..., 0])
        g = e / total
        g.reshape(-1, g.shape[-1])[at_label] -= 1.0
        return (self._reduce(values, z, sample_weight, mask),
                self._chain(g, z, sample_weight, mask))

    def per_example(self, y_true, y_pred):
        if self.from_logits:
            return -self._pick(log_softmax(y_pred), y_true)
        c, _ = _clip(y_pred)
        return (np.log(np.sum(c, axis=-1)) - np.log(self._pick(c, y_true)))

    def per_example_gradient(self, y, y_pred):
        onehot = np.zeros_like(y_pred)
        np.put_along_axis(onehot, y[..., None], 1.0, axis=-1)
        if self.from_logits:
            return softmax(y_pred) - onehot
        c, inside = _clip(y_pred)
        g = 1.0 / np.sum(c, axis=-1, keepdims=True) - onehot / c
        return np.where(inside, g, 0.0).astype(y_pred.dtype)


_REGISTRY: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MeanSquaredError, HalfSquaredError, MeanAbsoluteError,
                Huber,
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
        return check.from_config("loss", identifier, _REGISTRY)
    if isinstance(identifier, str):
        return check.by_name("loss", identifier, _REGISTRY, _ALIASES,
                             set(_REGISTRY) | set(_ALIASES))()
    hint = (" (a plain function has no gradient: subclass "
            "nnkit.losses.Loss and give it a gradient method)"
            if callable(identifier) else "")
    raise check.not_an_identifier(
        "a loss", "a name such as 'mse', a config dict or an "
        "nnkit.losses.Loss", identifier, hint)


def serialize(loss: Loss) -> Any:
    cfg = loss.get_config()
    return {"name": loss.name, **cfg} if cfg else loss.name
